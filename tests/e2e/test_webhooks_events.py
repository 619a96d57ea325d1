"""Webhook events end to end: which events a transfer, a deposit and an internal transfer send, in
which order, with exactly the contract's 26 payload fields and JSON types, cross-checked against the
API's view of the transaction (the amount in the token's smallest unit); every request received by a
real HTTP server in the test and its signature and headers checked here. Failures, forced outcomes,
confirmations and isolation are in test_webhooks_events_outcomes.py. These clients are on API version
2026-04; the differences of 2026-09 are in test_webhooks_versions.py."""
from chain_helpers import (BROADCAST_MS, CHAINS, SIGN_MS, activate, block_time_ms, grant, height_at, open_asset,
                           required, rfc, send, tx)
from e2e_helpers import random_evm_address, tron_address
from webhook_event_helpers import DEFAULT, common_fields, received_events
from webhook_receiver import SECRET, check_signed, expected_signature, hooked_world, receivers, set_webhook  # noqa: F401


# ---------------------------------------------------------------------------------------------
# 1. An outbound transfer: confirming, then confirmed
# ---------------------------------------------------------------------------------------------


def test_transfer_sends_confirming_then_confirmed_with_the_contract_payload(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "USDT")
    grant(server.api, None, asset, "1000.5")
    asset = t.asset(asset["asset_id"])
    to = random_evm_address()
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], to, "ethereum", "USDT", "250.125", memo="order-42")

    bt, conf, _, _ = CHAINS["ethereum"]
    inclusion = height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1
    included_ms = block_time_ms("ethereum", inclusion)
    confirmed_ms = block_time_ms("ethereum", inclusion + conf - 1)

    # Nothing before the transaction is on chain: PENDING, SIGNED and BROADCAST send no webhook.
    sb.advance_to(included_ms - 1)
    assert tx(t, tx_id)["status"] == "BROADCAST"
    assert rcv.stays_at(0), rcv.events()
    assert logs.events(tx_id=tx_id) == [] and logs.deliveries(tx_id=tx_id) == []

    sb.advance_to(included_ms)
    rcv.wait_for(1, what="(transaction.confirming)")
    # Without --webhook-every-confirmation, further confirmations send nothing.
    for k in range(2, conf):
        sb.advance_ms(bt)
        assert tx(t, tx_id)["confirmations"] == k
    assert rcv.stays_at(1), rcv.events()
    sb.advance_to(confirmed_ms)
    rcv.wait_for(2, what="(transaction.confirmed)")
    sb.advance(3600)
    assert rcv.stays_at(2), rcv.events()

    api_tx = tx(t, tx_id)
    assert (api_tx["status"], api_tx["confirmations"], api_tx["block_number"]) == ("CONFIRMED", conf, inclusion)
    confirming, confirmed = received_events(rcv)
    for p in (confirming, confirmed):
        common_fields(p, api_tx, acc, asset)
        assert p["transaction_type"] == "OUTBOUND" and p["amount"] == "250125000" and p["decimals"] == 6, p
        assert p["contract_address"] == "0xdAC17F958D2ee523a2206206994597C13D831ec7", p
        assert p["source_id"] == tx_id and p["txhash"] == api_tx["tx_hash"] and p["txhash"], p
        # A memo is not call data: a plain transfer has none.
        assert p["block_number"] == inclusion and p["data"] == "", p
        assert p["to"] == to and p["from"] == acc["address"], p
        assert p["created_at"] == rfc(t0), p
    assert (confirming["event_type"], confirming["status"], confirming["confirmations"]) == \
        ("transaction.confirming", "CONFIRMING", 1), confirming
    assert confirming["event_time"] == rfc(included_ms) and confirming["confirmed_at"] is None, confirming
    assert (confirmed["event_type"], confirmed["status"], confirmed["confirmations"]) == \
        ("transaction.confirmed", "CONFIRMED", conf), confirmed
    assert confirmed["event_time"] == confirmed["confirmed_at"] == rfc(confirmed_ms) == api_tx["updated_at"]
    # The order holds by every measure.
    assert confirming["event_time"] < confirmed["event_time"]
    assert confirming["confirmations"] < confirmed["confirmations"]
    assert confirming["event_id"] != confirmed["event_id"]

    # The event log: newest first, the very payloads that were sent.
    events = logs.events(tx_id=tx_id)
    assert [e["event_id"] for e in events] == [confirmed["event_id"], confirming["event_id"]]
    assert [e["payload"] for e in events] == [confirmed, confirming]
    for e, at in zip(events, (confirmed_ms, included_ms)):
        assert (e["tx_id"], e["client_id"], e["created_at"]) == (tx_id, DEFAULT, rfc(at)), e
        assert logs.event(e["event_id"]) == e

    # The delivery log: one delivery per event, acknowledged at the first attempt.
    ds = logs.wait_settled(2, tx_id=tx_id)
    assert [d["event_id"] for d in ds] == [confirmed["event_id"], confirming["event_id"]]
    for d, at in zip(ds, (confirmed_ms, included_ms)):
        assert (d["status"], d["attempts"], d["last_status_code"], d["last_error"]) == ("succeeded", 1, 200, ""), d
        assert (d["url"], d["client_id"], d["tx_id"], d["next_attempt_at"]) == (rcv.url, DEFAULT, tx_id, None), d
        assert d["created_at"] == d["last_attempt_at"] == rfc(at), d


