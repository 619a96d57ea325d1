"""The live session's first part (see openapi_helpers.py and conftest.py): authentication, the
clients and webhook control endpoints, then every /api/v1 operation of a tenant pinned to one API
version (wallets, accounts, assets, a transfer through its lifecycle, the unified entry, security
factors, forced outcomes, deposits, the dashboard's views and x402), success and error paths, each
exchange recorded by the session's requests hook."""
from __future__ import annotations

import base64
import json

from e2e_helpers import (Server, Tenant, bad_checksum_tron_address, random_evm_address, segwit_encode,
                         solana_address, tron_address)
from openapi_helpers import (ADMIN_TOKEN, TRANSFER_RETIRED, WEBHOOK_SECRET, X402_SIGN_RETIRED, Receiver, Recorder,
                             expect)


def drive_api(server: Server, rec: Recorder, receiver: Receiver, version: str) -> dict:
    """The first part of the session, with the tenant `t` pinned to API `version`; returns what the
    control-plane part goes on with."""
    api = server.api
    api.session.hooks["response"].append(rec)

    def advance(**body):
        return expect(api.req("POST", "/_sandbox/clock/advance", json=body), 200)

    def pin(v):
        expect(api.req("PUT", f"/_sandbox/clients/{t.client_id}/api-version", json={"api_version": v}), 200)

    def post_transfer(body):
        """A transfer of the tenant: POST /api/v1/transfer, or POST /api/v1/transactions where
        `version` retired it."""
        if version in TRANSFER_RETIRED:
            return t.req("POST", "/api/v1/transactions", json={"operation": "TRANSFER", **body})
        return t.req("POST", "/api/v1/transfer", json=body)

    def transfer(from_address, to_address, chain, token_symbol, amount, memo=None):
        body = {"from_address": from_address, "to_address": to_address, "chain": chain,
                "token_symbol": token_symbol, "amount": amount}
        if memo is not None:
            body["memo"] = memo
        return post_transfer(body)

    # Auth: the token exchange and its failures.
    expect(api.token_response("pk_sandbox_paratro_emulator", "sk_sandbox_paratro_emulator"), 200)
    expect(api.token_response("pk_sandbox_paratro_emulator", "wrong"), 401, "unauthorized")
    expect(api.req("POST", "/api/v1/auth/token"), 401, "unauthorized")

    # Control plane: clients.
    expect(api.req("POST", "/_sandbox/clients"), 201)
    created = expect(api.req("POST", "/_sandbox/clients", json={"name": "OpenAPI tenant", "max_wallets": 5,
                                                                "api_version": version}), 201)
    expect(api.req("POST", "/_sandbox/clients", json={"max_wallets": -1}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clients", data="{"), 400, "bad_request")
    t = Tenant(api, created["client_id"], created["api_key"], created["api_secret"])

    # Control-plane auth (--admin-token): X-Admin-Token (the session's default) or Bearer, else 401.
    expect(api.req("GET", "/_sandbox/health", headers={"X-Admin-Token": None}), 401, "unauthorized")
    expect(api.req("GET", "/_sandbox/clock", headers={"X-Admin-Token": "wrong"}), 401, "unauthorized")
    expect(api.req("POST", "/_sandbox/clients", headers={"X-Admin-Token": None, "Authorization": "Bearer nope"}),
           401, "unauthorized")
    expect(api.req("POST", "/_sandbox/clients",
                   headers={"X-Admin-Token": None, "Authorization": f"Bearer {ADMIN_TOKEN}"}), 201)

    # Webhooks: the tenant's endpoint is the receiver, so every event of the session is delivered.
    hook_path = f"/_sandbox/clients/{t.client_id}/webhook"
    hook = expect(api.req("PUT", hook_path, json={"url": receiver.url, "secret": WEBHOOK_SECRET}), 200)
    assert hook == {"client_id": t.client_id, "url": receiver.url, "secret": WEBHOOK_SECRET}, hook
    expect(api.req("GET", hook_path), 200)
    expect(api.req("GET", "/_sandbox/clients/c_sandbox/webhook"), 200)
    expect(api.req("PUT", hook_path, json={"url": "ftp://example.com/hooks"}), 400, "validation_failed")
    expect(api.req("PUT", hook_path, json={"url": receiver.url, "secret": "nope"}), 400, "validation_failed")
    expect(api.req("PUT", hook_path, json={"secret": WEBHOOK_SECRET}), 400, "invalid_parameter")
    expect(api.req("PUT", hook_path, data="["), 400, "bad_request")
    expect(api.req("PUT", "/_sandbox/clients/c_nope/webhook", json={"url": None}), 404, "not_found")
    expect(api.req("GET", "/_sandbox/clients/c_nope/webhook"), 404, "not_found")

    # Bearer failures.
    expect(api.req("GET", "/api/v1/wallets"), 401, "unauthorized")
    expect(api.req("GET", "/api/v1/wallets", token="not.a.jwt"), 401, "invalid_token")
    expect(api.req("GET", "/api/v1/wallets", headers={"Authorization": "Basic abc"}), 401, "unauthorized")

    # Wallets: created PROGRESSING, ACTIVE after the simulated key generation.
    wallet = expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "Treasury", "description": "ops"}), 200)
    assert wallet["status"] == "PROGRESSING"
    wid = wallet["wallet_id"]
    plain = expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "Payroll"}), 200)
    expect(t.req("POST", "/api/v1/wallets", json={}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/wallets", data="not json"), 400, "bad_request")
    expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "n" * 101}), 400, "validation_failed")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "ethereum"}), 400, "wallet_not_active")
    expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)
    advance(seconds=3)
    assert expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)["status"] == "ACTIVE"
    expect(t.req("GET", "/api/v1/wallets"), 200)
    expect(t.req("GET", "/api/v1/wallets", params={"page": 1, "page_size": 1}), 200)
    expect(t.req("GET", "/api/v1/wallets", params={"page": -1}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/wallets/w_00000000000000000000000000"), 404, "not_found")

    # Accounts on several chains.
    accounts = {}
    for chain in ("ethereum", "bsc", "tron", "bitcoin", "solana"):
        accounts[chain] = expect(t.req("POST", "/api/v1/accounts",
                                       json={"wallet_id": wid, "chain": chain, "label": f"{chain} hot"}), 200)
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "ethereum"}), 409, "conflict")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "dogecoin"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": "w_nope", "chain": "ethereum"}), 404, "not_found")
    expect(t.req("GET", f"/api/v1/accounts/{accounts['tron']['account_id']}"), 200)
    expect(t.req("GET", "/api/v1/accounts", params={"wallet_id": wid}), 200)
    expect(t.req("GET", "/api/v1/accounts", params={"page_size": "x"}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/accounts/acc_nope"), 404, "not_found")

    # Assets, native and tokens.
    eth_acc = accounts["ethereum"]["account_id"]
    eth = expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "ETH", "chain": "ethereum"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "usdt", "chain": "Ethereum"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["bsc"]["account_id"], "symbol": "BNB",
                                                 "chain": "bsc"}), 200)
    trx = expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["tron"]["account_id"], "symbol": "TRX"}), 200)
    usdt_tron = expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["tron"]["account_id"],
                                                             "symbol": "USDT"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["bitcoin"]["account_id"], "symbol": "BTC"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["solana"]["account_id"], "symbol": "SOL",
                                                 "chain": "solana"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "ETH", "chain": "ethereum"}),
           400, "asset_already_exists")
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "DOGE", "chain": "ethereum"}),
           400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/assets", json={"account_id": "acc_nope", "symbol": "ETH"}), 404, "not_found")
    expect(t.req("GET", f"/api/v1/assets/{eth['asset_id']}"), 200)
    expect(t.req("GET", "/api/v1/assets", params={"account_id": eth_acc}), 200)
    expect(t.req("GET", "/api/v1/assets"), 200)
    expect(t.req("GET", "/api/v1/assets/ast_nope"), 404, "not_found")

    # Balances through the control plane.
    expect(api.req("POST", f"/_sandbox/assets/{eth['asset_id']}/balance", json={"balance": "10.5"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{trx['asset_id']}/balance", json={"balance": "1000"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{eth['asset_id']}/balance", json={"balance": "1e3"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/assets/ast_nope/balance", json={"balance": "1"}), 404, "not_found")

    # A transfer through its whole lifecycle, read at every step.
    eth_addr = accounts["ethereum"]["address"]
    sent = expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1.25", memo="invoice 7"), 200)
    tx = sent["tx_id"]
    seen = [expect(t.req("GET", f"/api/v1/transactions/{tx}"), 200)["status"]]
    # Default timing: signed after 2 s, broadcast 1 s later, then 12 ethereum blocks of 0.4 s.
    for step in (dict(seconds=2), dict(seconds=1), dict(duration="PT1S"), dict(seconds="1"), dict(duration="PT5S")):
        advance(**step)
        seen.append(expect(t.req("GET", f"/api/v1/transactions/{tx}"), 200)["status"])
        expect(t.req("GET", "/api/v1/transactions", params={"wallet_id": wid, "chain": "ethereum"}), 200)
    assert seen[0] == "PENDING" and seen[-1] == "CONFIRMED", seen
    assert {"SIGNED", "BROADCAST", "CONFIRMING"} <= set(seen), seen
    expect(t.req("GET", f"/api/v1/assets/{eth['asset_id']}"), 200)

    # Transfer errors.
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1000"), 400, "insufficient_balance")
    expect(transfer(eth_addr, "0x1234", "ethereum", "ETH", "1"), 400, "invalid_address")
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "-1"), 400, "invalid_parameter")
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1", memo="m" * 101), 400, "validation_failed")
    expect(transfer(random_evm_address(), random_evm_address(), "ethereum", "ETH", "1"), 404, "not_found")
    expect(post_transfer({"from_address": eth_addr}), 400, "invalid_parameter")

    # The unified entry: a transfer with a reference and an Idempotency-Key, its replay, its errors.
    unified = {"operation": "TRANSFER", "reference_id": "openapi-1", "from_address": eth_addr,
               "to_address": random_evm_address(), "chain": "ethereum", "token_symbol": "ETH", "amount": "0.5"}
    idem = {"Idempotency-Key": "openapi-key"}
    created = expect(t.req("POST", "/api/v1/transactions", json=unified, headers=idem), 200)
    replayed = t.req("POST", "/api/v1/transactions", json=unified, headers=idem)
    assert expect(replayed, 200) == created and replayed.headers["Idempotent-Replayed"] == "true"
    expect(t.req("POST", "/api/v1/transactions", json=unified), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json={**unified, "operation": "X402"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json={**unified, "reference_id": "openapi-2", "amount": "1000"}),
           400, "insufficient_balance")
    expect(t.req("POST", "/api/v1/transactions", json={"operation": "PROGRAM_CALL"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json=unified, headers={"Idempotency-Key": "k" * 256}),
           400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "q", "threshold": 3, "total_shares": 2}),
           400, "invalid_parameter")

    # Security factors: the blacklist/whitelist control endpoints and a refused transfer.
    factors = f"/_sandbox/clients/{t.client_id}/security-factors"
    blocked = random_evm_address()
    entry = expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked,
                                                  "label": "scam", "reason": "phishing"}), 201)
    friend = expect(api.req("POST", factors, json={"factor_type": "WHITELIST", "chain": "tron",
                                                   "address": tron_address(), "status": "INACTIVE"}), 201)
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked.lower()}),
           409, "conflict")
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": "0x12"}),
           400, "invalid_address")
    expect(api.req("POST", factors, json={"factor_type": "GREYLIST", "chain": "ethereum", "address": blocked}),
           400, "invalid_parameter")
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked,
                                          "reason": "r" * 501}), 400, "validation_failed")
    expect(api.req("POST", factors, data="{"), 400, "bad_request")
    expect(api.req("GET", factors), 200)
    expect(api.req("GET", factors, params={"chain": "ethereum", "factor_type": "BLACKLIST", "status": "ACTIVE"}), 200)
    expect(api.req("GET", factors, params={"status": "GONE"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/clients/c_nope/security-factors"), 404, "not_found")
    expect(api.req("GET", f"{factors}/{entry['factor_id']}"), 200)
    expect(api.req("GET", f"{factors}/sf_nope"), 404, "not_found")
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}", json={"status": "ACTIVE"}), 200)
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}/status", json={"status": "INACTIVE"}), 200)
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}/status", json={"status": "OFF"}), 400, "invalid_parameter")
    expect(transfer(eth_addr, blocked, "ethereum", "ETH", "0.1"), 403, "address_blacklisted")
    expect(api.req("GET", f"{factors}/settings"), 200)
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": True}), 200)
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "0.1"), 403, "address_blacklisted")
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": "no"}), 400, "invalid_parameter")
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": False}), 200)
    expect(api.req("DELETE", f"{factors}/{friend['factor_id']}"), 200)
    expect(api.req("DELETE", f"{factors}/{friend['factor_id']}"), 404, "not_found")
    # The 1.6.0 SDKs' security-factor routes are portal APIs the gateway does not serve.
    expect(t.req("GET", "/api/v1/client/security-factors"), 404, "not_found")
    expect(t.req("GET", "/v1/client/security-factors"), 404, "not_found")

    # Held, released, forced outcomes on tron.
    tron_addr = accounts["tron"]["address"]
    held = expect(transfer(tron_addr, tron_address(), "tron", "TRX", "5", memo="sandbox:hold"), 200)["tx_id"]
    expect(api.req("POST", f"/_sandbox/transactions/{held}/release"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{held}/release"), 409, "conflict")
    expect(api.req("POST", f"/_sandbox/transactions/{held}/confirm"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{held}/confirm"), 409, "conflict")
    doomed = expect(transfer(tron_addr, tron_address(), "tron", "TRX", "2.5"), 200)["tx_id"]
    expect(api.req("POST", f"/_sandbox/transactions/{doomed}/fail"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{doomed}/fail"), 409, "conflict")
    expect(api.req("POST", "/_sandbox/transactions/tx_nope/confirm"), 404, "not_found")
    expect(transfer(tron_addr, bad_checksum_tron_address(), "tron", "TRX", "1"), 400, "invalid_address")
    # An internal transfer: the receiver gets an INBOUND twin.
    payroll = expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": plain["wallet_id"], "chain": "ethereum"}), 200)
    expect(transfer(eth_addr, payroll["address"].lower(), "ethereum", "ETH", "0.5"), 200)

    # Deposits from outside.
    dep = expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron",
                                                             "token_symbol": "USDT", "amount": "1500"}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": accounts["bitcoin"]["address"], "chain": "bitcoin",
                                                       "token_symbol": "BTC", "amount": "0.01",
                                                       "from": segwit_encode("bc", 0, bytes(20))}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": accounts["solana"]["address"], "chain": "solana",
                                                       "token_symbol": "SOL", "amount": "3"}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": solana_address(), "chain": "solana",
                                                       "token_symbol": "SOL", "amount": "3"}), 404, "not_found")
    expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron",
                                                       "token_symbol": "USDT", "amount": "0"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron", "token_symbol": "USDT",
                                                       "amount": "1", "from": "Tnope"}), 400, "invalid_address")
    # The dashboard's read-only views across clients.
    assert t.client_id in {c["client_id"] for c in expect(api.req("GET", "/_sandbox/clients"), 200)["data"]}
    expect(api.req("GET", f"/_sandbox/clients/{t.client_id}/wallets"), 200)
    expect(api.req("GET", "/_sandbox/clients/c_nope/wallets"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/transactions", params={"client_id": t.client_id, "page_size": 5}), 200)
    assert expect(api.req("GET", "/_sandbox/transactions", params={"status": "FAILED"}), 200)["total"] is None
    expect(api.req("GET", "/_sandbox/transactions", params={"status": "nope"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/transactions", params={"client_id": "c_nope"}), 404, "not_found")
    assert expect(api.req("GET", f"/_sandbox/transactions/{held}"), 200)["transaction"]["status"] == "CONFIRMED"
    expect(api.req("GET", "/_sandbox/transactions/tx_nope"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/clock"), 200)
    assert expect(api.req("PUT", "/_sandbox/clock", json={"speed": 2.5}), 200)["speed"] == 2.5
    assert expect(api.req("PUT", "/_sandbox/clock", json={"mode": "manual", "speed": 1}), 200)["mode"] == "manual"
    expect(api.req("PUT", "/_sandbox/clock", json={"mode": "fast"}), 400, "invalid_parameter")
    expect(api.req("PUT", "/_sandbox/clock", json={}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", json={"seconds": 1, "duration": "PT1S"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", params={"seconds": "30"}), 200)
    advance(duration="PT1H")
    expect(api.req("POST", "/_sandbox/clock/advance", json={}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", json={"duration": "soon"}), 400, "invalid_parameter")
    assert expect(t.req("GET", f"/api/v1/transactions/{dep['tx_id']}"), 200)["status"] == "CONFIRMED"
    expect(t.req("GET", f"/api/v1/assets/{usdt_tron['asset_id']}"), 200)
    expect(t.req("GET", "/api/v1/transactions", params={"account_id": accounts["tron"]["account_id"], "page": 1,
                                                        "page_size": 2}), 200)
    expect(t.req("GET", "/api/v1/transactions"), 200)
    expect(t.req("GET", "/api/v1/transactions", params={"page": "two"}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/transactions/tx_nope"), 404, "not_found")
    # Another client's resources do not exist for this one.
    other = api.default_tenant()
    expect(other.req("GET", f"/api/v1/wallets/{plain['wallet_id']}"), 404, "not_found")

    # x402: a 2026-04 buyer signs, pays the tenant's paid resource with X-PAYMENT, and the tenant
    # verifies and settles a second authorization through the facilitator.
    buyer_c = expect(api.req("POST", "/_sandbox/clients", json={"name": "x402 buyer", "api_version": "2026-04"}), 201)
    buyer = Tenant(api, buyer_c["client_id"], buyer_c["api_key"], buyer_c["api_secret"])
    bw = expect(buyer.req("POST", "/api/v1/wallets", json={"wallet_name": "x402 buyer"}), 200)
    advance(duration="PT1M")
    b_acc = expect(buyer.req("POST", "/api/v1/accounts", json={"wallet_id": bw["wallet_id"], "chain": "base"}), 200)
    b_usdc = expect(buyer.req("POST", "/api/v1/assets", json={"account_id": b_acc["account_id"], "symbol": "USDC",
                                                                "chain": "base"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{b_usdc['asset_id']}/balance", json={"balance": "10"}), 200)
    s_acc = expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "base"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": s_acc["account_id"], "symbol": "USDC", "chain": "base"}),
           200)
    res = expect(api.req("POST", "/_sandbox/x402/resources", json={
        "pay_to": s_acc["address"], "price": "0.5", "description": "report", "mime_type": "application/json",
        "content": '{"report":"ok"}'}), 201)
    expect(api.req("POST", "/_sandbox/x402/resources", json={"price": "1"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/x402/resources", json={"pay_to": random_evm_address(), "price": "1"}),
           404, "not_found")
    expect(api.req("GET", "/_sandbox/x402/resources"), 200)
    expect(api.req("GET", res["url"]), 402)
    expect(api.req("GET", "/_sandbox/x402/resources/res_nope/content"), 404, "not_found")
    now_s = expect(api.req("GET", "/_sandbox/clock"), 200)["now_ms"] // 1000

    def x402_sign(amount):
        return buyer.req("POST", "/api/v1/x402/sign", json={
            "from_address": b_acc["address"], "to_address": s_acc["address"], "chain": "base", "amount": amount,
            "valid_before": now_s + 300})

    signed = expect(x402_sign("0.5"), 200)
    expect(buyer.req("GET", f"/api/v1/x402/sign/{signed['tx_id']}"), 200)
    expect(buyer.req("GET", "/api/v1/x402/sign/tx_nope"), 404, "not_found")
    expect(x402_sign("1000"), 400, "insufficient_balance")
    payment = {"x402Version": 1, "scheme": "exact", "network": "base",
               "payload": {"signature": signed["signature"], "authorization": signed["authorization"]}}
    paid = api.req("GET", res["url"], headers={"X-PAYMENT": base64.b64encode(json.dumps(payment).encode()).decode()})
    assert expect(paid, 200) == {"report": "ok"} and paid.headers["X-PAYMENT-RESPONSE"]
    second = expect(x402_sign("1"), 200)
    requirements = {"scheme": "exact", "network": "base", "maxAmountRequired": "1000000", "resource": res["url"],
                    "description": "report", "mimeType": "application/json", "payTo": second["authorization"]["to"],
                    "maxTimeoutSeconds": 300, "asset": res["payment_requirements"]["asset"],
                    "extra": res["payment_requirements"]["extra"]}
    facilitated = {"x402Version": 1, "paymentPayload": {**payment, "payload": {
        "signature": second["signature"], "authorization": second["authorization"]}},
        "paymentRequirements": requirements}
    assert expect(t.req("POST", "/api/v1/x402/verify", json=facilitated), 200)["isValid"] is True
    expect(t.req("POST", "/api/v1/x402/verify", json={"x402Version": 9, "paymentPayload": {}}), 400,
           "invalid_parameter")
    settled = expect(t.req("POST", "/api/v1/x402/settle", json=facilitated, headers={"Idempotency-Key": "x402-1"}),
                     200)
    assert settled["success"] is True, settled
    replayed = t.req("POST", "/api/v1/x402/settle", json=facilitated, headers={"Idempotency-Key": "x402-1"})
    assert expect(replayed, 200) == settled and replayed.headers["Idempotent-Replayed"] == "true"
    assert expect(t.req("POST", "/api/v1/x402/settle", json=facilitated), 200)["success"] is False
    expect(t.req("POST", "/api/v1/x402/settle", data="nope"), 400, "invalid_parameter")
    expect(t.req("GET", f"/api/v1/x402/settle/{settled['txId']}"), 200)
    expect(t.req("GET", "/api/v1/x402/settle/tx_nope"), 404, "not_found")
    expect(t.req("GET", "/api/v1/x402/settlements", params={"status": "processing", "page": 1, "page_size": 5}), 200)
    expect(t.req("GET", "/api/v1/x402/settlements", params={"page": "x"}), 400, "invalid_parameter")
    if version in X402_SIGN_RETIRED:
        expect(t.req("POST", "/api/v1/x402/sign", json={"from_address": s_acc["address"]}), 410, "invalid_parameter")
        expect(t.req("GET", f"/api/v1/x402/sign/{signed['tx_id']}"), 410, "invalid_parameter")
    advance(duration="PT1M")

    return {"t": t, "wid": wid, "eth": eth, "eth_addr": eth_addr, "tx": tx, "hook_path": hook_path, "other": other}
