"""The paid resource of the control plane, end to end and offline: the seller creates a resource
(/_sandbox/x402/resources), the buyer fetches it and gets 402 with x402 payment requirements, signs
through POST /api/v1/x402/sign, sends the X-PAYMENT header, gets the content with
X-PAYMENT-RESPONSE; the settlement confirms on the chain, both balances move and the seller's
webhook arrives."""
from __future__ import annotations

import base64
import json

import pytest

from chain_helpers import Books
from webhook_receiver import SECRET, check_payload, check_signed, receivers  # noqa: F401
from x402_helpers import USDC_DOMAINS, decode_x_payment_response, eip55, seller_and_buyer, sign, x_payment


@pytest.fixture
def world(launch, receivers):  # noqa: F811
    w = seller_and_buyer(launch, receivers, "20")
    return tuple(w[k] for k in ("server", "api", "sb", "hook", "seller", "seller_account", "seller_asset", "buyer",
                                "buyer_account", "buyer_asset"))


def create_resource(api, pay_to, **extra):
    body = {"pay_to": pay_to, "price": "0.25", "chain": "base", "description": "Premium weather",
            "mime_type": "application/json", "content": '{"forecast":"sunny"}', **extra}
    return api.req("POST", "/_sandbox/x402/resources", json=body)


def test_the_whole_paid_resource_loop(world):
    server, api, sb, hook, seller, seller_account, seller_asset, buyer, buyer_account, buyer_asset = world
    books = Books()
    books.mint("base", "USDC", 20)
    r = create_resource(api, seller_account["address"])
    assert r.status_code == 201, r.text
    res = r.json()
    assert (res["client_id"], res["price"], res["amount"], res["network"]) == (seller.client_id, "0.25", "250000", "base")
    assert res["url"] == f"/_sandbox/x402/resources/{res['resource_id']}/content"
    listed = api.req("GET", "/_sandbox/x402/resources").json()
    assert [x["resource_id"] for x in listed["data"]] == [res["resource_id"]]

    unpaid = api.req("GET", res["url"])
    assert unpaid.status_code == 402, unpaid.text
    body = unpaid.json()
    assert body["x402Version"] == 1 and body["error"]
    (req,) = body["accepts"]
    assert req == {"scheme": "exact", "network": "base", "maxAmountRequired": "250000", "resource": res["url"],
                   "description": "Premium weather", "mimeType": "application/json",
                   "payTo": eip55(seller_account["address"]), "maxTimeoutSeconds": 300,
                   "asset": USDC_DOMAINS["base"][3], "extra": {"name": "USD Coin", "version": "2"}}

    now_s = sb.now_ms() // 1000
    signed = sign(buyer, buyer_account["address"], req["payTo"], "0.25", now_s + req["maxTimeoutSeconds"]).json()
    books.lock("base", "USDC", "0.25")
    header = x_payment(signed, req["network"])
    paid = api.req("GET", res["url"], headers={"X-PAYMENT": header})
    assert paid.status_code == 200, paid.text
    assert paid.text == '{"forecast":"sunny"}'
    assert paid.headers["Content-Type"] == "application/json"
    receipt = decode_x_payment_response(paid.headers["X-PAYMENT-RESPONSE"])
    assert receipt["success"] is True and receipt["network"] == "base"
    assert receipt["payer"] == signed["authorization"]["from"]
    books.check(sb)

    # The same payment cannot buy the content twice.
    again = api.req("GET", res["url"], headers={"X-PAYMENT": header})
    assert again.status_code == 402 and again.json()["error"] == "invalid_exact_evm_nonce_already_used"

    sb.advance(40)
    assert seller.asset(seller_asset["asset_id"])["balance"] == "0.25"
    a = buyer.asset(buyer_asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("19.75", "0")
    books.confirm("base", "USDC", "0.25", internal=True)
    books.check(sb)
    (settlement,) = seller.get("/api/v1/x402/settlements")["data"]
    assert settlement["status"] == "SETTLED" and settlement["amount"] == "0.25"
    assert seller.get(f"/api/v1/x402/settle/{settlement['tx_id']}")["txHash"] == receipt["transaction"]
    got = hook.wait_for(1, what="x402.settlement.confirmed")
    check_signed(got[0], SECRET)
    p = check_payload(got[0].json, operation=True)  # the seller is on 2026-09
    assert (p["event_type"], p["operation"], p["amount"], p["txhash"]) == (
        "x402.settlement.confirmed", "X402", "250000", receipt["transaction"])


@pytest.mark.parametrize("header, error", [
    ("%%%", "X-PAYMENT is not base64"),
    (base64.b64encode(b"[]").decode(), "invalid X-PAYMENT"),
])
def test_a_bad_payment_header_is_402(world, header, error):
    server, api, sb, hook, seller, seller_account, *_ = world
    res = create_resource(api, seller_account["address"]).json()
    r = api.req("GET", res["url"], headers={"X-PAYMENT": header})
    assert r.status_code == 402 and r.json()["error"].startswith(error), r.text


def test_a_payment_for_less_is_refused(world):
    server, api, sb, hook, seller, seller_account, seller_asset, buyer, buyer_account, buyer_asset = world
    res = create_resource(api, seller_account["address"]).json()
    signed = sign(buyer, buyer_account["address"], seller_account["address"], "0.2",
                  sb.now_ms() // 1000 + 300).json()
    r = api.req("GET", res["url"], headers={"X-PAYMENT": x_payment(signed, "base")})
    assert r.status_code == 402
    assert r.json()["error"] == "invalid_exact_evm_payload_authorization_value_mismatch"
    assert seller.get("/api/v1/x402/settlements")["total"] == 0


@pytest.mark.parametrize("change, status", [
    ({"pay_to": "0x" + "12" * 20}, 404),  # not an emulator account
    ({"chain": "tron"}, 400),
    ({"price": "0"}, 400),
    ({"price": None}, 400),
])
def test_resource_creation_refusals(world, change, status):
    server, api, sb, hook, seller, seller_account, *_ = world
    body = {"pay_to": seller_account["address"], "price": "1", **change}
    body = {k: v for k, v in body.items() if v is not None}
    r = api.req("POST", "/_sandbox/x402/resources", json=body)
    assert r.status_code == status, r.text
    assert api.req("GET", "/_sandbox/x402/resources/res_nope/content").status_code == 404
    assert json.loads(api.req("GET", "/_sandbox/x402/resources").text)["total"] == 0
