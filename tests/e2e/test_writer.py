"""The single writer and its group commit: a failed commit fails exactly the writes of its batch and
changes nothing; a full queue answers 503 with Retry-After; sixteen concurrent clients survive at least ten `kill -9` restarts with every
acknowledged id present and the money adding up; the writer's figures and their bad input."""
import random
import secrets
import socket
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import requests

from chain_helpers import Sandbox, activate, balances, manual_world, open_asset
from e2e_helpers import HOLD_PENDING, Api, Tenant, assert_error, emulator_bin, tron_address
from test_chain_concurrency import parallel


def storage(api) -> dict:
    r = api.req("GET", "/_sandbox/storage")
    assert r.status_code == 200, r.text
    return r.json()


def arm(api, n: int) -> dict:
    r = api.req("POST", "/_sandbox/storage", json={"fail_commits": n})
    assert r.status_code == 200, r.text
    return r.json()


def funded(launch, amount="1000"):
    server, sb = manual_world(launch)
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "USDT")
    server.api.fund(asset["asset_id"], amount)
    return server, sb, t, w, acc, asset


def test_a_failed_commit_answers_internal_error_and_changes_nothing(launch):
    server, sb, t, w, acc, asset = funded(launch)
    api = server.api
    before = t.snapshot()
    s0 = storage(api)
    assert s0["fail_commits"] == 0 and s0["queue_capacity"] >= 1

    assert arm(api, 1)["fail_commits"] == 1
    r = t.transfer(acc["address"], tron_address(), "tron", "USDT", "5")
    assert_error(r, "internal_error")
    assert balances(t, asset["asset_id"]) == ("1000", "0")
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "lost"})
    assert r.status_code == 200, r.text  # only one commit was armed
    lost_wallet = r.json()["wallet_id"]

    arm(api, 1)
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "never"})
    assert_error(r, "internal_error")
    after = t.snapshot()
    assert [x["wallet_id"] for x in after["wallets"]] == [lost_wallet] + [x["wallet_id"] for x in before["wallets"]]
    assert after["transactions"] == before["transactions"] == []
    assert after["assets"] == before["assets"]

    s1 = storage(api)
    assert s1["failed_commits"] == s0["failed_commits"] + 2
    assert s1["last_failed_batch"] == 1
    # The server goes on serving, and the next write commits.
    r = t.transfer(acc["address"], tron_address(), "tron", "USDT", "5")
    assert r.status_code == 200, r.text
    assert balances(t, asset["asset_id"]) == ("995", "5")
    assert sb.ledger()["balanced"] is True


def test_a_failed_commit_fails_its_whole_batch_and_only_it(launch):
    server, sb, t, w, acc, asset = funded(launch)
    api = server.api
    arm(api, 1)

    def fire(i, s):
        return s.post(api.base + "/api/v1/transfer", headers={"Authorization": f"Bearer {t.token}"}, timeout=30,
                      json={"from_address": acc["address"], "to_address": tron_address(), "chain": "tron",
                            "token_symbol": "USDT", "amount": "1"})

    results = parallel(16, fire, workers=16)
    failed = [r for r in results if r.status_code == 500]
    ok = [r for r in results if r.status_code == 200]
    assert len(failed) + len(ok) == 16, [(r.status_code, r.text) for r in results]
    for r in failed:
        assert_error(r, "internal_error")
    st = storage(api)
    assert st["failed_commits"] == 1
    assert len(failed) == st["last_failed_batch"] >= 1  # exactly the writes of the failed batch
    listed = t.list_all("/api/v1/transactions")
    assert sorted(x["tx_id"] for x in listed) == sorted(r.json()["tx_id"] for r in ok)
    assert balances(t, asset["asset_id"]) == (str(1000 - len(ok)), str(len(ok)))
    assert sb.ledger()["balanced"] is True


