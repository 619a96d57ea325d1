"""The simulated chain, step by step on a manual clock: wallet key generation, a transfer walking
PENDING -> SIGNED -> BROADCAST -> CONFIRMING -> CONFIRMED on each chain family, failures injected by
memo magic, and the clock endpoints themselves. Held and forced transfers (the /_sandbox/transactions
controls) are in test_chain_forced_outcomes.py."""
import time
from decimal import Decimal

import pytest

from chain_helpers import (BROADCAST_MS, CHAINS, KEYGEN_MS, SIGN_MS, START, START_MS, Books, activate, amount_text,
                           assert_tx_hash_format, balances, block_time_ms, check_clock, grant, height_at,
                           manual_world, open_asset, rfc, run_to_final, send, tx)
from e2e_helpers import (assert_error, check_list, check_wallet, random_evm_address, segwit_encode, solana_address,
                         tron_address)

FOREIGN = {
    "ethereum": random_evm_address,
    "tron": tron_address,
    "bitcoin": lambda: segwit_encode("bc", 0, bytes(range(20))),
    "solana": solana_address,
}


# ---------------------------------------------------------------------------------------------
# Wallet activation
# ---------------------------------------------------------------------------------------------


def test_wallet_activation_follows_the_keygen_delay(launch):
    server, sb = manual_world(launch, keygen_ms=KEYGEN_MS)
    t = server.api.new_tenant()
    w = t.create_wallet("keygen")
    check_wallet(w)
    assert (w["status"], w["key_status"]) == ("PROGRESSING", "GENERATING")
    assert w["created_at"] == w["updated_at"] == START
    wid = w["wallet_id"]

    r = t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "ethereum"})
    assert_error(r, "wallet_not_active")

    # One millisecond short of the delay: still generating, in the item and in the list.
    sb.advance_ms(KEYGEN_MS - 1)
    got = t.get(f"/api/v1/wallets/{wid}")
    assert (got["status"], got["key_status"]) == ("PROGRESSING", "GENERATING"), got
    assert got["updated_at"] == START
    listed = check_list(t.get("/api/v1/wallets"), check_wallet)
    assert [(x["wallet_id"], x["status"]) for x in listed] == [(wid, "PROGRESSING")]
    assert_error(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "tron"}), "wallet_not_active")
    assert t.get("/api/v1/accounts")["total"] == 0

    adv = sb.advance_ms(1)
    assert adv["steps"] >= 1, adv
    got = t.get(f"/api/v1/wallets/{wid}")
    check_wallet(got)
    assert (got["status"], got["key_status"]) == ("ACTIVE", "ACTIVE"), got
    assert got["created_at"] == START
    assert got["updated_at"] == rfc(START_MS + KEYGEN_MS)

    # Later advances do not touch it again.
    sb.advance(3600)
    assert t.get(f"/api/v1/wallets/{wid}") == got
    acc = t.create_account(wid, "ethereum")
    assert acc["status"] == "ACTIVE" and acc["created_at"] == rfc(START_MS + KEYGEN_MS + 3600_000)


def test_wallet_activation_timestamps_use_the_creation_instant(launch):
    server, sb = manual_world(launch, keygen_ms=5000)
    t = server.api.new_tenant()
    sb.advance(7)
    w = t.create_wallet()
    assert w["created_at"] == rfc(START_MS + 7000)
    sb.advance(60)  # far past the delay: updated_at is the moment keys were ready, not the advance target
    got = t.get(f"/api/v1/wallets/{w['wallet_id']}")
    assert got["status"] == "ACTIVE"
    assert got["updated_at"] == rfc(START_MS + 7000 + 5000)


# ---------------------------------------------------------------------------------------------
# A transfer walking every status
# ---------------------------------------------------------------------------------------------

WALK = [
    # chain, symbol, funded, amount
    ("ethereum", "USDT", "1000.5", "250.125"),
    ("tron", "TRX", "500", "123.456789"),
    ("bitcoin", "BTC", "2.5", "0.00012345"),
    ("solana", "SOL", "10", "3.141592653"),
]


