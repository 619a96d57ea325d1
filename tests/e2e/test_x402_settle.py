"""POST /api/v1/x402/settle, GET /api/v1/x402/settle/{tx_id}, GET /api/v1/x402/settlements: a
settlement walks the simulated chain to CONFIRMED, the payer's sign lock is consumed, the seller is
credited and gets x402.settlement.confirmed; Idempotency-Key replays; a used nonce, an on-chain
failure (refund, nonce usable again) and an external payer (an EIP-712 signature made here);
both API versions; tenant isolation; the ledger balanced at every step."""
from __future__ import annotations

import secrets

import pytest

from chain_helpers import Books
from webhook_receiver import SECRET, check_payload, check_signed, receivers  # noqa: F401
from x402_helpers import authorization, external_signer, facilitator_body, seller_and_buyer, sign, sign_typed

VERSIONS = ["2026-04", "2026-09"]


@pytest.fixture
def world(launch, receivers):  # noqa: F811
    w = seller_and_buyer(launch, receivers, "100")
    w["books"] = Books()
    w["books"].mint("base", "USDC", 100)
    return w


def signed_payment(w, amount="1.5", ttl=600):
    now_s = w["sb"].now_ms() // 1000
    r = sign(w["buyer"], w["buyer_account"]["address"], w["seller_account"]["address"], amount, now_s + ttl)
    assert r.status_code == 200, r.text
    s = r.json()
    return s, facilitator_body("base", s["authorization"], s["signature"])