def test_one_batch_of_transfers_with_overspends_runs_without_a_rerun(launch):
    """Sixteen transfers of 100 against a balance of 1,000, queued while the writer is paused so they
    make one batch: exactly ten are admitted, six answer insufficient_balance, and since a refusal
    is decided before anything is written, the savepoint-free batch needs no second run."""
    server, sb, t, w, acc, asset = funded(launch)
    api = server.api
    before = storage(api)
    assert api.req("POST", "/_sandbox/storage", json={"paused": True}).status_code == 200
    results = []

    def fire(i, s):
        return s.post(api.base + "/api/v1/transactions", headers={"Authorization": f"Bearer {t.token}"}, timeout=30,
                      json={"from_address": acc["address"], "to_address": tron_address(), "chain": "tron",
                            "token_symbol": "USDT", "amount": "100"})

    runner = threading.Thread(target=lambda: results.extend(parallel(16, fire, workers=16)))
    runner.start()
    deadline = time.monotonic() + 20
    while storage(api)["queued"] < 16:
        assert time.monotonic() < deadline, storage(api)
        time.sleep(0.01)
    assert api.req("POST", "/_sandbox/storage", json={"paused": False}).status_code == 200
    runner.join(timeout=60)
    ok = [r for r in results if r.status_code == 200]
    refused = [r for r in results if r.status_code != 200]
    assert len(ok) == 10 and len(refused) == 6, [(r.status_code, r.text) for r in results]
    for r in refused:
        assert_error(r, "insufficient_balance")
    after = storage(api)
    assert after["largest_batch"] >= 16
    assert after["rerun_batches"] == before["rerun_batches"] == 0
    assert after["savepoint_free_batches"] > before["savepoint_free_batches"]
    assert after["failed_commits"] == 0
    assert balances(t, asset["asset_id"]) == ("0", "1000")
    listed = t.list_all("/api/v1/transactions")
    assert sorted(x["tx_id"] for x in listed) == sorted(r.json()["tx_id"] for r in ok)
    assert sb.ledger()["balanced"] is True


def test_a_full_write_queue_answers_503_with_retry_after(launch):
    server, sb = manual_world(launch, "--write-queue", "3")
    api = server.api
    t = api.new_tenant()
    assert storage(api)["queue_capacity"] == 3
    r = api.req("POST", "/_sandbox/storage", json={"paused": True})
    assert r.status_code == 200 and r.json()["paused"] is True, r.text
    results = [None] * 6

    def create(i):
        with requests.Session() as s:
            results[i] = s.post(api.base + "/api/v1/wallets", headers={"Authorization": f"Bearer {t.token}"},
                                json={"wallet_name": f"queued-{i}"}, timeout=30)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    # Reads still answer while the writer is paused; wait for the queue state, not for time.
    deadline = time.monotonic() + 20
    while True:
        st = storage(api)
        if st["queued"] == 3 and st["refused"] == 3:
            break
        assert time.monotonic() < deadline, st
        time.sleep(0.01)
    # The server counts a refusal before its 503 reaches the client: wait for the three answers.
    while sum(r is not None for r in results) < 3:
        assert time.monotonic() < deadline, results
        time.sleep(0.01)
    refused = [r for r in results if r is not None]
    assert len(refused) == 3
    for r in refused:
        assert_error(r, "service_unavailable")
        assert r.headers["Retry-After"] == "1"
    assert t.list_all("/api/v1/wallets") == []
    r = api.req("POST", "/_sandbox/storage", json={"paused": False})
    assert r.status_code == 200 and r.json()["paused"] is False, r.text
    for th in threads:
        th.join(timeout=30)
    created = [r for r in results if r.status_code == 200]
    assert len(created) == 3
    assert sorted(w["wallet_id"] for w in t.list_all("/api/v1/wallets")) == sorted(r.json()["wallet_id"] for r in created)


def test_storage_control_refuses_bad_input(launch):
    server = launch()
    api = server.api
    for body, code in [({}, "invalid_parameter"), ({"fail_commits": -1}, "invalid_parameter"),
                       ({"fail_commits": "1"}, "invalid_parameter"), ({"fail_commits": 1, "x": 1}, "invalid_parameter"),
                       ({"paused": "yes"}, "invalid_parameter")]:
        r = api.req("POST", "/_sandbox/storage", json=body)
        assert_error(r, code)
    r = api.req("POST", "/_sandbox/storage", data="{not json")
    assert_error(r, "bad_request")
    assert storage(api)["failed_commits"] == 0
    r = api.req("DELETE", "/_sandbox/storage")
    assert r.status_code == 405


# ------------------------------------------------------------------------------------------------
# kill -9 while sixteen clients write
# ------------------------------------------------------------------------------------------------

