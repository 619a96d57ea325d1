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

Also here: `check_payload` (the contract's 26 fields and JSON types, plus `operation` for clients on
2026-09), `check_headers` (the signature-version and event-id headers), `Logs` (the emulator's
/_sandbox/webhooks/events and /deliveries, with waits for delivery outcomes), the `receivers`
fixture, and `hooked_world` (a manual-clock emulator whose default client posts to a receiver).
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

RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SMALLEST_UNIT_RE = re.compile(r"^(0|[1-9]\d*)$")  # an integer count of the token's smallest unit
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
EVENT_TYPES = ("transaction.confirming", "transaction.confirmed", "transaction.failed", "transfer.credited",
               "x402.settlement.confirmed")
OPERATIONS = ("TRANSFER", "PROGRAM_CALL", "CONTRACT_CALL", "DEPOSIT", "X402")
DELIVERY_STATUSES = ("pending", "queued", "sending", "succeeded", "failed")

# The 26 payload fields and their JSON types.
STR, INT, BOOL, NUM, TIME, TIME_OR_NULL = "str", "int", "bool", "num", "time", "time|null"
PAYLOAD_FIELDS = {
    "event_id": STR, "event_type": STR, "event_time": TIME, "source_id": STR, "wallet_id": STR,
    "account_id": STR, "status": STR, "transaction_type": STR, "chain": STR, "network": STR, "txhash": STR,
    "block_number": INT, "from": STR, "to": STR, "symbol": STR, "contract_address": STR, "amount": STR,
    "decimals": INT, "confirmations": INT, "required_confirmations": INT, "created_at": TIME,
    "confirmed_at": TIME_OR_NULL, "risk_checked": BOOL, "risk_score": NUM, "risk_level": STR, "data": STR,
}
assert len(PAYLOAD_FIELDS) == 26


def _is_int(v) -> bool:
    return type(v) is int


def check_payload(p: dict, operation: bool = False) -> dict:
    """Exactly the contract's 26 fields, each of its JSON type; with `operation` (a client on
    2026-09) also `operation`, and without it no `operation`."""
    assert isinstance(p, dict), p
    expected = set(PAYLOAD_FIELDS) | ({"operation"} if operation else set())
    assert set(p) == expected, f"fields differ: missing {expected - set(p)}, extra {set(p) - expected}"
    if operation:
        assert p["operation"] in OPERATIONS, p
    for k, kind in PAYLOAD_FIELDS.items():
        v = p[k]
        if kind == STR:
            assert isinstance(v, str), f"{k} must be a string: {v!r}"
        elif kind == INT:
            assert _is_int(v), f"{k} must be an integer: {v!r}"
        elif kind == BOOL:
            assert type(v) is bool, f"{k} must be a boolean: {v!r}"
        elif kind == NUM:
            assert type(v) in (int, float), f"{k} must be a number: {v!r}"
        elif kind == TIME:
            assert isinstance(v, str) and RFC3339_Z.match(v), f"{k} must be an RFC 3339 string: {v!r}"
        else:
            assert v is None or (isinstance(v, str) and RFC3339_Z.match(v)), f"{k} must be RFC 3339 or null: {v!r}"
    assert UUID_RE.match(p["event_id"]), f"event_id is not a UUID: {p['event_id']!r}"
    assert p["event_type"] in EVENT_TYPES, p
    assert p["transaction_type"] in ("INBOUND", "OUTBOUND", "INTERNAL", "SWEEP", "GAS_REFUEL"), p
    assert (p["event_type"] == "transfer.credited") == (p["transaction_type"] == "INTERNAL"), p
    assert SMALLEST_UNIT_RE.match(p["amount"]), f"amount is not an integer of smallest units: {p['amount']!r}"
    assert p["block_number"] >= 0 and p["confirmations"] >= 0 and p["required_confirmations"] > 0, p
    # Nothing is screened in the sandbox.
    assert (p["risk_checked"], p["risk_score"], p["risk_level"]) == (False, 0, "UNSCANNED"), p
    assert p["data"] == "" or re.match(r"^0x[0-9a-fA-F]*$", p["data"]), p
    return p


def smallest_units(amount: str, decimals: int) -> str:
    """A human decimal amount (as the API shows it) in the token's smallest unit, as webhooks send it."""
    v = Decimal(amount) * (Decimal(10) ** decimals)
    assert v == v.to_integral_value(), (amount, decimals)
    return str(int(v))


