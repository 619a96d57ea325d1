"""Helpers shared by the security-factor tests (test_security_factors*.py): the control endpoints'
paths and calls, and the checked shape of one factor."""
from __future__ import annotations

import re

from chain_helpers import Sandbox
from e2e_helpers import assert_error

FACTOR_KEYS = {"factor_id", "client_id", "factor_type", "chain", "address", "label", "reason", "status", "created_at",
               "updated_at"}
FACTOR_ID = re.compile(r"^sf_[A-Za-z0-9_-]+$")


def factors_path(client_id, *rest) -> str:
    return "/".join([f"/_sandbox/clients/{client_id}/security-factors", *rest])


def add(api, client_id, **body):
    return api.req("POST", factors_path(client_id), json=body)


def added(api, client_id, **body) -> dict:
    r = add(api, client_id, **body)
    assert r.status_code == 201, r.text
    return check_factor(r.json())


def listed(api, client_id, **params) -> dict:
    r = api.req("GET", factors_path(client_id), params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data", "total", "require_whitelist"}, body
    assert body["total"] == len(body["data"]) and type(body["require_whitelist"]) is bool, body
    for f in body["data"]:
        check_factor(f)
    return body


def check_factor(f: dict) -> dict:
    assert set(f) == FACTOR_KEYS, f
    assert FACTOR_ID.match(f["factor_id"]), f
    assert f["factor_type"] in ("WHITELIST", "BLACKLIST") and f["status"] in ("ACTIVE", "INACTIVE"), f
    assert all(isinstance(f[k], str) for k in FACTOR_KEYS), f
    return f


def settings(api, client_id, body=None):
    if body is None:
        return api.req("GET", factors_path(client_id, "settings"))
    return api.req("PUT", factors_path(client_id, "settings"), json=body)


def require_whitelist(api, client_id, on: bool):
    r = settings(api, client_id, {"require_whitelist": on})
    assert r.status_code == 200, r.text
    assert r.json() == {"client_id": client_id, "require_whitelist": on}


def swapcase_hex(address: str) -> str:
    """The same EVM address in other letter case (all lower-case, or upper-case hex)."""
    low = address.lower()
    return low if low != address else "0x" + address[2:].upper()


# --------------------------------------------------------------------------------------------
# Enforcement
# --------------------------------------------------------------------------------------------


def refused(tenant, account, to, chain="ethereum", symbol="USDT", why="blacklisted"):
    """A transfer to `to` answers 403 address_blacklisted and changes nothing the tenant or the
    ledger can see."""
    ledger = Sandbox(tenant.api).ledger()
    before = tenant.snapshot()
    r = tenant.transfer(account["address"], to, chain, symbol, "10")
    body = assert_error(r, "address_blacklisted", field=why)
    assert tenant.snapshot() == before
    assert Sandbox(tenant.api).ledger() == ledger
    return body


def sent(tenant, account, to, chain="ethereum", symbol="USDT") -> str:
    r = tenant.transfer(account["address"], to, chain, symbol, "10")
    assert r.status_code == 200, r.text
    return r.json()["tx_id"]
