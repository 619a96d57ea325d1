"""Fault and latency injection (/_sandbox/faults): count and probability rules, latency that holds a
request without blocking the I/O thread, 429 with Retry-After, rule listing and deletion, paths
and methods a rule does not match, the control plane never faulted, and a faulted transfer that
changes nothing."""
import threading
import time

import pytest

from e2e_helpers import HOLD_PENDING, assert_error, random_evm_address

SERVER_ARGS = HOLD_PENDING


@pytest.fixture(autouse=True)
def no_rules(api):
    """Every test starts and ends without rules (the module shares one emulator)."""
    assert api.req("DELETE", "/_sandbox/faults").status_code == 200
    yield
    api.req("DELETE", "/_sandbox/faults")


def add_rule(api, **rule):
    r = api.req("POST", "/_sandbox/faults", json=rule)
    assert r.status_code == 201, r.text
    return r.json()


def rules(api):
    r = api.req("GET", "/_sandbox/faults")
    assert r.status_code == 200, r.text
    return {x["id"]: x for x in r.json()["data"]}


def test_count_rule_answers_the_next_n_then_stops(api, shared_tenant):
    rule = add_rule(api, method="GET", path="/api/v1/wallets", error="service_unavailable", count=2)
    assert rule["id"].startswith("flt_")
    assert (rule["method"], rule["path"], rule["error"], rule["status"]) == ("GET", "/api/v1/wallets",
                                                                           "service_unavailable", 503)
    assert (rule["count"], rule["remaining"], rule["fired"], rule["matched"]) == (2, 2, 0, 0)
    for _ in range(2):
        r = shared_tenant.req("GET", "/api/v1/wallets")
        assert_error(r, "service_unavailable")
        assert r.headers["X-Emulator-Fault"] == rule["id"]
        assert "Retry-After" not in r.headers
    assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200
    after = rules(api)[rule["id"]]
    assert (after["fired"], after["remaining"], after["matched"]) == (2, 0, 3)


def test_any_error_of_the_table_and_a_custom_message(api, shared_tenant):
    add_rule(api, path="/api/v1/wallets", error="internal_error", count=1, message="boom")
    body = assert_error(shared_tenant.req("GET", "/api/v1/wallets"), "internal_error")
    assert body["message"] == "boom"
    add_rule(api, path="/api/v1/wallets", status=409, count=1)  # a status picks its code
    assert_error(shared_tenant.req("GET", "/api/v1/wallets"), "conflict")
    add_rule(api, path="/api/v1/wallets", error="forbidden", count=1)
    assert_error(shared_tenant.req("GET", "/api/v1/wallets"), "forbidden")
    assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200


def test_too_many_requests_sends_retry_after(api, shared_tenant):
    add_rule(api, path="/api/v1/wallets", error="too_many_requests", count=1)
    r = shared_tenant.req("GET", "/api/v1/wallets")
    assert_error(r, "too_many_requests")
    assert r.headers["Retry-After"] == "1"
    add_rule(api, path="/api/v1/wallets", error="too_many_requests", count=1, retry_after=7)
    r = shared_tenant.req("GET", "/api/v1/wallets")
    assert_error(r, "too_many_requests")
    assert r.headers["Retry-After"] == "7"
    add_rule(api, path="/api/v1/wallets", error="service_unavailable", count=1, retry_after=3)
    r = shared_tenant.req("GET", "/api/v1/wallets")
    assert_error(r, "service_unavailable")
    assert r.headers["Retry-After"] == "3"


def test_non_matching_paths_and_methods_are_untouched(api, shared_tenant, shared_wallet):
    add_rule(api, method="GET", path="/api/v1/wallets/*", error="service_unavailable")  # unlimited
    wid = shared_wallet["wallet_id"]
    assert_error(shared_tenant.req("GET", f"/api/v1/wallets/{wid}"), "service_unavailable")
    assert_error(shared_tenant.req("GET", f"/api/v1/wallets/{wid}/"), "service_unavailable")
    assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200        # one segment short
    assert shared_tenant.req("GET", "/api/v1/accounts").status_code == 200       # another resource
    assert shared_tenant.req("POST", f"/api/v1/wallets/{wid}").status_code == 405  # another method
    rule = next(iter(rules(api).values()))
    assert rule["count"] is None and rule["remaining"] is None
    assert rule["matched"] == rule["fired"] == 2


def test_the_control_plane_is_never_faulted(api):
    add_rule(api, path="/api/v1/**", error="service_unavailable")
    add_rule(api, method="*", path="/api/v1/**", latency_ms=2000)
    started = time.monotonic()
    assert api.req("GET", "/_sandbox/health").status_code == 200
    assert api.req("GET", "/_sandbox/faults").status_code == 200
    assert time.monotonic() - started < 1.5
    assert api.req("DELETE", "/_sandbox/faults").json() == {"deleted": 2}
    assert rules(api) == {}


def test_every_api_request_including_the_token_endpoint(api):
    add_rule(api, error="service_unavailable", count=1)  # default path: all of /api/v1
    assert_error(api.token_response("pk_sandbox_paratro_emulator", "sk_sandbox_paratro_emulator"),
                 "service_unavailable")
    assert api.token_response("pk_sandbox_paratro_emulator", "sk_sandbox_paratro_emulator").status_code == 200


