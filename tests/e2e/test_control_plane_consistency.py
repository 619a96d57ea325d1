"""Issue 14's small inconsistencies of the control plane: one validation style for bodies and query
filters, one 404 wording, effective defaults shown, numbers as numbers."""
from __future__ import annotations

import pytest

from chain_helpers import MANUAL

SERVER_ARGS = MANUAL


def error(r, status=400, code="invalid_parameter"):
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.text
    return r.json()["message"]


def test_clock_speed_is_a_number_in_clock_and_health(api):
    api.req("PUT", "/_sandbox/clock", json={"speed": 0.001})
    try:
        assert api.req("GET", "/_sandbox/clock").json()["speed"] == 0.001
        assert api.req("GET", "/_sandbox/health").json()["clock"]["speed"] == 0.001
    finally:
        api.req("PUT", "/_sandbox/clock", json={"speed": 1})


def test_fault_rules_list_their_effective_defaults(api):
    r = api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/wallets", "error": "too_many_requests", "count": 1})
    assert r.status_code == 201, r.text
    rule = r.json()
    try:
        assert rule["message"] == f"Injected fault (rule {rule['id']})" and rule["retry_after"] == 1
        listed = next(x for x in api.req("GET", "/_sandbox/faults").json()["data"] if x["id"] == rule["id"])
        assert (listed["message"], listed["retry_after"]) == (rule["message"], 1)
        hit = api.req("GET", "/api/v1/wallets")
        assert hit.status_code == 429 and hit.json()["message"] == rule["message"] and hit.headers["Retry-After"] == "1"
    finally:
        api.req("DELETE", "/_sandbox/faults")


def test_query_filters_and_bodies_are_validated_alike(api):
    assert "status must be one of" in error(api.req("GET", "/_sandbox/webhooks/deliveries", params={"status": "bogus"}))
    assert "status must be" in error(api.req("GET", "/_sandbox/requests", params={"status": "abc"}))
    assert api.req("GET", "/_sandbox/webhooks/deliveries", params={"status": "pending"}).status_code == 200
    assert error(api.req("POST", "/_sandbox/clients", json={"name": "x", "max_walets": 3})) == "Unknown field max_walets"
    assert "name must not be empty" in error(api.req("POST", "/_sandbox/clients", json={"name": ""}))
    assert "max_wallets must be an integer" in error(api.req("POST", "/_sandbox/clients", json={"max_wallets": -1}))
    before = api.req("GET", "/_sandbox/clock").json()
    assert error(api.req("POST", "/_sandbox/clock/advance", json={"seconds": 5, "duration": "PT1H"})) == \
        "give either seconds or duration, not both"
    assert api.req("GET", "/_sandbox/clock").json()["now_ms"] == before["now_ms"]
    assert error(api.req("POST", "/_sandbox/webhooks/test", json={"event": "x"})) == "Unknown field event"


def test_deposit_from_its_own_address_is_refused(api):
    t = api.default_tenant()
    w = t.req("POST", "/api/v1/wallets", json={"wallet_name": "self"}).json()
    api.req("POST", "/_sandbox/clock/advance", json={"seconds": 10})
    acc = t.req("POST", "/api/v1/accounts", json={"wallet_id": w["wallet_id"], "chain": "ethereum"}).json()
    body = {"address": acc["address"], "chain": "ethereum", "token_symbol": "ETH", "amount": "1",
            "from": acc["address"].lower()}
    assert "from must differ from address" in error(api.req("POST", "/_sandbox/deposits", json=body))


@pytest.mark.parametrize("method,path,message", [
    ("DELETE", "/_sandbox/faults/flt_999", "Fault rule not found"),
    ("GET", "/_sandbox/webhooks/events/evt_nope", "Webhook event not found"),
    ("PUT", "/_sandbox/clients/c_nope/rate-limit", "Client not found"),
    ("DELETE", "/_sandbox/snapshots/snap_999", "Snapshot not found"),
    ("POST", "/_sandbox/transactions/tx_nope/confirm", "Transaction not found"),
])
def test_one_404_wording(api, method, path, message):
    body = {"requests_per_second": 1} if "rate-limit" in path else None
    assert error(api.req(method, path, json=body), 404, "not_found") == message


def test_test_webhook_ids_look_like_real_ones(api):
    api.req("PUT", "/_sandbox/clients/c_sandbox/webhook", json={"url": "http://127.0.0.1:9/hooks"})
    payload = api.req("POST", "/_sandbox/webhooks/test", json={}).json()["event"]["payload"]
    assert payload["account_id"].startswith("acc_test_") and payload["source_id"].startswith("tx_test_")
