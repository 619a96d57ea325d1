"""POST /api/v1/transfer: the happy path, locking arithmetic on each chain family, concurrency, and
that a refused transfer (insufficient balance) leaves balances and transactions untouched. Validation of
the request (amount grammar, fields, addresses) is in test_transfers_validation.py."""
import secrets
import threading
from decimal import Decimal

import pytest
import requests

from e2e_helpers import (HOLD_PENDING, Tenant, assert_error, check_asset, check_transaction, check_transfer_response,
                         is_eip55, random_evm_address, segwit_encode, solana_address, tron_address)

SERVER_ARGS = HOLD_PENDING


# ---------------------------------------------------------------------------------------------
# Happy path
# ---------------------------------------------------------------------------------------------


def test_full_happy_path(api):
    client = api.create_client(name="happy path")
    token_resp = api.token_response(client["api_key"], client["api_secret"])
    assert token_resp.status_code == 200
    t = Tenant(api, client["client_id"], client["api_key"], client["api_secret"])

    w = t.create_wallet("ops", "happy path wallet")
    assert w["status"] == "PROGRESSING"
    w = t.wait_active(w["wallet_id"])
    assert (w["status"], w["key_status"]) == ("ACTIVE", "ACTIVE")

    acc = {c: t.create_account(w["wallet_id"], c) for c in ("ethereum", "bsc", "tron", "bitcoin", "solana")}
    assert acc["bsc"]["address"] == acc["ethereum"]["address"]
    assert is_eip55(acc["ethereum"]["address"])

    usdt = t.create_asset(acc["ethereum"]["account_id"], "USDT", "ethereum")
    t.create_asset(acc["ethereum"]["account_id"], "ETH", "ethereum")
    t.create_asset(acc["bsc"]["account_id"], "BNB", "bsc")
    t.create_asset(acc["tron"]["account_id"], "TRX")
    t.create_asset(acc["bitcoin"]["account_id"], "BTC")
    t.create_asset(acc["solana"]["account_id"], "SOL")
    assert t.get("/api/v1/assets")["total"] == 6

    api.fund(usdt["asset_id"], "100.5")
    assert t.asset(usdt["asset_id"])["balance"] == "100.5"

    dest = random_evm_address()
    r = t.transfer(acc["ethereum"]["address"], dest, "ethereum", "USDT", "12.25", memo="invoice 42")
    assert r.status_code == 200, r.text
    resp = r.json()
    check_transfer_response(resp)

    after = t.asset(usdt["asset_id"])
    check_asset(after)
    assert after["balance"] == "88.25"
    assert after["locked_balance"] == "12.25"

    tx = t.get(f"/api/v1/transactions/{resp['tx_id']}")
    check_transaction(tx)
    assert tx["tx_id"] == resp["tx_id"]
    assert tx["status"] == "PENDING"
    assert tx["amount"] == "12.25"
    assert tx["from_address"] == acc["ethereum"]["address"]
    assert tx["to_address"] == dest
    assert tx["chain"] == "ethereum"
    assert tx["token_symbol"] == "USDT"
    assert tx["wallet_id"] == w["wallet_id"]
    assert tx["client_id"] == t.client_id
    assert tx["direction"] == "OUTBOUND"
    assert tx["transaction_type"] == "TRANSFER"
    assert tx["tx_hash"] == ""

    listed = t.get("/api/v1/transactions")
    assert listed["total"] == 1
    assert listed["data"][0] == tx


@pytest.mark.parametrize("amount,balance,locked", [("1", "99", "1"), ("1.5", "98.5", "1.5"), ("50", "50", "50"),
                                                   ("100", "0", "100")])
def test_whole_unit_amounts_accepted(tenant, amount, balance, locked):
    _, acc, asset = tenant.funded_asset("ethereum", "USDT", "100")
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", amount)
    assert r.status_code == 200, f"amount {amount!r} of a balance of 100 USDT: {r.status_code} {r.text}"
    check_transfer_response(r.json())
    a = tenant.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == (balance, locked)
    assert tenant.get(f"/api/v1/transactions/{r.json()['tx_id']}")["amount"] == amount


