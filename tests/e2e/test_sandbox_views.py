"""The dashboard's read-only control endpoints and its files, end to end with the demo fixture:
GET /_sandbox/clients (every client with its counts), /_sandbox/clients/{id}/wallets (wallets,
accounts and assets in the API's shapes), /_sandbox/transactions (newest first across clients,
filters and pages, the same rows the API lists), /_sandbox/transactions/{id} (with its webhook
events and deliveries); /_sandbox/ui/ and its files with their content types; / redirecting there;
and the admin token guarding the views but not the page.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from e2e_helpers import DEFAULT_CLIENT_ID, Server, assert_error, random_evm_address

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.json"
SERVER_ARGS = ("--fixtures", DEMO, "--manual-clock")


@pytest.fixture(scope="module")
def lumen(api):
    return api.default_tenant()


def test_clients_list_every_client_with_counts(api, lumen):
    body = api.req("GET", "/_sandbox/clients").json()
    by_id = {c["client_id"]: c for c in body["data"]}
    assert body["truncated"] is False
    c = by_id[DEFAULT_CLIENT_ID]
    assert c["client_name"] == "Lumen Pay"
    assert c["status"] == "ACTIVE"
    assert c["webhook_url"] == "http://127.0.0.1:4242/webhooks"
    assert c["counts"]["wallets"] == lumen.get("/api/v1/wallets", params={"page_size": 1})["total"]
    assert c["counts"]["accounts"] == lumen.get("/api/v1/accounts", params={"page_size": 1})["total"]
    assert c["counts"]["transactions"] == lumen.get("/api/v1/transactions", params={"page_size": 1})["total"]
    assert len(body["data"]) == api.health()["counts"]["clients"]


def test_client_wallets_match_the_api(api, lumen):
    body = api.req("GET", f"/_sandbox/clients/{DEFAULT_CLIENT_ID}/wallets").json()
    assert body["client_id"] == DEFAULT_CLIENT_ID and body["truncated"] is False
    assert [w["wallet_id"] for w in body["wallets"]] == [w["wallet_id"] for w in lumen.list_all("/api/v1/wallets")]
    assert body["accounts"] == lumen.list_all("/api/v1/accounts")
    assets = {a["asset_id"]: a for a in body["assets"]}
    usdt = assets["ast_lumen_treasury_usdt"]
    assert usdt == lumen.asset("ast_lumen_treasury_usdt")
    assert usdt["balance"] == "1100000.25" and usdt["symbol"] == "USDT" and usdt["chain"] == "ethereum"
    acc = {a["account_id"]: a for a in body["accounts"]}["acc_lumen_treasury_eth"]
    assert acc["address"] == "0xacD422EE844af752213A913aEEFEF08203c9BDf1"
    assert_error(api.req("GET", "/_sandbox/clients/c_nobody/wallets"), "not_found", 404)


def test_transactions_newest_first_across_clients(api, lumen):
    first = api.req("GET", "/_sandbox/transactions", params={"page_size": 100}).json()
    totals = sum(c["counts"]["transactions"] for c in api.req("GET", "/_sandbox/clients").json()["data"])
    assert first["total"] == totals and first["page"] == 1 and first["page_size"] == 100
    stamps = [t["created_at"] for t in first["data"]]
    assert stamps == sorted(stamps, reverse=True)
    # Pages of every client's list continue each other (a seek below the newest row).
    ten = [t["tx_id"] for t in first["data"][:10]]
    halves = [api.req("GET", "/_sandbox/transactions", params={"page_size": 5, "page": p}).json() for p in (1, 2)]
    assert [t["tx_id"] for h in halves for t in h["data"]] == ten and halves[1]["has_more"] is True
    last_page = (first["total"] + 4) // 5
    tail = api.req("GET", "/_sandbox/transactions", params={"page_size": 5, "page": last_page}).json()
    assert tail["has_more"] is False and 1 <= len(tail["data"]) <= 5
    assert api.req("GET", "/_sandbox/transactions", params={"page_size": 5, "page": last_page + 1}).json()["data"] == []
    # The client filter lists exactly what the client's own API lists, in the same order.
    own = api.req("GET", "/_sandbox/transactions", params={"client_id": DEFAULT_CLIENT_ID, "page_size": 10,
                                                           "page": 2}).json()
    mine = lumen.get("/api/v1/transactions", params={"page_size": 10, "page": 2})
    assert [t["tx_id"] for t in own["data"]] == [t["tx_id"] for t in mine["data"]]
    assert own["total"] == mine["total"] and own["has_more"] == mine["has_more"]
    assert own["required_confirmations"] == {t["chain"]: own["required_confirmations"][t["chain"]] for t in own["data"]}
    assert own["required_confirmations"]["ethereum"] == 12
    # Status filter: only that status, total not counted.
    confirmed = api.req("GET", "/_sandbox/transactions", params={"status": "confirmed", "page_size": 5}).json()
    assert confirmed["total"] is None and confirmed["has_more"] is True
    assert {t["status"] for t in confirmed["data"]} == {"CONFIRMED"} and len(confirmed["data"]) == 5
    assert_error(api.req("GET", "/_sandbox/transactions", params={"status": "bogus"}), "invalid_parameter", 400)
    assert_error(api.req("GET", "/_sandbox/transactions", params={"client_id": "c_nobody"}), "not_found", 404)
    assert_error(api.req("GET", "/_sandbox/transactions", params={"page_size": -1}), "invalid_parameter", 400)


def test_a_transfer_appears_first_with_its_webhook_events(api, lumen):
    to = random_evm_address()
    r = lumen.req("POST", "/api/v1/transactions", json={
        "from_address": "0xacD422EE844af752213A913aEEFEF08203c9BDf1", "to_address": to, "chain": "ethereum",
        "token_symbol": "USDT", "amount": "12.5"})
    assert r.status_code == 200, r.text
    tx_id = r.json()["tx_id"]
    top = api.req("GET", "/_sandbox/transactions", params={"page_size": 1}).json()
    assert top["data"][0]["tx_id"] == tx_id and top["data"][0]["status"] == "PENDING"
    pending = api.req("GET", f"/_sandbox/transactions/{tx_id}", params={}).json()
    assert pending["transaction"]["amount"] == "12.5" and pending["transaction"]["to_address"] == to
    assert pending["required_confirmations"] == 12 and pending["operation"] == "TRANSFER"
    # Walk it to CONFIRMED: the view follows the API and lists each webhook event with a delivery.
    for _ in range(20):
        api.req("POST", "/_sandbox/clock/advance", json={"seconds": 60})
        if lumen.get(f"/api/v1/transactions/{tx_id}")["status"] == "CONFIRMED":
            break
    view = api.req("GET", f"/_sandbox/transactions/{tx_id}").json()
    assert view["transaction"] == lumen.get(f"/api/v1/transactions/{tx_id}")
    assert view["transaction"]["status"] == "CONFIRMED" and view["transaction"]["confirmations"] >= 12
    types = {e["event_type"] for e in view["webhook_events"]}
    assert "transaction.confirmed" in types
    assert all(e["tx_id"] == tx_id and e["payload"]["source_id"] == tx_id for e in view["webhook_events"])
    assert {d["event_id"] for d in view["webhook_deliveries"]} == {e["event_id"] for e in view["webhook_events"]}
    assert all(d["url"] in ("", "http://127.0.0.1:4242/webhooks") for d in view["webhook_deliveries"])
    assert_error(api.req("GET", "/_sandbox/transactions/tx_nothing"), "not_found", 404)


def test_dashboard_files_and_redirect(server):
    base = server.api.base
    page = requests.get(base + "/_sandbox/ui/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/_sandbox/ui/app.js">' in page.text
    same = requests.get(base + "/_sandbox/ui", timeout=10)
    assert same.status_code == 200 and same.text == page.text
    for name, ctype in [("app.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
                        ("format.js", "text/javascript; charset=utf-8")]:
        r = requests.get(f"{base}/_sandbox/ui/{name}", timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"] == ctype and len(r.text) > 500, name
    assert_error(requests.get(base + "/_sandbox/ui/nope.js", timeout=10), "not_found", 404)
    root = requests.get(base + "/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/_sandbox/ui/"


def test_admin_token_guards_the_views_not_the_page(launch, monkeypatch):
    monkeypatch.setattr(Server, "probe_headers", {"X-Admin-Token": "t0ken-for-views"})
    s = launch("--admin-token", "t0ken-for-views")
    base = s.api.base
    assert requests.get(base + "/_sandbox/ui/", timeout=10).status_code == 200
    assert requests.get(base + "/_sandbox/clients", timeout=10).status_code == 401
    ok = requests.get(base + "/_sandbox/clients", headers={"X-Admin-Token": "t0ken-for-views"}, timeout=10)
    assert ok.status_code == 200 and [c["client_id"] for c in ok.json()["data"]] == [DEFAULT_CLIENT_ID]
    assert ok.json()["data"][0]["counts"] == {"wallets": 0, "accounts": 0, "assets": 0, "transactions": 0}
