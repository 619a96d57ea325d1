"""x402 in fixtures: `x402_settlements` (a client's history) and `x402_resources` (paid resources
whose pay_to is a fixture account) load, are served, and each error is reported at its JSON path."""
from __future__ import annotations

import json

from e2e_helpers import Tenant
from test_fixtures import demo_doc, validate, write
from x402_helpers import eip55

PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66"


def x402_doc() -> dict:
    doc = demo_doc()
    lumen = doc["clients"][0]
    treasury = lumen["wallets"][0]["accounts"][0]  # ethereum, holds USDC
    lumen["x402_settlements"] = [
        {"tx_id": "tx_x402_demo_1", "chain": "base", "from_address": PAYER, "to_address": treasury["address"],
         "amount": "0.25", "status": "SETTLED", "valid_before": 1767225600, "created_at": "-P2D",
         "nonce": "0x" + "ab" * 32, "signature_v": 27, "signature_r": "0x" + "11" * 32, "signature_s": "0x" + "22" * 32},
        {"chain": "ethereum", "from_address": PAYER, "to_address": treasury["address"], "amount": "3",
         "status": "EXPIRED", "valid_before": 1767225700},
    ]
    doc["x402_resources"] = [{"resource_id": "res_demo_report", "pay_to": treasury["address"], "price": "0.25",
                              "chain": "ethereum", "mime_type": "application/json", "content": '{"report":1}'}]
    return doc


def test_x402_fixture_sections_load_and_are_served(launch, tmp_path):
    doc = x402_doc()
    lumen = doc["clients"][0]
    assert validate(write(tmp_path, doc)).returncode == 0
    s = launch("--fixtures", str(write(tmp_path, doc)), "--manual-clock")
    t = Tenant(s.api, lumen["client_id"], lumen["api_key"], lumen["api_secret"])
    listed = t.get("/api/v1/x402/settlements")
    assert listed["total"] == 2
    settled = t.get("/api/v1/x402/settlements", params={"status": "SETTLED"})["data"][0]
    assert settled["tx_id"] == "tx_x402_demo_1" and settled["amount"] == "0.25" and settled["signature_v"] == 27
    assert settled["to_address"] == eip55(lumen["wallets"][0]["accounts"][0]["address"])
    # History has no settle transaction to follow, and other clients see none of it.
    assert t.req("GET", "/api/v1/x402/settle/tx_x402_demo_1").status_code == 404
    other = doc["clients"][1]
    assert Tenant(s.api, other["client_id"], other["api_key"], other["api_secret"]).get(
        "/api/v1/x402/settlements")["total"] == 0
    (res,) = s.api.req("GET", "/_sandbox/x402/resources").json()["data"]
    assert (res["resource_id"], res["client_id"], res["amount"]) == ("res_demo_report", lumen["client_id"], "250000")
    r = s.api.req("GET", res["url"])
    assert r.status_code == 402 and r.json()["accepts"][0]["network"] == "ethereum"


def test_x402_fixture_errors_at_their_paths(tmp_path):
    doc = x402_doc()
    lumen = doc["clients"][0]
    lumen["x402_settlements"][0]["status"] = "X402_SIGNED"
    lumen["x402_settlements"][0]["chain"] = "tron"
    lumen["x402_settlements"][1]["nonce"] = "0x12"
    del lumen["x402_settlements"][1]["valid_before"]
    lumen["x402_settlements"][1]["colour"] = "blue"
    doc["x402_resources"].append({"pay_to": "0x" + "12" * 20, "price": "1"})
    doc["x402_resources"].append({"pay_to": lumen["wallets"][0]["accounts"][0]["address"], "price": "-1"})
    p = validate(write(tmp_path, doc))
    assert p.returncode == 1, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    for want in [
        "$.clients[0].x402_settlements[0].status: must be one of",
        "$.clients[0].x402_settlements[0].chain: has no x402 USDC payments",
        "$.clients[0].x402_settlements[1].colour: unknown field",
        "$.clients[0].x402_settlements[1].valid_before: is required",
        "$.clients[0].x402_settlements[1].nonce: must be 0x followed by 64 hex digits",
        "$.x402_resources[1].pay_to: pay_to is not an account of the emulator",
        "$.x402_resources[2].price: price must be a positive decimal amount of USDC",
    ]:
        assert any(line.startswith(want) for line in lines), (want, json.dumps(lines, indent=1))
