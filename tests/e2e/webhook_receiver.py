"""A real webhook receiver for the end-to-end tests: an HTTP(S) server inside the test process.

`Receiver()` listens on 127.0.0.1 (port 0) in a thread of its own and records every request it gets
(method, path, headers, the raw body bytes, the wall-clock arrival time). What it answers follows a
programmable plan, one entry per request, then `default`:

    Receiver(plan=[500, 200])                         # fail once, then acknowledge
    Receiver(plan=[(429, {"Retry-After": "120"})])    # throttle once with a Retry-After header
    Receiver(default=HANG)                            # never answer (the dead-receiver case)
    r.gate.clear() ... r.gate.set()                   # hold every answer until the test lets it go

Signatures are checked here independently of the emulator: `check_signed(received, secret)`
recomputes HMAC-SHA256(secret, f"{ts}.{raw body}") over the exact bytes received, as the contract
says a real receiver (the SDK's verify_signature) does, and checks the timestamp is the wall clock.

Also here: `check_headers` (the signature-version and event-id headers), the `receivers` fixture,
and `hooked_world` (a manual-clock emulator whose default client posts to a receiver);
`check_payload` (the contract's 26 fields and JSON types) and `Logs` (the emulator's
/_sandbox/webhooks/events and /deliveries, with waits for delivery outcomes) live in
webhook_checks.py and are re-exported from here.
"""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest

from webhook_checks import (  # noqa: F401  (re-exported: tests import them from here)
    _is_int, check_delivery, check_event_row, check_payload, DELIVERY_KEYS, DELIVERY_STATUSES, EVENT_TYPES,
    Logs, OPERATIONS, PAYLOAD_FIELDS, RFC3339_Z, SMALLEST_UNIT_RE, smallest_units, UUID_RE,
)

HANG = "hang"  # a plan entry: read the request, then never answer (until the receiver closes)


@dataclass
class Received:
    method: str
    path: str
    headers: dict  # lower-case name -> value
    body: bytes
    at: float  # time.time() when the body had been read
    answered: object = None  # what the plan said for this request

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.json["event_id"]

    @property
    def timestamp(self) -> str:
        return self.headers.get("x-paratro-timestamp", "")

    @property
    def signature(self) -> str:
        return self.headers.get("x-paratro-signature", "")


def check_headers(r: Received):
    """The headers the gateway's webhook reference adds to the signature: the scheme's version and
    the event's id (the receiver's de-duplication key)."""
    assert r.headers.get("x-paratro-signature-version") == "v1", r.headers
    assert r.headers.get("x-paratro-event-id") == r.json["event_id"], (r.headers, r.body)


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def check_signed(r: Received, secret: str, tolerance_s: float = 5.0):
    """Asserts the request is a correctly signed webhook POST whose timestamp is the wall clock of
    its arrival (within `tolerance_s`)."""
    assert r.method == "POST", r
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    ts = r.timestamp
    assert ts.isdigit(), f"X-Paratro-Timestamp must be unix seconds: {ts!r}"
    assert abs(int(ts) - r.at) <= tolerance_s, f"timestamp {ts} is not the wall clock of the attempt ({r.at:.0f})"
    sig = r.signature
    assert sig.startswith("v1=") and len(sig) == 67 and sig[3:] == sig[3:].lower(), f"bad signature header {sig!r}"
    assert hmac.compare_digest(sig, expected_signature(secret, ts, r.body)), \
        f"signature mismatch: got {sig}, expected {expected_signature(secret, ts, r.body)} for {r.body!r}"
    check_headers(r)


