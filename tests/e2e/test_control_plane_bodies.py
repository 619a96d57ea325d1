"""One validation style across the control plane: every /_sandbox body refuses a member it does not
know (usually a typo) with 400 invalid_parameter "Unknown field NAME", and changes nothing."""
import pytest

from e2e_helpers import assert_error


@pytest.fixture(scope="module")
def ids(api):
    t = api.new_tenant()
    _, _, asset = t.funded_asset("ethereum", "USDT", "5")
    r = api.req("POST", f"/_sandbox/clients/{t.client_id}/security-factors",
                json={"factor_type": "BLACKLIST", "chain": "ethereum",
                      "address": "0x1111111111111111111111111111111111111111"})
    assert r.status_code == 201, r.text
    return {"client": t.client_id, "asset": asset["asset_id"], "factor": r.json()["factor_id"]}


BODIES = [
    ("POST", "/_sandbox/clients", {"name": "x"}),
    ("PUT", "/_sandbox/clients/{client}/api-version", {"api_version": "2026-09"}),
    ("PUT", "/_sandbox/clients/{client}/operations-policy", {"operations": []}),
    ("PUT", "/_sandbox/clients/{client}/webhook", {"url": ""}),
    ("PUT", "/_sandbox/clients/{client}/rate-limit", {"requests_per_second": 0}),
    ("POST", "/_sandbox/clients/{client}/security-factors",
     {"factor_type": "WHITELIST", "chain": "ethereum", "address": "0x2222222222222222222222222222222222222222"}),
    ("PUT", "/_sandbox/clients/{client}/security-factors/{factor}/status", {"status": "INACTIVE"}),
    ("PUT", "/_sandbox/clients/{client}/security-factors/settings", {"require_whitelist": True}),
    ("POST", "/_sandbox/assets/{asset}/balance", {"balance": "7"}),
    ("POST", "/_sandbox/deposits", {"address": "0x1111111111111111111111111111111111111111", "chain": "ethereum",
                                    "token_symbol": "USDT", "amount": "1"}),
    ("POST", "/_sandbox/clock/advance", {"seconds": 1}),
    ("PUT", "/_sandbox/requests/config", {"bodies": False}),
    ("POST", "/_sandbox/snapshots", {"name": "s"}),
    ("POST", "/_sandbox/faults", {"latency_ms": 1}),
    ("POST", "/_sandbox/webhooks/test", {"event_type": "transaction.confirmed"}),
]


@pytest.mark.parametrize("method,path,body", BODIES, ids=[f"{m} {p}" for m, p, _ in BODIES])
def test_an_unknown_member_is_refused_and_changes_nothing(api, ids, method, path, body):
    url = path.format(**ids)
    before = api.health()["counts"]
    e = assert_error(api.req(method, url, json={**body, "colour": "red"}), "invalid_parameter")
    assert e["message"] == "Unknown field colour", e
    assert api.health()["counts"] == before
