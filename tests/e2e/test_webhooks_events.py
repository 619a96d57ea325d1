"""Webhook events end to end: which events a transfer, a deposit, an internal transfer and a failure
send, in which order, with exactly the contract's 26 payload fields and JSON types, cross-checked
against the API's view of the transaction (the amount in the token's smallest unit); every request
received by a real HTTP server in the test and its signature and headers checked here. Also tenant
isolation and the filters of both logs. These clients are on API version 2026-04; the differences
of 2026-09 are in test_webhooks_versions.py."""
from decimal import Decimal

from chain_helpers import (BROADCAST_MS, CHAINS, SIGN_MS, activate, block_time_ms, grant, height_at, open_asset,
                           required, rfc, send, tx)
from e2e_helpers import assert_error, random_evm_address, tron_address
from webhook_receiver import (SECRET, check_payload, check_signed, expected_signature, hooked_world,  # noqa: F401
                              receivers, set_webhook, smallest_units)

DEFAULT = "c_sandbox"


def common_fields(p: dict, api_tx: dict, account: dict, asset: dict):
    """The payload fields that every event of one transaction shares with the API's transaction."""
    assert p["source_id"] == api_tx["tx_id"], p
    assert p["wallet_id"] == api_tx["wallet_id"] == account["wallet_id"], p
    assert p["account_id"] == api_tx["account_id"] == account["account_id"], p
    assert p["transaction_type"] == api_tx["direction"], p
    assert p["chain"] == api_tx["chain"] == asset["chain"], p
    assert p["network"] == account["network"] == asset["network"], p
    assert p["from"] == api_tx["from_address"] and p["to"] == api_tx["to_address"], p
    assert p["symbol"] == api_tx["token_symbol"] == asset["symbol"], p
    # The reference: "" for native tokens (the assets API says "0x"), the token contract otherwise.
    native = asset["asset_type"] == "NATIVE"
    assert p["contract_address"] == ("" if native else asset["contract_address"]) and (native or p["contract_address"]), p
    # The amount in the token's smallest unit: the API's human amount times 10^decimals.
    assert p["decimals"] == asset["decimals"], p
    assert Decimal(p["amount"]) == Decimal(api_tx["amount"]) * 10 ** asset["decimals"], (p, api_tx)
    assert p["amount"] == smallest_units(api_tx["amount"], asset["decimals"]), p
    assert p["required_confirmations"] == required(api_tx["chain"]), p
    assert p["created_at"] == api_tx["created_at"], p
    assert p["risk_checked"] is False and p["risk_score"] == 0 and p["risk_level"] == "UNSCANNED", p
    assert "operation" not in p, p


def received_events(rcv, secret=SECRET) -> list[dict]:
    out = []
    for r in rcv.snapshot():
        check_signed(r, secret)
        assert r.path == "/hooks/paratro", r.path
        assert int(r.headers["content-length"]) == len(r.body)
        out.append(check_payload(r.json))
    return out


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


# ---------------------------------------------------------------------------------------------
# 3. Failures
# ---------------------------------------------------------------------------------------------


def test_fail_onchain_sends_confirming_then_failed(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "TRX")
    grant(server.api, None, asset, "42.5")
    asset = t.asset(asset["asset_id"])
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], tron_address(), "tron", "TRX", "40.000001", memo="sandbox:fail_onchain")
    inclusion = height_at("tron", t0 + SIGN_MS + BROADCAST_MS) + 1
    sb.advance_to(block_time_ms("tron", inclusion))
    rcv.wait_for(1)
    sb.advance_to(block_time_ms("tron", inclusion + 1))
    rcv.wait_for(2)
    sb.advance(600)
    assert rcv.stays_at(2)

    api_tx = tx(t, tx_id)
    assert api_tx["status"] == "FAILED" and t.asset(asset["asset_id"])["balance"] == "42.5"
    confirming, failed = received_events(rcv)
    for p in (confirming, failed):
        common_fields(p, api_tx, acc, asset)
        assert p["txhash"] == api_tx["tx_hash"] != "" and p["block_number"] == inclusion, p
        assert p["confirmed_at"] is None and p["data"] == "", p
        assert p["amount"] == "40000001", p
    assert (confirming["event_type"], confirming["status"], confirming["confirmations"]) == \
        ("transaction.confirming", "CONFIRMING", 1)
    assert (failed["event_type"], failed["status"]) == ("transaction.failed", "FAILED"), failed
    assert failed["confirmations"] == api_tx["confirmations"] == 2, (failed, api_tx)
    assert failed["event_time"] == rfc(block_time_ms("tron", inclusion + 1)) == api_tx["updated_at"]
    assert [e["event_type"] for e in logs.events(tx_id=tx_id)] == ["transaction.failed", "transaction.confirming"]


