"""POST /api/v1/transfer: the happy path, locking arithmetic, amount grammar, address validation, and
that every rejected transfer leaves balances and transactions untouched."""
import secrets
import threading
from decimal import Decimal

import pytest
import requests

from e2e_helpers import (BECH32_CONST, BECH32M_CONST, HOLD_PENDING, Tenant, _convertbits, assert_error,
                         bech32_encode, b58check_encode, b58encode, bad_bech32_address,
                         bad_checksum_tron_address, bad_eip55_address, check_asset, check_transaction,
                         check_transfer_response, eip55, is_eip55, random_evm_address, segwit_encode,
                         solana_address, tron_address)

SERVER_ARGS = HOLD_PENDING


@pytest.fixture(scope="module")
def funded(shared_tenant, shared_wallet):
    """A module-wide wallet with funded assets; tests here only read them or transfer tiny amounts."""
    t, wid = shared_tenant, shared_wallet["wallet_id"]
    acc = {c: t.create_account(wid, c) for c in ("ethereum", "tron", "bitcoin", "solana")}
    assets = {
        "USDT": t.create_asset(acc["ethereum"]["account_id"], "USDT", "ethereum"),
        "ETH": t.create_asset(acc["ethereum"]["account_id"], "ETH", "ethereum"),
        "TRX": t.create_asset(acc["tron"]["account_id"], "TRX"),
        "BTC": t.create_asset(acc["bitcoin"]["account_id"], "BTC"),
        "SOL": t.create_asset(acc["solana"]["account_id"], "SOL"),
    }
    for sym, bal in (("USDT", "1000"), ("ETH", "10"), ("TRX", "1000"), ("BTC", "10"), ("SOL", "100")):
        t.api.fund(assets[sym]["asset_id"], bal)
    return {"tenant": t, "accounts": acc, "assets": assets}


def usdt_body(funded, **over):
    body = {"from_address": funded["accounts"]["ethereum"]["address"], "to_address": random_evm_address(),
            "chain": "ethereum", "token_symbol": "USDT", "amount": "0.5"}
    body.update(over)
    return body


def assert_rejected(funded, body, code, field=None):
    """The transfer is rejected with `code`, and nothing the tenant can see has changed."""
    t = funded["tenant"]
    before = t.snapshot()
    tx_count = t.api.health()["counts"]["transactions"]
    r = t.req("POST", "/api/v1/transfer", json=body)
    assert_error(r, code, field=field)
    assert t.snapshot() == before
    assert t.api.health()["counts"]["transactions"] == tx_count
    return r


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


# ---------------------------------------------------------------------------------------------
# invalid_parameter / validation_failed / bad_request
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["from_address", "to_address", "chain", "token_symbol", "amount"])
def test_missing_field_invalid_parameter(funded, field):
    body = usdt_body(funded)
    del body[field]
    assert_rejected(funded, body, "invalid_parameter")


@pytest.mark.parametrize("over", [
    {"amount": 0.5}, {"amount": 1}, {"amount": None}, {"amount": ["0.5"]}, {"amount": {"value": "0.5"}},
    {"from_address": 123}, {"to_address": True}, {"chain": None}, {"token_symbol": 5}, {"memo": 7},
], ids=["amount-float", "amount-int", "amount-null", "amount-array", "amount-object", "from-int", "to-bool",
        "chain-null", "symbol-int", "memo-int"])
def test_wrong_type_invalid_parameter(funded, over):
    assert_rejected(funded, usdt_body(funded, **over), "invalid_parameter")


@pytest.mark.parametrize("chain", ["dogecoin", "eth", "ethereum-mainnet", "sepolia"])
def test_unknown_chain_invalid_parameter(funded, chain):
    assert_rejected(funded, usdt_body(funded, chain=chain), "invalid_parameter")


@pytest.mark.parametrize("amount", ["0", "0.0", "0.000000", "00", "000.000"])
def test_non_positive_amount_invalid_parameter(funded, amount):
    assert_rejected(funded, usdt_body(funded, amount=amount), "invalid_parameter")


