"""Webhooks per API version, a client pinned to 2026-09 next to one on 2026-04 (the default) in one
emulator: in 2026-09 transaction.confirming only for inbound deposits, a payment between two
emulator-hosted accounts credited to the receiver as transfer.credited (INTERNAL) instead of
transaction.* events, and `operation` on every event; in 2026-04 the event selection of before. In
both: the amount in the token's smallest unit checked against the transaction, contract_address ""
for native tokens, risk fields UNSCANNED, a UUID event_id, and the X-Paratro-Signature-Version and
X-Paratro-Event-Id headers (webhook_receiver.check_signed). The test event follows the same rules."""
from decimal import Decimal

from chain_helpers import (CHAINS, activate, block_time_ms, grant, height_at, open_asset, required, rfc, send)
from e2e_helpers import assert_error, random_evm_address, tron_address
from webhook_receiver import (SECRET, check_payload, check_signed, hooked_world, receivers,  # noqa: F401
                              set_webhook, smallest_units)

DEFAULT = "c_sandbox"
NEW = "2026-09"
USDT_ETHEREUM = "0xdAC17F958D2ee523a2206206994597C13D831ec7"


def pin(api, client_id, version):
    r = api.req("PUT", f"/_sandbox/clients/{client_id}/api-version", json={"api_version": version})
    assert r.status_code == 200 and r.json()["api_version"] == version, r.text


def send_2026_09(api, tenant, from_address, to_address, chain, symbol, amount, memo=None) -> str:
    """A transfer of a client on 2026-09: POST /api/v1/transactions (operation TRANSFER). Where this
    build does not serve that route yet (405), through POST /api/v1/transfer — retired in 2026-09 —
    with the client pinned to 2026-04 for that one call; its webhooks are sent later, in 2026-09."""
    body = {"from_address": from_address, "to_address": to_address, "chain": chain, "token_symbol": symbol,
            "amount": amount}
    if memo is not None:
        body["memo"] = memo
    r = tenant.req("POST", "/api/v1/transactions", json={"operation": "TRANSFER", **body})
    if r.status_code != 405:
        assert r.status_code == 200, r.text
        return r.json()["tx_id"]
    pin(api, tenant.client_id, "2026-04")
    tx_id = send(tenant, from_address, to_address, chain, symbol, amount, memo=memo)
    pin(api, tenant.client_id, NEW)
    return tx_id


def api_tx(tenant, tx_id) -> dict:
    """The transaction as its client reads it (fields both versions' shapes share)."""
    return tenant.get(f"/api/v1/transactions/{tx_id}")


def received(rcv, secret, operation: bool) -> list[dict]:
    """Every request the receiver got, signed with `secret` and carrying the reference's headers;
    the payloads sorted by (source_id, confirmations, event_type) — deliveries may arrive in any order."""
    out = []
    for r in rcv.snapshot():
        check_signed(r, secret)
        out.append(check_payload(r.json, operation=operation))
    return sorted(out, key=lambda p: (p["source_id"], p["confirmations"], p["event_type"]))


def same_facts(p: dict, t: dict, decimals: int, contract: str):
    """The payload says what the API says about the transaction, the amount in smallest units."""
    assert p["source_id"] == t["tx_id"], (p, t)
    assert (p["from"], p["to"], p["symbol"], p["txhash"]) == \
        (t["from_address"], t["to_address"], t["token_symbol"], t["tx_hash"]), (p, t)
    assert p["decimals"] == decimals and p["contract_address"] == contract, p
    assert Decimal(p["amount"]) == Decimal(t["amount"]) * 10 ** decimals, (p, t)
    assert p["amount"] == smallest_units(t["amount"], decimals), p
    assert p["created_at"] == t["created_at"], (p, t)
    assert (p["risk_checked"], p["risk_score"], p["risk_level"], p["data"]) == (False, 0, "UNSCANNED", ""), p


