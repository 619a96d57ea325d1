"""Concurrency on the simulated chain: many parallel transfers racing for one balance (exactly as
many succeed as there are units), parallel deposits to one address, and transfers racing clock
advances; the ledger must balance afterwards."""
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from chain_helpers import KEYGEN_MS, START_MS, Books, activate, balances, grant, manual_world, open_asset, run_to_final, tx
from e2e_helpers import assert_error, check_transfer_response, random_evm_address, tron_address

N_FUNDS = 37
N_REQUESTS = 120
WORKERS = 32


def parallel(n, fn, workers=WORKERS):
    """Runs fn(i, session) for i in range(n) on a thread pool, one requests.Session per thread,
    all released at once by a barrier."""
    local = threading.local()
    sessions = []
    lock = threading.Lock()
    barrier = threading.Barrier(min(n, workers))

    def session():
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
            with lock:
                sessions.append(s)
        return s

    def run(i):
        s = session()
        if i < workers:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        return fn(i, s)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run, range(n)))
    finally:
        for s in sessions:
            s.close()


def test_parallel_transfers_spend_exactly_the_balance(launch):
    server, sb = manual_world(launch)
    books = Books()
    api = server.api
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "USDT")
    grant(api, books, asset, N_FUNDS)
    dests = [tron_address() for _ in range(N_REQUESTS)]

    def fire(i, s):
        r = s.post(api.base + "/api/v1/transfer", headers={"Authorization": f"Bearer {t.token}"}, timeout=30,
                   json={"from_address": acc["address"], "to_address": dests[i], "chain": "tron",
                         "token_symbol": "USDT", "amount": "1"})
        return r

    results = parallel(N_REQUESTS, fire)
    ok = [r for r in results if r.status_code == 200]
    rejected = [r for r in results if r.status_code != 200]
    assert len(ok) == N_FUNDS, [(r.status_code, r.text) for r in results[:5]]
    assert len(rejected) == N_REQUESTS - N_FUNDS
    for r in ok:
        check_transfer_response(r.json())
    for r in rejected:
        assert_error(r, "insufficient_balance")
    ids = [r.json()["tx_id"] for r in ok]
    assert len(set(ids)) == N_FUNDS

    assert balances(t, asset["asset_id"]) == ("0", str(N_FUNDS))
    listed = t.list_all("/api/v1/transactions", account_id=acc["account_id"])
    assert sorted(x["tx_id"] for x in listed) == sorted(ids)
    assert all(x["status"] == "PENDING" and x["amount"] == "1" for x in listed)
    for _ in range(N_FUNDS):
        books.lock("tron", "USDT", 1)
    books.check(sb)

    # Let them all run to the end: everything leaves the world exactly once.
    sb.advance(3 + 3 * 20)
    for i in ids:
        assert tx(t, i)["status"] == "CONFIRMED"
    assert balances(t, asset["asset_id"]) == ("0", "0")
    for _ in range(N_FUNDS):
        books.confirm("tron", "USDT", 1, internal=False)
    body = books.check(sb)
    row = [r for r in body["tokens"] if (r["chain"], r["symbol"]) == ("tron", "USDT")][0]
    assert row["burned"] == str(N_FUNDS) and row["minted"] == str(N_FUNDS)


def test_parallel_deposits_to_one_address_all_count(launch):
    server, sb = manual_world(launch)
    books = Books()
    api = server.api
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    n = 60

    def deposit(i, s):
        return s.post(api.base + "/_sandbox/deposits", timeout=30,
                      json={"address": acc["address"], "chain": "ethereum", "token_symbol": "ETH",
                            "amount": f"0.{i + 1:03d}"})

    results = parallel(n, deposit)
    assert all(r.status_code == 201 for r in results), [r.text for r in results if r.status_code != 201][:3]
    ids = {r.json()["tx_id"] for r in results}
    hashes = {r.json()["tx_hash"] for r in results}
    assert len(ids) == len(hashes) == n
    total = sum(i + 1 for i in range(n))  # thousandths
    sb.advance(12 * 13)
    listed = t.list_all("/api/v1/transactions", account_id=acc["account_id"])
    assert len(listed) == n and all(x["status"] == "CONFIRMED" and x["direction"] == "INBOUND" for x in listed)
    expected = f"{total // 1000}.{total % 1000:03d}".rstrip("0").rstrip(".")
    assert balances(t, asset["asset_id"]) == (expected, "0")
    books.mint("ethereum", "ETH", expected)
    books.check(sb)


def test_transfers_racing_clock_advances(launch):
    """Transfers accepted while other threads advance the clock: every one ends CONFIRMED exactly
    once and the books still balance."""
    server, sb = manual_world(launch)
    books = Books()
    api = server.api
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "USDC")
    grant(api, books, asset, "100")

    def work(i, s):
        if i % 4 == 0:
            return s.post(api.base + "/_sandbox/clock/advance", json={"seconds": 7}, timeout=30)
        return s.post(api.base + "/api/v1/transfer", headers={"Authorization": f"Bearer {t.token}"}, timeout=30,
                      json={"from_address": acc["address"], "to_address": random_evm_address(),
                            "chain": "ethereum", "token_symbol": "USDC", "amount": "0.5"})

    results = parallel(80, work, workers=16)
    assert all(r.status_code == 200 for r in results), [r.text for r in results if r.status_code != 200][:3]
    ids = [r.json()["tx_id"] for r in results if "tx_id" in r.json()]
    assert len(ids) == 60
    for _ in ids:
        books.lock("ethereum", "USDC", "0.5")
    books.check(sb)
    for i in ids:
        assert run_to_final(t, sb, i)["status"] == "CONFIRMED"
        books.confirm("ethereum", "USDC", "0.5", internal=False)
    assert balances(t, asset["asset_id"]) == ("70", "0")
    books.check(sb)
    assert sb.clock()["now_ms"] >= START_MS + KEYGEN_MS + 20 * 7000
