"""The end-to-end suite's checks of response shapes (CONTRACT.md): the error body and its code/type
table, field types (strings, integers, booleans, RFC 3339 times, plain decimals), and one check per
resource (token, wallet, account, asset, transaction, transfer, list page). e2e_helpers re-exports
every name.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal


# --------------------------------------------------------------------------------------------
# Response shape checks (CONTRACT.md)
# --------------------------------------------------------------------------------------------

ERROR_TABLE = {
    "bad_request": (400, "invalid_request_error"),
    "invalid_parameter": (400, "invalid_request_error"),
    "validation_failed": (400, "invalid_request_error"),
    "unauthorized": (401, "authentication_error"),
    "invalid_token": (401, "authentication_error"),
    "token_expired": (401, "authentication_error"),
    "forbidden": (403, "permission_error"),
    "not_found": (404, "not_found_error"),
    "conflict": (409, "conflict_error"),
    "too_many_requests": (429, "rate_limit_error"),
    "wallet_limit_reached": (400, "business_error"),
    "insufficient_balance": (400, "business_error"),
    "invalid_address": (400, "business_error"),
    "transaction_failed": (400, "business_error"),
    "asset_already_exists": (400, "business_error"),
    "wallet_not_active": (400, "business_error"),
    "account_not_active": (400, "business_error"),
    "concurrency_error": (400, "business_error"),
    "internal_error": (500, "api_error"),
    "service_unavailable": (503, "api_error"),
    "address_blacklisted": (403, "permission_error"),
}


def check_error_shape(resp) -> dict:
    """Every error body: exactly code/type/message, all non-empty strings, JSON content type."""
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert isinstance(body, dict), body
    assert set(body) == {"code", "type", "message"}, body
    for k in ("code", "type", "message"):
        assert isinstance(body[k], str) and body[k].strip(), body
    return body


def assert_error(resp, code, status=None, field=None) -> dict:
    """Asserts an error response with `code`; HTTP status and type come from the contract's table."""
    if status is None:
        status = ERROR_TABLE[code][0]
    assert resp.status_code == status, f"expected {status} {code}, got {resp.status_code} {resp.text}"
    body = check_error_shape(resp)
    assert body["code"] == code, body
    if code in ERROR_TABLE:
        assert body["type"] == ERROR_TABLE[code][1], body
    if field is not None:
        assert field in body["message"], f"message should name {field!r}: {body}"
    return body


RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DECIMAL_RE = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def is_int(v) -> bool:
    return type(v) is int  # bool is an int subclass; the contract's integers are not booleans


def check_str(obj, key, nonempty=True):
    assert key in obj, f"missing {key!r} in {obj}"
    v = obj[key]
    assert isinstance(v, str), f"{key} must be a string, got {type(v).__name__}: {obj}"
    if nonempty:
        assert v != "", f"{key} must not be empty: {obj}"
    return v


def check_int(obj, key):
    assert key in obj, f"missing {key!r} in {obj}"
    assert is_int(obj[key]), f"{key} must be an integer, got {type(obj[key]).__name__}: {obj}"
    return obj[key]


def check_bool(obj, key):
    assert key in obj, f"missing {key!r} in {obj}"
    assert type(obj[key]) is bool, f"{key} must be a boolean: {obj}"
    return obj[key]


def check_time(obj, key) -> _dt.datetime:
    v = check_str(obj, key)
    assert RFC3339_RE.match(v), f"{key} is not RFC 3339: {v!r}"
    t = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    assert t.tzinfo is not None
    return t


def check_decimal(obj, key, max_decimals=None) -> Decimal:
    v = check_str(obj, key)
    assert DECIMAL_RE.match(v), f"{key} is not a plain decimal string: {v!r}"
    if max_decimals is not None and "." in v:
        assert len(v.split(".")[1]) <= max_decimals, f"{key} has more than {max_decimals} decimals: {v!r}"
    return Decimal(v)


def check_token_response(t: dict):
    assert isinstance(t, dict)
    tok = check_str(t, "token")
    assert len(tok.split(".")) == 3, tok
    assert check_str(t, "token_type") == "Bearer"
    assert check_int(t, "expires_in") > 0
    c = t["client"]
    assert isinstance(c, dict), t
    for k in ("client_id", "client_name", "status", "subscription_tier"):
        check_str(c, k)
    check_int(c, "max_wallets")


def check_wallet(w: dict):
    assert isinstance(w, dict), w
    for k in ("wallet_id", "client_id", "wallet_name"):
        check_str(w, k)
    check_str(w, "description", nonempty=False)
    assert check_str(w, "status") in ("PROGRESSING", "ACTIVE"), w
    assert check_str(w, "key_status") in ("GENERATING", "ACTIVE"), w
    created = check_time(w, "created_at")
    updated = check_time(w, "updated_at")
    assert updated >= created, w


def check_account(a: dict):
    assert isinstance(a, dict), a
    for k in ("account_id", "wallet_id", "client_id", "address", "network", "address_type", "status", "chain"):
        check_str(a, k)
    check_str(a, "label", nonempty=False)
    check_time(a, "created_at")


ASSET_TYPES = ("NATIVE", "ERC20", "BEP20", "TRC20")


def check_asset(a: dict):
    assert isinstance(a, dict), a
    for k in ("asset_id", "account_id", "wallet_id", "client_id", "chain", "network", "symbol", "name",
              "contract_address"):
        check_str(a, k)
    d = check_int(a, "decimals")
    assert 0 <= d <= 38, a
    assert check_str(a, "asset_type") in ASSET_TYPES, a
    check_decimal(a, "balance", d)
    check_decimal(a, "locked_balance", d)
    check_bool(a, "is_active")
    check_time(a, "created_at")
    if a["asset_type"] == "NATIVE":
        assert a["contract_address"] == "0x", a


TX_STATUSES = ("PENDING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED", "FAILED")


def check_transaction(t: dict):
    assert isinstance(t, dict), t
    for k in ("tx_id", "wallet_id", "client_id", "chain", "from_address", "to_address", "token_symbol"):
        check_str(t, k)
    assert check_str(t, "transaction_type") == "TRANSFER", t
    amount = check_decimal(t, "amount")
    assert amount > 0, t
    assert check_str(t, "status") in TX_STATUSES, t
    check_str(t, "tx_hash", nonempty=False)
    assert check_str(t, "direction") in ("OUTBOUND", "INBOUND"), t
    assert check_int(t, "block_number") >= 0
    assert check_int(t, "confirmations") >= 0
    check_time(t, "created_at")


def check_transfer_response(r: dict):
    assert isinstance(r, dict), r
    check_str(r, "tx_id")
    assert check_str(r, "status") == "PENDING", r
    check_str(r, "message")


def check_list(body: dict, item_check) -> list:
    assert isinstance(body, dict), body
    assert isinstance(body.get("data"), list), body
    check_int(body, "total")
    check_bool(body, "has_more")
    for item in body["data"]:
        item_check(item)
    return body["data"]