# ---------------------------------------------------------------------------------------------
# 2. Deposits and internal transfers
# ---------------------------------------------------------------------------------------------


def test_deposit_sends_inbound_confirming_then_confirmed(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "TRX")
    asset = t.asset(asset["asset_id"])
    sender = tron_address()
    created_ms = sb.now_ms()
    d = sb.deposit(acc["address"], "tron", "TRX", "3.000001", from_=sender)
    assert d["direction"] == "INBOUND" and d["status"] == "BROADCAST", d

    bt, conf, _, _ = CHAINS["tron"]
    inclusion = height_at("tron", created_ms) + 1
    sb.advance_to(block_time_ms("tron", inclusion) - 1)
    assert rcv.stays_at(0)
    sb.advance_to(block_time_ms("tron", inclusion))
    rcv.wait_for(1)
    sb.advance_to(block_time_ms("tron", inclusion + conf - 1))
    rcv.wait_for(2)
    assert rcv.stays_at(2)

    api_tx = tx(t, d["tx_id"])
    assert api_tx["status"] == "CONFIRMED" and api_tx["direction"] == "INBOUND"
    assert t.asset(asset["asset_id"])["balance"] == "3.000001"
    confirming, confirmed = received_events(rcv)
    for p in (confirming, confirmed):
        common_fields(p, api_tx, acc, asset)
        assert p["transaction_type"] == "INBOUND" and p["source_id"] == d["tx_id"], p
        assert (p["from"], p["to"], p["symbol"], p["amount"], p["decimals"]) == \
            (sender, acc["address"], "TRX", "3000001", 6), p
        assert p["contract_address"] == "", p
        assert p["txhash"] == api_tx["tx_hash"] == d["tx_hash"] and p["block_number"] == inclusion, p
        assert p["data"] == "", p
    assert (confirming["event_type"], confirming["status"], confirming["confirmations"], confirming["confirmed_at"]) \
        == ("transaction.confirming", "CONFIRMING", 1, None), confirming
    assert confirming["event_time"] == rfc(block_time_ms("tron", inclusion))
    assert (confirmed["event_type"], confirmed["status"], confirmed["confirmations"]) == \
        ("transaction.confirmed", "CONFIRMED", conf), confirmed
    assert confirmed["confirmed_at"] == confirmed["event_time"] == rfc(block_time_ms("tron", inclusion + conf - 1))
    assert [e["event_id"] for e in logs.events(tx_id=d["tx_id"])] == [confirmed["event_id"], confirming["event_id"]]
    ds = logs.wait_settled(2, tx_id=d["tx_id"])
    assert all(x["status"] == "succeeded" and x["client_id"] == DEFAULT for x in ds), ds


