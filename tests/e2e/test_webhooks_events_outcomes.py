"""Webhook events of failed and forced transfers, end to end: a failure on chain or at signing, the
sandbox controls that fail or confirm, one confirming event per confirmation, and tenant isolation
with the filters of both logs; each request received by a real HTTP server in the test with its
signature and headers checked. The events of successful transfers and deposits are in
test_webhooks_events.py; clients are on API version 2026-04."""
from chain_helpers import (BROADCAST_MS, CHAINS, SIGN_MS, activate, block_time_ms, grant, height_at, open_asset,
                           required, rfc, send, tx)
from e2e_helpers import assert_error, random_evm_address, tron_address
from webhook_event_helpers import DEFAULT, common_fields, received_events
from webhook_receiver import SECRET, check_payload, check_signed, hooked_world, receivers, set_webhook  # noqa: F401


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
