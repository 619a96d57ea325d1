"""Money on the simulated chain once a transfer settles or fails: funds that arrive before the
receiving asset exists, failed and forced internal transfers, transfers between one client's own
wallets, sends to foreign addresses (burned), sandbox grants, and the ledger invariant
balance + locked == minted - burned over a mixed session (manual clock throughout). Deposits and
internal transfers are in test_chain_ledger.py."""
from decimal import Decimal

import pytest

from chain_helpers import (BROADCAST_MS, CHAINS, SIGN_MS, activate, amount_text, balances, block_time_ms, grant,
                           height_at, open_asset, run_to_final, send, tx)
from chain_ledger_helpers import world  # noqa: F401
from e2e_helpers import random_evm_address, segwit_encode, solana_address, tron_address


def test_post_asset_response_shows_funds_already_received(world):
    """POST /assets returns the new asset; when its address already holds that token (received before
    the asset was added) the response must show that balance, like GET does right after."""
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc = t.create_account(w["wallet_id"], "tron")
    dep = sb.deposit(acc["address"], "tron", "TRX", "6.5")
    assert run_to_final(t, sb, dep["tx_id"])["status"] == "CONFIRMED"
    books.mint("tron", "TRX", "6.5")
    books.check(sb)
    created = t.create_asset(acc["account_id"], "TRX")
    assert balances(t, created["asset_id"]) == ("6.5", "0")
    assert (created["balance"], created["locked_balance"]) == ("6.5", "0"), created