def test_internal_transfer_sends_outbound_to_sender_and_inbound_twin_to_receiver(launch, receivers):
    rcv_a, rcv_b = receivers(), receivers()
    server, sb, logs = hooked_world(launch, rcv_a.url)
    api = server.api
    alice, bob = api.default_tenant(), api.new_tenant()
    cfg_b = set_webhook(api, bob.client_id, rcv_b.url)  # a secret is generated for Bob
    secret_b = cfg_b["secret"]
    assert secret_b.startswith("whsec_") and secret_b != SECRET
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_asset = open_asset(alice, wa["wallet_id"], "ethereum", "ETH")
    b_acc, b_asset = open_asset(bob, wb["wallet_id"], "ethereum", "ETH")
    grant(api, None, a_asset, "5")
    a_asset, b_asset = alice.asset(a_asset["asset_id"]), bob.asset(b_asset["asset_id"])

    tx_id = send(alice, a_acc["address"], b_acc["address"], "ethereum", "ETH", "1.5", memo="rent")
    t0 = sb.now_ms()
    conf = required("ethereum")
    inclusion = height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1
    sb.advance_to(block_time_ms("ethereum", inclusion))
    rcv_a.wait_for(1)
    rcv_b.wait_for(1)
    sb.advance_to(block_time_ms("ethereum", inclusion + conf - 1))
    rcv_a.wait_for(2)
    rcv_b.wait_for(2)
    assert rcv_a.stays_at(2) and rcv_b.stays_at(2)

    sent = tx(alice, tx_id)
    [twin] = bob.get("/api/v1/transactions")["data"]
    assert twin["direction"] == "INBOUND" and twin["status"] == "CONFIRMED" and twin["tx_id"] != tx_id, twin
    assert bob.asset(b_asset["asset_id"])["balance"] == "1.5"

    out = received_events(rcv_a, SECRET)
    inn = received_events(rcv_b, secret_b)
    # Each receiver's requests are signed with its own client's secret only.
    for r in rcv_b.snapshot():
        check_signed(r, secret_b)
        assert r.signature != expected_signature(SECRET, r.timestamp, r.body)
    for p in out:
        common_fields(p, sent, a_acc, a_asset)
        assert p["transaction_type"] == "OUTBOUND" and p["source_id"] == tx_id and p["data"] == "", p
    for p in inn:
        common_fields(p, twin, b_acc, b_asset)
        assert p["transaction_type"] == "INBOUND" and p["source_id"] == twin["tx_id"], p
        assert p["wallet_id"] == wb["wallet_id"] and p["account_id"] == b_acc["account_id"], p
    for a, b, status, n in zip(out, inn, ("CONFIRMING", "CONFIRMED"), (1, conf)):
        # Same on-chain facts on both sides, different events.
        for k in ("event_type", "event_time", "status", "txhash", "block_number", "from", "to", "symbol",
                  "contract_address", "amount", "decimals", "confirmations", "required_confirmations", "confirmed_at"):
            assert a[k] == b[k], (k, a, b)
        assert (a["status"], a["confirmations"]) == (status, n), a
        assert a["event_id"] != b["event_id"], (a, b)
        assert (a["from"], a["to"], a["amount"], a["txhash"]) == \
            (a_acc["address"], b_acc["address"], "1500000000000000000", sent["tx_hash"]), a
        assert a["contract_address"] == "", a
    # The logs attribute each event to its own client and transaction.
    assert {e["event_id"] for e in logs.events(client_id=DEFAULT)} == {p["event_id"] for p in out}
    assert {e["event_id"] for e in logs.events(client_id=bob.client_id)} == {p["event_id"] for p in inn}
    assert {e["tx_id"] for e in logs.events(client_id=bob.client_id)} == {twin["tx_id"]}
    assert {d["url"] for d in logs.wait_settled(2, client_id=bob.client_id)} == {rcv_b.url}


def test_receiver_without_webhook_gets_no_events_for_its_twin(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    alice, carol = server.api.default_tenant(), server.api.new_tenant()
    wa, wc = activate(alice, sb), activate(carol, sb)
    a_acc, a_asset = open_asset(alice, wa["wallet_id"], "tron", "TRX")
    c_acc, _ = open_asset(carol, wc["wallet_id"], "tron", "TRX")
    grant(server.api, None, a_asset, "10")
    tx_id = send(alice, a_acc["address"], c_acc["address"], "tron", "TRX", "4")
    sb.advance(120)
    assert tx(alice, tx_id)["status"] == "CONFIRMED"
    rcv.wait_for(2)
    assert rcv.stays_at(2)
    assert {p["source_id"] for p in received_events(rcv)} == {tx_id}
    assert logs.events(client_id=carol.client_id) == []
    assert logs.deliveries(client_id=carol.client_id) == []
    assert {e["client_id"] for e in logs.events()} == {DEFAULT}