def two_clients(launch, receivers, *extra):
    """The default client (2026-04) posting to one receiver and a client pinned to 2026-09 posting to
    another; returns (server, sb, logs, old, new, rcv_old, rcv_new, new_secret)."""
    rcv_old, rcv_new = receivers(), receivers()
    server, sb, logs = hooked_world(launch, rcv_old.url, *extra)
    old = server.api.default_tenant()
    new = server.api.new_tenant(api_version=NEW)
    secret_new = set_webhook(server.api, new.client_id, rcv_new.url)["secret"]
    return server, sb, logs, old, new, rcv_old, rcv_new, secret_new


def test_outbound_transfers_and_deposits_in_2026_04_and_2026_09(launch, receivers):
    server, sb, logs, old, new, rcv_old, rcv_new, secret_new = two_clients(launch, receivers)
    api = server.api
    wo, wn = activate(old, sb), activate(new, sb)
    o_acc, o_usdt = open_asset(old, wo["wallet_id"], "ethereum", "USDT")
    n_acc, n_usdt = open_asset(new, wn["wallet_id"], "ethereum", "USDT")
    o_tron, _ = open_asset(old, wo["wallet_id"], "tron", "TRX")
    n_tron, _ = open_asset(new, wn["wallet_id"], "tron", "TRX")
    grant(api, None, o_usdt, "500")
    grant(api, None, n_usdt, "500")
    o_out = send(old, o_acc["address"], random_evm_address(), "ethereum", "USDT", "123.456789")
    n_out = send_2026_09(api, new, n_acc["address"], random_evm_address(), "ethereum", "USDT", "123.456789")
    o_dep = sb.deposit(o_tron["address"], "tron", "TRX", "7.5", from_=tron_address())["tx_id"]
    n_dep = sb.deposit(n_tron["address"], "tron", "TRX", "7.5", from_=tron_address())["tx_id"]
    sb.advance(3600)
    conf_eth, conf_tron = required("ethereum"), required("tron")
    rcv_old.wait_for(4)
    rcv_new.wait_for(3)
    assert rcv_old.stays_at(4) and rcv_new.stays_at(3)

    # 2026-04: confirming then confirmed for both; no `operation`.
    by_tx = {}
    for p in received(rcv_old, SECRET, operation=False):
        by_tx.setdefault(p["source_id"], []).append(p)
    assert [(p["event_type"], p["transaction_type"]) for p in by_tx[o_out]] == \
        [("transaction.confirming", "OUTBOUND"), ("transaction.confirmed", "OUTBOUND")]
    assert [(p["event_type"], p["transaction_type"]) for p in by_tx[o_dep]] == \
        [("transaction.confirming", "INBOUND"), ("transaction.confirmed", "INBOUND")]
    for p in by_tx[o_out]:
        same_facts(p, api_tx(old, o_out), 6, USDT_ETHEREUM)
        assert p["amount"] == "123456789", p
    for p in by_tx[o_dep]:
        same_facts(p, api_tx(old, o_dep), 6, "")
        assert p["amount"] == "7500000", p

    # 2026-09: no confirming for the outbound transfer; `operation` on every event.
    by_tx = {}
    for p in received(rcv_new, secret_new, operation=True):
        by_tx.setdefault(p["source_id"], []).append(p)
    assert [(p["event_type"], p["transaction_type"], p["operation"], p["confirmations"]) for p in by_tx[n_out]] == \
        [("transaction.confirmed", "OUTBOUND", "TRANSFER", conf_eth)]
    assert [(p["event_type"], p["transaction_type"], p["operation"], p["confirmations"]) for p in by_tx[n_dep]] == \
        [("transaction.confirming", "INBOUND", "DEPOSIT", 1), ("transaction.confirmed", "INBOUND", "DEPOSIT",
                                                               conf_tron)]
    same_facts(by_tx[n_out][0], api_tx(new, n_out), 6, USDT_ETHEREUM)
    assert by_tx[n_out][0]["amount"] == "123456789"
    for p in by_tx[n_dep]:
        same_facts(p, api_tx(new, n_dep), 6, "")
    # The logs hold exactly what was sent, per client.
    assert {e["event_id"] for e in logs.events(client_id=new.client_id)} == \
        {p["event_id"] for ps in by_tx.values() for p in ps}
    assert [e["event_type"] for e in logs.events(tx_id=n_out)] == ["transaction.confirmed"]


