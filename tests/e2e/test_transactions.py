"""GET /api/v1/transactions and /api/v1/transactions/{id}: fields, filters, pagination, lifecycle."""
import re
import time
from decimal import Decimal

import pytest

from e2e_helpers import (HOLD_PENDING, TX_STATUSES, assert_error, check_list, check_transaction, random_evm_address,
                         tron_address)

SERVER_ARGS = HOLD_PENDING


@pytest.fixture(scope="module")
def history(api):
    """One tenant with two wallets and five PENDING transfers, created oldest to newest."""
    t = api.new_tenant()
    w1, w2 = t.active_wallet("w1"), t.active_wallet("w2")
    eth = t.create_account(w1["wallet_id"], "ethereum")
    trx = t.create_account(w1["wallet_id"], "tron")
    eth2 = t.create_account(w2["wallet_id"], "ethereum")
    usdt = t.create_asset(eth["account_id"], "USDT", "ethereum")
    trx_asset = t.create_asset(trx["account_id"], "TRX")
    usdt2 = t.create_asset(eth2["account_id"], "USDT", "ethereum")
    for a in (usdt, trx_asset, usdt2):
        api.fund(a["asset_id"], "1000")
    plan = [
        (eth, "ethereum", "USDT", "0.1", random_evm_address()),
        (trx, "tron", "TRX", "0.2", tron_address()),
        (eth, "ethereum", "USDT", "0.3", random_evm_address()),
        (eth2, "ethereum", "USDT", "0.4", random_evm_address()),
        (trx, "tron", "TRX", "0.5", tron_address()),
    ]
    sent = []
    for acc, chain, sym, amount, to in plan:
        r = t.transfer(acc["address"], to, chain, sym, amount, memo=f"m{amount}")
        assert r.status_code == 200, r.text
        sent.append({"tx_id": r.json()["tx_id"], "account": acc, "chain": chain, "symbol": sym, "amount": amount,
                     "to": to})
    return {"tenant": t, "wallets": (w1, w2), "accounts": {"eth": eth, "trx": trx, "eth2": eth2}, "sent": sent}


def ids(body):
    return [x["tx_id"] for x in body["data"]]


def test_get_each_transaction(history):
    t = history["tenant"]
    for s in history["sent"]:
        tx = t.get(f"/api/v1/transactions/{s['tx_id']}")
        check_transaction(tx)
        assert tx["tx_id"] == s["tx_id"]
        assert tx["wallet_id"] == s["account"]["wallet_id"]
        assert tx["client_id"] == t.client_id
        assert tx["chain"] == s["chain"]
        assert tx["token_symbol"] == s["symbol"]
        assert tx["amount"] == s["amount"]
        assert tx["from_address"] == s["account"]["address"]
        assert tx["to_address"] == s["to"]
        assert tx["status"] == "PENDING"
        assert tx["direction"] == "OUTBOUND"
        assert tx["transaction_type"] == "TRANSFER"
        assert tx["tx_hash"] == ""


def test_list_newest_first_with_totals(history):
    t = history["tenant"]
    body = t.get("/api/v1/transactions")
    check_list(body, check_transaction)
    assert body["total"] == 5
    assert body["has_more"] is False
    assert ids(body) == [s["tx_id"] for s in reversed(history["sent"])]


def test_pagination_is_stable_and_complete(history):
    t = history["tenant"]
    pages = [t.get("/api/v1/transactions", params={"page": p, "page_size": 2}) for p in (1, 2, 3)]
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert all(p["total"] == 5 for p in pages)
    flat = [i for p in pages for i in ids(p)]
    assert flat == [s["tx_id"] for s in reversed(history["sent"])]
    assert t.get("/api/v1/transactions", params={"page": 1, "page_size": 2}) == pages[0]
    empty = t.get("/api/v1/transactions", params={"page": 9, "page_size": 2})
    assert empty["data"] == [] and empty["total"] == 5 and empty["has_more"] is False


def test_filter_by_wallet(history):
    t = history["tenant"]
    w1, w2 = history["wallets"]
    b1 = t.get("/api/v1/transactions", params={"wallet_id": w1["wallet_id"]})
    assert b1["total"] == 4
    assert all(x["wallet_id"] == w1["wallet_id"] for x in b1["data"])
    b2 = t.get("/api/v1/transactions", params={"wallet_id": w2["wallet_id"]})
    assert ids(b2) == [history["sent"][3]["tx_id"]]


