"""Reset and snapshots end to end: POST /_sandbox/reset returns to the fixture state (or to the
default client alone) without a restart and forgets cached tokens; snapshots save the whole state,
including transfers in flight and the virtual clock, and restore it; the snapshot list is bounded.
"""
from __future__ import annotations

import statistics
from pathlib import Path

from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, assert_error, random_evm_address

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CI = str(FIXTURES / "ci.json")
DEMO = str(FIXTURES / "demo.json")


def post(api, path, json=None):
    return api.req("POST", path, json=json)


def clock(api) -> dict:
    r = api.req("GET", "/_sandbox/clock")
    assert r.status_code == 200, r.text
    return r.json()


def advance(api, seconds):
    r = post(api, "/_sandbox/clock/advance", {"seconds": seconds})
    assert r.status_code == 200, r.text
    return r.json()


def test_reset_returns_to_the_fixture_and_forgets_tokens(launch):
    s = launch("--fixtures", CI, "--manual-clock", keygen_delay_ms=0)
    t = s.api.default_tenant()
    start_clock = clock(s.api)["now"]
    # Changes after start: a wallet, a spent balance, a new client with its own token, time.
    w = t.create_wallet("made after start")
    acc = t.get("/api/v1/accounts/acc_ci_eth")
    assert t.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "400").status_code == 200
    other = s.api.new_tenant("gone after reset")
    assert other.get("/api/v1/wallets")["total"] == 0  # its token is now in the token cache
    advance(s.api, 3600)
    assert t.asset("ast_ci_usdt")["balance"] == "999600"

    r = post(s.api, "/_sandbox/reset")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["fixture"] == CI
    assert body["counts"] == {"clients": 1, "wallets": 1, "accounts": 1, "assets": 2, "transactions": 0,
                              "pending_transactions": 0}
    assert body["clock"] == start_clock == clock(s.api)["now"]
    assert isinstance(body["took_ms"], (int, float)) and body["took_ms"] >= 0

    # Fixture data is back, data made after start is gone.
    assert [x["wallet_id"] for x in t.list_all("/api/v1/wallets")] == ["w_ci_main"]
    assert_error(t.req("GET", f"/api/v1/wallets/{w['wallet_id']}"), "not_found")
    usdt = t.asset("ast_ci_usdt")
    assert (usdt["balance"], usdt["locked_balance"]) == ("1000000", "0")
    assert t.get("/api/v1/transactions")["total"] == 0
    # The cached token of the removed client no longer authenticates; its key is unknown.
    assert_error(other.req("GET", "/api/v1/wallets"), "invalid_token")
    assert_error(s.api.token_response(other.api_key, other.api_secret), "unauthorized")
    # The default credentials still work, with a fresh token too.
    assert s.api.token(DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert t.get("/api/v1/wallets/w_ci_main")["status"] == "ACTIVE"


def test_reset_without_fixture_leaves_only_the_default_client(launch):
    s = launch()
    t = s.api.default_tenant()
    t.create_wallet("temporary")
    s.api.new_tenant()
    r = post(s.api, "/_sandbox/reset")
    assert r.status_code == 200, r.text
    assert r.json()["fixture"] is None
    assert r.json()["counts"] == {"clients": 1, "wallets": 0, "accounts": 0, "assets": 0, "transactions": 0,
                               "pending_transactions": 0}
    assert t.get("/api/v1/wallets")["total"] == 0
    assert s.api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET).status_code == 200