@pytest.mark.parametrize("chain,symbol,funded,amount", WALK, ids=[w[0] for w in WALK])
def test_transfer_walks_every_status_in_order(launch, chain, symbol, funded, amount):
    server, sb = manual_world(launch)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], chain, symbol)
    grant(server.api, books, asset, funded)
    rest = amount_text(Decimal(funded) - Decimal(amount))
    bt, conf, _, _ = CHAINS[chain]
    to = FOREIGN[chain]()

    t0 = sb.now_ms()
    assert t0 == START_MS + KEYGEN_MS
    tx_id = send(t, acc["address"], to, chain, symbol, amount)
    books.lock(chain, symbol, amount)

    def expect(status, *, updated_ms, tx_hash=None, block=0, confirmations=0):
        got = tx(t, tx_id)
        assert got["status"] == status, got
        assert got["direction"] == "OUTBOUND" and got["chain"] == chain and got["token_symbol"] == symbol, got
        assert got["from_address"] == acc["address"] and got["to_address"] == to, got
        assert got["amount"] == amount, got
        assert got["created_at"] == rfc(t0), got
        assert got["updated_at"] == rfc(updated_ms), got
        assert got["block_number"] == block, got
        assert got["confirmations"] == confirmations, got
        if tx_hash is None:
            assert got["tx_hash"] == "", got
        elif tx_hash is not True:
            assert got["tx_hash"] == tx_hash, got
        # The list shows the same computed view.
        listed = [x for x in t.get("/api/v1/transactions", params={"chain": chain})["data"] if x["tx_id"] == tx_id]
        assert listed == [got]
        return got

    # PENDING until the signing delay has passed, with the amount locked.
    expect("PENDING", updated_ms=t0)
    assert balances(t, asset["asset_id"]) == (rest, amount)
    books.check(sb)
    sb.advance_ms(SIGN_MS - 1)
    expect("PENDING", updated_ms=t0)

    sb.advance_ms(1)
    expect("SIGNED", updated_ms=t0 + SIGN_MS)
    sb.advance_ms(BROADCAST_MS - 1)
    expect("SIGNED", updated_ms=t0 + SIGN_MS)
    assert balances(t, asset["asset_id"]) == (rest, amount)

    # The hash appears exactly at BROADCAST, in the chain's own format.
    sb.advance_ms(1)
    tb = t0 + SIGN_MS + BROADCAST_MS
    got = expect("BROADCAST", updated_ms=tb, tx_hash=True)
    tx_hash = got["tx_hash"]
    assert_tx_hash_format(chain, tx_hash)

    # Included in the next block: block_number is the height the clock reports at that instant.
    inclusion_height = height_at(chain, tb) + 1
    included_ms = block_time_ms(chain, inclusion_height)
    if included_ms - tb > 1:
        sb.advance_to(included_ms - 1)
        expect("BROADCAST", updated_ms=tb, tx_hash=tx_hash)
    clock = sb.advance_to(included_ms)
    assert clock["heights"][chain] == inclusion_height, clock
    expect("CONFIRMING", updated_ms=included_ms, tx_hash=tx_hash, block=inclusion_height, confirmations=1)
    assert balances(t, asset["asset_id"]) == (rest, amount)

    # One more confirmation per block.
    for k in range(2, conf):
        clock = sb.advance_ms(bt)
        assert clock["heights"][chain] == inclusion_height + k - 1
        got = tx(t, tx_id)
        assert (got["status"], got["confirmations"], got["block_number"], got["tx_hash"]) == \
            ("CONFIRMING", k, inclusion_height, tx_hash), got

    clock = sb.advance_ms(bt)
    assert clock["heights"][chain] == inclusion_height + conf - 1
    confirmed_ms = included_ms + (conf - 1) * bt
    expect("CONFIRMED", updated_ms=confirmed_ms, tx_hash=tx_hash, block=inclusion_height, confirmations=conf)
    assert balances(t, asset["asset_id"]) == (rest, "0")
    books.confirm(chain, symbol, amount, internal=False)
    books.check(sb)

    # Final: more blocks change nothing.
    sb.advance_ms(10 * bt)
    expect("CONFIRMED", updated_ms=confirmed_ms, tx_hash=tx_hash, block=inclusion_height, confirmations=conf)
    assert balances(t, asset["asset_id"]) == (rest, "0")
    books.check(sb)