class Receiver:
    def __init__(self, plan=None, default=200, tls: ssl.SSLContext | None = None, host="127.0.0.1"):
        self.plan = list(plan or [])
        self.default = default
        self.received: list[Received] = []
        self._cond = threading.Condition()
        self._closing = threading.Event()
        # Answers wait while the gate is closed (the request is recorded first, so wait_for sees it).
        self.gate = threading.Event()
        self.gate.set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like a real receiver behind a proxy

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                rec = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                               time.time())
                with receiver._cond:
                    answer = receiver.plan.pop(0) if receiver.plan else receiver.default
                    rec.answered = answer
                    receiver.received.append(rec)
                    receiver._cond.notify_all()
                receiver.gate.wait(30)
                if answer == HANG:
                    receiver._closing.wait()
                    self.close_connection = True
                    return
                status, headers = (answer, {}) if isinstance(answer, int) else answer
                out = json.dumps({"received": status < 300}).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_POST = _handle
            do_PUT = _handle
            do_GET = _handle

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def finish_request(self, request, client_address):
                # TLS handshakes run on the connection's own thread, never on the accept loop.
                if tls is not None:
                    request.settimeout(5)
                    try:
                        request = tls.wrap_socket(request, server_side=True)
                    except (ssl.SSLError, OSError) as e:
                        with receiver._cond:
                            receiver.tls_errors.append(repr(e))
                        return
                    request.settimeout(None)
                super().finish_request(request, client_address)

            def handle_error(self, request, client_address):
                pass  # a client that hangs up is not a test failure

        self.tls_errors: list[str] = []
        self.server = Server((host, 0), Handler)
        self.scheme = "https" if tls is not None else "http"
        self.port = self.server.server_address[1]
        self.host = host
        self.url = f"{self.scheme}://{host}:{self.port}/hooks/paratro"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ control

    def set_plan(self, plan, default=None):
        with self._cond:
            self.plan = list(plan)
            if default is not None:
                self.default = default

    def close(self):
        self._closing.set()
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with self._cond:
            return len(self.received)

    def snapshot(self) -> list[Received]:
        with self._cond:
            return list(self.received)

    def wait_for(self, n: int, timeout: float = 5.0, what: str = "") -> list[Received]:
        """Waits until at least `n` requests arrived; returns all of them (in arrival order)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver got {len(self.received)} request(s), expected {n} {what}: "
                                         f"{[r.body[:120] for r in self.received]}")
                self._cond.wait(left)
            return list(self.received)

    def wait_until(self, pred, timeout: float = 5.0, what: str = "") -> list[Received]:
        """Waits until pred(list of requests) is true; returns the list."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not pred(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver condition not met {what}: "
                                         f"{[r.body[:160] for r in self.received]}")
                self._cond.wait(left)
            return list(self.received)

    def stays_at(self, n: int, seconds: float = 0.25) -> bool:
        """True when no request beyond the first `n` arrives within `seconds` (the dispatcher polls
        every 20 ms, so a due delivery would arrive well within this)."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while len(self.received) <= n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return True
                self._cond.wait(left)
            return False

    def events(self) -> list[dict]:
        return [r.json for r in self.snapshot()]


# ------------------------------------------------------------------------------------------------
# Payload, event-log and delivery-log checks (CONTRACT.md, "Webhooks")
# ------------------------------------------------------------------------------------------------
# Fixtures and set-up shared by test_webhooks*.py
# ------------------------------------------------------------------------------------------------

SECRET = "whsec_e2e_0123456789abcdef0123456789abcdef"


@pytest.fixture
def receivers():
    """make(plan=..., default=..., tls=...) -> a started Receiver, closed at teardown."""
    made: list[Receiver] = []

    def make(*args, **kw) -> Receiver:
        r = Receiver(*args, **kw)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def hooked_world(launch, receiver_url, *extra, secret=SECRET, **kw):
    """A fresh emulator on a manual clock whose default client posts webhooks to `receiver_url`;
    returns (server, sandbox, logs)."""
    from chain_helpers import manual_world
    args = ["--webhook-url", receiver_url] if receiver_url else []
    if secret:
        args += ["--webhook-secret", secret]
    server, sb = manual_world(launch, *args, *extra, **kw)
    return server, sb, Logs(server.api)


def put_webhook(api, client_id, body):
    return api.req("PUT", f"/_sandbox/clients/{client_id}/webhook", json=body)


def set_webhook(api, client_id, url, secret=None) -> dict:
    body = {"url": url}
    if secret is not None:
        body["secret"] = secret
    r = put_webhook(api, client_id, body)
    assert r.status_code == 200, r.text
    cfg = r.json()
    assert cfg["client_id"] == client_id and cfg["url"] == url, cfg
    return cfg