@pytest.mark.parametrize("amount", [
    "-1", "-0.5", "+0.5", "1e2", "1E2", "5e-1", "0.5e0", " 0.5", "0.5 ", "0. 5", "0x10", "0X1", "0,5", ".5", "5.",
    "1.2.3", "", "abc", "NaN", "Infinity", "\u0660.\u0665", "\uff10.\uff15", "0.5\n", "\t0.5", "0_5", "½",
])
def test_malformed_amount_invalid_parameter(funded, amount):
    assert_rejected(funded, usdt_body(funded, amount=amount), "invalid_parameter")


@pytest.mark.parametrize("symbol,amount", [("USDT", "0.0000001"), ("USDT", "0.1234567"), ("BTC", "0.000000001"),
                                           ("TRX", "0.0000005")])
def test_too_many_decimals_invalid_parameter(funded, symbol, amount):
    chain = {"USDT": "ethereum", "BTC": "bitcoin", "TRX": "tron"}[symbol]
    to = {"ethereum": random_evm_address(), "bitcoin": segwit_encode("bc", 0, secrets.token_bytes(20)),
          "tron": tron_address()}[chain]
    body = {"from_address": funded["accounts"][chain]["address"], "to_address": to, "chain": chain,
            "token_symbol": symbol, "amount": amount}
    assert_rejected(funded, body, "invalid_parameter")


@pytest.mark.parametrize("symbol,amount", [
    ("USDT", "1" + "0" * 32),                     # 10^38 base units at 6 decimals
    ("USDT", "100000000000000000000000000000000.5"),
    ("ETH", "1" + "0" * 20),                      # 10^38 base units at 18 decimals
    ("USDT", "9" * 100),
    ("USDT", "1" + "0" * 200 + ".5"),
])
def test_amount_above_ceiling_invalid_parameter(funded, symbol, amount):
    assert_rejected(funded, usdt_body(funded, token_symbol=symbol, amount=amount), "invalid_parameter")


@pytest.mark.parametrize("symbol,amount", [("USDT", "9" * 32 + ".999999"), ("ETH", "9" * 20 + "." + "9" * 18)])
def test_amount_at_ceiling_is_valid_but_unfunded(funded, symbol, amount):
    # 10^38 - 1 base units is a representable amount: the failure is the balance, not the syntax.
    assert_rejected(funded, usdt_body(funded, token_symbol=symbol, amount=amount), "insufficient_balance")


def test_from_equals_to_invalid_parameter(funded):
    evm = funded["accounts"]["ethereum"]["address"]
    assert_rejected(funded, usdt_body(funded, to_address=evm), "invalid_parameter")
    # The same EVM address in another letter case is still the same address.
    assert_rejected(funded, usdt_body(funded, to_address=evm.lower()), "invalid_parameter")
    tron = funded["accounts"]["tron"]["address"]
    assert_rejected(funded, {"from_address": tron, "to_address": tron, "chain": "tron", "token_symbol": "TRX",
                             "amount": "0.1"}, "invalid_parameter")


@pytest.mark.parametrize("field,over", [
    ("from_address", {"from_address": "0x" + "a" * 254}),
    ("to_address", {"to_address": "0x" + "a" * 254}),
    ("token_symbol", {"token_symbol": "U" * 21}),
    ("memo", {"memo": "m" * 101}),
    ("memo", {"memo": "é" * 101}),
])
def test_length_limits_validation_failed(funded, field, over):
    assert_rejected(funded, usdt_body(funded, **over), "validation_failed", field=field)


@pytest.mark.parametrize("raw", ["{", "[]", '[{"amount":"1"}]', '"transfer"', "", "{\"amount\": 0.5,}"])
def test_bad_body_bad_request(funded, raw):
    t = funded["tenant"]
    before = t.snapshot()
    assert_error(t.req("POST", "/api/v1/transfer", data=raw), "bad_request")
    assert t.snapshot() == before


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------


