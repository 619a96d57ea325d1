"""POST/GET /api/v1/accounts: derived addresses per chain family, validation, filters."""
import re

import pytest

from e2e_helpers import (EVM_CHAINS, assert_error, b58check_decode, b58decode, check_account, check_list,
                         is_eip55, segwit_decode)


@pytest.fixture
def wallet(tenant):
    return tenant.active_wallet()


def check_evm(address):
    assert re.fullmatch(r"0x[0-9a-fA-F]{40}", address), address
    assert is_eip55(address), f"{address} does not carry its EIP-55 checksum"


def check_tron(address):
    assert address.startswith("T"), address
    payload = b58check_decode(address)
    assert payload is not None, f"{address} is not valid base58check"
    assert len(payload) == 21 and payload[0] == 0x41, payload.hex()


def check_bitcoin(address):
    assert address.startswith("bc1q"), address
    decoded = segwit_decode("bc", address)
    assert decoded is not None, f"{address} is not valid bech32"
    version, program = decoded
    assert version == 0 and len(program) == 20  # P2WPKH


def check_solana(address):
    assert re.fullmatch(r"[1-9A-HJ-NP-Za-km-z]{32,44}", address), address
    raw = b58decode(address)
    assert raw is not None and len(raw) == 32, address


def test_accounts_on_every_family(tenant, wallet):
    wid = wallet["wallet_id"]
    accounts = {}
    for chain in ("ethereum", "bsc", "tron", "bitcoin", "solana"):
        a = tenant.create_account(wid, chain, label=f"{chain} main")
        check_account(a)
        assert a["chain"] == chain
        assert a["wallet_id"] == wid
        assert a["client_id"] == tenant.client_id
        assert a["label"] == f"{chain} main"
        assert a["network"] == "mainnet"
        assert a["status"] == "ACTIVE"
        accounts[chain] = a
    check_evm(accounts["ethereum"]["address"])
    check_evm(accounts["bsc"]["address"])
    assert accounts["bsc"]["address"] == accounts["ethereum"]["address"]
    check_tron(accounts["tron"]["address"])
    check_bitcoin(accounts["bitcoin"]["address"])
    check_solana(accounts["solana"]["address"])
    assert len({a["account_id"] for a in accounts.values()}) == 5

    # GET returns exactly what POST returned.
    for a in accounts.values():
        assert tenant.get(f"/api/v1/accounts/{a['account_id']}") == a


def test_all_evm_chains_share_one_address(tenant, wallet):
    addresses = {c: tenant.create_account(wallet["wallet_id"], c)["address"] for c in EVM_CHAINS}
    assert len(set(addresses.values())) == 1, addresses
    check_evm(addresses["ethereum"])


def test_different_wallets_get_different_addresses(tenant):
    w1, w2 = tenant.active_wallet(), tenant.active_wallet()
    for chain in ("ethereum", "tron", "bitcoin", "solana"):
        a1 = tenant.create_account(w1["wallet_id"], chain)["address"]
        a2 = tenant.create_account(w2["wallet_id"], chain)["address"]
        assert a1 != a2, chain


def test_label_defaults_to_empty_string(tenant, wallet):
    a = tenant.create_account(wallet["wallet_id"], "ethereum")
    assert a["label"] == ""


def test_label_boundary(tenant, wallet):
    a = tenant.create_account(wallet["wallet_id"], "ethereum", label="L" * 100)
    assert a["label"] == "L" * 100
    before = tenant.snapshot()
    r = tenant.req("POST", "/api/v1/accounts", json={"wallet_id": wallet["wallet_id"], "chain": "tron",
                                                     "label": "L" * 101})
    assert_error(r, "validation_failed", field="label")
    assert tenant.snapshot() == before


@pytest.mark.parametrize("mutate", [
    lambda b: b.pop("wallet_id"),
    lambda b: b.pop("chain"),
    lambda b: b.update(chain="dogecoin"),
    lambda b: b.update(chain=""),
    lambda b: b.update(chain=1),
    lambda b: b.update(chain=["ethereum"]),
    lambda b: b.update(wallet_id=123),
    lambda b: b.update(label=7),
], ids=["missing-wallet", "missing-chain", "unknown-chain", "empty-chain", "int-chain", "array-chain",
        "int-wallet", "int-label"])