def test_fail_signing_sends_only_failed(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "USDT")
    grant(server.api, None, asset, "100")
    asset = t.asset(asset["asset_id"])
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "USDT", "99.5", memo="sandbox:fail_signing")
    sb.advance_ms(SIGN_MS - 1)
    assert rcv.stays_at(0)
    sb.advance_ms(1)
    [r] = rcv.wait_for(1)
    sb.advance(3600)
    assert rcv.stays_at(1)
    api_tx = tx(t, tx_id)
    [p] = received_events(rcv)
    common_fields(p, api_tx, acc, asset)
    assert (p["event_type"], p["status"], p["txhash"], p["block_number"], p["confirmations"], p["confirmed_at"]) == \
        ("transaction.failed", "FAILED", "", 0, 0, None), p
    assert p["event_time"] == rfc(t0 + SIGN_MS) == api_tx["updated_at"], p
    assert [e["event_type"] for e in logs.events(tx_id=tx_id)] == ["transaction.failed"]


def test_sandbox_controls_send_failed_or_confirmed(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(server.api, None, asset, "3")
    asset = t.asset(asset["asset_id"])
    held_fail = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "1", memo="sandbox:hold")
    held_ok = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "0.5", memo="sandbox:hold")
    sb.advance(600)
    assert rcv.stays_at(0)

    now = sb.now_ms()
    r = sb.control(held_fail, "fail")
    assert r.status_code == 200, r.text
    [req] = rcv.wait_for(1)
    check_signed(req, SECRET)
    p = check_payload(req.json)
    common_fields(p, tx(t, held_fail), acc, asset)
    assert (p["event_type"], p["status"], p["txhash"], p["block_number"], p["confirmations"], p["confirmed_at"]) == \
        ("transaction.failed", "FAILED", "", 0, 0, None), p
    assert p["event_time"] == rfc(now), p

    r = sb.control(held_ok, "confirm")
    assert r.status_code == 200, r.text
    rcv.wait_for(2)
    assert rcv.stays_at(2)  # forced straight to CONFIRMED: no confirming event
    p = check_payload(rcv.snapshot()[1].json)
    api_tx = tx(t, held_ok)
    common_fields(p, api_tx, acc, asset)
    assert (p["event_type"], p["status"], p["confirmations"], p["txhash"], p["block_number"]) == \
        ("transaction.confirmed", "CONFIRMED", required("ethereum"), api_tx["tx_hash"], api_tx["block_number"]), p
    assert p["confirmed_at"] == p["event_time"] == rfc(now), p
    assert [e["event_type"] for e in logs.events(tx_id=held_ok)] == ["transaction.confirmed"]


# ---------------------------------------------------------------------------------------------
# 4. --webhook-every-confirmation
# ---------------------------------------------------------------------------------------------


def test_every_confirmation_flag_sends_one_confirming_per_confirmation(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url, "--webhook-every-confirmation")
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "bsc", "BNB")
    grant(server.api, None, asset, "2")
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], random_evm_address(), "bsc", "BNB", "0.75")
    bt, conf, _, _ = CHAINS["bsc"]
    inclusion = height_at("bsc", t0 + SIGN_MS + BROADCAST_MS) + 1
    sb.advance_to(block_time_ms("bsc", inclusion))
    rcv.wait_for(1)
    # One block at a time: the API shows each confirmation, and each must send its own event.
    for k in range(2, conf):
        sb.advance_ms(bt)
        assert tx(t, tx_id)["confirmations"] == k
        rcv.wait_for(k, timeout=1, what=f"(a transaction.confirming with confirmations={k})")
    sb.advance_ms(bt)
    rcv.wait_for(conf)
    assert rcv.stays_at(conf)
    ps = received_events(rcv)
    assert [(p["event_type"], p["confirmations"]) for p in ps] == \
        [("transaction.confirming", k) for k in range(1, conf)] + [("transaction.confirmed", conf)]
    assert [p["event_time"] for p in ps] == [rfc(block_time_ms("bsc", inclusion + k)) for k in range(conf)]
    assert len({p["event_id"] for p in ps}) == conf
    assert len(logs.events(tx_id=tx_id)) == conf


# ---------------------------------------------------------------------------------------------
# 15. Tenant isolation and the filters of both logs
# ---------------------------------------------------------------------------------------------