def test_filter_by_account(history):
    t = history["tenant"]
    trx = history["accounts"]["trx"]
    body = t.get("/api/v1/transactions", params={"account_id": trx["account_id"]})
    assert ids(body) == [history["sent"][4]["tx_id"], history["sent"][1]["tx_id"]]
    assert body["total"] == 2


def test_filter_by_chain_and_combined(history):
    t = history["tenant"]
    w1, _ = history["wallets"]
    tron = t.get("/api/v1/transactions", params={"chain": "tron"})
    assert tron["total"] == 2 and all(x["chain"] == "tron" for x in tron["data"])
    eth = t.get("/api/v1/transactions", params={"chain": "ethereum"})
    assert eth["total"] == 3 and all(x["chain"] == "ethereum" for x in eth["data"])
    both = t.get("/api/v1/transactions", params={"chain": "ethereum", "wallet_id": w1["wallet_id"]})
    assert ids(both) == [history["sent"][2]["tx_id"], history["sent"][0]["tx_id"]]
    paged = t.get("/api/v1/transactions", params={"chain": "ethereum", "page_size": 1, "page": 2})
    assert paged["total"] == 3 and paged["has_more"] is True
    assert ids(paged) == [history["sent"][2]["tx_id"]]


@pytest.mark.parametrize("params", [{"wallet_id": "w_unknown"}, {"account_id": "acc_unknown"}, {"chain": "solana"}])
def test_filters_without_matches_are_empty(history, params):
    body = history["tenant"].get("/api/v1/transactions", params=params)
    assert body == {"data": [], "total": 0, "has_more": False}


def test_unknown_transaction_not_found(history):
    t = history["tenant"]
    assert_error(t.req("GET", "/api/v1/transactions/tx_00000000000000000000000000"), "not_found")
    assert_error(t.req("GET", "/api/v1/transactions/" + history["sent"][0]["tx_id"] + "x"), "not_found")


@pytest.mark.parametrize("params", [{"page": "-1"}, {"page": "one"}, {"page_size": "-3"}, {"page_size": "2.5"}])
def test_invalid_page_invalid_parameter(history, params):
    assert_error(history["tenant"].req("GET", "/api/v1/transactions", params=params), "invalid_parameter")


def test_transactions_collection_cannot_be_replaced(history):
    r = history["tenant"].req("PUT", "/api/v1/transactions", json={})
    assert r.status_code == 405
    assert set(r.json()) == {"code", "type", "message"}


def test_lifecycle_reaches_confirmed_and_releases_the_lock(launch):
    """With fast signing and blocks, a transfer walks the documented statuses to CONFIRMED: the hash
    appears once broadcast, the lock is released and the amount has left the balance."""
    srv = launch("--sign-delay-ms", "0", "--broadcast-delay-ms", "0", "--chain", "ethereum:1000:2")
    t = srv.api.new_tenant()
    _, acc, asset = t.funded_asset("ethereum", "USDT", "10")
    r = t.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "2.5")
    assert r.status_code == 200, r.text
    tx_id = r.json()["tx_id"]
    seen = []
    deadline = time.monotonic() + 15
    while True:
        tx = t.get(f"/api/v1/transactions/{tx_id}")
        check_transaction(tx)
        if not seen or seen[-1] != tx["status"]:
            seen.append(tx["status"])
        if tx["status"] in ("CONFIRMED", "FAILED"):
            break
        assert time.monotonic() < deadline, f"still {tx['status']} after 15 s: {seen}"
        time.sleep(0.05)
    assert all(s in TX_STATUSES for s in seen), seen
    order = [s for s in TX_STATUSES if s != "FAILED"]
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen), seen
    assert tx["status"] == "CONFIRMED", seen
    assert re.fullmatch(r"0x[0-9a-f]{64}", tx["tx_hash"], re.I), tx
    assert tx["block_number"] > 0
    assert tx["confirmations"] >= 1
    a = t.asset(asset["asset_id"])
    assert Decimal(a["locked_balance"]) == 0
    assert Decimal(a["balance"]) == Decimal("7.5")
