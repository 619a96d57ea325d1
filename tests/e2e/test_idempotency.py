"""Idempotency-Key on POST /api/v1/transactions, in both API versions: the first 2xx answer is
replayed byte for byte with HTTP 200 (also to 20 concurrent identical requests, which create one
transaction), only under the same client, for 24 hours of virtual time; errors are not kept; bad
keys are refused; replays are marked in the request journal and survive a restart."""
import threading

import pytest
import requests

from chain_helpers import MANUAL, MANUAL_RESTART
from e2e_helpers import assert_error
from unified_helpers import PATH, VERSIONS, body_from, count, funded, no_faults, sb, server  # noqa: F401 (fixtures)

DAY_MS = 24 * 3600 * 1000


def post(t, body, key):
    return t.req("POST", PATH, json=body, headers={"Idempotency-Key": key})


def journal(api, **params):
    r = api.req("GET", "/_sandbox/requests", params={"method": "POST", "path_prefix": PATH, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


@pytest.mark.parametrize("version", VERSIONS)
def test_second_request_replays_the_first_answer(api, version):
    t, account, asset = funded(api, version)
    key = f"pay-{version}-1"
    first = post(t, body_from(account, "2"), key)
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    # The replay does not look at the body: even another amount gets the first answer.
    for body in (body_from(account, "2"), body_from(account, "7"), {}):
        again = post(t, body, key)
        assert again.status_code == 200
        assert again.content == first.content
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.headers["Content-Type"].startswith("application/json")
    assert count(t) == 1
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("98", "2")
    # Without the key a request runs as usual.
    assert t.req("POST", PATH, json=body_from(account, "1")).status_code == 200
    assert count(t) == 2


def test_replays_are_marked_in_the_journal(api):
    t, account, _ = funded(api, "2026-09")
    api.req("DELETE", "/_sandbox/requests")
    first = post(t, body_from(account), "journal-key")
    post(t, body_from(account), "journal-key")
    newest, oldest = journal(api, client_id=t.client_id)
    assert newest["idempotent_replay"] is True and newest["status"] == 200
    assert "idempotent_replay" not in oldest and oldest["status"] == 200
    assert first.status_code == 200


@pytest.mark.parametrize("version", VERSIONS)
def test_error_answers_are_not_kept(api, version):
    t, account, asset = funded(api, version, balance="1")
    before = t.snapshot()
    r = post(t, body_from(account, "5"), "retry-after-funding")
    assert_error(r, "insufficient_balance")
    again = post(t, body_from(account, "5"), "retry-after-funding")
    assert_error(again, "insufficient_balance")
    assert "Idempotent-Replayed" not in again.headers
    assert t.snapshot() == before
    api.fund(asset["asset_id"], "10")
    ok = post(t, body_from(account, "5"), "retry-after-funding")
    assert ok.status_code == 200 and "Idempotent-Replayed" not in ok.headers
    assert post(t, body_from(account, "5"), "retry-after-funding").content == ok.content
    assert count(t) == 1


def test_faulted_and_forbidden_answers_are_not_kept(api):
    t, account, _ = funded(api, "2026-09")
    r = api.req("POST", "/_sandbox/faults", json={"method": "POST", "path": PATH, "error": "service_unavailable",
                                                  "count": 1})
    assert r.status_code == 201
    assert_error(post(t, body_from(account), "after-fault"), "service_unavailable")
    assert post(t, body_from(account), "after-fault").status_code == 200
    assert_error(post(t, {"operation": "PROGRAM_CALL"}, "after-400"), "invalid_parameter")
    assert post(t, body_from(account), "after-400").status_code == 200
    assert count(t) == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_concurrent_identical_requests_create_one_transaction(api, version):
    t, account, asset = funded(api, version)
    body = body_from(account, "3")
    key = f"burst-{version}"
    start = threading.Barrier(20)
    results = [None] * 20

    def worker(i):
        with requests.Session() as s:
            start.wait()
            r = s.post(api.base + PATH, json=body, timeout=30,
                       headers={"Authorization": f"Bearer {t.token}", "Idempotency-Key": key})
            results[i] = (r.status_code, r.content, r.headers.get("Idempotent-Replayed"))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert all(r is not None for r in results), results
    assert {r[0] for r in results} == {200}
    assert len({r[1] for r in results}) == 1, results
    assert sorted(r[2] or "" for r in results) == [""] + ["true"] * 19
    assert count(t) == 1
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("97", "3")


def test_a_key_belongs_to_its_client(api):
    a, account_a, _ = funded(api, "2026-09")
    b, account_b, _ = funded(api, "2026-04")
    ra = post(a, body_from(account_a), "shared-key")
    rb = post(b, body_from(account_b), "shared-key")
    assert ra.status_code == rb.status_code == 200
    assert ra.json()["tx_id"] != rb.json()["tx_id"]
    assert "Idempotent-Replayed" not in rb.headers
    assert post(a, {}, "shared-key").content == ra.content
    assert post(b, {}, "shared-key").content == rb.content
    assert count(a) == count(b) == 1


def test_a_key_expires_after_24_hours_of_virtual_time(api, sb):
    t, account, _ = funded(api, "2026-09")
    first = post(t, body_from(account), "daily")
    assert first.status_code == 200
    sb.advance_ms(DAY_MS - 1000)
    assert post(t, body_from(account), "daily").content == first.content
    sb.advance_ms(1000)
    fresh = post(t, body_from(account), "daily")
    assert fresh.status_code == 200 and "Idempotent-Replayed" not in fresh.headers
    assert fresh.json()["tx_id"] != first.json()["tx_id"]
    assert post(t, body_from(account), "daily").content == fresh.content
    assert count(t) == 2


def test_key_and_reference_id_are_independent(api):
    t, account, _ = funded(api, "2026-09")
    first = post(t, body_from(account, reference_id="inv-1"), "k-1")
    assert first.status_code == 200
    err = assert_error(post(t, body_from(account, reference_id="inv-1"), "k-2"), "invalid_parameter")
    assert err["message"].startswith("Duplicate reference_id")
    assert post(t, body_from(account, reference_id="inv-1"), "k-1").content == first.content
    assert count(t) == 1


@pytest.mark.parametrize("key", ["", "k" * 256, "caf\u00e9", "tab\there"])
def test_bad_keys_are_refused_and_change_nothing(api, key):
    t, account, _ = funded(api, "2026-09")
    before = t.snapshot()
    r = t.req("POST", PATH, json=body_from(account), headers={"Idempotency-Key": key.encode("latin-1")})
    body = assert_error(r, "invalid_parameter")
    assert "Idempotency-Key" in body["message"]
    assert t.snapshot() == before


def test_longest_and_odd_but_printable_keys_work(api):
    t, account, _ = funded(api, "2026-09")
    for key in ("k" * 255, "a b:c/d=e~!", "550e8400-e29b-41d4-a716-446655440000"):
        first = post(t, body_from(account), key)
        assert first.status_code == 200, (key, first.text)
        assert post(t, body_from(account), key).content == first.content
    assert count(t) == 3


def test_replay_survives_a_restart(launch, tmp_path):
    db = tmp_path / "idem.db"
    s = launch(*MANUAL, db=db, keygen_delay_ms=0)
    t = s.api.default_tenant()
    _, account, _ = t.funded_asset("ethereum", "USDT", "10")
    first = post(t, body_from(account), "durable")
    assert first.status_code == 200
    s.stop()
    s2 = launch(*MANUAL_RESTART, db=db, keygen_delay_ms=0)
    t2 = s2.api.default_tenant()
    again = post(t2, body_from(account), "durable")
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(t2) == 1