@pytest.mark.parametrize("chain,symbol,fund,amount,balance_after,dest", [
    ("ethereum", "ETH", "1.000000000000000001", "0.000000000000000001", "1", lambda: random_evm_address()),
    ("bsc", "BNB", "0.5", "0.125", "0.375", lambda: random_evm_address().lower()),
    ("tron", "TRX", "0.75", "0.000001", "0.749999", lambda: tron_address()),
    ("bitcoin", "BTC", "0.5", "0.00000001", "0.49999999", lambda: segwit_encode("bc", 0, secrets.token_bytes(20))),
    ("solana", "SOL", "0.9", "0.000000001", "0.899999999", lambda: solana_address()),
], ids=["ethereum-ETH", "bsc-BNB", "tron-TRX", "bitcoin-BTC", "solana-SOL"])
def test_transfer_on_each_family_locks_exact_amount(tenant, chain, symbol, fund, amount, balance_after, dest):
    _, acc, asset = tenant.funded_asset(chain, symbol, fund)
    to = dest()
    r = tenant.transfer(acc["address"], to, chain, symbol, amount)
    assert r.status_code == 200, r.text
    check_transfer_response(r.json())
    a = tenant.asset(asset["asset_id"])
    check_asset(a)
    assert a["balance"] == balance_after
    assert a["locked_balance"] == amount
    assert Decimal(a["balance"]) + Decimal(a["locked_balance"]) == Decimal(fund)
    tx = tenant.get(f"/api/v1/transactions/{r.json()['tx_id']}")
    check_transaction(tx)
    assert (tx["chain"], tx["token_symbol"], tx["amount"], tx["status"]) == (chain, symbol, amount, "PENDING")
    assert tx["from_address"] == acc["address"]
    assert tx["to_address"] == to


def test_bsc_transfer_uses_the_shared_evm_address(tenant):
    w = tenant.active_wallet()
    eth = tenant.create_account(w["wallet_id"], "ethereum")
    bsc = tenant.create_account(w["wallet_id"], "bsc")
    usdt_bsc = tenant.create_asset(bsc["account_id"], "USDT", "bsc")
    tenant.api.fund(usdt_bsc["asset_id"], "0.5")
    # The ethereum account's address string is the bsc address too.
    r = tenant.transfer(eth["address"], random_evm_address(), "bsc", "USDT", "0.2")
    assert r.status_code == 200, r.text
    a = tenant.asset(usdt_bsc["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0.3", "0.2")


def test_locks_accumulate_and_locked_funds_are_not_spendable(tenant):
    _, acc, asset = tenant.funded_asset("ethereum", "USDT", "0.9")
    for amount in ("0.2", "0.3"):
        r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", amount)
        assert r.status_code == 200, r.text
    a = tenant.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0.4", "0.5")
    before = tenant.snapshot()
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.5")
    assert_error(r, "insufficient_balance")
    assert tenant.snapshot() == before
    # Exactly the remaining balance is fine.
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.4")
    assert r.status_code == 200, r.text
    a = tenant.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0", "0.9")
    assert tenant.get("/api/v1/transactions")["total"] == 3


def test_insufficient_balance_changes_nothing(tenant):
    _, acc, asset = tenant.funded_asset("ethereum", "USDT", "0.5")
    before = tenant.snapshot()
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.500001")
    assert_error(r, "insufficient_balance")
    assert tenant.snapshot() == before
    a = tenant.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0.5", "0")


def test_unfunded_asset_insufficient_balance(tenant):
    w = tenant.active_wallet()
    acc = tenant.create_account(w["wallet_id"], "tron")
    tenant.create_asset(acc["account_id"], "USDT")
    before = tenant.snapshot()
    assert_error(tenant.transfer(acc["address"], tron_address(), "tron", "USDT", "0.000001"), "insufficient_balance")
    assert tenant.snapshot() == before


def test_concurrent_transfers_never_overspend(api):
    t = api.new_tenant()
    _, acc, asset = t.funded_asset("ethereum", "USDT", "0.5")
    results = []
    lock = threading.Lock()

    def worker():
        with requests.Session() as s:
            r = s.post(api.base + "/api/v1/transfer", headers={"Authorization": f"Bearer {t.token}"},
                       json={"from_address": acc["address"], "to_address": random_evm_address(),
                             "chain": "ethereum", "token_symbol": "USDT", "amount": "0.05"}, timeout=10)
            with lock:
                results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ok = [b for s, b in results if s == 200]
    rejected = [b for s, b in results if s != 200]
    assert len(ok) == 10, results
    assert all(b["code"] == "insufficient_balance" for b in rejected), rejected
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0", "0.5")
    assert t.get("/api/v1/transactions")["total"] == 10


def test_evm_from_address_matches_in_any_case(tenant):
    _, acc, asset = tenant.funded_asset("ethereum", "USDT", "1")
    for variant in (acc["address"].lower(), "0x" + acc["address"][2:].upper()):
        r = tenant.transfer(variant, random_evm_address(), "ethereum", "USDT", "0.25")
        assert r.status_code == 200, f"{variant}: {r.text}"
        tx = tenant.get(f"/api/v1/transactions/{r.json()['tx_id']}")
        assert tx["from_address"] == acc["address"]
    a = tenant.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("0.5", "0.5")


def test_memo_boundary(tenant):
    _, acc, _ = tenant.funded_asset("ethereum", "USDT", "1")
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.1", memo="m" * 100)
    assert r.status_code == 200, r.text
    r = tenant.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.1", memo="é" * 100)
    assert r.status_code == 200, r.text
