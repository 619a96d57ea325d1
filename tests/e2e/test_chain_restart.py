"""Crash safety of the simulated chain: SIGKILL the emulator in the middle of lifecycles, restart it
on the same SQLite file with the same flags, and check that every transaction resumes where it was
and ends with exact balances; a manual clock resumes at the same virtual instant, a running clock
keeps going on its own."""
import secrets
import signal
import subprocess
import time

from chain_helpers import (BROADCAST_MS, CHAINS, MANUAL, MANUAL_RESTART, SEEDED_START_MS, SIGN_MS, START_MS, Books, Sandbox,
                           activate, balances, block_time_ms, grant, height_at, manual_world, open_asset, required,
                           run_to_final, send, tx)
from e2e_helpers import Tenant, emulator_bin, random_evm_address, segwit_encode, wait_until


def kill9(server):
    """SIGKILL: no shutdown handler runs, nothing is flushed beyond what was committed."""
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    assert server.proc.returncode == -signal.SIGKILL
    server.stop()


def same_tenant(api, t: Tenant) -> Tenant:
    return Tenant(api, t.client_id, t.api_key, t.api_secret)


def test_kill9_mid_lifecycle_then_resume_on_manual_clock(launch, tmp_path):
    db = tmp_path / "crash.db"
    server, sb = manual_world(launch, db=db)
    books = Books()
    api = server.api
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_eth, a_usdt = open_asset(alice, wa["wallet_id"], "ethereum", "USDT")
    a_tron, a_trx = open_asset(alice, wa["wallet_id"], "tron", "TRX")
    b_tron, b_trx = open_asset(bob, wb["wallet_id"], "tron", "TRX")
    grant(api, books, a_usdt, "100")
    grant(api, books, a_trx, "50")

    # t1: a foreign USDT send that will be CONFIRMING with 3 confirmations at the crash.
    t0 = sb.now_ms()
    t1 = send(alice, a_eth["address"], random_evm_address(), "ethereum", "USDT", "30.5")
    books.lock("ethereum", "USDT", "30.5")
    inclusion = height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1
    sb.advance_to(block_time_ms("ethereum", inclusion + 2))
    # t2: an internal TRX transfer to Bob, SIGNED at the crash; t3 held; d: a deposit in flight.
    t2 = send(alice, a_tron["address"], b_tron["address"], "tron", "TRX", "12.75")
    books.lock("tron", "TRX", "12.75")
    t3 = send(alice, a_eth["address"], random_evm_address(), "ethereum", "USDT", "1", memo="sandbox:hold")
    books.lock("ethereum", "USDT", "1")
    d = sb.deposit(b_tron["address"], "tron", "TRX", "3.000001")
    sb.advance_ms(SIGN_MS)

    before = {
        "clock": sb.clock(),
        "t1": tx(alice, t1), "t2": tx(alice, t2), "t3": tx(alice, t3), "d": tx(bob, d["tx_id"]),
        "a_usdt": balances(alice, a_usdt["asset_id"]), "a_trx": balances(alice, a_trx["asset_id"]),
        "b_trx": balances(bob, b_trx["asset_id"]), "ledger": sb.ledger(),
    }
    assert (before["t1"]["status"], before["t1"]["confirmations"]) == ("CONFIRMING", 3), before["t1"]
    assert before["t2"]["status"] == "SIGNED" and before["t3"]["status"] == "PENDING"
    assert before["d"]["status"] in ("BROADCAST", "CONFIRMING")
    assert before["a_usdt"] == ("68.5", "31.5") and before["a_trx"] == ("37.25", "12.75")
    books.check(sb)

    kill9(server)

    server2 = launch(*MANUAL_RESTART, db=db, keygen_delay_ms=3000)
    sb2, api2 = Sandbox(server2.api), server2.api
    alice2, bob2 = same_tenant(api2, alice), same_tenant(api2, bob)
    # The manual clock resumes at the same virtual instant; every record is as it was.
    assert sb2.clock() == before["clock"]
    assert tx(alice2, t1) == before["t1"] and tx(alice2, t2) == before["t2"] and tx(alice2, t3) == before["t3"]
    assert tx(bob2, d["tx_id"]) == before["d"]
    assert balances(alice2, a_usdt["asset_id"]) == before["a_usdt"]
    assert balances(alice2, a_trx["asset_id"]) == before["a_trx"]
    assert balances(bob2, b_trx["asset_id"]) == before["b_trx"]
    assert sb2.ledger() == before["ledger"]

    # t1 picks up its count exactly where it stopped.
    bt = CHAINS["ethereum"][0]
    sb2.advance_ms(bt)
    assert tx(alice2, t1)["confirmations"] == 4
    sb2.advance_ms(bt * (required("ethereum") - 4))
    got = tx(alice2, t1)
    assert (got["status"], got["confirmations"], got["block_number"], got["tx_hash"]) == \
        ("CONFIRMED", required("ethereum"), inclusion, before["t1"]["tx_hash"]), got
    books.confirm("ethereum", "USDT", "30.5", internal=False)

    assert run_to_final(alice2, sb2, t2)["status"] == "CONFIRMED"
    books.confirm("tron", "TRX", "12.75", internal=True)
    assert run_to_final(bob2, sb2, d["tx_id"])["status"] == "CONFIRMED"
    books.mint("tron", "TRX", "3.000001")
    assert tx(alice2, t3)["status"] == "PENDING"
    assert sb2.control(t3, "release").status_code == 200
    assert run_to_final(alice2, sb2, t3)["status"] == "CONFIRMED"
    books.confirm("ethereum", "USDT", "1", internal=False)

    assert balances(alice2, a_usdt["asset_id"]) == ("68.5", "0")
    assert balances(alice2, a_trx["asset_id"]) == ("37.25", "0")
    assert balances(bob2, b_trx["asset_id"]) == ("15.750001", "0")
    twins = [x for x in bob2.get("/api/v1/transactions")["data"] if x["tx_id"] != d["tx_id"]]
    assert [(x["direction"], x["status"], x["amount"]) for x in twins] == [("INBOUND", "CONFIRMED", "12.75")]
    books.check(sb2)


