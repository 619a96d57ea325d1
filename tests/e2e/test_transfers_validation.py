"""POST /api/v1/transfer validation: missing and mistyped fields, unknown chains, the amount grammar
and ceilings, length limits, bad JSON bodies, every destination address format (valid and invalid)
and unknown sources; every rejected transfer leaves balances and transactions untouched."""
import secrets

import pytest

from e2e_helpers import (BECH32_CONST, BECH32M_CONST, HOLD_PENDING, _convertbits, assert_error, bech32_encode,
                         b58check_encode, b58encode, bad_bech32_address, bad_checksum_tron_address, bad_eip55_address,
                         check_asset, check_transfer_response, eip55, random_evm_address, segwit_encode,
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