def test_delete_one_rule(api, shared_tenant):
    keep = add_rule(api, path="/api/v1/accounts", error="internal_error")
    gone = add_rule(api, path="/api/v1/wallets", error="internal_error")
    assert_error(shared_tenant.req("GET", "/api/v1/wallets"), "internal_error")
    r = api.req("DELETE", f"/_sandbox/faults/{gone['id']}")
    assert r.status_code == 200 and r.json() == {"deleted": 1}
    assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200
    assert_error(shared_tenant.req("GET", "/api/v1/accounts"), "internal_error")
    assert set(rules(api)) == {keep["id"]}
    assert_error(api.req("DELETE", f"/_sandbox/faults/{gone['id']}"), "not_found")
    assert_error(api.req("PUT", "/_sandbox/faults"), "method_not_allowed", status=405)


def test_latency_rule_delays_then_handles_normally(api, shared_tenant):
    add_rule(api, method="GET", path="/api/v1/wallets", latency_ms=400, count=1)
    started = time.monotonic()
    r = shared_tenant.req("GET", "/api/v1/wallets")
    took = time.monotonic() - started
    assert r.status_code == 200 and "data" in r.json()
    assert took >= 0.4, took
    started = time.monotonic()
    assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200  # count used up
    assert time.monotonic() - started < 0.3


def test_latency_with_an_error(api, shared_tenant):
    add_rule(api, path="/api/v1/wallets", latency_ms=300, error="service_unavailable", count=1)
    started = time.monotonic()
    assert_error(shared_tenant.req("GET", "/api/v1/wallets"), "service_unavailable")
    assert time.monotonic() - started >= 0.3


def test_latency_does_not_block_the_io_thread(launch):
    srv = launch("--threads", "1")
    r = srv.api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/wallets", "latency_ms": 1500})
    assert r.status_code == 201
    done = {}

    def slow():
        import requests
        t0 = time.monotonic()
        done["status"] = requests.get(srv.url + "/api/v1/wallets", timeout=10).status_code
        done["took"] = time.monotonic() - t0

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.2)  # the slow request is now being held
    t0 = time.monotonic()
    for _ in range(5):
        assert srv.api.req("GET", "/_sandbox/health").status_code == 200
    fast = time.monotonic() - t0
    th.join()
    assert fast < 0.5, f"the only I/O thread was blocked: {fast:.3f}s for 5 requests"
    assert done["status"] == 401 and done["took"] >= 1.5  # held, then handled (no token -> 401)


def fault_pattern(launch):
    srv = launch("--seed", "5", "--manual-clock")
    tok = srv.api.token()
    r = srv.api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/wallets", "error": "internal_error",
                                                      "probability": 0.5})
    assert r.status_code == 201
    pattern = "".join("x" if srv.api.req("GET", "/api/v1/wallets", token=tok).status_code == 500 else "."
                      for _ in range(60))
    fired = srv.api.req("GET", "/_sandbox/faults").json()["data"][0]
    assert fired["fired"] == pattern.count("x") and fired["matched"] == 60
    return pattern


def test_probability_rule_repeats_with_a_seed(launch):
    first = fault_pattern(launch)
    second = fault_pattern(launch)
    assert first == second
    assert 10 <= first.count("x") <= 50, first


def test_probability_bounds(api, shared_tenant):
    never = add_rule(api, path="/api/v1/wallets", error="internal_error", probability=0)
    for _ in range(20):
        assert shared_tenant.req("GET", "/api/v1/wallets").status_code == 200
    r = rules(api)[never["id"]]
    assert r["matched"] == 20 and r["fired"] == 0 and r["probability"] == 0


def test_faulted_transfer_creates_nothing(api, shared_tenant):
    t = shared_tenant
    _, account, asset = t.funded_asset("ethereum", "ETH", "5")
    before = t.snapshot()
    tx_count = api.health()["counts"]["transactions"]
    add_rule(api, method="POST", path="/api/v1/transfer", error="internal_error", count=1)
    r = t.transfer(account["address"], random_evm_address(), "ethereum", "ETH", "1")
    assert_error(r, "internal_error")
    assert t.snapshot() == before
    assert api.health()["counts"]["transactions"] == tx_count
    assert t.asset(asset["asset_id"])["balance"] == "5"
    r = t.transfer(account["address"], random_evm_address(), "ethereum", "ETH", "1")  # rule used up
    assert r.status_code == 200, r.text
    assert api.health()["counts"]["transactions"] == tx_count + 1


@pytest.mark.parametrize("rule, field", [
    ({"path": "/_sandbox/faults", "error": "internal_error"}, "path"),
    ({"path": "api/v1/wallets", "error": "internal_error"}, "path"),
    ({"path": "/api/v1/**/x", "error": "internal_error"}, "**"),
    ({"error": "no_such_code"}, "error"),
    ({"status": 418}, "status"),
    ({"error": "internal_error", "status": 503}, "status"),
    ({"error": "internal_error", "probability": 1.5}, "probability"),
    ({"error": "internal_error", "probability": "0.5"}, "probability"),
    ({"error": "internal_error", "count": 0}, "count"),
    ({"latency_ms": 60000}, "latency_ms"),
    ({"path": "/api/v1/wallets"}, "latency_ms"),
    ({"error": "internal_error", "method": "G E T"}, "method"),
    ({"error": "internal_error", "colour": "red"}, "colour"),
])
def test_invalid_rules_are_rejected(api, rule, field):
    assert_error(api.req("POST", "/_sandbox/faults", json=rule), "invalid_parameter", field=field)
    assert rules(api) == {}


def test_rule_cap(api, shared_tenant):
    for i in range(100):
        add_rule(api, path=f"/api/v1/nothing/{i}", error="internal_error", count=1)
    assert_error(api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/x", "error": "internal_error"}),
                 "conflict")
    # A used-up rule makes room.
    assert_error(shared_tenant.req("GET", "/api/v1/nothing/0"), "internal_error")
    add_rule(api, path="/api/v1/x", error="internal_error")
    assert len(rules(api)) == 100
