"""POST/GET /api/v1/assets (registry resolution, chain rules, duplicates) and the sandbox balance setter."""
from decimal import Decimal

import pytest

from e2e_helpers import assert_error, check_asset, check_list


@pytest.fixture
def accounts(tenant):
    w = tenant.active_wallet()
    return {c: tenant.create_account(w["wallet_id"], c) for c in ("ethereum", "bsc", "tron", "bitcoin", "solana")}


@pytest.fixture(scope="module")
def shared_accounts(shared_tenant, shared_wallet):
    """Accounts of the module's shared tenant: each test using them adds distinct assets or none."""
    return {c: shared_tenant.create_account(shared_wallet["wallet_id"], c)
            for c in ("ethereum", "bsc", "tron", "bitcoin", "solana")}


# (account chain, symbol, chain field, asset_type, decimals, contract address or "0x", name fragment)
REGISTRY = [
    ("ethereum", "ETH", "ethereum", "NATIVE", 18, "0x", "Ethereum"),
    ("ethereum", "USDT", "ethereum", "ERC20", 6, "0xdAC17F958D2ee523a2206206994597C13D831ec7", "Tether"),
    ("ethereum", "USDC", "ethereum", "ERC20", 6, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USD Coin"),
    ("bsc", "BNB", "bsc", "NATIVE", 18, "0x", "BNB"),
    ("bsc", "USDT", "bsc", "BEP20", 18, "0x55d398326f99059fF775485246999027B3197955", "Tether"),
    ("tron", "TRX", None, "NATIVE", 6, "0x", "TRON"),
    ("tron", "USDT", None, "TRC20", 6, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "Tether"),
    ("bitcoin", "BTC", None, "NATIVE", 8, "0x", "Bitcoin"),
    ("solana", "SOL", None, "NATIVE", 9, "0x", "Solana"),
]


@pytest.mark.parametrize("acct_chain,symbol,chain,asset_type,decimals,contract,name", REGISTRY,
                         ids=[f"{r[0]}-{r[1]}" for r in REGISTRY])
def test_asset_resolved_from_registry(shared_tenant, shared_accounts, acct_chain, symbol, chain, asset_type, decimals,
                                      contract, name):
    acc = shared_accounts[acct_chain]
    a = shared_tenant.create_asset(acc["account_id"], symbol, chain)
    check_asset(a)
    assert a["symbol"] == symbol
    assert a["chain"] == acct_chain
    assert a["network"] == "mainnet"
    assert a["asset_type"] == asset_type
    assert a["decimals"] == decimals
    assert a["contract_address"].lower() == contract.lower()
    assert name.lower() in a["name"].lower()
    assert a["account_id"] == acc["account_id"]
    assert a["wallet_id"] == acc["wallet_id"]
    assert a["client_id"] == shared_tenant.client_id
    assert Decimal(a["balance"]) == 0 and Decimal(a["locked_balance"]) == 0
    assert a["is_active"] is True
    assert shared_tenant.asset(a["asset_id"]) == a


def test_native_asset_on_non_evm_with_matching_chain(tenant, accounts):
    a = tenant.create_asset(accounts["tron"]["account_id"], "TRX", "tron")
    assert a["chain"] == "tron" and a["asset_type"] == "NATIVE"


def test_evm_asset_without_chain_invalid(shared_tenant, shared_accounts):
    before = shared_tenant.snapshot()
    body = {"account_id": shared_accounts["ethereum"]["account_id"], "symbol": "ETH"}
    r = shared_tenant.req("POST", "/api/v1/assets", json=body)
    assert_error(r, "invalid_parameter")
    assert shared_tenant.snapshot() == before


@pytest.mark.parametrize("acct_chain,chain", [("tron", "ethereum"), ("bitcoin", "tron"), ("solana", "bitcoin"),
                                              ("bitcoin", "solana")])
def test_non_evm_asset_with_mismatching_chain_invalid(shared_tenant, shared_accounts, acct_chain, chain):
    native = {"tron": "TRX", "bitcoin": "BTC", "solana": "SOL"}[acct_chain]
    before = shared_tenant.snapshot()
    r = shared_tenant.req("POST", "/api/v1/assets", json={"account_id": shared_accounts[acct_chain]["account_id"],
                                                   "symbol": native, "chain": chain})
    assert_error(r, "invalid_parameter")
    assert shared_tenant.snapshot() == before


@pytest.mark.parametrize("acct_chain,symbol,chain", [
    ("tron", "USDC", None),
    ("bitcoin", "USDT", None),
    ("solana", "BTC", None),
    ("ethereum", "BNB", "ethereum"),
    ("ethereum", "TRX", "ethereum"),
    ("ethereum", "ETH", "tron"),
    ("ethereum", "ETH", "dogechain"),
])
def test_symbol_not_available_on_chain_invalid(shared_tenant, shared_accounts, acct_chain, symbol, chain):
    body = {"account_id": shared_accounts[acct_chain]["account_id"], "symbol": symbol}
    if chain:
        body["chain"] = chain
    before = shared_tenant.snapshot()
    assert_error(shared_tenant.req("POST", "/api/v1/assets", json=body), "invalid_parameter")
    assert shared_tenant.snapshot() == before


@pytest.mark.parametrize("mutate", [
    lambda b: b.update(symbol="DOGE"),
    lambda b: b.update(symbol="SHIB"),
    lambda b: b.pop("symbol"),
    lambda b: b.pop("account_id"),
    lambda b: b.update(symbol=5),
    lambda b: b.update(account_id=["x"]),
    lambda b: b.update(chain=1),
], ids=["doge", "shib", "missing-symbol", "missing-account", "int-symbol", "array-account", "int-chain"])
def test_invalid_parameter(shared_tenant, shared_accounts, mutate):
    body = {"account_id": shared_accounts["ethereum"]["account_id"], "symbol": "USDT", "chain": "ethereum"}
    mutate(body)
    before = shared_tenant.snapshot()
    assert_error(shared_tenant.req("POST", "/api/v1/assets", json=body), "invalid_parameter")
    assert shared_tenant.snapshot() == before


def test_account_id_too_long_validation_failed(tenant):
    r = tenant.req("POST", "/api/v1/assets", json={"account_id": "a" * 37, "symbol": "ETH", "chain": "ethereum"})
    assert_error(r, "validation_failed", field="account_id")


def test_unknown_account_not_found(tenant):
    r = tenant.req("POST", "/api/v1/assets", json={"account_id": "acc_nope", "symbol": "ETH", "chain": "ethereum"})
    assert_error(r, "not_found")
    assert_error(tenant.req("GET", "/api/v1/assets/ast_nope"), "not_found")


def test_asset_already_exists(tenant, accounts):
    acc = accounts["ethereum"]["account_id"]
    first = tenant.create_asset(acc, "USDT", "ethereum")
    before = tenant.snapshot()
    assert_error(tenant.req("POST", "/api/v1/assets", json={"account_id": acc, "symbol": "USDT", "chain": "ethereum"}),
                 "asset_already_exists")
    assert tenant.snapshot() == before
    assert tenant.get("/api/v1/assets", params={"account_id": acc})["total"] == 1
    # Another symbol on the same account is fine.
    second = tenant.create_asset(acc, "ETH", "ethereum")
    assert second["asset_id"] != first["asset_id"]
    tron = accounts["tron"]["account_id"]
    tenant.create_asset(tron, "TRX")
    assert_error(tenant.req("POST", "/api/v1/assets", json={"account_id": tron, "symbol": "TRX"}),
                 "asset_already_exists")


def test_list_and_filter_by_account(tenant, accounts):
    eth = accounts["ethereum"]["account_id"]
    btc = accounts["bitcoin"]["account_id"]
    ids_eth = [tenant.create_asset(eth, s, "ethereum")["asset_id"] for s in ("ETH", "USDT", "USDC")]
    id_btc = tenant.create_asset(btc, "BTC")["asset_id"]

    all_assets = tenant.get("/api/v1/assets")
    check_list(all_assets, check_asset)
    assert all_assets["total"] == 4
    assert [a["asset_id"] for a in all_assets["data"]] == [id_btc] + list(reversed(ids_eth))

    only_eth = tenant.get("/api/v1/assets", params={"account_id": eth, "page_size": 2})
    assert only_eth["total"] == 3 and only_eth["has_more"] is True
    assert [a["asset_id"] for a in only_eth["data"]] == [ids_eth[2], ids_eth[1]]
    rest = tenant.get("/api/v1/assets", params={"account_id": eth, "page_size": 2, "page": 2})
    assert [a["asset_id"] for a in rest["data"]] == [ids_eth[0]] and rest["has_more"] is False
    assert_error(tenant.req("GET", "/api/v1/assets", params={"page_size": "-1"}), "invalid_parameter")


def test_sandbox_balance_sets_available_balance(tenant, accounts, api):
    a = tenant.create_asset(accounts["ethereum"]["account_id"], "USDT", "ethereum")
    funded = api.fund(a["asset_id"], "123.45")
    check_asset(funded)
    assert funded["balance"] == "123.45"
    got = tenant.asset(a["asset_id"])
    assert got["balance"] == "123.45"
    assert Decimal(got["locked_balance"]) == 0
    # Full 18-decimal precision survives exactly (no floating point on the way).
    e = tenant.create_asset(accounts["ethereum"]["account_id"], "ETH", "ethereum")
    api.fund(e["asset_id"], "1.000000000000000001")
    assert tenant.asset(e["asset_id"])["balance"] == "1.000000000000000001"
    big = "98765432109876543210.123456"
    api.fund(a["asset_id"], big)
    assert tenant.asset(a["asset_id"])["balance"] == big


def test_sandbox_balance_errors(tenant, accounts, api):
    a = tenant.create_asset(accounts["ethereum"]["account_id"], "USDT", "ethereum")
    api.fund(a["asset_id"], "5")
    r = api.req("POST", "/_sandbox/assets/ast_nope/balance", json={"balance": "1"})
    assert_error(r, "not_found")
    for bad in ("abc", "-1", "1e3", "0.0000001"):
        assert_error(api.req("POST", f"/_sandbox/assets/{a['asset_id']}/balance", json={"balance": bad}),
                     "invalid_parameter")
    assert Decimal(tenant.asset(a["asset_id"])["balance"]) == 5
