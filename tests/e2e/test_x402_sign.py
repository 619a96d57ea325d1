"""POST /api/v1/x402/sign and GET /api/v1/x402/sign/{tx_id} (2026-04; 410 in 2026-09): the
signature is checked independently — the EIP-712 digest recomputed from the typed data with
keccak-256 (python3-pycryptodome), the signer recovered with python3-ecdsa and compared with the
payer's address — the amount is locked, and an unsettled authorization expires at validBefore on
the virtual clock, releasing its lock, with the ledger balanced throughout."""
from __future__ import annotations

import pytest

from chain_helpers import START_MS, Books, manual_world
from e2e_helpers import random_evm_address
from x402_helpers import eip55, recover_signer, sign, twa_digest, usdc_account, facilitator_body

NOW_S = START_MS // 1000


@pytest.fixture
def world(launch):
    server, sb = manual_world(launch)
    buyer = server.api.new_tenant(api_version="2026-04")
    _, account, asset = usdc_account(buyer, sb, "base", "100")
    books = Books()
    books.mint("base", "USDC", 100)
    return server, sb, buyer, account, asset, books


def test_signature_recovers_to_the_payer_and_the_amount_is_locked(world):
    server, sb, buyer, account, asset, books = world
    to = random_evm_address()
    r = sign(buyer, account["address"], to, "1.5", NOW_S + 600)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "X402_SIGNED"
    assert body["signature_v"] in (27, 28) and type(body["signature_v"]) is int
    assert body["valid_after"] == 0 and body["valid_before"] == NOW_S + 600
    auth = body["authorization"]
    assert auth["from"] == eip55(account["address"]) and auth["to"] == eip55(to)
    assert (auth["value"], auth["validAfter"], auth["validBefore"]) == ("1500000", "0", str(NOW_S + 600))
    assert auth["nonce"] == body["nonce"] and len(body["nonce"]) == 66

    digest = twa_digest("base", auth)
    assert body["eip712_hash"] == "0x" + digest.hex()
    assert body["signature"] == body["signature_r"] + body["signature_s"][2:] + f"{body['signature_v']:02x}"
    assert recover_signer(digest, body["signature"]) == eip55(account["address"])

    a = buyer.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("98.5", "1.5")
    books.lock("base", "USDC", "1.5")
    books.check(sb)

    again = buyer.get(f"/api/v1/x402/sign/{body['tx_id']}")
    assert again == body
    listed = buyer.get("/api/v1/x402/settlements", params={"status": "X402_SIGNED"})
    assert listed["total"] == 1 and listed["data"][0]["tx_id"] == body["tx_id"]
    item = listed["data"][0]
    assert (item["amount"], item["valid_before"], item["signature_v"]) == ("1.5", NOW_S + 600, body["signature_v"])

    # The emulator's own facilitator accepts what it signed.
    v = buyer.req("POST", "/api/v1/x402/verify", json=facilitator_body("base", auth, body["signature"]))
    assert v.json() == {"isValid": True, "payer": auth["from"]}


def test_signatures_differ_by_nonce_and_other_chains_use_their_domain(world):
    server, sb, buyer, account, asset, books = world
    to = random_evm_address()
    first = sign(buyer, account["address"], to, "1", str(NOW_S + 600)).json()  # valid_before as a string
    second = sign(buyer, account["address"], to, "1", NOW_S + 600).json()
    assert first["nonce"] != second["nonce"] and first["signature"] != second["signature"]
    wallet = buyer.get(f"/api/v1/accounts/{account['account_id']}")["wallet_id"]
    _, eth_account, _ = usdc_account(buyer, sb, "ethereum", "5", wallet={"wallet_id": wallet})
    r = sign(buyer, eth_account["address"], to, "2", NOW_S + 600, chain="ethereum")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["network"] == "ethereum"
    digest = twa_digest("ethereum", body["authorization"])
    assert body["eip712_hash"] == "0x" + digest.hex()
    assert recover_signer(digest, body["signature"]) == eip55(eth_account["address"])


def test_expiry_releases_the_lock_on_the_virtual_clock(world):
    server, sb, buyer, account, asset, books = world
    now_s = sb.now_ms() // 1000
    body = sign(buyer, account["address"], random_evm_address(), "10", now_s + 60).json()
    books.lock("base", "USDC", "10")
    books.check(sb)
    sb.advance(59)
    assert buyer.get(f"/api/v1/x402/sign/{body['tx_id']}")["status"] == "X402_SIGNED"
    sb.advance(1)
    assert buyer.get(f"/api/v1/x402/sign/{body['tx_id']}")["status"] == "EXPIRED"
    a = buyer.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("100", "0")
    books.fail("base", "USDC", "10")
    books.check(sb)
    assert buyer.get("/api/v1/x402/settlements", params={"status": "EXPIRED"})["total"] == 1


@pytest.mark.parametrize("change, status, code", [
    ({"chain": "tron"}, 400, "invalid_parameter"),
    ({"chain": "bsc"}, 400, "invalid_parameter"),
    ({"amount": "1000"}, 400, "insufficient_balance"),
    ({"amount": "0"}, 400, "invalid_parameter"),
    ({"amount": "0.0000001"}, 400, "invalid_parameter"),
    ({"valid_before": NOW_S - 1}, 400, "invalid_parameter"),
    ({"valid_before": None}, 400, "invalid_parameter"),
    ({"valid_after": NOW_S + 700}, 400, "invalid_parameter"),
    ({"scheme": "upto"}, 400, "invalid_parameter"),
    ({"to_address": "0x1234"}, 400, "invalid_address"),
    ({"chain": "ethereum"}, 404, "not_found"),
])
def test_sign_refusals_change_nothing(world, change, status, code):
    server, sb, buyer, account, asset, books = world
    body = {"from_address": account["address"], "to_address": random_evm_address(), "chain": "base",
            "amount": "1", "valid_before": NOW_S + 600, **change}
    body = {k: v for k, v in body.items() if v is not None}
    r = buyer.req("POST", "/api/v1/x402/sign", json=body)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    a = buyer.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("100", "0")
    assert buyer.get("/api/v1/x402/settlements")["total"] == 0


def test_sign_is_retired_in_2026_09_and_isolated(world):
    server, sb, buyer, account, asset, books = world
    newer = server.api.new_tenant(api_version="2026-09")
    r = sign(newer, account["address"], random_evm_address(), "1", NOW_S + 600)
    assert r.status_code == 410, r.text
    assert (r.json()["code"], r.json()["type"]) == ("invalid_parameter", "endpoint_retired")
    # Another 2026-04 client can neither sign from the buyer's address nor read its authorization.
    other = server.api.new_tenant(api_version="2026-04")
    r = sign(other, account["address"], random_evm_address(), "1", NOW_S + 600)
    assert r.status_code == 404, r.text
    mine = sign(buyer, account["address"], random_evm_address(), "1", NOW_S + 600).json()
    assert other.req("GET", f"/api/v1/x402/sign/{mine['tx_id']}").status_code == 404
    assert other.get("/api/v1/x402/settlements")["total"] == 0
