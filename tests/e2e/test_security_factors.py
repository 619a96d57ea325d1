"""Address blacklists and whitelists ("security factors") end to end: the control endpoints under
/_sandbox/clients/{id}/security-factors (list with filters, add, change status, delete, the
require_whitelist switch) and their errors; the fixture fields; snapshots and reset; and the 1.6.0
SDKs' portal routes, which the gateway does not serve (404). Transfers refused by a factor are in
test_security_factors_transfers.py."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from e2e_helpers import HOLD_PENDING, assert_error, emulator_bin, random_evm_address, tron_address
from security_factor_helpers import (add, added, factors_path, listed, refused, require_whitelist, sent, settings,
                                     swapcase_hex)

SERVER_ARGS = HOLD_PENDING

CI = Path(__file__).resolve().parents[2] / "fixtures" / "ci.json"


# --------------------------------------------------------------------------------------------
# The control endpoints
# --------------------------------------------------------------------------------------------


def test_add_list_get_change_status_delete(api, tenant):
    cid = tenant.client_id
    assert listed(api, cid) == {"data": [], "total": 0, "require_whitelist": False}
    evm = random_evm_address()
    bl = added(api, cid, factor_type="BLACKLIST", chain="Ethereum", address=evm, label="scam", reason="phishing")
    assert {k: bl[k] for k in ("client_id", "factor_type", "chain", "address", "label", "reason", "status")} == \
        {"client_id": cid, "factor_type": "BLACKLIST", "chain": "ethereum", "address": evm, "label": "scam",
         "reason": "phishing", "status": "ACTIVE"}
    assert bl["created_at"] == bl["updated_at"]
    wl = added(api, cid, factor_type="WHITELIST", chain="tron", address=tron_address(), status="INACTIVE")
    assert (wl["label"], wl["reason"], wl["status"]) == ("", "", "INACTIVE"), wl
    # The same address may be on both lists, and on another chain.
    both = added(api, cid, factor_type="WHITELIST", chain="ethereum", address=evm)
    other_chain = added(api, cid, factor_type="BLACKLIST", chain="polygon", address=evm)

    everything = listed(api, cid)["data"]
    assert [f["factor_id"] for f in everything] == [bl["factor_id"], wl["factor_id"], both["factor_id"],
                                                    other_chain["factor_id"]]
    assert everything[0] == bl
    ids = lambda **q: [f["factor_id"] for f in listed(api, cid, **q)["data"]]  # noqa: E731
    assert ids(chain="ETHEREUM") == [bl["factor_id"], both["factor_id"]]
    assert ids(factor_type="BLACKLIST") == [bl["factor_id"], other_chain["factor_id"]]
    assert ids(status="INACTIVE") == [wl["factor_id"]]
    assert ids(chain="ethereum", factor_type="WHITELIST", status="ACTIVE") == [both["factor_id"]]
    assert ids(chain="bitcoin") == []
    r = api.req("GET", factors_path(cid, bl["factor_id"]))
    assert r.status_code == 200 and r.json() == bl, r.text

    # Status: PUT on the entry or on .../status; the same status again is a no-op.
    r = api.req("PUT", factors_path(cid, bl["factor_id"], "status"), json={"status": "INACTIVE"})
    assert r.status_code == 200, r.text
    assert r.json() == {**bl, "status": "INACTIVE", "updated_at": r.json()["updated_at"]}
    r = api.req("PUT", factors_path(cid, bl["factor_id"]), json={"status": "ACTIVE"})
    assert r.status_code == 200 and r.json()["status"] == "ACTIVE", r.text
    r = api.req("PUT", factors_path(cid, bl["factor_id"]), json={"status": "ACTIVE"})
    assert r.status_code == 200 and r.json()["status"] == "ACTIVE", r.text

    r = api.req("DELETE", factors_path(cid, wl["factor_id"]))
    assert r.status_code == 200 and r.json() == {"factor_id": wl["factor_id"], "deleted": True}, r.text
    assert_error(api.req("DELETE", factors_path(cid, wl["factor_id"])), "not_found")
    assert_error(api.req("GET", factors_path(cid, wl["factor_id"])), "not_found")
    assert listed(api, cid)["total"] == 3


def test_bad_input_is_refused_and_changes_nothing(api, tenant):
    cid = tenant.client_id
    evm = random_evm_address()
    first = added(api, cid, factor_type="BLACKLIST", chain="ethereum", address=evm)
    good = {"factor_type": "BLACKLIST", "chain": "ethereum", "address": random_evm_address()}
    cases = [
        ({**good, "factor_type": "GREYLIST"}, "invalid_parameter", "factor_type"),
        ({**good, "factor_type": "blacklist"}, "invalid_parameter", "factor_type"),
        ({k: v for k, v in good.items() if k != "factor_type"}, "invalid_parameter", "factor_type"),
        ({**good, "chain": "dogecoin"}, "invalid_parameter", "dogecoin"),
        ({k: v for k, v in good.items() if k != "chain"}, "invalid_parameter", "chain"),
        ({**good, "address": "0x1234"}, "invalid_address", "ethereum"),
        ({**good, "address": evm.lower()[:-1] + "G"}, "invalid_address", "address"),
        ({**good, "chain": "tron", "address": evm}, "invalid_address", "tron"),
        ({**good, "address": ""}, "invalid_parameter", "address"),
        ({**good, "status": "DISABLED"}, "invalid_parameter", "status"),
        ({**good, "label": 7}, "invalid_parameter", "label"),
        ({**good, "label": "x" * 101}, "validation_failed", "label"),
        ({**good, "reason": "x" * 501}, "validation_failed", "reason"),
        # A duplicate (client, chain, address, type), EVM addresses compared case-insensitively.
        ({**good, "address": swapcase_hex(evm)}, "conflict", first["factor_id"]),
        ({**good, "address": evm}, "conflict", "BLACKLIST"),
    ]
    for body, code, field in cases:
        assert_error(add(api, cid, **body), code, field=field)
    assert_error(api.req("POST", factors_path(cid), data="{"), "bad_request")
    assert_error(api.req("POST", factors_path(cid), data="[]"), "bad_request")
    assert listed(api, cid)["data"] == [first]

    fid = first["factor_id"]
    for body in ({"status": "OFF"}, {}, {"status": None}, {"status": 1}):
        assert_error(api.req("PUT", factors_path(cid, fid, "status"), json=body), "invalid_parameter")
    for body in ({}, {"require_whitelist": "yes"}, {"require_whitelist": 1}, {"require_whitelist": None}):
        assert_error(settings(api, cid, body), "invalid_parameter", field="require_whitelist")
    assert listed(api, cid) == {"data": [first], "total": 1, "require_whitelist": False}


def test_unknown_clients_and_other_clients_entries_are_not_found(api, tenant):
    other = api.new_tenant()
    theirs = added(api, other.client_id, factor_type="WHITELIST", chain="bitcoin",
                   address="bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    for method, path, body in [("GET", factors_path("c_nope"), None),
                               ("POST", factors_path("c_nope"), {"factor_type": "BLACKLIST", "chain": "tron",
                                                                 "address": tron_address()}),
                               ("GET", factors_path("c_nope", "settings"), None),
                               ("PUT", factors_path("c_nope", "settings"), {"require_whitelist": True}),
                               ("GET", factors_path(tenant.client_id, theirs["factor_id"]), None),
                               ("PUT", factors_path(tenant.client_id, theirs["factor_id"], "status"),
                                {"status": "INACTIVE"}),
                               ("DELETE", factors_path(tenant.client_id, theirs["factor_id"]), None),
                               ("GET", factors_path(tenant.client_id, "sf_nope"), None)]:
        assert_error(api.req(method, path, json=body), "not_found")
    assert listed(api, other.client_id)["data"] == [theirs]
    assert_error(api.req("PATCH", factors_path(tenant.client_id)), "method_not_allowed", status=405)
    assert_error(api.req("POST", factors_path(tenant.client_id, theirs["factor_id"])), "method_not_allowed", status=405)
    assert_error(api.req("GET", factors_path(tenant.client_id, "x", "status")), "method_not_allowed", status=405)
    assert_error(api.req("DELETE", factors_path(tenant.client_id, "settings")), "method_not_allowed", status=405)


# --------------------------------------------------------------------------------------------
# The 1.6.0 SDKs' security-factor calls: portal APIs the gateway does not serve
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/client/security-factors"),            # Python 1.6.0
    ("POST", "/api/v1/client/security-factors"),
    ("PUT", "/api/v1/client/security-factors/sf_1/status"),
    ("DELETE", "/api/v1/client/security-factors/sf_1"),
    ("GET", "/v1/client/security-factors"),                # Rust 1.6.0
    ("POST", "/v1/client/security-factors"),
    ("PUT", "/v1/client/security-factors/sf_1/status"),
    ("DELETE", "/v1/client/security-factors/sf_1"),
])
def test_sdk_1_6_security_factor_calls_get_404(api, tenant, method, path):
    body = {"chain": "ethereum", "address": random_evm_address(), "mfa_code": "123456", "status": "ACTIVE"}
    for version in ("2026-04", "2026-09"):
        t = tenant if version == "2026-04" else api.new_tenant(api_version=version)
        assert_error(t.req(method, path, json=body if method != "GET" else None), "not_found")
    assert listed(api, tenant.client_id)["total"] == 0


# --------------------------------------------------------------------------------------------
# Fixtures, snapshots and reset
# --------------------------------------------------------------------------------------------


def ci_with_factors(blocked: str, allowed: str) -> dict:
    doc = json.loads(CI.read_text())
    doc["clients"][0]["require_whitelist"] = True
    doc["clients"][0]["security_factors"] = [
        {"factor_id": "sf_ci_blocked", "factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked,
         "label": "known scam", "reason": "reported"},
        {"factor_type": "WHITELIST", "chain": "ethereum", "address": allowed, "status": "ACTIVE"},
        {"factor_type": "WHITELIST", "chain": "tron", "address": tron_address(), "status": "INACTIVE"},
    ]
    return doc


def test_fixture_loads_security_factors_and_require_whitelist(launch, tmp_path):
    blocked, allowed = random_evm_address(), random_evm_address()
    path = tmp_path / "factors.json"
    path.write_text(json.dumps(ci_with_factors(blocked, allowed)))
    s = launch("--fixtures", str(path), *HOLD_PENDING)
    t = s.api.default_tenant()
    body = listed(s.api, "c_sandbox")
    assert body["require_whitelist"] is True and body["total"] == 3, body
    first = body["data"][0]
    assert (first["factor_id"], first["factor_type"], first["address"], first["label"], first["reason"]) == \
        ("sf_ci_blocked", "BLACKLIST", blocked, "known scam", "reported"), first
    assert [f["status"] for f in body["data"]] == ["ACTIVE", "ACTIVE", "INACTIVE"]
    account = t.get("/api/v1/accounts/acc_ci_eth")
    refused(t, account, blocked)
    refused(t, account, random_evm_address(), why="whitelist")
    sent(t, account, allowed)

    # Reset returns to the fixture's entries and switch.
    added(s.api, "c_sandbox", factor_type="BLACKLIST", chain="ethereum", address=allowed)
    require_whitelist(s.api, "c_sandbox", False)
    r = s.api.req("POST", "/_sandbox/reset")
    assert r.status_code == 200, r.text
    assert listed(s.api, "c_sandbox") == body


def test_fixture_errors_are_reported_at_their_paths(tmp_path):
    evm = random_evm_address()
    doc = ci_with_factors(evm, random_evm_address())
    client = doc["clients"][0]
    client["require_whitelist"] = "yes"
    client["security_factors"] += [
        {"factor_type": "GREYLIST", "chain": "ethereum", "address": random_evm_address()},
        {"factor_type": "BLACKLIST", "chain": "dogecoin", "address": random_evm_address()},
        {"factor_type": "BLACKLIST", "chain": "ethereum", "address": "0x1234"},
        {"factor_type": "BLACKLIST", "chain": "ethereum", "address": swapcase_hex(evm)},
        {"factor_type": "BLACKLIST", "chain": "ethereum", "address": random_evm_address(), "colour": "red"},
        {"factor_id": "sf_ci_blocked", "factor_type": "WHITELIST", "chain": "tron", "address": tron_address()},
        "BLACKLIST",
    ]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    p = subprocess.run([emulator_bin(), "fixtures", "validate", str(path)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.splitlines() == [
        "$.clients[0].require_whitelist: must be true or false",
        '$.clients[0].security_factors[3].factor_type: must be one of WHITELIST, BLACKLIST, got "GREYLIST"',
        "$.clients[0].security_factors[4].chain: Unsupported chain: dogecoin",
        "$.clients[0].security_factors[5].address: address is not a valid ethereum address",
        "$.clients[0].security_factors[7].colour: unknown field",
        "$.clients[0].security_factors[8].factor_id: duplicate id (also at $.clients[0].security_factors[0].factor_id)",
        "$.clients[0].security_factors[9]: must be an object",
    ]
    # With the client itself valid, a duplicate entry is the store's refusal, at its path.
    client["require_whitelist"] = True
    client["security_factors"] = client["security_factors"][:3] + [client["security_factors"][6]]
    path.write_text(json.dumps(doc))
    p = subprocess.run([emulator_bin(), "fixtures", "validate", str(path)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.splitlines() == [
        "$.clients[0].security_factors[3]: the client already has a BLACKLIST entry for this address on ethereum "
        "(sf_ci_blocked)"]


def test_snapshots_keep_security_factors(launch):
    s = launch()
    api = s.api
    first = added(api, "c_sandbox", factor_type="BLACKLIST", chain="base", address=random_evm_address())
    r = api.req("POST", "/_sandbox/snapshots", json={"name": "one entry"})
    assert r.status_code == 201, r.text
    snap = r.json()["snapshot_id"]
    added(api, "c_sandbox", factor_type="WHITELIST", chain="base", address=random_evm_address())
    api.req("DELETE", factors_path("c_sandbox", first["factor_id"]))
    require_whitelist(api, "c_sandbox", True)
    assert [f["factor_type"] for f in listed(api, "c_sandbox")["data"]] == ["WHITELIST"]

    r = api.req("POST", f"/_sandbox/snapshots/{snap}/restore")
    assert r.status_code == 200, r.text
    assert listed(api, "c_sandbox") == {"data": [first], "total": 1, "require_whitelist": False}
    r = api.req("POST", "/_sandbox/reset")
    assert r.status_code == 200, r.text
    assert listed(api, "c_sandbox") == {"data": [], "total": 0, "require_whitelist": False}