def _invalid_destinations():
    evm = random_evm_address()
    return [
        ("ethereum", bad_eip55_address()),
        ("ethereum", "0x" + "a" * 39),
        ("ethereum", "0x" + "a" * 41),
        ("ethereum", evm[2:]),
        ("ethereum", "0x" + "g" * 40),
        ("ethereum", "0x" + evm[2:] + " "),
        ("ethereum", "0X" + evm[2:].lower()),
        ("ethereum", tron_address()),
        ("tron", bad_checksum_tron_address()),
        ("tron", b58check_encode(b"\x00" + secrets.token_bytes(20))),  # base58check, wrong version byte
        ("tron", b58check_encode(b"\x41" + secrets.token_bytes(19))),  # 0x41 but 19-byte body
        ("tron", evm),
        ("bitcoin", bad_bech32_address()),
        ("bitcoin", "bc1q" + segwit_encode("bc", 0, secrets.token_bytes(20))[4:].upper()),  # mixed case
        ("bitcoin", segwit_encode("ltc", 0, secrets.token_bytes(20))),  # another chain's HRP
        ("bitcoin", segwit_encode("bc", 0, secrets.token_bytes(21))),  # v0 program must be 20 or 32 bytes
        ("bitcoin", b58check_encode(b"\x41" + secrets.token_bytes(20))),
        ("bitcoin", b58check_encode(b"\x00" + secrets.token_bytes(21))),  # P2PKH with a 21-byte hash
        # Witness v1 must carry the bech32m checksum and v0 the bech32 one (BIP-350).
        ("bitcoin", bech32_encode("bc", [1] + _convertbits(secrets.token_bytes(32), 8, 5), BECH32_CONST)),
        ("bitcoin", bech32_encode("bc", [0] + _convertbits(secrets.token_bytes(20), 8, 5), BECH32M_CONST)),
        ("bitcoin", segwit_encode("bcrt", 0, secrets.token_bytes(20))),  # regtest is neither mainnet nor testnet
        ("bitcoin", evm),
        ("solana", solana_address(31)),
        ("solana", solana_address(33)),
        ("solana", "0" + solana_address()[1:]),
        ("solana", evm),
    ]


INVALID_IDS = ["evm-bad-eip55", "evm-39-hex", "evm-41-hex", "evm-no-0x", "evm-non-hex", "evm-trailing-space",
               "evm-upper-0X", "evm-tron-address",
               "tron-bad-checksum", "tron-wrong-version", "tron-short-body", "tron-evm",
               "btc-bad-bech32", "btc-mixed-case", "btc-ltc-hrp", "btc-v0-21-bytes", "btc-tron",
               "btc-p2pkh-21-bytes", "btc-v1-bech32", "btc-v0-bech32m", "btc-regtest", "btc-evm",
               "sol-31-bytes", "sol-33-bytes", "sol-bad-char", "sol-evm"]

NATIVE = {"ethereum": ("USDT", "0.5"), "tron": ("TRX", "0.5"), "bitcoin": ("BTC", "0.001"), "solana": ("SOL", "0.5")}


@pytest.mark.parametrize("index", range(len(INVALID_IDS)), ids=INVALID_IDS)
def test_invalid_destination_invalid_address(funded, index):
    chain, to = _invalid_destinations()[index]
    symbol, amount = NATIVE[chain]
    body = {"from_address": funded["accounts"][chain]["address"], "to_address": to, "chain": chain,
            "token_symbol": symbol, "amount": amount}
    assert_rejected(funded, body, "invalid_address")