def test_kill9_between_steps_keeps_one_settlement(launch, tmp_path):
    """Crash right after a settlement: the restart must not apply it a second time."""
    db = tmp_path / "once.db"
    server, sb = manual_world(launch, db=db)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "bitcoin", "BTC")
    grant(server.api, books, asset, "1")
    ok = send(t, acc["address"], random_btc(), "bitcoin", "BTC", "0.25")
    bad = send(t, acc["address"], random_btc(), "bitcoin", "BTC", "0.5", memo="sandbox:fail_signing")
    books.lock("bitcoin", "BTC", "0.25")
    books.lock("bitcoin", "BTC", "0.5")
    assert run_to_final(t, sb, ok)["status"] == "CONFIRMED"
    assert tx(t, bad)["status"] == "FAILED"
    books.confirm("bitcoin", "BTC", "0.25", internal=False)
    books.fail("bitcoin", "BTC", "0.5")
    books.check(sb)
    clock = sb.clock()
    kill9(server)
    for _ in range(2):
        server = launch(*MANUAL_RESTART, db=db, keygen_delay_ms=3000)
        sb = Sandbox(server.api)
        t = same_tenant(server.api, t)
        assert sb.clock() == clock
        sb.advance(3600)
        clock = sb.clock()
        assert balances(t, asset["asset_id"]) == ("0.75", "0")
        books.check(sb)
        kill9(server)


def random_btc():
    return segwit_encode("bc", 0, secrets.token_bytes(20))