def test_chain_override_flag_changes_block_time_and_confirmations(launch):
    server, sb = manual_world(launch, "--chain", "ethereum:5000:3")
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(server.api, None, asset, "1")
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "0.25")
    sb.advance_ms(SIGN_MS + BROADCAST_MS)  # BROADCAST at START+6s
    clock = sb.advance_to(START_MS + 10_000)  # blocks every 5 s: height base+2 at +10s
    assert clock["heights"]["ethereum"] == 21_000_002
    got = tx(t, tx_id)
    assert (got["status"], got["block_number"], got["confirmations"]) == ("CONFIRMING", 21_000_002, 1), got
    sb.advance(5)
    assert tx(t, tx_id)["confirmations"] == 2
    sb.advance(5)
    got = tx(t, tx_id)
    assert (got["status"], got["confirmations"]) == ("CONFIRMED", 3), got
    assert balances(t, asset["asset_id"]) == ("0.75", "0")


# ---------------------------------------------------------------------------------------------
# Failures and refunds
# ---------------------------------------------------------------------------------------------


def test_fail_at_signing_refunds_exactly(launch):
    server, sb = manual_world(launch)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "USDT")
    grant(server.api, books, asset, "100.000001")
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "USDT", "99.999999",
                 memo="please sandbox:fail_signing now")
    books.lock("ethereum", "USDT", "99.999999")
    assert balances(t, asset["asset_id"]) == ("0.000002", "99.999999")
    books.check(sb)

    sb.advance_ms(SIGN_MS - 1)
    assert tx(t, tx_id)["status"] == "PENDING"
    sb.advance_ms(1)
    got = tx(t, tx_id)
    assert (got["status"], got["tx_hash"], got["block_number"], got["confirmations"]) == ("FAILED", "", 0, 0), got
    assert got["updated_at"] == rfc(t0 + SIGN_MS)
    assert balances(t, asset["asset_id"]) == ("100.000001", "0")
    books.fail("ethereum", "USDT", "99.999999")
    books.check(sb)

    sb.advance(3600)
    assert tx(t, tx_id) == got
    assert balances(t, asset["asset_id"]) == ("100.000001", "0")
    # The refunded funds can be spent again.
    tx2 = send(t, acc["address"], random_evm_address(), "ethereum", "USDT", "100.000001")
    books.lock("ethereum", "USDT", "100.000001")
    assert balances(t, asset["asset_id"]) == ("0", "100.000001")
    books.check(sb)
    assert run_to_final(t, sb, tx2)["status"] == "CONFIRMED"
    books.confirm("ethereum", "USDT", "100.000001", internal=False)
    books.check(sb)


def test_fail_on_chain_after_one_block_refunds_exactly(launch):
    server, sb = manual_world(launch)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "TRX")
    grant(server.api, books, asset, "42.5")
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], tron_address(), "tron", "TRX", "40.000001", memo="sandbox:fail_onchain")
    books.lock("tron", "TRX", "40.000001")
    assert balances(t, asset["asset_id"]) == ("2.499999", "40.000001")

    sb.advance_ms(SIGN_MS)
    assert tx(t, tx_id)["status"] == "SIGNED"
    sb.advance_ms(BROADCAST_MS)
    got = tx(t, tx_id)
    assert got["status"] == "BROADCAST"
    assert_tx_hash_format("tron", got["tx_hash"])
    h = got["tx_hash"]
    tb = t0 + SIGN_MS + BROADCAST_MS
    inclusion = height_at("tron", tb) + 1
    clock = sb.advance_to(block_time_ms("tron", inclusion))
    got = tx(t, tx_id)
    assert (got["status"], got["block_number"], got["confirmations"], got["tx_hash"]) == \
        ("CONFIRMING", clock["heights"]["tron"], 1, h), got
    assert got["block_number"] == inclusion
    assert balances(t, asset["asset_id"]) == ("2.499999", "40.000001")

    sb.advance_ms(CHAINS["tron"][0])
    got = tx(t, tx_id)
    assert got["status"] == "FAILED", got
    assert got["tx_hash"] == h and got["block_number"] == inclusion, got
    assert got["updated_at"] == rfc(block_time_ms("tron", inclusion + 1))
    assert balances(t, asset["asset_id"]) == ("42.5", "0")
    books.fail("tron", "TRX", "40.000001")
    books.check(sb)
    sb.advance(600)
    assert tx(t, tx_id)["status"] == "FAILED"
    assert balances(t, asset["asset_id"]) == ("42.5", "0")