def _valid_destinations():
    raw20 = secrets.token_bytes(20)
    checksummed = eip55(raw20)
    return [
        ("ethereum", checksummed),
        ("ethereum", "0x" + raw20.hex()),
        ("ethereum", "0x" + raw20.hex().upper()),
        ("tron", tron_address()),
        ("bitcoin", b58check_encode(b"\x00" + secrets.token_bytes(20))),   # P2PKH
        ("bitcoin", b58check_encode(b"\x05" + secrets.token_bytes(20))),   # P2SH
        ("bitcoin", segwit_encode("bc", 0, secrets.token_bytes(20))),      # P2WPKH
        ("bitcoin", segwit_encode("bc", 0, secrets.token_bytes(32))),      # P2WSH
        ("bitcoin", segwit_encode("bc", 1, secrets.token_bytes(32))),      # P2TR, bech32m
        ("bitcoin", segwit_encode("bc", 0, secrets.token_bytes(20)).upper()),
        ("bitcoin", segwit_encode("tb", 0, secrets.token_bytes(20))),      # testnet
        ("bitcoin", segwit_encode("tb", 1, secrets.token_bytes(32))),
        ("bitcoin", b58check_encode(b"\x6f" + secrets.token_bytes(20))),   # testnet P2PKH
        ("bitcoin", b58check_encode(b"\xc4" + secrets.token_bytes(20))),   # testnet P2SH
        ("solana", solana_address()),
        ("solana", b58encode(b"\0" * 32)),                                 # the system program
    ]


VALID_IDS = ["evm-eip55", "evm-lower", "evm-upper", "tron", "btc-p2pkh", "btc-p2sh", "btc-p2wpkh", "btc-p2wsh",
             "btc-p2tr", "btc-upper-bech32", "btc-testnet-bech32", "btc-testnet-bech32m", "btc-testnet-p2pkh",
             "btc-testnet-p2sh", "sol", "sol-system-program"]


@pytest.mark.parametrize("index", range(len(VALID_IDS)), ids=VALID_IDS)
def test_valid_destination_formats_accepted(funded, index):
    chain, to = _valid_destinations()[index]
    symbol, amount = NATIVE[chain]
    t = funded["tenant"]
    r = t.transfer(funded["accounts"][chain]["address"], to, chain, symbol, amount)
    assert r.status_code == 200, f"{to!r} on {chain}: {r.text}"
    check_transfer_response(r.json())
    assert t.get(f"/api/v1/transactions/{r.json()['tx_id']}")["to_address"] == to


# ---------------------------------------------------------------------------------------------
# Source asset lookup
# ---------------------------------------------------------------------------------------------


def test_unknown_source_not_found(funded):
    assert_rejected(funded, usdt_body(funded, from_address=random_evm_address()), "not_found")
    assert_rejected(funded, {"from_address": tron_address(), "to_address": tron_address(), "chain": "tron",
                             "token_symbol": "TRX", "amount": "0.1"}, "not_found")


def test_asset_not_added_not_found(funded):
    # Own ethereum address, but no USDC asset was ever added.
    assert_rejected(funded, usdt_body(funded, token_symbol="USDC"), "not_found")
    # Own address, but on a chain where the tenant has no asset for it.
    assert_rejected(funded, usdt_body(funded, chain="bsc"), "not_found")
    # Own tron address, TRC20 USDT never added.
    tron = funded["accounts"]["tron"]["address"]
    assert_rejected(funded, {"from_address": tron, "to_address": tron_address(), "chain": "tron",
                             "token_symbol": "USDT", "amount": "0.1"}, "not_found")
    # A symbol the gateway does not know at all: either reading is a rejection that changes nothing.
    t = funded["tenant"]
    before = t.snapshot()
    r = t.req("POST", "/api/v1/transfer", json=usdt_body(funded, token_symbol="DOGE"))
    assert r.status_code in (400, 404), r.text
    assert r.json()["code"] in ("invalid_parameter", "not_found"), r.text
    assert t.snapshot() == before


def test_tx_hash_is_a_string_while_pending(funded):
    t = funded["tenant"]
    r = t.transfer(funded["accounts"]["solana"]["address"], solana_address(), "solana", "SOL", "0.001")
    assert r.status_code == 200, r.text
    tx = t.get(f"/api/v1/transactions/{r.json()['tx_id']}")
    assert tx["status"] == "PENDING"
    assert tx["tx_hash"] == ""
    check_asset(t.asset(funded["assets"]["SOL"]["asset_id"]))