def test_sigterm_restart_keeps_the_manual_clock(launch, tmp_path):
    db = tmp_path / "term.db"
    server, sb = manual_world(launch, db=db)
    sb.advance(3725)
    c = sb.clock()
    assert c["now_ms"] == START_MS + 3_725_000
    assert server.stop() == 0
    server = launch(*MANUAL_RESTART, db=db, keygen_delay_ms=3000)
    assert Sandbox(server.api).clock() == c
    # The start-time flag only seeds a fresh database: on this one it is refused, and says why.
    server.stop()
    r = subprocess.run([emulator_bin(), "--port", "0", "--database", str(db), "--manual-clock", "--start-time",
                        "2030-01-01T00:00:00Z"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"paratro-emulator: --start-time applies to a fresh database only; {db} already has its clock "
                        f"(now {c['now']}): drop the flag, advance with POST /_sandbox/clock/advance, or give "
                        "--database a new file\n")
    server = launch(*MANUAL_RESTART, db=db, keygen_delay_ms=3000)
    assert Sandbox(server.api).clock() == c


def test_kill9_with_pending_transfer_then_running_clock_completes_alone(launch, tmp_path):
    """Running clock: kill -9 while transfers are PENDING, restart faster; they complete with no
    advance call at all."""
    db = tmp_path / "running.db"
    server = launch("--clock-speed", "1", db=db, keygen_delay_ms=200)
    api = server.api
    books = Books()
    alice, bob = api.new_tenant(), api.new_tenant()
    wa = alice.active_wallet()  # 200 virtual ms = 200 real ms at speed 1
    wb = bob.active_wallet()
    a_acc, a_eth = open_asset(alice, wa["wallet_id"], "ethereum", "ETH")
    b_acc, b_eth = open_asset(bob, wb["wallet_id"], "ethereum", "ETH")
    grant(api, books, a_eth, "2")
    out = send(alice, a_acc["address"], random_evm_address(), "ethereum", "ETH", "0.75")
    inner = send(alice, a_acc["address"], b_acc["address"], "ethereum", "ETH", "0.5")
    books.lock("ethereum", "ETH", "0.75")
    books.lock("ethereum", "ETH", "0.5")
    # Signing takes 2 virtual s = 2 real s at speed 1: both are still PENDING now.
    assert tx(alice, out)["status"] == "PENDING" and tx(alice, inner)["status"] == "PENDING"
    assert balances(alice, a_eth["asset_id"]) == ("0.75", "1.25")
    clock_before = Sandbox(api).clock()
    assert clock_before["mode"] == "running"
    kill9(server)

    server = launch("--clock-speed", "1000", db=db, keygen_delay_ms=200)
    api = server.api
    sb = Sandbox(api)
    alice, bob = same_tenant(api, alice), same_tenant(api, bob)
    # No POST /_sandbox/clock/advance from here on.
    wait_until(lambda: tx(alice, out)["status"] == "CONFIRMED" and tx(alice, inner)["status"] == "CONFIRMED")
    got = tx(alice, out)
    assert got["confirmations"] == required("ethereum")
    assert got["block_number"] > clock_before["heights"]["ethereum"]
    books.confirm("ethereum", "ETH", "0.75", internal=False)
    books.confirm("ethereum", "ETH", "0.5", internal=True)
    assert balances(alice, a_eth["asset_id"]) == ("0.75", "0")
    assert balances(bob, b_eth["asset_id"]) == ("0.5", "0")
    twin = bob.get("/api/v1/transactions")["data"]
    assert [(x["direction"], x["status"], x["tx_hash"]) for x in twin] == \
        [("INBOUND", "CONFIRMED", tx(alice, inner)["tx_hash"])]
    c = sb.clock()
    assert c["mode"] == "running" and c["now_ms"] > clock_before["now_ms"]
    books.check(sb)


def test_running_clock_does_not_run_backwards_after_restart_with_another_speed(launch, tmp_path):
    """Virtual time (and every chain's height) must never decrease across a restart: after kill -9
    the clock continues from where it was, whatever --clock-speed the restart is given."""
    db = tmp_path / "speed.db"
    server = launch("--clock-speed", "1000", db=db)
    sb = Sandbox(server.api)
    time.sleep(1.0)  # ~1000 virtual seconds
    seen = sb.clock()
    kill9(server)
    server = launch("--clock-speed", "1", db=db)
    after = Sandbox(server.api).clock()
    assert after["mode"] == "running"
    assert after["now_ms"] >= seen["now_ms"], \
        f"clock went back from {seen['now']} to {after['now']} after restarting at another speed"
    for chain, h in seen["heights"].items():
        assert after["heights"][chain] >= h, (chain, h, after["heights"][chain])


def test_seeded_restart_does_not_reissue_key_material(launch, tmp_path):
    """With --seed, a restart on the same database must not hand out key material (or ids) that the
    first run already used. The seeded stream restarts from its beginning on every start, so once
    the second run has drawn as many bytes as the first had before a wallet (here: the first run
    draws the JWT key, the default client's salt and six token ids = 108 bytes before wallet A; the
    second draws a sandbox client and a deposit = 108 bytes before wallet B), B gets A's keys."""
    db = tmp_path / "seeded.db"
    args = ("--seed", "42", "--manual-clock")
    server = launch(*args, db=db, keygen_delay_ms=0)
    api = server.api
    tokens = [api.token() for _ in range(6)]
    token = tokens[-1]
    a = api.req("POST", "/api/v1/wallets", token=token, json={"wallet_name": "A"})
    assert a.status_code == 200 and a.json()["status"] == "ACTIVE", a.text
    a = a.json()
    acc_a = api.req("POST", "/api/v1/accounts", token=token, json={"wallet_id": a["wallet_id"], "chain": "ethereum"})
    assert acc_a.status_code == 200, acc_a.text
    acc_a = acc_a.json()
    kill9(server)

    server = launch(*args, db=db, keygen_delay_ms=0)
    api = server.api
    sb = Sandbox(api)
    assert sb.now_ms() == SEEDED_START_MS
    api.create_client(name="second run")
    sb.deposit(acc_a["address"], "ethereum", "ETH", "1", from_="0x" + "00" * 19 + "01")
    sb.advance(1)
    b = api.req("POST", "/api/v1/wallets", token=token, json={"wallet_name": "B"})
    assert b.status_code == 200, b.text
    b = b.json()
    acc_b = api.req("POST", "/api/v1/accounts", token=token, json={"wallet_id": b["wallet_id"], "chain": "ethereum"})
    assert acc_b.status_code == 200, acc_b.text
    acc_b = acc_b.json()
    assert acc_b["address"] != acc_a["address"], \
        f"two wallets share one key after a seeded restart: {a['wallet_id']} and {b['wallet_id']} -> {acc_a['address']}"
    assert b["wallet_id"][-16:] != a["wallet_id"][-16:], (a["wallet_id"], b["wallet_id"])
