"""Webhook checks of the end-to-end suite: the payload's 26 fields and JSON types (plus `operation`
for clients on 2026-09), amounts in smallest units, the rows of /_sandbox/webhooks/events and
/deliveries, and `Logs`, which reads those logs and waits for delivery outcomes. webhook_receiver
re-exports every name.
"""
from __future__ import annotations

import re
import time
from decimal import Decimal


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