# ---------------------------------------------------------------------------------------------
# Clock endpoints
# ---------------------------------------------------------------------------------------------


def test_clock_reports_manual_time_and_heights(launch):
    server, sb = manual_world(launch)
    c = sb.clock()
    assert c["now"] == START and c["now_ms"] == START_MS and c["mode"] == "manual", c
    assert c["next_due"] is None, c
    for chain, (_, _, base, _) in CHAINS.items():
        assert c["heights"][chain] == base, (chain, c)
    # The manual clock does not move by itself.
    time.sleep(0.3)
    assert sb.clock() == c


def test_clock_advance_by_iso_duration_and_seconds(launch):
    server, sb = manual_world(launch)
    api = server.api
    expected = START_MS
    for body, delta in [({"duration": "PT1H"}, 3_600_000), ({"seconds": 90}, 90_000),
                        ({"seconds": "1.5"}, 1500), ({"duration": "P1DT2H30M"}, 95_400_000),
                        ({"duration": "PT0.25S"}, 250), ({"seconds": 0}, 0), ({"duration": "P1W"}, 604_800_000)]:
        r = api.req("POST", "/_sandbox/clock/advance", json=body)
        assert r.status_code == 200, (body, r.text)
        got = check_clock(r.json())
        expected += delta
        assert got["advanced_ms"] == delta, (body, got)
        assert got["now_ms"] == expected, (body, got)
        assert got["now"] == rfc(expected)
        assert got["steps"] == 0
        for chain in CHAINS:
            assert got["heights"][chain] == height_at(chain, expected), (chain, got)
        assert sb.clock() == {k: v for k, v in got.items() if k not in ("advanced_ms", "steps")}
    # ?seconds= on the query string works too.
    r = api.req("POST", "/_sandbox/clock/advance", params={"seconds": "10"})
    assert r.status_code == 200, r.text
    assert r.json()["now_ms"] == expected + 10_000
    assert sb.clock()["now"] == rfc(expected + 10_000)


@pytest.mark.parametrize("body", [
    {}, {"seconds": -1}, {"seconds": "abc"}, {"seconds": "-5"}, {"seconds": True}, {"seconds": None},
    {"seconds": "1e3"}, {"duration": "1H"}, {"duration": "PT"}, {"duration": "P"}, {"duration": "PT1X"},
    {"duration": 60}, {"duration": "PT-1S"}, {"duration": "P1H"}, {"duration": ""},
], ids=lambda b: repr(b))
def test_clock_advance_rejects_invalid_input(launch, body):
    server, sb = manual_world(launch)
    before = sb.clock()
    r = sb.advance_raw(body)
    assert_error(r, "invalid_parameter")
    assert sb.clock() == before


def test_clock_advance_rejects_bad_json_and_wrong_method(launch):
    server, sb = manual_world(launch)
    before = sb.clock()
    r = server.api.req("POST", "/_sandbox/clock/advance", data="{not json")
    assert_error(r, "bad_request")
    r = server.api.req("POST", "/_sandbox/clock/advance", data="[1]")
    assert r.status_code == 400 and r.json()["code"] in ("bad_request", "invalid_parameter"), r.text
    r = server.api.req("POST", "/_sandbox/clock", json={"seconds": 5})
    assert r.status_code in (404, 405), r.text
    assert sb.clock() == before


@pytest.mark.parametrize("seconds", [9223372036854775807, 9223372036854775, 4_000_000_000_000],
                         ids=["int64-max", "overflows-now", "over-100-years"])
def test_clock_advance_rejects_out_of_range_seconds(launch, seconds):
    """The same number of seconds is rejected as a string (beyond the 100-year ceiling); as a JSON
    integer it must be rejected too, not overflow (int64 x 1000) into a bogus 200 that reports a
    negative advance, or silently leaves the clock where it was, or jumps to year 128780."""
    server, sb = manual_world(launch)
    before = sb.clock()
    assert_error(sb.advance_raw({"seconds": str(seconds)}), "invalid_parameter")
    assert sb.clock() == before
    r = sb.advance_raw({"seconds": seconds})
    after = server.api.req("GET", "/_sandbox/clock").json()  # raw: the year may be beyond Python's
    assert after == before, f"clock moved to {after['now']}"
    assert_error(r, "invalid_parameter")