def check_event_row(e: dict) -> dict:
    """One entry of GET /_sandbox/webhooks/events."""
    assert set(e) == {"event_id", "event_type", "tx_id", "client_id", "created_at", "payload"}, e
    check_payload(e["payload"], operation="operation" in e["payload"])
    assert e["event_id"] == e["payload"]["event_id"] and e["event_type"] == e["payload"]["event_type"], e
    assert e["tx_id"] == e["payload"]["source_id"], e
    assert isinstance(e["client_id"], str) and e["client_id"], e
    assert RFC3339_Z.match(e["created_at"]), e
    return e


DELIVERY_KEYS = {"delivery_id", "event_id", "event_type", "tx_id", "client_id", "status", "attempts",
                 "next_attempt_at", "last_status_code", "last_error", "last_latency_ms", "last_attempt_at", "url",
                 "created_at"}


def check_delivery(d: dict) -> dict:
    """One entry of GET /_sandbox/webhooks/deliveries."""
    assert set(d) == DELIVERY_KEYS, f"delivery keys differ: {set(d) ^ DELIVERY_KEYS}"
    assert d["delivery_id"].startswith("whd_") and UUID_RE.match(d["event_id"]), d
    assert d["event_type"] in EVENT_TYPES, d
    assert d["status"] in DELIVERY_STATUSES, d
    assert _is_int(d["attempts"]) and d["attempts"] >= 0, d
    for k in ("next_attempt_at", "last_attempt_at"):
        assert d[k] is None or RFC3339_Z.match(d[k]), d
    assert (d["next_attempt_at"] is not None) == (d["status"] == "pending"), d
    assert d["last_status_code"] is None or _is_int(d["last_status_code"]), d
    assert d["last_latency_ms"] is None or (_is_int(d["last_latency_ms"]) and d["last_latency_ms"] >= 0), d
    assert isinstance(d["last_error"], str) and isinstance(d["url"], str), d
    assert RFC3339_Z.match(d["created_at"]), d
    if d["attempts"] == 0:
        assert d["last_attempt_at"] is None and d["last_status_code"] is None, d
    else:
        assert d["last_attempt_at"] is not None, d
    return d


class Logs:
    """The emulator's webhook event and delivery logs (/_sandbox/webhooks/*)."""

    def __init__(self, api):
        self.api = api

    def _list(self, path, check, params):
        r = self.api.req("GET", path, params={k: v for k, v in params.items() if v is not None})
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"data", "total", "has_more"}, body
        assert _is_int(body["total"]) and type(body["has_more"]) is bool, body
        for item in body["data"]:
            check(item)
        return body

    def events_page(self, **params) -> dict:
        return self._list("/_sandbox/webhooks/events", check_event_row, params)

    def events(self, **params) -> list:
        params.setdefault("limit", 1000)
        return self.events_page(**params)["data"]

    def event(self, event_id) -> dict:
        r = self.api.req("GET", f"/_sandbox/webhooks/events/{event_id}")
        assert r.status_code == 200, r.text
        return check_event_row(r.json())

    def deliveries_page(self, **params) -> dict:
        return self._list("/_sandbox/webhooks/deliveries", check_delivery, params)

    def deliveries(self, **params) -> list:
        params.setdefault("limit", 1000)
        return self.deliveries_page(**params)["data"]

    def wait_deliveries(self, pred, timeout: float = 5.0, what: str = "", **params) -> list:
        """Polls the delivery log until pred(deliveries) holds (outcomes are recorded within a poll
        interval of the receiver's answer); returns the deliveries."""
        deadline = time.monotonic() + timeout
        while True:
            ds = self.deliveries(**params)
            if pred(ds):
                return ds
            if time.monotonic() > deadline:
                raise AssertionError(f"delivery log never satisfied {what or pred}: {ds}")
            time.sleep(0.02)

    def wait_settled(self, n: int, timeout: float = 5.0, **params) -> list:
        """Waits until `n` deliveries match and none of them is pending or sending."""
        return self.wait_deliveries(lambda ds: len(ds) == n and all(d["status"] in ("succeeded", "failed") for d in ds),
                                    timeout, f"{n} settled deliveries", **params)


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
