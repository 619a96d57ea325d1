"""Money on the simulated chain: deposits from outside and transfers between the emulator's own
addresses (an INBOUND twin for the receiver, balances moving exactly), with the ledger invariant
balance + locked == minted - burned after every scenario (manual clock throughout). Late assets,
failures, burns and the mixed-session ledger are in test_chain_ledger_settlement.py."""
import pytest

from chain_helpers import (BROADCAST_MS, CHAINS, SIGN_MS, activate, assert_tx_hash_format, balances, block_time_ms,
                           grant, height_at, open_asset, required, rfc, run_to_final, send, tx)
from chain_ledger_helpers import world  # noqa: F401
from e2e_helpers import (assert_error, bad_checksum_tron_address, bad_eip55_address, check_transaction,
                         random_evm_address, segwit_encode, solana_address, tron_address)


# ---------------------------------------------------------------------------------------------
# Deposits from outside
# ---------------------------------------------------------------------------------------------


def test_deposit_from_outside_confirms_and_credits(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "USDT")
    t_dep = sb.now_ms()

    dep = sb.deposit(acc["address"], "tron", "usdt", "12.345678")
    assert dep["direction"] == "INBOUND" and dep["status"] == "BROADCAST", dep
    assert dep["to_address"] == acc["address"] and dep["chain"] == "tron" and dep["token_symbol"] == "USDT", dep
    assert dep["client_id"] == t.client_id and dep["wallet_id"] == w["wallet_id"], dep
    assert dep["amount"] == "12.345678" and dep["block_number"] == 0 and dep["confirmations"] == 0, dep
    assert dep["created_at"] == rfc(t_dep)
    assert_tx_hash_format("tron", dep["tx_hash"])
    # An outside sender: a valid Tron address the emulator does not own.
    assert dep["from_address"].startswith("T") and dep["from_address"] != acc["address"], dep
    assert_error(sb.deposit_raw({"address": dep["from_address"], "chain": "tron", "token_symbol": "TRX",
                                 "amount": "1"}), "not_found")

    # The receiver sees it at once, but nothing is credited before CONFIRMED.
    assert tx(t, dep["tx_id"]) == dep
    assert balances(t, asset["asset_id"]) == ("0", "0")
    books.check(sb)

    inclusion = height_at("tron", t_dep) + 1
    clock = sb.advance_to(block_time_ms("tron", inclusion))
    got = tx(t, dep["tx_id"])
    assert (got["status"], got["block_number"], got["confirmations"]) == ("CONFIRMING", clock["heights"]["tron"], 1)
    assert got["tx_hash"] == dep["tx_hash"]
    assert balances(t, asset["asset_id"]) == ("0", "0")
    sb.advance_ms(CHAINS["tron"][0] * (required("tron") - 2))
    got = tx(t, dep["tx_id"])
    assert (got["status"], got["confirmations"]) == ("CONFIRMING", required("tron") - 1), got
    assert balances(t, asset["asset_id"]) == ("0", "0")
    sb.advance_ms(CHAINS["tron"][0])
    got = tx(t, dep["tx_id"])
    assert (got["status"], got["confirmations"]) == ("CONFIRMED", required("tron")), got
    assert balances(t, asset["asset_id"]) == ("12.345678", "0")
    books.mint("tron", "USDT", "12.345678")
    books.check(sb)

    # A second deposit with an explicit sender adds up exactly.
    sender = tron_address()
    dep2 = sb.deposit(acc["address"], "tron", "USDT", "0.000322", from_=sender)
    assert dep2["from_address"] == sender
    assert run_to_final(t, sb, dep2["tx_id"])["status"] == "CONFIRMED"
    books.mint("tron", "USDT", "0.000322")
    assert balances(t, asset["asset_id"]) == ("12.346", "0")
    books.check(sb)
    listed = t.get("/api/v1/transactions", params={"account_id": acc["account_id"]})
    assert listed["total"] == 2
    assert [x["tx_id"] for x in listed["data"]] == [dep2["tx_id"], dep["tx_id"]]
    assert all(x["direction"] == "INBOUND" and x["status"] == "CONFIRMED" for x in listed["data"])


def test_deposit_is_private_to_the_receiving_client(world):
    api, sb = world["api"], world["sb"]
    owner, other = api.new_tenant(), api.new_tenant()
    w = activate(owner, sb)
    acc, asset = open_asset(owner, w["wallet_id"], "bitcoin", "BTC")
    dep = sb.deposit(acc["address"], "bitcoin", "BTC", "0.5")
    assert_error(other.req("GET", f"/api/v1/transactions/{dep['tx_id']}"), "not_found")
    assert other.get("/api/v1/transactions")["total"] == 0
    run_to_final(owner, sb, dep["tx_id"])
    assert balances(owner, asset["asset_id"]) == ("0.5", "0")
    world["books"].mint("bitcoin", "BTC", "0.5")
    world["books"].check(sb)