def test_funds_sent_before_the_asset_exists_appear_when_it_is_added(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_sol = open_asset(alice, wa["wallet_id"], "solana", "SOL")
    b_acc = bob.create_account(wb["wallet_id"], "solana")  # no SOL asset yet
    grant(api, books, a_sol, "7")
    tx_id = send(alice, a_acc["address"], b_acc["address"], "solana", "SOL", "2.000000001")
    books.lock("solana", "SOL", "2.000000001")
    out = run_to_final(alice, sb, tx_id)
    assert out["status"] == "CONFIRMED", out
    books.confirm("solana", "SOL", "2.000000001", internal=True)
    books.check(sb)
    assert bob.get("/api/v1/assets")["total"] == 0
    twins = bob.get("/api/v1/transactions", params={"account_id": b_acc["account_id"]})["data"]
    assert len(twins) == 1 and twins[0]["status"] == "CONFIRMED" and twins[0]["amount"] == "2.000000001", twins
    assert twins[0]["tx_hash"] == out["tx_hash"]

    b_sol = bob.create_asset(b_acc["account_id"], "SOL")
    assert balances(bob, b_sol["asset_id"]) == ("2.000000001", "0")
    listed = bob.get("/api/v1/assets", params={"account_id": b_acc["account_id"]})["data"]
    assert [(x["asset_id"], x["balance"], x["locked_balance"]) for x in listed] == \
        [(b_sol["asset_id"], "2.000000001", "0")]
    assert balances(alice, a_sol["asset_id"]) == ("4.999999999", "0")
    # And it is spendable.
    spend = send(bob, b_acc["address"], solana_address(), "solana", "SOL", "2.000000001")
    books.lock("solana", "SOL", "2.000000001")
    assert run_to_final(bob, sb, spend)["status"] == "CONFIRMED"
    books.confirm("solana", "SOL", "2.000000001", internal=False)
    assert balances(bob, b_sol["asset_id"]) == ("0", "0")
    books.check(sb)


def test_failed_internal_transfer_does_not_credit_the_receiver(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_btc = open_asset(alice, wa["wallet_id"], "bitcoin", "BTC")
    b_acc, b_btc = open_asset(bob, wb["wallet_id"], "bitcoin", "BTC")
    grant(api, books, a_btc, "1")
    tx_id = send(alice, a_acc["address"], b_acc["address"], "bitcoin", "BTC", "0.3", memo="sandbox:fail_onchain")
    books.lock("bitcoin", "BTC", "0.3")
    sb.advance_ms(SIGN_MS + BROADCAST_MS)
    sb.advance_to(block_time_ms("bitcoin", height_at("bitcoin", sb.now_ms()) + 1))
    out = tx(alice, tx_id)
    assert out["status"] == "CONFIRMING"
    twins = bob.get("/api/v1/transactions")["data"]
    assert len(twins) == 1 and twins[0]["status"] == "CONFIRMING" and twins[0]["tx_hash"] == out["tx_hash"]
    sb.advance_ms(CHAINS["bitcoin"][0])
    assert tx(alice, tx_id)["status"] == "FAILED"
    assert tx(bob, twins[0]["tx_id"])["status"] == "FAILED"
    assert balances(alice, a_btc["asset_id"]) == ("1", "0")
    assert balances(bob, b_btc["asset_id"]) == ("0", "0")
    books.fail("bitcoin", "BTC", "0.3")
    books.check(sb)


def test_forced_confirm_of_a_held_internal_transfer_credits_the_receiver(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_trx = open_asset(alice, wa["wallet_id"], "tron", "TRX")
    b_acc, b_trx = open_asset(bob, wb["wallet_id"], "tron", "TRX")
    grant(api, books, a_trx, "9")
    tx_id = send(alice, a_acc["address"], b_acc["address"], "tron", "TRX", "4.5", memo="sandbox:hold")
    books.lock("tron", "TRX", "4.5")
    sb.advance(60)
    assert bob.get("/api/v1/transactions")["total"] == 0
    r = sb.control(tx_id, "confirm")
    assert r.status_code == 200 and r.json()["status"] == "CONFIRMED", r.text
    books.confirm("tron", "TRX", "4.5", internal=True)
    twins = bob.get("/api/v1/transactions")["data"]
    assert [(x["direction"], x["status"], x["tx_hash"]) for x in twins] == \
        [("INBOUND", "CONFIRMED", r.json()["tx_hash"])]
    assert balances(bob, b_trx["asset_id"]) == ("4.5", "0")
    assert balances(alice, a_trx["asset_id"]) == ("4.5", "0")
    books.check(sb)


def test_transfer_between_own_wallets_of_one_client(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w1, w2 = activate(t, sb), activate(t, sb)
    acc1, eth1 = open_asset(t, w1["wallet_id"], "ethereum", "ETH")
    acc2, eth2 = open_asset(t, w2["wallet_id"], "ethereum", "ETH")
    grant(api, books, eth1, "1")
    tx_id = send(t, acc1["address"], acc2["address"], "ethereum", "ETH", "0.123456789012345678")
    books.lock("ethereum", "ETH", "0.123456789012345678")
    out = run_to_final(t, sb, tx_id)
    assert out["status"] == "CONFIRMED"
    books.confirm("ethereum", "ETH", "0.123456789012345678", internal=True)
    assert balances(t, eth1["asset_id"]) == ("0.876543210987654322", "0")
    assert balances(t, eth2["asset_id"]) == ("0.123456789012345678", "0")
    mine = t.get("/api/v1/transactions")["data"]
    assert sorted(x["direction"] for x in mine) == ["INBOUND", "OUTBOUND"]
    assert {x["tx_hash"] for x in mine} == {out["tx_hash"]}
    w2_txs = t.get("/api/v1/transactions", params={"wallet_id": w2["wallet_id"]})["data"]
    assert [x["direction"] for x in w2_txs] == ["INBOUND"]
    books.check(sb)


# ---------------------------------------------------------------------------------------------
# Sends to foreign addresses and sandbox grants
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chain,symbol,to_fn,amounts", [
    ("ethereum", "USDC", random_evm_address, ["1.5", "0.000001", "10"]),
    ("tron", "TRX", tron_address, ["100", "0.5"]),
    ("bitcoin", "BTC", lambda: segwit_encode("bc", 1, bytes(range(1, 33))), ["0.00000001", "0.99999999"]),
])
def test_transfers_to_foreign_addresses_burn(world, chain, symbol, to_fn, amounts):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], chain, symbol)
    total = sum(Decimal(a) for a in amounts)
    grant(api, books, asset, total + 1)
    ids = []
    for a in amounts:
        ids.append(send(t, acc["address"], to_fn(), chain, symbol, a))
        books.lock(chain, symbol, a)
    assert balances(t, asset["asset_id"]) == ("1", amount_text(total))
    books.check(sb)
    for i in ids:
        assert run_to_final(t, sb, i)["status"] == "CONFIRMED"
    for a in amounts:
        books.confirm(chain, symbol, a, internal=False)
    assert balances(t, asset["asset_id"]) == ("1", "0")
    body = books.check(sb)
    row = [r for r in body["tokens"] if (r["chain"], r["symbol"]) == (chain, symbol)][0]
    assert row["burned"] == amount_text(total) and row["minted"] == amount_text(total + 1), row


def test_sandbox_grants_mint_and_burn_the_difference(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(api, books, asset, "5")
    api.fund(asset["asset_id"], "2.25")
    books.burn_grant("ethereum", "ETH", "2.75")
    books.check(sb)
    api.fund(asset["asset_id"], "8")
    books.mint("ethereum", "ETH", "5.75")
    books.check(sb)
    # A grant while funds are locked keeps the lock intact.
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "3", memo="sandbox:hold")
    books.lock("ethereum", "ETH", "3")
    api.fund(asset["asset_id"], "1")
    books.burn_grant("ethereum", "ETH", "4")
    assert balances(t, asset["asset_id"]) == ("1", "3")
    books.check(sb)
    assert sb.control(tx_id, "fail").status_code == 200
    books.fail("ethereum", "ETH", "3")
    assert balances(t, asset["asset_id"]) == ("4", "0")
    books.check(sb)


