"""Tenant isolation: another client's ids behave exactly like ids that do not exist."""
import pytest

from e2e_helpers import HOLD_PENDING, assert_error, random_evm_address, tron_address

SERVER_ARGS = HOLD_PENDING


@pytest.fixture(scope="module")
def world(api):
    """Client A with a wallet, accounts, funded assets and one transfer; client B with its own wallet."""
    a = api.new_tenant(name="tenant A")
    w = a.active_wallet("A's wallet")
    eth = a.create_account(w["wallet_id"], "ethereum")
    trx = a.create_account(w["wallet_id"], "tron")
    usdt = a.create_asset(eth["account_id"], "USDT", "ethereum")
    trx_asset = a.create_asset(trx["account_id"], "TRX")
    api.fund(usdt["asset_id"], "10")
    api.fund(trx_asset["asset_id"], "10")
    r = a.transfer(eth["address"], random_evm_address(), "ethereum", "USDT", "0.25")
    assert r.status_code == 200, r.text
    b = api.new_tenant(name="tenant B")
    bw = b.active_wallet("B's wallet")
    b_eth = b.create_account(bw["wallet_id"], "ethereum")
    b_usdt = b.create_asset(b_eth["account_id"], "USDT", "ethereum")
    api.fund(b_usdt["asset_id"], "10")
    return {"a": a, "b": b, "wallet": w, "eth": eth, "trx": trx, "usdt": usdt, "trx_asset": trx_asset,
            "tx_id": r.json()["tx_id"], "b_wallet": bw, "b_eth": b_eth, "b_usdt": b_usdt}


@pytest.mark.parametrize("kind,path", [("wallet", "/api/v1/wallets/"), ("eth", "/api/v1/accounts/"),
                                       ("usdt", "/api/v1/assets/"), ("tx_id", "/api/v1/transactions/")])
def test_other_clients_ids_are_not_found(world, kind, path):
    a, b = world["a"], world["b"]
    obj = world[kind]
    rid = obj if isinstance(obj, str) else obj[{"wallet": "wallet_id", "eth": "account_id",
                                                 "usdt": "asset_id"}[kind]]
    assert a.req("GET", path + rid).status_code == 200  # it exists ...
    foreign = assert_error(b.req("GET", path + rid), "not_found")  # ... but not for B
    # Indistinguishable from an id that never existed (same code, type and message).
    missing = assert_error(b.req("GET", path + rid[:-4] + "ZZZZ"), "not_found")
    assert foreign == missing


def test_lists_show_only_own_rows(world):
    a, b = world["a"], world["b"]
    for path, key, own_a, own_b in [
        ("/api/v1/wallets", "wallet_id", {world["wallet"]["wallet_id"]}, {world["b_wallet"]["wallet_id"]}),
        ("/api/v1/accounts", "account_id", {world["eth"]["account_id"], world["trx"]["account_id"]},
         {world["b_eth"]["account_id"]}),
        ("/api/v1/assets", "asset_id", {world["usdt"]["asset_id"], world["trx_asset"]["asset_id"]},
         {world["b_usdt"]["asset_id"]}),
        ("/api/v1/transactions", "tx_id", {world["tx_id"]}, set()),
    ]:
        la, lb = a.get(path), b.get(path)
        assert {x[key] for x in la["data"]} == own_a and la["total"] == len(own_a), path
        assert {x[key] for x in lb["data"]} == own_b and lb["total"] == len(own_b), path
        assert all(x["client_id"] == a.client_id for x in la["data"])
        assert all(x["client_id"] == b.client_id for x in lb["data"])


def test_filters_with_foreign_ids_are_empty(world):
    b = world["b"]
    empty = {"data": [], "total": 0, "has_more": False}
    assert b.get("/api/v1/accounts", params={"wallet_id": world["wallet"]["wallet_id"]}) == empty
    assert b.get("/api/v1/assets", params={"account_id": world["eth"]["account_id"]}) == empty
    assert b.get("/api/v1/transactions", params={"wallet_id": world["wallet"]["wallet_id"]}) == empty
    assert b.get("/api/v1/transactions", params={"account_id": world["eth"]["account_id"]}) == empty


def test_cannot_create_under_foreign_parents(world):
    a, b = world["a"], world["b"]
    before_a, before_b = a.snapshot(), b.snapshot()
    r = b.req("POST", "/api/v1/accounts", json={"wallet_id": world["wallet"]["wallet_id"], "chain": "bitcoin"})
    assert_error(r, "not_found")
    r = b.req("POST", "/api/v1/assets", json={"account_id": world["eth"]["account_id"], "symbol": "ETH",
                                              "chain": "ethereum"})
    assert_error(r, "not_found")
    assert a.snapshot() == before_a
    assert b.snapshot() == before_b


def test_cannot_transfer_from_foreign_address(world):
    a, b = world["a"], world["b"]
    before_a, before_b = a.snapshot(), b.snapshot()
    for body in (
        {"from_address": world["eth"]["address"], "to_address": random_evm_address(), "chain": "ethereum",
         "token_symbol": "USDT", "amount": "0.5"},
        {"from_address": world["eth"]["address"].lower(), "to_address": random_evm_address(), "chain": "ethereum",
         "token_symbol": "USDT", "amount": "0.5"},
        {"from_address": world["trx"]["address"], "to_address": tron_address(), "chain": "tron",
         "token_symbol": "TRX", "amount": "0.5"},
    ):
        assert_error(b.req("POST", "/api/v1/transfer", json=body), "not_found")
    assert a.snapshot() == before_a
    assert b.snapshot() == before_b
    usdt = a.asset(world["usdt"]["asset_id"])
    assert (usdt["balance"], usdt["locked_balance"]) == ("9.75", "0.25")


def test_transfer_to_another_clients_address_is_allowed_and_stays_private(world):
    a, b = world["a"], world["b"]
    r = b.transfer(world["b_eth"]["address"], world["eth"]["address"], "ethereum", "USDT", "0.5")
    assert r.status_code == 200, r.text
    tx_id = r.json()["tx_id"]
    assert b.get(f"/api/v1/transactions/{tx_id}")["to_address"] == world["eth"]["address"]
    assert_error(a.req("GET", f"/api/v1/transactions/{tx_id}"), "not_found")
    assert tx_id not in {x["tx_id"] for x in a.get("/api/v1/transactions")["data"]}