KILLS = 10
WORKERS = 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """The emulator on a fixed port and database file, started again after each kill."""

    def __init__(self, db: Path, port: int, log: Path):
        self.cmd = [emulator_bin(), "--port", str(port), "--database", str(db), "--log-level", "warn",
                    "--keygen-delay-ms", "0", *HOLD_PENDING]
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc = None

    def start(self):
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            try:
                if requests.get(self.url + "/_sandbox/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise AssertionError("emulator did not come back")

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


def test_acknowledged_writes_survive_repeated_kill_9(tmp_path):
    proc = Process(tmp_path / "emulator.db", free_port(), tmp_path / "stderr.log")
    proc.start()
    try:
        api = Api(proc.url)
        t = api.new_tenant()
        sources = []
        for i in range(4):  # four funded source assets, spread over the workers
            w = t.create_wallet(f"source-{i}")
            acc = t.create_account(w["wallet_id"], "tron")
            asset = t.create_asset(acc["account_id"], "USDT")
            api.fund(asset["asset_id"], "1000000")
            sources.append((acc, asset))
        api.close()

        acked_tx: dict[str, tuple[str, str]] = {}  # tx_id -> (reference_id, amount); the reference is also the memo
        acked_wallets: set[str] = set()
        sent_refs: dict[str, tuple[str, str]] = {}  # reference_id -> (source asset_id, amount)
        lock = threading.Lock()
        stop = threading.Event()

        def worker(n: int):
            rng = random.Random(n)
            session = requests.Session()
            acc, asset = sources[n % len(sources)]
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 5 == 0:
                        r = session.post(proc.url + "/api/v1/wallets", timeout=10,
                                         headers={"Authorization": f"Bearer {t.token}"},
                                         json={"wallet_name": f"w{n}-{i}"})
                        if r.status_code == 200:
                            with lock:
                                acked_wallets.add(r.json()["wallet_id"])
                        continue
                    amount = f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}"
                    ref = f"kill-{n}-{i}-{secrets.token_hex(4)}"
                    with lock:
                        sent_refs[ref] = (asset["asset_id"], amount)
                    r = session.post(proc.url + "/api/v1/transactions", timeout=10,
                                     headers={"Authorization": f"Bearer {t.token}"},
                                     json={"operation": "TRANSFER", "from_address": acc["address"],
                                           "to_address": tron_address(), "chain": "tron", "token_symbol": "USDT",
                                           "amount": amount, "reference_id": ref, "memo": ref})
                    if r.status_code == 200:
                        with lock:
                            acked_tx[r.json()["tx_id"]] = (ref, amount)
                    else:
                        assert r.status_code in (500, 503), r.text
                except requests.RequestException:
                    session.close()
                    session = requests.Session()
                    time.sleep(0.02)
            session.close()

        threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(WORKERS)]
        for th in threads:
            th.start()
        rng = random.Random(7)
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 0.6))
            proc.kill()
            proc.start()
        time.sleep(0.3)
        stop.set()
        for th in threads:
            th.join(timeout=30)
        proc.kill()
        proc.start()

        api = Api(proc.url)
        t2 = Tenant(api, t.client_id, t.api_key, t.api_secret)
        assert len(acked_tx) > KILLS and acked_wallets, (len(acked_tx), len(acked_wallets))
        for tx_id, (ref, amount) in acked_tx.items():
            got = t2.get(f"/api/v1/transactions/{tx_id}")
            assert (got["memo"], Decimal(got["amount"])) == (ref, Decimal(amount)), got
        wallet_ids = {x["wallet_id"] for x in t2.list_all("/api/v1/wallets")}
        assert acked_wallets <= wallet_ids
        # Every stored transfer is one a client sent, and the money moved is exactly theirs.
        stored = t2.list_all("/api/v1/transactions")
        moved: dict[str, Decimal] = {}
        for x in stored:
            assert x["memo"] in sent_refs, x
            source, amount = sent_refs[x["memo"]]
            assert Decimal(x["amount"]) == Decimal(amount) and x["status"] == "PENDING", x
            moved[source] = moved.get(source, Decimal(0)) + Decimal(amount)
        for _, asset in sources:
            a = t2.asset(asset["asset_id"])
            spent = moved.get(asset["asset_id"], Decimal(0))
            assert Decimal(a["locked_balance"]) == spent, (a, spent)
            assert Decimal(a["balance"]) == Decimal(1000000) - spent, (a, spent)
        assert Sandbox(api).ledger()["balanced"] is True
        api.close()
    finally:
        if proc.proc and proc.proc.poll() is None:
            proc.kill()