def test_every_confirmation_flag_still_sends_no_outbound_confirming_in_2026_09(launch, receivers):
    server, sb, logs, old, new, rcv_old, rcv_new, secret_new = two_clients(launch, receivers,
                                                                           "--webhook-every-confirmation")
    wn = activate(new, sb)
    n_acc, n_bnb = open_asset(new, wn["wallet_id"], "bsc", "BNB")
    grant(server.api, None, n_bnb, "2")
    n_out = send_2026_09(server.api, new, n_acc["address"], random_evm_address(), "bsc", "BNB", "0.25")
    dep = sb.deposit(n_acc["address"], "bsc", "BNB", "1", from_=random_evm_address())["tx_id"]
    sb.advance(600)
    conf = CHAINS["bsc"][1]
    rcv_new.wait_for(1 + conf)
    assert rcv_new.stays_at(1 + conf) and rcv_old.stays_at(0)
    ps = received(rcv_new, secret_new, operation=True)
    assert [(p["event_type"], p["confirmations"]) for p in ps if p["source_id"] == n_out] == \
        [("transaction.confirmed", conf)]
    assert [(p["event_type"], p["confirmations"]) for p in ps if p["source_id"] == dep] == \
        [("transaction.confirming", k) for k in range(1, conf)] + [("transaction.confirmed", conf)]
    for p in ps:
        assert p["contract_address"] == "" and p["decimals"] == 18, p
    assert [p["amount"] for p in ps if p["source_id"] == n_out] == ["250000000000000000"]


def test_internal_payment_is_transfer_credited_for_a_2026_09_receiver(launch, receivers):
    server, sb, logs, old, new, rcv_old, rcv_new, secret_new = two_clients(launch, receivers)
    api = server.api
    wo, wn = activate(old, sb), activate(new, sb)
    o_acc, o_eth = open_asset(old, wo["wallet_id"], "ethereum", "ETH")
    n_acc, n_eth = open_asset(new, wn["wallet_id"], "ethereum", "ETH")
    grant(api, None, o_eth, "10")
    grant(api, None, n_eth, "10")

    # 2026-04 pays 2026-09.
    t0 = sb.now_ms()
    paid = send(old, o_acc["address"], n_acc["address"], "ethereum", "ETH", "1.25", memo="rent")
    conf = required("ethereum")
    inclusion = height_at("ethereum", t0 + 3000) + 1
    sb.advance_to(block_time_ms("ethereum", inclusion))
    rcv_old.wait_for(1)
    assert rcv_new.stays_at(0)  # nothing while confirmations accumulate
    confirmed_ms = block_time_ms("ethereum", inclusion + conf - 1)
    sb.advance_to(confirmed_ms)
    rcv_old.wait_for(2)
    [req] = rcv_new.wait_for(1)
    assert rcv_new.stays_at(1) and rcv_old.stays_at(2)

    twin = [t for t in new.get("/api/v1/transactions")["data"] if t["tx_id"] != paid]
    assert len(twin) == 1, twin
    twin = twin[0]
    [p] = received(rcv_new, secret_new, operation=True)
    assert req.headers["x-paratro-event-id"] == p["event_id"]
    assert (p["event_type"], p["transaction_type"], p["operation"], p["status"]) == \
        ("transfer.credited", "INTERNAL", "TRANSFER", "CONFIRMED"), p
    assert (p["source_id"], p["wallet_id"], p["account_id"]) == (twin["tx_id"], wn["wallet_id"], n_acc["account_id"]), p
    assert (p["confirmations"], p["required_confirmations"], p["block_number"]) == (conf, conf, inclusion), p
    assert p["confirmed_at"] == p["event_time"] == rfc(confirmed_ms), p
    same_facts(p, twin, 18, "")
    assert p["amount"] == "1250000000000000000" and p["from"] == o_acc["address"], p
    assert new.asset(n_eth["asset_id"])["balance"] == "11.25"
    # The payer, on 2026-04, sees the transaction.* events of before.
    assert [(q["event_type"], q["transaction_type"]) for q in received(rcv_old, SECRET, operation=False)] == \
        [("transaction.confirming", "OUTBOUND"), ("transaction.confirmed", "OUTBOUND")]
    assert [e["event_type"] for e in logs.events(client_id=new.client_id)] == ["transfer.credited"]
    assert [e["event_type"] for e in logs.events(event_type="transfer.credited")] == ["transfer.credited"]

    # 2026-09 pays 2026-04: the 2026-04 receiver gets transaction.* INBOUND, the payer only confirmed.
    back = send_2026_09(api, new, n_acc["address"], o_acc["address"], "ethereum", "ETH", "0.5")
    sb.advance(3600)
    rcv_old.wait_for(4)
    rcv_new.wait_for(2)
    assert rcv_old.stays_at(4) and rcv_new.stays_at(2)
    olds = [q for q in received(rcv_old, SECRET, operation=False) if q["source_id"] != paid]
    assert [(q["event_type"], q["transaction_type"]) for q in olds] == \
        [("transaction.confirming", "INBOUND"), ("transaction.confirmed", "INBOUND")]
    assert all(q["amount"] == "500000000000000000" for q in olds), olds
    [mine] = [q for q in received(rcv_new, secret_new, operation=True) if q["source_id"] == back]
    assert (mine["event_type"], mine["transaction_type"], mine["operation"]) == \
        ("transaction.confirmed", "OUTBOUND", "TRANSFER"), mine

    # A payment that fails on chain credits nothing: the 2026-09 receiver hears nothing of it.
    failed = send(old, o_acc["address"], n_acc["address"], "ethereum", "ETH", "1", memo="sandbox:fail_onchain")
    sb.advance(3600)
    rcv_old.wait_for(6)
    assert rcv_old.stays_at(6) and rcv_new.stays_at(2)
    assert [q["event_type"] for q in received(rcv_old, SECRET, operation=False) if q["source_id"] == failed] == \
        ["transaction.confirming", "transaction.failed"]


