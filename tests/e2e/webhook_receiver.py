"""A real webhook receiver for the end-to-end tests: an HTTP(S) server inside the test process.

`Receiver()` listens on 127.0.0.1 (port 0) in a thread of its own and records every request it gets
(method, path, headers, the raw body bytes, the wall-clock arrival time). What it answers follows a
programmable plan, one entry per request, then `default`:

    Receiver(plan=[500, 200])                         # fail once, then acknowledge
    Receiver(plan=[(429, {"Retry-After": "120"})])    # throttle once with a Retry-After header
    Receiver(default=HANG)                            # never answer (the dead-receiver case)

Signatures are checked here independently of the emulator: `verify(secret)` recomputes
HMAC-SHA256(secret, f"{ts}.{raw body}") over the exact bytes received, as the contract says a real
receiver (the SDK's verify_signature) does.
"""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import ssl
import threading
import time
from dataclasses import dataclass, field

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


class Receiver:
    def __init__(self, plan=None, default=200, tls: ssl.SSLContext | None = None, host="127.0.0.1"):
        self.plan = list(plan or [])
        self.default = default
        self.received: list[Received] = []
        self._cond = threading.Condition()
        self._closing = threading.Event()
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

        self.server = Server((host, 0), Handler)
        self.scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
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

    def stays_at(self, n: int, seconds: float = 0.4) -> bool:
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