def settle(tenant, body, key=None):
    headers = {"Idempotency-Key": key} if key else None
    r = tenant.req("POST", "/api/v1/x402/settle", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r


def balances(tenant, asset):
    a = tenant.asset(asset["asset_id"])
    return a["balance"], a["locked_balance"]


def run_chain(w, seconds=40):
    w["sb"].advance(seconds)  # base: 2 s blocks, 10 confirmations


def test_settle_walks_to_confirmed_with_both_balances_and_the_sellers_webhook(world):
    w = world
    seller, buyer, books, sb = w["seller"], w["buyer"], w["books"], w["sb"]
    signed, body = signed_payment(w)
    books.lock("base", "USDC", "1.5")
    key = secrets.token_hex(8)
    r = settle(seller, body, key)
    out = r.json()
    assert out["success"] is True and out["network"] == "base" and out["payer"] == signed["authorization"]["from"]
    assert out["transaction"].startswith("0x") and len(out["transaction"]) == 66
    assert set(out) == {"success", "txId", "transaction", "payer", "network"}
    tx_id = out["txId"]

    status = seller.get(f"/api/v1/x402/settle/{tx_id}")
    assert status == {"success": True, "txId": tx_id, "status": "BROADCAST", "txHash": out["transaction"],
                      "network": "base"}
    assert balances(buyer, w["buyer_asset"]) == ("98.5", "1.5")
    assert balances(seller, w["seller_asset"]) == ("0", "0")
    assert buyer.get(f"/api/v1/x402/sign/{signed['tx_id']}")["status"] == "PROCESSING"
    books.check(sb)

    run_chain(w)
    status = seller.get(f"/api/v1/x402/settle/{tx_id}")
    assert status["status"] == "CONFIRMED" and status["success"] is True
    assert balances(buyer, w["buyer_asset"]) == ("98.5", "0")
    assert balances(seller, w["seller_asset"]) == ("1.5", "0")
    books.confirm("base", "USDC", "1.5", internal=True)
    books.check(sb)
    assert buyer.get(f"/api/v1/x402/sign/{signed['tx_id']}")["status"] == "SETTLED"
    listed = seller.get("/api/v1/x402/settlements", params={"status": "SETTLED"})
    assert listed["total"] == 1 and listed["data"][0]["tx_id"] == tx_id
    item = listed["data"][0]
    assert (item["amount"], item["from_address"], item["to_address"]) == (
        "1.5", signed["authorization"]["from"], signed["authorization"]["to"])
    t = seller.get(f"/api/v1/transactions/{tx_id}")
    assert (t["transaction_type"], t["status"], t["tx_hash"]) == ("X402_SETTLE", "CONFIRMED", out["transaction"])

    got = w["hook"].wait_for(1, what="x402.settlement.confirmed")
    check_signed(got[0], SECRET)
    p = check_payload(got[0].json, operation=True)  # the seller is on 2026-09
    assert (p["event_type"], p["transaction_type"], p["status"], p["source_id"], p["operation"]) == (
        "x402.settlement.confirmed", "INBOUND", "CONFIRMED", tx_id, "X402")
    # The amount in USDC's smallest unit (6 decimals), as every webhook sends it.
    assert (p["amount"], p["decimals"], p["symbol"], p["chain"], p["txhash"]) == (
        "1500000", 6, "USDC", "base", out["transaction"])
    assert p["account_id"] == w["seller_account"]["account_id"]
    assert w["hook"].stays_at(1)

    # Replayed under its key: the same bytes, no second settlement; another key: the nonce is used.
    again = settle(seller, body, key)
    assert again.content == r.content and again.headers["Idempotent-Replayed"] == "true"
    other = settle(seller, body, secrets.token_hex(8)).json()
    assert other == {"success": False, "transaction": "", "errorReason": "invalid_exact_evm_nonce_already_used",
                     "payer": signed["authorization"]["from"], "network": "base"}
    v = seller.req("POST", "/api/v1/x402/verify", json=body).json()
    assert v["invalidReason"] == "invalid_exact_evm_nonce_already_used"
    assert seller.get("/api/v1/x402/settlements")["total"] == 1
    books.check(sb)


def test_an_on_chain_failure_refunds_and_frees_the_nonce(world):
    w = world
    seller, buyer, books, sb = w["seller"], w["buyer"], w["books"], w["sb"]
    signed, body = signed_payment(w, "4")
    books.lock("base", "USDC", "4")
    tx_id = settle(seller, body).json()["txId"]
    r = w["api"].req("POST", f"/_sandbox/transactions/{tx_id}/fail")
    assert r.status_code == 200, r.text
    status = seller.get(f"/api/v1/x402/settle/{tx_id}")
    assert (status["status"], status["success"]) == ("FAILED", False)
    assert balances(buyer, w["buyer_asset"]) == ("100", "0")
    assert balances(seller, w["seller_asset"]) == ("0", "0")
    books.fail("base", "USDC", "4")
    books.check(sb)
    assert seller.get("/api/v1/x402/settlements", params={"status": "FAILED"})["total"] == 1
    # The reverted transferWithAuthorization did not use the nonce; the lock is gone, so settling
    # again needs the payer's available balance.
    assert seller.req("POST", "/api/v1/x402/verify", json=body).json()["isValid"] is True
    assert w["hook"].stays_at(0)


def test_insufficient_funds_when_the_payer_spent_the_money(world):
    w = world
    seller, buyer, books, sb = w["seller"], w["buyer"], w["books"], w["sb"]
    signed, body = signed_payment(w, "50")
    books.lock("base", "USDC", "50")
    # The sign lock expires, then the buyer's balance drops below the amount.
    sb.advance(601)
    books.fail("base", "USDC", "50")
    assert buyer.get(f"/api/v1/x402/sign/{signed['tx_id']}")["status"] == "EXPIRED"
    w["api"].fund(w["buyer_asset"]["asset_id"], "10")
    books.burn_grant("base", "USDC", "90")
    # (the authorization itself expired too)
    out = settle(seller, body).json()
    assert out["success"] is False
    assert out["errorReason"] == "invalid_exact_evm_payload_authorization_valid_before"
    books.check(sb)


def test_an_external_payer_signed_here(world):
    w = world
    seller, books, sb = w["seller"], w["books"], w["sb"]
    sk, payer = external_signer()
    now_s = sb.now_ms() // 1000
    auth = authorization(payer, w["seller_account"]["address"], 2_500_000, now_s + 300, secrets.token_bytes(32))
    body = facilitator_body("base", auth, sign_typed(sk, "base", auth), version=2)
    assert seller.req("POST", "/api/v1/x402/verify", json=body).json() == {"isValid": True, "payer": payer}
    out = settle(seller, body).json()
    assert out["success"] is True, out
    run_chain(w)
    assert seller.get(f"/api/v1/x402/settle/{out['txId']}")["status"] == "CONFIRMED"
    assert balances(seller, w["seller_asset"]) == ("2.5", "0")
    books.mint("base", "USDC", "2.5")  # an external payer's USDC enters the emulator's world
    books.check(sb)
    w["hook"].wait_for(1, what="x402.settlement.confirmed")


@pytest.mark.parametrize("version", VERSIONS)
def test_settle_in_both_versions_and_isolation(world, version):
    w = world
    api = w["api"]
    facilitator = api.new_tenant(api_version=version)
    signed, body = signed_payment(w, "1")
    out = settle(facilitator, body).json()
    assert out["success"] is True, out
    tx_id = out["txId"]
    assert facilitator.get(f"/api/v1/x402/settle/{tx_id}")["txId"] == tx_id
    listed = facilitator.get("/api/v1/x402/settlements", params={"page_size": 1})
    assert (listed["total"], listed["has_more"], len(listed["data"])) == (1, False, 1)
    # Neither the seller nor the buyer (other clients) can read the facilitator's settlement.
    for other in (w["seller"], w["buyer"]):
        r = other.req("GET", f"/api/v1/x402/settle/{tx_id}")
        assert r.status_code == 404, r.text
        assert r.json()["code"] == "not_found"
        assert all(s["tx_id"] != tx_id for s in other.get("/api/v1/x402/settlements")["data"])
    run_chain(w)
    assert facilitator.get(f"/api/v1/x402/settle/{tx_id}")["status"] == "CONFIRMED"
    assert balances(w["seller"], w["seller_asset"]) == ("1", "0")


def test_settlements_pagination_and_status_filter(world):
    w = world
    seller = w["seller"]
    ids = []
    for _ in range(3):
        _, body = signed_payment(w, "1")
        ids.append(settle(seller, body).json()["txId"])
    page1 = seller.get("/api/v1/x402/settlements", params={"page": 1, "page_size": 2})
    page2 = seller.get("/api/v1/x402/settlements", params={"page": 2, "page_size": 2})
    assert (page1["total"], page1["has_more"], page2["has_more"]) == (3, True, False)
    assert [s["tx_id"] for s in page1["data"] + page2["data"]] == ids[::-1]
    assert seller.get("/api/v1/x402/settlements", params={"status": "PROCESSING"})["total"] == 3
    assert seller.get("/api/v1/x402/settlements", params={"status": "SETTLED"})["total"] == 0
    # The filter is case-insensitive; "" lists all; a state no record can be in matches nothing.
    assert seller.get("/api/v1/x402/settlements", params={"status": "processing"})["total"] == 3
    assert seller.get("/api/v1/x402/settlements", params={"status": ""})["total"] == 3
    for state in ("PENDING", "bogus"):
        assert seller.get("/api/v1/x402/settlements", params={"status": state}) == {
            "data": [], "total": 0, "has_more": False}
    r = seller.req("GET", "/api/v1/x402/settlements", params={"page": -1})
    assert r.status_code == 400
