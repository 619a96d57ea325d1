"""Rate limiting like the gateway's too_many_requests: off by default, per client by flag
(--rate-limit) or per client at run time (PUT /_sandbox/clients/{id}/rate-limit), 429
rate_limit_error with Retry-After, other clients unaffected, the token endpoint not counted."""
import time

from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, assert_error


def burst(tenant, n, path="/api/v1/wallets"):
    """n requests as fast as possible: (statuses, seconds taken, the responses)."""
    t0 = time.monotonic()
    rs = [tenant.req("GET", path) for _ in range(n)]
    return [r.status_code for r in rs], time.monotonic() - t0, rs


def allowed_at_most(rate, seconds):
    """Requests a token bucket of `rate` (burst = rate) can admit in `seconds`."""
    return rate + int(rate * seconds) + 1


def test_off_by_default(api, shared_tenant):
    statuses, _, _ = burst(shared_tenant, 40)
    assert statuses == [200] * 40


def test_flag_limits_every_client_separately(launch):
    srv = launch("--rate-limit", "2")
    a, b = srv.api.new_tenant(), srv.api.new_tenant()
    statuses, took, rs = burst(a, 10)
    assert statuses[:2] == [200, 200]
    assert statuses.count(200) <= allowed_at_most(2, took), (statuses, took)
    limited = [r for r in rs if r.status_code == 429]
    assert limited
    for r in limited:
        assert_error(r, "too_many_requests")
        assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) >= 1
    # Another client has its own bucket.
    statuses_b, _, _ = burst(b, 2)
    assert statuses_b == [200, 200]
    # The token endpoint is not counted: SDK token refreshes never trip the limit.
    for _ in range(6):
        assert srv.api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET).status_code == 200
    # After Retry-After the client may call again.
    time.sleep(int(limited[-1].headers["Retry-After"]))
    assert a.req("GET", "/api/v1/wallets").status_code == 200


def test_limited_request_changes_nothing(launch):
    srv = launch("--rate-limit", "1")
    t = srv.api.new_tenant()
    assert t.req("GET", "/api/v1/wallets").status_code == 200  # uses the only token
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "never"})
    if r.status_code == 429:  # (a slow machine may have refilled the token in between)
        assert srv.api.health()["counts"]["wallets"] == 0


def test_per_client_limit_at_run_time(api):
    a, b = api.new_tenant(), api.new_tenant()
    r = api.req("PUT", f"/_sandbox/clients/{a.client_id}/rate-limit", json={"requests_per_second": 2})
    assert r.status_code == 200, r.text
    assert r.json() == {"client_id": a.client_id, "requests_per_second": 2, "default_requests_per_second": 0,
                        "effective_requests_per_second": 2}
    statuses, took, _ = burst(a, 10)
    assert 429 in statuses and statuses.count(200) <= allowed_at_most(2, took)
    statuses, _, _ = burst(b, 20)
    assert statuses == [200] * 20  # b has no limit
    # 0 removes the client's own limit.
    assert api.req("PUT", f"/_sandbox/clients/{a.client_id}/rate-limit",
                   json={"requests_per_second": 0}).status_code == 200
    statuses, _, _ = burst(a, 20)
    assert statuses == [200] * 20


def test_client_limit_wins_over_the_flag(launch):
    srv = launch("--rate-limit", "1")
    fast = srv.api.new_tenant()
    r = srv.api.req("PUT", f"/_sandbox/clients/{fast.client_id}/rate-limit", json={"requests_per_second": 1000})
    assert r.json()["default_requests_per_second"] == 1
    statuses, _, _ = burst(fast, 20)
    assert statuses == [200] * 20


def test_rate_limit_control_rejects_bad_input(api):
    t = api.new_tenant()
    path = f"/_sandbox/clients/{t.client_id}/rate-limit"
    assert_error(api.req("PUT", "/_sandbox/clients/c_nope/rate-limit", json={"requests_per_second": 1}), "not_found")
    assert_error(api.req("PUT", path, json={}), "invalid_parameter", field="requests_per_second")
    assert_error(api.req("PUT", path, json={"requests_per_second": -1}), "invalid_parameter")
    assert_error(api.req("PUT", path, json={"requests_per_second": "5"}), "invalid_parameter")
    assert_error(api.req("PUT", path, data="{"), "bad_request")
    assert_error(api.req("POST", path, json={"requests_per_second": 1}), "method_not_allowed", status=405)
    statuses, _, _ = burst(t, 10)
    assert statuses == [200] * 10  # nothing was set