def test_events_are_isolated_per_client_and_logs_filter(launch, receivers):
    rcv_a = receivers()
    rcv_b = receivers(default=500)  # Bob's endpoint is broken: his deliveries stay pending
    server, sb, logs = hooked_world(launch, rcv_a.url)
    api = server.api
    alice, bob = api.default_tenant(), api.new_tenant()
    secret_b = set_webhook(api, bob.client_id, rcv_b.url, "whsec_bob_secret_42")["secret"]
    assert secret_b == "whsec_bob_secret_42"
    wa, wb = activate(alice, sb), activate(bob, sb)
    a_acc, a_asset = open_asset(alice, wa["wallet_id"], "tron", "TRX")
    b_acc, b_asset = open_asset(bob, wb["wallet_id"], "tron", "TRX")
    grant(api, None, a_asset, "100")
    grant(api, None, b_asset, "100")
    a1 = send(alice, a_acc["address"], tron_address(), "tron", "TRX", "1")
    a2 = send(alice, a_acc["address"], tron_address(), "tron", "TRX", "2", memo="sandbox:fail_signing")
    b1 = send(bob, b_acc["address"], tron_address(), "tron", "TRX", "3")
    sb.advance(120)
    assert tx(alice, a1)["status"] == "CONFIRMED" and tx(alice, a2)["status"] == "FAILED"
    assert tx(bob, b1)["status"] == "CONFIRMED"
    rcv_a.wait_for(3)
    rcv_b.wait_for(2)
    assert rcv_a.stays_at(3) and rcv_b.stays_at(2)

    # Each receiver got its own client's events, signed with its own secret, and nothing else.
    assert sorted(p["source_id"] for p in received_events(rcv_a, SECRET)) == sorted([a1, a1, a2])
    assert [p["source_id"] for p in received_events(rcv_b, secret_b)] == [b1, b1]

    everything = logs.events()
    assert len(everything) == 5 and logs.events_page()["total"] == 5
    mine = logs.events(client_id=DEFAULT)
    assert {e["tx_id"] for e in mine} == {a1, a2} and len(mine) == 3
    theirs = logs.events(client_id=bob.client_id)
    assert {e["tx_id"] for e in theirs} == {b1} and len(theirs) == 2
    assert logs.events(client_id="c_nobody") == []
    assert [e["event_type"] for e in logs.events(tx_id=a1)] == ["transaction.confirmed", "transaction.confirming"]
    assert [e["tx_id"] for e in logs.events(event_type="transaction.failed")] == [a2]
    assert [e["tx_id"] for e in logs.events(event_type="transaction.confirmed", client_id=bob.client_id)] == [b1]
    one = logs.events()[2]
    assert logs.events(event_id=one["event_id"]) == [one]

    # limit: newest first, total counts all matches, has_more says whether more exist.
    page = logs.events_page(limit=2)
    assert [e["event_id"] for e in page["data"]] == [e["event_id"] for e in everything[:2]]
    assert (page["total"], page["has_more"]) == (5, True)
    page = logs.events_page(limit=5)
    assert (len(page["data"]), page["total"], page["has_more"]) == (5, 5, False)
    page = logs.events_page(limit=0)
    assert (page["data"], page["total"], page["has_more"]) == ([], 5, True)
    for bad in ("-1", "1001", "x", "2.5"):
        assert_error(api.req("GET", "/_sandbox/webhooks/events", params={"limit": bad}), "invalid_parameter")
        assert_error(api.req("GET", "/_sandbox/webhooks/deliveries", params={"limit": bad}), "invalid_parameter")

    # The delivery log: Alice's succeeded, Bob's pending after a 500.
    logs.wait_settled(3, client_id=DEFAULT)
    bob_ds = logs.wait_deliveries(lambda ds: len(ds) == 2 and all(d["attempts"] == 1 and d["status"] == "pending"
                                                                     for d in ds), client_id=bob.client_id)
    assert all(d["last_status_code"] == 500 and d["url"] == rcv_b.url for d in bob_ds), bob_ds
    assert {d["delivery_id"] for d in logs.deliveries(status="pending")} == {d["delivery_id"] for d in bob_ds}
    assert {d["tx_id"] for d in logs.deliveries(status="succeeded")} == {a1, a2}
    assert logs.deliveries(status="failed") == [] and logs.deliveries(status="sending") == []
    assert logs.deliveries(status="pending", client_id=DEFAULT) == []
    assert [d["event_type"] for d in logs.deliveries(tx_id=a1)] == ["transaction.confirmed", "transaction.confirming"]
    assert [d["tx_id"] for d in logs.deliveries(event_type="transaction.failed")] == [a2]
    page = logs.deliveries_page(limit=1)
    assert (len(page["data"]), page["total"], page["has_more"]) == (1, 5, True)
    page = logs.deliveries_page(limit=1, tx_id=b1, status="pending")
    assert (len(page["data"]), page["total"], page["has_more"]) == (1, 2, True)
    assert logs.deliveries(tx_id="tx_unknown") == [] and logs.events(tx_id="tx_unknown") == []