def test_snapshot_restore_mid_lifecycle(launch):
    s = launch("--fixtures", CI, "--manual-clock", keygen_delay_ms=0)
    t = s.api.default_tenant()
    acc = t.get("/api/v1/accounts/acc_ci_eth")
    r = t.transfer(acc["address"], random_evm_address(), "ethereum", "ETH", "1.5")
    assert r.status_code == 200, r.text
    tx_id = r.json()["tx_id"]
    advance(s.api, 1)
    snap_clock = clock(s.api)["now_ms"]

    r = post(s.api, "/_sandbox/snapshots", {"name": "transfer pending"})
    assert r.status_code == 201, r.text
    snap = r.json()
    assert snap["snapshot_id"].startswith("snap_") and snap["name"] == "transfer pending"
    assert snap["counts"]["transactions"] == 1 and snap["bytes"] > 0

    # Let it run to the end, then go back.
    advance(s.api, 600)
    assert t.get(f"/api/v1/transactions/{tx_id}")["status"] == "CONFIRMED"
    assert t.asset("ast_ci_eth")["balance"] == "98.5"

    r = post(s.api, f"/_sandbox/snapshots/{snap['snapshot_id']}/restore")
    assert r.status_code == 200, r.text
    assert r.json()["snapshot_id"] == snap["snapshot_id"]
    c = clock(s.api)
    assert (c["now_ms"], c["mode"]) == (snap_clock, "manual")  # the clock went back with the state
    tx = t.get(f"/api/v1/transactions/{tx_id}")
    assert (tx["status"], tx["tx_hash"]) == ("PENDING", "")
    eth = t.asset("ast_ci_eth")
    assert (eth["balance"], eth["locked_balance"]) == ("98.5", "1.5")

    # The restored lifecycle is still scheduled and completes again.
    advance(s.api, 600)
    tx = t.get(f"/api/v1/transactions/{tx_id}")
    assert tx["status"] == "CONFIRMED" and tx["block_number"] > 0
    assert t.asset("ast_ci_eth")["locked_balance"] == "0"
    assert s.api.req("GET", "/_sandbox/ledger").json()["balanced"] is True


def test_snapshot_list_delete_and_cap(launch):
    s = launch()
    r = s.api.req("GET", "/_sandbox/snapshots")
    assert r.status_code == 200 and r.json() == {"data": [], "total": 0, "capacity": 32}
    ids = []
    for i in range(32):
        r = post(s.api, "/_sandbox/snapshots", {"name": f"s{i}"} if i else None)
        assert r.status_code == 201, r.text
        ids.append(r.json()["snapshot_id"])
    assert len(set(ids)) == 32
    assert_error(post(s.api, "/_sandbox/snapshots"), "conflict")  # at the cap: refused, nothing evicted
    listed = s.api.req("GET", "/_sandbox/snapshots").json()
    assert [x["snapshot_id"] for x in listed["data"]] == ids and listed["total"] == 32
    assert listed["data"][0]["name"] == "" and listed["data"][1]["name"] == "s1"

    r = s.api.req("DELETE", f"/_sandbox/snapshots/{ids[0]}")
    assert r.status_code == 200 and r.json() == {"snapshot_id": ids[0], "deleted": True}
    assert_error(s.api.req("DELETE", f"/_sandbox/snapshots/{ids[0]}"), "not_found")
    assert_error(post(s.api, f"/_sandbox/snapshots/{ids[0]}/restore"), "not_found")
    r = post(s.api, "/_sandbox/snapshots")
    assert r.status_code == 201 and r.json()["snapshot_id"] not in ids  # ids are never reused


def test_control_input_errors_change_nothing(launch):
    s = launch()
    assert_error(post(s.api, "/_sandbox/snapshots", {"name": 5}), "invalid_parameter")
    assert_error(post(s.api, "/_sandbox/snapshots", {"name": "x" * 101}), "validation_failed")
    assert_error(s.api.req("POST", "/_sandbox/snapshots", data="{nope"), "bad_request")
    assert s.api.req("GET", "/_sandbox/snapshots").json()["total"] == 0
    assert_error(s.api.req("GET", "/_sandbox/reset"), "method_not_allowed", status=405)
    assert_error(s.api.req("GET", "/_sandbox/snapshots/snap_1/restore"), "method_not_allowed", status=405)
    assert_error(post(s.api, "/_sandbox/snapshots/snap_404/restore"), "not_found")


def test_reset_with_the_demo_fixture_is_fast(launch):
    s = launch("--fixtures", DEMO)
    t = s.api.default_tenant()
    times = []
    for _ in range(15):
        t.create_wallet("scratch")
        r = post(s.api, "/_sandbox/reset")
        assert r.status_code == 200, r.text
        times.append(r.json()["took_ms"])
    assert r.json()["counts"]["transactions"] == 54
    assert t.get("/api/v1/wallets")["total"] == 4
    # The aim is under 20 ms; a loose bound keeps a busy CI machine from failing the suite.
    assert statistics.median(times) < 50, times