def test_ledger_over_a_mixed_session(world):
    """Several clients, chains and outcomes at once; the books must agree after every advance."""
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_eth, a_usdt = open_asset(alice, wa["wallet_id"], "ethereum", "USDT")
    a_tron, a_trx = open_asset(alice, wa["wallet_id"], "tron", "TRX")
    b_eth, b_usdt = open_asset(bob, wb["wallet_id"], "ethereum", "USDT")
    b_tron = bob.create_account(wb["wallet_id"], "tron")
    grant(api, books, a_usdt, "1000")
    grant(api, books, a_trx, "50")
    dep = sb.deposit(b_eth["address"], "ethereum", "USDT", "25")
    plan = [
        (alice, a_eth["address"], b_eth["address"], "ethereum", "USDT", "100", None, "internal"),
        (alice, a_eth["address"], random_evm_address(), "ethereum", "USDT", "200", None, "burn"),
        (alice, a_eth["address"], random_evm_address(), "ethereum", "USDT", "300", "sandbox:fail_signing", "fail"),
        (alice, a_eth["address"], b_eth["address"], "ethereum", "USDT", "50", "sandbox:fail_onchain", "fail"),
        (alice, a_tron["address"], b_tron["address"], "tron", "TRX", "20", None, "internal"),
        (alice, a_tron["address"], tron_address(), "tron", "TRX", "5", None, "burn"),
    ]
    sent = []
    for who, frm, to, chain, sym, amt, memo, fate in plan:
        sent.append((send(who, frm, to, chain, sym, amt, memo=memo), chain, sym, amt, fate))
        books.lock(chain, sym, amt)
        books.check(sb)
    settled = set()
    dep_done = False
    for _ in range(80):
        sb.advance(5)
        for tx_id, chain, sym, amt, fate in sent:
            if tx_id in settled:
                continue
            st = tx(alice, tx_id)["status"]
            if st in ("CONFIRMED", "FAILED"):
                assert st == ("FAILED" if fate == "fail" else "CONFIRMED"), (fate, st)
                settled.add(tx_id)
                if fate == "fail":
                    books.fail(chain, sym, amt)
                else:
                    books.confirm(chain, sym, amt, internal=fate == "internal")
        if not dep_done and tx(bob, dep["tx_id"])["status"] == "CONFIRMED":
            books.mint("ethereum", "USDT", "25")
            dep_done = True
        books.check(sb)
        if len(settled) == len(sent) and dep_done:
            break
    assert len(settled) == len(sent) and dep_done
    assert balances(alice, a_usdt["asset_id"]) == ("700", "0")
    assert balances(alice, a_trx["asset_id"]) == ("25", "0")
    assert balances(bob, b_usdt["asset_id"]) == ("125", "0")
    _, b_trx = open_asset(bob, wb["wallet_id"], "tron", "TRX", account=b_tron)
    assert balances(bob, b_trx["asset_id"]) == ("20", "0")
    books.check(sb)


def test_internal_transfer_to_an_uppercase_bech32_address_reaches_the_owner(world):
    """BIP-173: an all-uppercase bech32 address is the same address as its lowercase form (the
    emulator accepts it as a destination). Paying Bob's address written in uppercase must credit
    Bob, not burn the funds as if it were foreign; a deposit to that spelling must find him too."""
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_btc = open_asset(alice, wa["wallet_id"], "bitcoin", "BTC")
    b_acc, b_btc = open_asset(bob, wb["wallet_id"], "bitcoin", "BTC")
    assert b_acc["address"].startswith("bc1") and b_acc["address"] == b_acc["address"].lower()
    grant(api, books, a_btc, "1")
    upper = b_acc["address"].upper()
    tx_id = send(alice, a_acc["address"], upper, "bitcoin", "BTC", "0.4")
    books.lock("bitcoin", "BTC", "0.4")
    assert run_to_final(alice, sb, tx_id)["status"] == "CONFIRMED"
    books.confirm("bitcoin", "BTC", "0.4", internal=True)
    assert balances(alice, a_btc["asset_id"]) == ("0.6", "0")
    inbound = bob.get("/api/v1/transactions")["data"]
    assert [(x["direction"], x["amount"]) for x in inbound] == [("INBOUND", "0.4")], inbound
    assert balances(bob, b_btc["asset_id"]) == ("0.4", "0")
    books.check(sb)
    dep = sb.deposit_raw({"address": upper, "chain": "bitcoin", "token_symbol": "BTC", "amount": "0.1"})
    assert dep.status_code == 201, dep.text