def test_invalid_parameter(shared_tenant, shared_wallet, mutate):
    body = {"wallet_id": shared_wallet["wallet_id"], "chain": "ethereum"}
    mutate(body)
    before = shared_tenant.snapshot()
    assert_error(shared_tenant.req("POST", "/api/v1/accounts", json=body), "invalid_parameter")
    assert shared_tenant.snapshot() == before


@pytest.mark.parametrize("raw", ["{", "[]", '["ethereum"]'])
def test_bad_body_bad_request(tenant, raw):
    assert_error(tenant.req("POST", "/api/v1/accounts", data=raw), "bad_request")


def test_second_account_on_the_same_chain_conflicts(tenant, wallet):
    first = tenant.create_account(wallet["wallet_id"], "solana")
    before = tenant.snapshot()
    r = tenant.req("POST", "/api/v1/accounts", json={"wallet_id": wallet["wallet_id"], "chain": "solana"})
    assert_error(r, "conflict")
    assert tenant.snapshot() == before
    assert tenant.get("/api/v1/accounts")["data"] == [first]


def test_unknown_wallet_not_found(tenant):
    r = tenant.req("POST", "/api/v1/accounts", json={"wallet_id": "w_00000000000000000000000000",
                                                     "chain": "ethereum"})
    assert_error(r, "not_found")
    assert tenant.get("/api/v1/accounts")["total"] == 0


def test_get_unknown_account_not_found(tenant):
    assert_error(tenant.req("GET", "/api/v1/accounts/acc_nope"), "not_found")


def test_wallet_not_active(launch):
    srv = launch(keygen_delay_ms=10 ** 9)
    t = srv.api.new_tenant()
    w = t.create_wallet()
    assert w["status"] == "PROGRESSING"
    for chain in ("ethereum", "bitcoin"):
        r = t.req("POST", "/api/v1/accounts", json={"wallet_id": w["wallet_id"], "chain": chain})
        assert_error(r, "wallet_not_active")
    assert t.get("/api/v1/accounts")["total"] == 0
    assert srv.api.health()["counts"]["accounts"] == 0


def test_list_and_filter_by_wallet(tenant):
    w1, w2 = tenant.active_wallet(), tenant.active_wallet()
    a1 = [tenant.create_account(w1["wallet_id"], c)["account_id"] for c in ("ethereum", "tron", "solana")]
    a2 = [tenant.create_account(w2["wallet_id"], c)["account_id"] for c in ("bitcoin", "bsc")]

    everything = tenant.get("/api/v1/accounts")
    check_list(everything, check_account)
    assert everything["total"] == 5
    assert [a["account_id"] for a in everything["data"]] == list(reversed(a1 + a2))

    only1 = tenant.get("/api/v1/accounts", params={"wallet_id": w1["wallet_id"]})
    assert only1["total"] == 3
    assert [a["account_id"] for a in only1["data"]] == list(reversed(a1))
    assert all(a["wallet_id"] == w1["wallet_id"] for a in only1["data"])

    page = tenant.get("/api/v1/accounts", params={"wallet_id": w2["wallet_id"], "page_size": 1})
    assert page["total"] == 2 and page["has_more"] is True
    assert [a["account_id"] for a in page["data"]] == [a2[1]]
    page2 = tenant.get("/api/v1/accounts", params={"wallet_id": w2["wallet_id"], "page_size": 1, "page": 2})
    assert [a["account_id"] for a in page2["data"]] == [a2[0]]
    assert page2["has_more"] is False

    none = tenant.get("/api/v1/accounts", params={"wallet_id": "w_unknown"})
    assert none["data"] == [] and none["total"] == 0 and none["has_more"] is False


@pytest.mark.parametrize("params", [{"page": "-2"}, {"page_size": "x"}])
def test_list_invalid_page(tenant, params):
    assert_error(tenant.req("GET", "/api/v1/accounts", params=params), "invalid_parameter")