@pytest.mark.parametrize("chain,symbol,bad_from", [
    ("ethereum", "ETH", "0x1234"),
    ("ethereum", "ETH", None),  # replaced by a mixed-case address with a wrong EIP-55 checksum
    ("tron", "TRX", None),      # replaced by a base58check address with a wrong checksum
    ("tron", "TRX", "0x52908400098527886E0F7030069857D2E4169EE7"),
    ("bitcoin", "BTC", "bc1notanaddress"),
    ("solana", "SOL", "0OIl"),
])
def test_deposit_validates_from(world, chain, symbol, bad_from):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], chain, symbol)
    if bad_from is None:
        bad_from = bad_eip55_address() if chain == "ethereum" else bad_checksum_tron_address()
    r = sb.deposit_raw({"address": acc["address"], "chain": chain, "token_symbol": symbol, "amount": "1",
                        "from": bad_from})
    assert_error(r, "invalid_address")
    assert t.get("/api/v1/transactions")["total"] == 0
    sb.advance(3600)
    assert balances(t, asset["asset_id"]) == ("0", "0")
    books.check(sb)


def test_deposit_rejects_unknown_addresses_and_bad_input(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    eth, eth_asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    good = {"address": eth["address"], "chain": "ethereum", "token_symbol": "ETH", "amount": "1"}

    for address in (random_evm_address(), tron_address(), solana_address(), "not-an-address"):
        assert_error(sb.deposit_raw({**good, "address": address}), "not_found")
    # Bitcoin address of another family on an EVM chain: nobody owns it there either.
    assert_error(sb.deposit_raw({**good, "address": segwit_encode("bc", 0, bytes(20))}), "not_found")

    for bad in ({**good, "chain": "dogecoin"}, {**good, "token_symbol": "DOGE"}, {**good, "token_symbol": "TRX"},
                {**good, "amount": "0"}, {**good, "amount": "-1"}, {**good, "amount": "1e3"},
                {**good, "amount": 1}, {**good, "amount": "0.0000000000000000001"}):
        assert_error(sb.deposit_raw(bad), "invalid_parameter")
    for missing in ("address", "chain", "token_symbol", "amount"):
        assert_error(sb.deposit_raw({k: v for k, v in good.items() if k != missing}), "invalid_parameter")
    assert_error(api.req("POST", "/_sandbox/deposits", data="{oops"), "bad_request")

    assert t.get("/api/v1/transactions")["total"] == 0
    assert api.health()["counts"]["transactions"] == 0
    sb.advance(600)
    assert balances(t, eth_asset["asset_id"]) == ("0", "0")
    books.check(sb)


def test_deposit_to_an_evm_address_on_another_evm_chain(world):
    """An EVM account's address is the same on every EVM chain: a deposit on bsc to an address that
    only has an ethereum account reaches it, and credits the account's bsc asset."""
    api, sb, books = world["api"], world["sb"], world["books"]
    t = api.new_tenant()
    w = activate(t, sb)
    acc, eth_usdt = open_asset(t, w["wallet_id"], "ethereum", "USDT")
    _, bsc_usdt = open_asset(t, w["wallet_id"], "ethereum", "USDT", asset_chain="bsc", account=acc)
    assert bsc_usdt["chain"] == "bsc"
    dep = sb.deposit(acc["address"].lower(), "bsc", "USDT", "1.000000000000000001")
    assert dep["to_address"] == acc["address"] and dep["account_id"] == acc["account_id"], dep
    assert run_to_final(t, sb, dep["tx_id"])["confirmations"] == required("bsc")
    assert balances(t, bsc_usdt["asset_id"]) == ("1.000000000000000001", "0")
    assert balances(t, eth_usdt["asset_id"]) == ("0", "0")
    books.mint("bsc", "USDT", "1.000000000000000001")
    books.check(sb)


# ---------------------------------------------------------------------------------------------
# Transfers between the emulator's own addresses
# ---------------------------------------------------------------------------------------------


def test_internal_transfer_credits_the_other_client(world):
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_usdt = open_asset(alice, wa["wallet_id"], "ethereum", "USDT")
    b_acc, b_usdt = open_asset(bob, wb["wallet_id"], "ethereum", "USDT")
    grant(api, books, a_usdt, "100")
    grant(api, books, b_usdt, "0.5")
    books.check(sb)

    t0 = sb.now_ms()
    # Lower-case destination: the same address as Bob's checksummed one.
    tx_id = send(alice, a_acc["address"], b_acc["address"].lower(), "ethereum", "USDT", "40.25")
    books.lock("ethereum", "USDT", "40.25")
    assert balances(alice, a_usdt["asset_id"]) == ("59.75", "40.25")
    assert balances(bob, b_usdt["asset_id"]) == ("0.5", "0")
    books.check(sb)

    sb.advance_ms(SIGN_MS + BROADCAST_MS)
    out = tx(alice, tx_id)
    assert out["status"] == "BROADCAST"
    assert bob.get("/api/v1/transactions")["total"] == 0, "nothing reaches the receiver before inclusion"

    inclusion = height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1
    clock = sb.advance_to(block_time_ms("ethereum", inclusion))
    out = tx(alice, tx_id)
    assert (out["status"], out["block_number"]) == ("CONFIRMING", clock["heights"]["ethereum"])
    inbound = bob.get("/api/v1/transactions")["data"]
    assert len(inbound) == 1, inbound
    twin = inbound[0]
    check_transaction(twin)
    assert twin["tx_id"] != tx_id
    assert twin["direction"] == "INBOUND" and twin["client_id"] == bob.client_id, twin
    assert twin["wallet_id"] == wb["wallet_id"] and twin["account_id"] == b_acc["account_id"], twin
    for k in ("tx_hash", "block_number", "confirmations", "status", "amount", "chain", "token_symbol",
              "from_address"):
        assert twin[k] == out[k], (k, twin, out)
    assert twin["from_address"] == a_acc["address"]
    assert twin["created_at"] == rfc(block_time_ms("ethereum", inclusion)), twin
    assert_tx_hash_format("ethereum", twin["tx_hash"])
    # The inbound follows its outbound: it cannot be forced on its own.
    for action in ("confirm", "fail", "release"):
        assert_error(sb.control(twin["tx_id"], action), "conflict")
    # Neither client sees the other's record.
    assert_error(alice.req("GET", f"/api/v1/transactions/{twin['tx_id']}"), "not_found")
    assert_error(bob.req("GET", f"/api/v1/transactions/{tx_id}"), "not_found")
    assert balances(bob, b_usdt["asset_id"]) == ("0.5", "0")

    sb.advance_ms(CHAINS["ethereum"][0] * 3)
    assert tx(bob, twin["tx_id"])["confirmations"] == tx(alice, tx_id)["confirmations"] == 4

    sb.advance_ms(CHAINS["ethereum"][0] * (required("ethereum") - 4))
    out, twin = tx(alice, tx_id), tx(bob, twin["tx_id"])
    assert out["status"] == twin["status"] == "CONFIRMED"
    assert out["confirmations"] == twin["confirmations"] == required("ethereum")
    assert out["tx_hash"] == twin["tx_hash"]
    assert balances(alice, a_usdt["asset_id"]) == ("59.75", "0")
    assert balances(bob, b_usdt["asset_id"]) == ("40.75", "0")
    books.confirm("ethereum", "USDT", "40.25", internal=True)
    body = books.check(sb)
    row = [r for r in body["tokens"] if (r["chain"], r["symbol"]) == ("ethereum", "USDT")][0]
    assert row["burned"] == "0" and row["minted"] == "100.5" and row["balance"] == "100.5", row

    # Bob can spend what he received.
    back = send(bob, b_acc["address"], a_acc["address"], "ethereum", "USDT", "40.75")
    books.lock("ethereum", "USDT", "40.75")
    assert run_to_final(bob, sb, back)["status"] == "CONFIRMED"
    books.confirm("ethereum", "USDT", "40.75", internal=True)
    assert balances(bob, b_usdt["asset_id"]) == ("0", "0")
    assert balances(alice, a_usdt["asset_id"]) == ("100.5", "0")
    assert alice.get("/api/v1/transactions")["total"] == 2  # her outbound and the inbound twin
    books.check(sb)


def test_internal_transfer_on_another_evm_chain_reaches_the_shared_address(world):
    """Bob only has a bsc account; Alice pays his address on ethereum: it is still his (same EVM
    address), so he gets an INBOUND twin and the ethereum USDT shows in an asset of that account."""
    api, sb, books = world["api"], world["sb"], world["books"]
    alice, bob = api.new_tenant(), api.new_tenant()
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_usdt = open_asset(alice, wa["wallet_id"], "ethereum", "USDT")
    b_acc = bob.create_account(wb["wallet_id"], "bsc")
    grant(api, books, a_usdt, "10")
    tx_id = send(alice, a_acc["address"], b_acc["address"], "ethereum", "USDT", "3.5")
    books.lock("ethereum", "USDT", "3.5")
    out = run_to_final(alice, sb, tx_id)
    assert out["status"] == "CONFIRMED"
    books.confirm("ethereum", "USDT", "3.5", internal=True)
    twins = bob.get("/api/v1/transactions")["data"]
    assert [(x["direction"], x["status"], x["tx_hash"], x["chain"], x["amount"]) for x in twins] == \
        [("INBOUND", "CONFIRMED", out["tx_hash"], "ethereum", "3.5")]
    _, b_eth_usdt = open_asset(bob, wb["wallet_id"], "bsc", "USDT", asset_chain="ethereum", account=b_acc)
    assert balances(bob, b_eth_usdt["asset_id"]) == ("3.5", "0")
    books.check(sb)