def test_test_event_follows_the_clients_version(launch, receivers):
    server, sb, logs, old, new, rcv_old, rcv_new, secret_new = two_clients(launch, receivers)
    api = server.api
    cases = [("transfer.credited", "INTERNAL", "TRANSFER", "CONFIRMED"),
             ("transaction.confirming", "INBOUND", "DEPOSIT", "CONFIRMING"),
             ("transaction.confirmed", "INBOUND", "DEPOSIT", "CONFIRMED"),
             ("transaction.failed", "OUTBOUND", "TRANSFER", "FAILED")]
    for i, (event_type, tx_type, operation, status) in enumerate(cases):
        r = api.req("POST", "/_sandbox/webhooks/test", json={"client_id": new.client_id, "event_type": event_type})
        assert r.status_code == 201, r.text
        p = r.json()["event"]["payload"]
        [req] = rcv_new.wait_for(i + 1)[i:]
        check_signed(req, secret_new)
        assert check_payload(req.json, operation=True) == p
        assert (p["event_type"], p["transaction_type"], p["operation"], p["status"]) == \
            (event_type, tx_type, operation, status), p
        assert (p["amount"], p["decimals"], p["contract_address"]) == ("25000000", 6, USDT_ETHEREUM), p
        assert req.headers["x-paratro-event-id"] == p["event_id"] == r.json()["delivery"]["event_id"]

    # The default client is on 2026-04: no transfer.credited, no `operation`.
    assert_error(api.req("POST", "/_sandbox/webhooks/test", json={"event_type": "transfer.credited"}),
                 "invalid_parameter")
    r = api.req("POST", "/_sandbox/webhooks/test", json={})
    assert r.status_code == 201, r.text
    [req] = rcv_old.wait_for(1)
    check_signed(req, SECRET)
    p = check_payload(req.json, operation=False)
    assert (p["event_type"], p["amount"], p["risk_level"]) == ("transaction.confirmed", "25000000", "UNSCANNED"), p
    assert rcv_old.stays_at(1)
