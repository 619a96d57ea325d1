"""Webhook delivery end to end: retries on the documented backoff released only by the virtual clock,
Retry-After on 429/503, giving up after the last attempt, redelivery, a receiver that never answers
(the API stays fast, in-flight deliveries are bounded), events surviving kill -9 between commit and
delivery, and https:// endpoints with and without certificate verification."""
import signal
import socket
import ssl
import subprocess
import time

import pytest

from chain_helpers import (BROADCAST_MS, MANUAL, MANUAL_RESTART, SIGN_MS, Sandbox, activate, block_time_ms, grant, height_at,
                           open_asset, rfc, rfc_ms, run_to_final, send, tx)
from e2e_helpers import Tenant, assert_error, random_evm_address, tron_address
from webhook_receiver import HANG, SECRET, Logs, check_payload, check_signed, hooked_world, receivers  # noqa: F401

BACKOFF_MS = 5_000  # the first retry waits 5 s (virtual) plus up to 20 % jitter


def confirming_world(launch, url, *extra, **kw):
    """An emulator posting to `url`, with one ethereum transfer of the default client about to enter
    CONFIRMING; returns (server, sb, logs, tenant, tx_id, inclusion_ms)."""
    server, sb, logs = hooked_world(launch, url, *extra, **kw)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(server.api, None, asset, "10")
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "1.25")
    inclusion_ms = block_time_ms("ethereum", height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1)
    return server, sb, logs, t, tx_id, inclusion_ms


def only_delivery(logs, pred, tx_id, what=""):
    [d] = logs.wait_deliveries(lambda ds: len(ds) == 1 and pred(ds[0]), tx_id=tx_id, what=what)
    return d


# ---------------------------------------------------------------------------------------------
# 5. Retry after a 500, released by the virtual clock
# ---------------------------------------------------------------------------------------------


def test_retry_after_500_follows_the_virtual_clock(launch, receivers):
    rcv = receivers(plan=[500, 200])
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url)
    sb.advance_to(inclusion_ms)
    rcv.wait_for(1)
    d = only_delivery(logs, lambda d: d["attempts"] == 1, tx_id, "first attempt recorded")
    assert (d["status"], d["last_status_code"], d["url"]) == ("pending", 500, rcv.url), d
    assert d["last_error"].startswith("HTTP 500"), d
    assert d["last_attempt_at"] == rfc(inclusion_ms), d
    # next_attempt_at (whole seconds) lies in [attempt + 5 s, attempt + 6 s].
    assert inclusion_ms + BACKOFF_MS <= rfc_ms(d["next_attempt_at"]) + 999, d
    assert rfc_ms(d["next_attempt_at"]) <= inclusion_ms + BACKOFF_MS * 6 // 5, d

    # Real time passing does nothing on a manual clock; nor does advancing short of the backoff.
    assert rcv.stays_at(1, 0.5)
    sb.advance_ms(BACKOFF_MS - 1)
    assert rcv.stays_at(1)
    assert only_delivery(logs, lambda d: True, tx_id)["status"] == "pending"
    sb.advance_ms(BACKOFF_MS // 5 + 1)  # past the largest jitter
    first, second = rcv.wait_for(2)
    assert rcv.stays_at(2)

    # The same event, byte for byte; each attempt signed with its own wall-clock timestamp.
    assert first.body == second.body
    assert first.event_id == second.event_id
    check_signed(first, SECRET)
    check_signed(second, SECRET)
    p = check_payload(second.json)
    assert (p["event_type"], p["source_id"]) == ("transaction.confirming", tx_id), p
    assert [e["event_id"] for e in logs.events(tx_id=tx_id)] == [p["event_id"]]

    d = only_delivery(logs, lambda d: d["status"] == "succeeded", tx_id, "succeeded")
    assert (d["attempts"], d["last_status_code"], d["last_error"], d["next_attempt_at"]) == (2, 200, "", None), d
    assert d["event_id"] == p["event_id"] and d["last_attempt_at"] == rfc(sb.now_ms()), d


# ---------------------------------------------------------------------------------------------
# 6. Retry-After on 429 / 503 (and not on other codes)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status,after", [(429, 120), (503, 30)])
def test_retry_after_header_replaces_the_backoff(launch, receivers, status, after):
    rcv = receivers(plan=[(status, {"Retry-After": str(after)}), 200])
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url)
    sb.advance_to(inclusion_ms)
    rcv.wait_for(1)
    d = only_delivery(logs, lambda d: d["attempts"] == 1, tx_id)
    assert (d["status"], d["last_status_code"]) == ("pending", status), d
    assert d["next_attempt_at"] == rfc(inclusion_ms + after * 1000), d  # exactly, no jitter

    sb.advance(after // 2)
    assert rcv.stays_at(1)
    sb.advance_ms(after * 1000 - (after // 2) * 1000 - 1)
    assert rcv.stays_at(1)
    sb.advance_ms(1)
    first, second = rcv.wait_for(2)
    assert first.body == second.body
    check_signed(second, SECRET)
    d = only_delivery(logs, lambda d: d["status"] == "succeeded", tx_id)
    assert (d["attempts"], d["last_status_code"]) == (2, 200), d


def test_retry_after_is_ignored_on_other_status_codes(launch, receivers):
    rcv = receivers(plan=[(500, {"Retry-After": "3600"}), 200])
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url)
    sb.advance_to(inclusion_ms)
    rcv.wait_for(1)
    d = only_delivery(logs, lambda d: d["attempts"] == 1, tx_id)
    assert rfc_ms(d["next_attempt_at"]) <= inclusion_ms + BACKOFF_MS * 6 // 5, d
    sb.advance_ms(BACKOFF_MS * 6 // 5)
    rcv.wait_for(2)


# ---------------------------------------------------------------------------------------------
# 7. Giving up after the last attempt
# ---------------------------------------------------------------------------------------------


def test_delivery_fails_after_max_attempts(launch, receivers):
    rcv = receivers(default=500)
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url, "--webhook-max-attempts", "3")
    sb.advance_to(inclusion_ms)
    rcv.wait_for(1)
    only_delivery(logs, lambda d: d["attempts"] == 1 and d["status"] == "pending", tx_id)
    sb.advance_ms(BACKOFF_MS * 6 // 5)  # the first retry: 5 s (+ up to 20 %)
    rcv.wait_for(2)
    d = only_delivery(logs, lambda d: d["attempts"] == 2 and d["status"] == "pending", tx_id)
    # The second retry waits 15 s (+ up to 20 %) after the second attempt.
    second_at = rfc_ms(d["last_attempt_at"])
    assert second_at + 15_000 <= rfc_ms(d["next_attempt_at"]) + 999 and \
        rfc_ms(d["next_attempt_at"]) <= second_at + 18_000, d
    sb.advance_ms(15_000 - 1000)
    assert rcv.stays_at(2)
    sb.advance_ms(18_000 - 15_000 + 1000)
    rcv.wait_for(3)
    d = only_delivery(logs, lambda d: d["status"] == "failed", tx_id, "failed")
    assert (d["attempts"], d["last_status_code"], d["next_attempt_at"]) == (3, 500, None), d
    assert d["last_error"].startswith("HTTP 500"), d
    event_id = rcv.snapshot()[0].event_id
    sb.advance(7200)  # (this also confirms the transfer: its confirmed event is a new delivery)
    time.sleep(0.3)
    reqs = [r for r in rcv.snapshot() if r.event_id == event_id]
    assert len(reqs) == 3 and len({r.body for r in reqs}) == 1, [r.body for r in reqs]
    for r in reqs:
        check_signed(r, SECRET)
    assert logs.deliveries(status="failed", tx_id=tx_id, event_id=event_id) == [d]


# ---------------------------------------------------------------------------------------------
# 8. Redelivery
# ---------------------------------------------------------------------------------------------


def test_redeliver_sends_the_same_event_again(launch, receivers):
    rcv = receivers()
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url)
    sb.advance_to(inclusion_ms)
    [first] = rcv.wait_for(1)
    original = only_delivery(logs, lambda d: d["status"] == "succeeded", tx_id)
    event_id = first.event_id

    sb.advance(1)  # redeliver at a later virtual instant: still the same event
    r = server.api.req("POST", f"/_sandbox/webhooks/events/{event_id}/redeliver")
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["event_id"] == event_id and new["tx_id"] == tx_id, new
    assert new["delivery_id"] != original["delivery_id"], new
    assert new["status"] in ("pending", "sending") and new["attempts"] == 0, new
    first, again = rcv.wait_for(2)
    assert rcv.stays_at(2)
    assert again.body == first.body and again.event_id == event_id
    check_signed(again, SECRET)
    # The de-duplication key a receiver reads is the same on both deliveries.
    assert again.headers["x-paratro-event-id"] == first.headers["x-paratro-event-id"] == event_id
    assert again.headers["x-paratro-signature-version"] == first.headers["x-paratro-signature-version"] == "v1"

    ds = logs.wait_settled(2, event_id=event_id)
    assert [d["delivery_id"] for d in ds] == [new["delivery_id"], original["delivery_id"]]
    assert all(d["status"] == "succeeded" and d["attempts"] == 1 for d in ds), ds
    assert ds[1] == original
    assert [e["event_id"] for e in logs.events(tx_id=tx_id)] == [event_id]  # no new event

    r = server.api.req("POST", "/_sandbox/webhooks/events/evt_00000000000000000000000000000000/redeliver")
    assert_error(r, "not_found")
    assert_error(server.api.req("GET", "/_sandbox/webhooks/events/evt_nope"), "not_found")


# ---------------------------------------------------------------------------------------------
# 10. A receiver that never answers
# ---------------------------------------------------------------------------------------------


def hanging_world(launch, rcv, *extra, transfers=10):
    """An emulator posting to a receiver that never answers, with `transfers` tron transfers of the
    default client confirmed (2 events each); returns (server, sb, logs, tenant, account, tx_ids)."""
    server, sb, logs = hooked_world(launch, rcv.url, "--webhook-max-in-flight", "4", *extra)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "TRX")
    grant(server.api, None, asset, "1000")
    tx_ids = [send(t, acc["address"], tron_address(), "tron", "TRX", str(i + 1)) for i in range(transfers)]
    sb.advance(120)
    assert all(tx(t, x)["status"] == "CONFIRMED" for x in tx_ids)
    return server, sb, logs, t, acc, tx_ids


def test_hanging_receiver_does_not_slow_the_api(launch, receivers):
    rcv = receivers(default=HANG)
    server, sb, logs, t, acc, tx_ids = hanging_world(launch, rcv, "--webhook-timeout-ms", "30000")
    api = server.api
    # 20 events; at most 4 posting at once (--webhook-max-in-flight), all 4 waiting for an answer.
    rcv.wait_for(4)
    assert rcv.stays_at(4, 0.5)

    slowest = 0.0
    for i in range(50):
        started = time.monotonic()
        r = api.req("GET", f"/api/v1/transactions/{tx_ids[i % 10]}", token=t.token, timeout=2)
        slowest = max(slowest, time.monotonic() - started)
        assert r.status_code == 200
    for _ in range(5):
        for call in (lambda: send(t, acc["address"], tron_address(), "tron", "TRX", "1"),
                     lambda: sb.advance(3),
                     lambda: api.req("GET", "/_sandbox/webhooks/deliveries", timeout=2)):
            started = time.monotonic()
            call()
            slowest = max(slowest, time.monotonic() - started)
    assert slowest < 0.5, f"an API request took {slowest:.3f}s while the receiver hangs"

    sb.advance(6)  # the last transfer reaches the chain too
    ds = logs.deliveries()
    assert len(ds) == 20 + 5, ds  # five more confirming events, queued behind the stuck ones
    assert [d["event_type"] for d in ds[:5]] == ["transaction.confirming"] * 5, ds[:5]
    assert all(d["status"] in ("sending", "queued", "pending") and d["attempts"] == 0 for d in ds), ds
    assert sum(d["status"] == "sending" for d in ds) >= 4, ds
    assert rcv.count() == 4

    # Shutting down does not wait for the hanging receiver either.
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 3


def test_delivery_log_shows_sending_only_for_deliveries_being_posted(launch, receivers):
    """With 20 due deliveries and 4 in-flight slots, 4 deliveries are being posted; the other 16 wait
    (in the dispatcher's memory) and have not been sent: the log should not call them `sending`."""
    rcv = receivers(default=HANG)
    server, sb, logs, t, acc, tx_ids = hanging_world(launch, rcv, "--webhook-timeout-ms", "30000")
    rcv.wait_for(4)
    assert rcv.stays_at(4, 0.3)
    ds = logs.deliveries()
    assert len(ds) == 20
    posting = {r.event_id for r in rcv.snapshot()}
    sending = {d["event_id"] for d in ds if d["status"] == "sending"}
    assert sending == posting, f"{len(sending)} deliveries are shown as sending, {len(posting)} are being posted"


def test_attempt_times_out_after_webhook_timeout_ms(launch, receivers):
    rcv = receivers(plan=[HANG], default=200)
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url, "--webhook-timeout-ms", "300")
    sb.advance_to(inclusion_ms)
    started = time.monotonic()
    rcv.wait_for(1)
    d = only_delivery(logs, lambda d: d["attempts"] == 1, tx_id, "a timed-out attempt", )
    assert time.monotonic() - started >= 0.29
    assert (d["status"], d["last_status_code"], d["last_error"]) == ("pending", None, "read: timed out"), d
    assert 300 <= d["last_latency_ms"] < 2000, d
    sb.advance_ms(BACKOFF_MS * 6 // 5)
    first, second = rcv.wait_for(2)
    assert first.body == second.body
    d = only_delivery(logs, lambda d: d["status"] == "succeeded", tx_id)
    assert (d["attempts"], d["last_status_code"], d["last_error"]) == (2, 200, ""), d


# ---------------------------------------------------------------------------------------------
# 11. kill -9 between commit and delivery
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kill9(server):
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    assert server.proc.returncode == -signal.SIGKILL
    server.stop()


@pytest.mark.parametrize("dead", ["nothing_listening", "receiver_hangs"])
def test_events_survive_kill9_and_are_delivered_after_restart(launch, receivers, tmp_path, dead):
    db = tmp_path / "hooks.db"
    if dead == "nothing_listening":
        url = f"http://127.0.0.1:{free_port()}/gone"
    else:
        url = receivers(default=HANG).url
    server, sb, logs = hooked_world(launch, url, db=db)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "USDC")
    grant(server.api, None, asset, "500")
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "USDC", "123.456789")
    assert run_to_final(t, sb, tx_id)["status"] == "CONFIRMED"
    events = logs.events(tx_id=tx_id)
    assert [e["event_type"] for e in events] == ["transaction.confirmed", "transaction.confirming"]
    if dead == "nothing_listening":
        ds = logs.wait_deliveries(lambda ds: len(ds) == 2 and all(d["attempts"] == 1 for d in ds), tx_id=tx_id)
        assert all(d["status"] == "pending" and d["last_status_code"] is None and
                   d["last_error"].startswith("connect") for d in ds), ds
    else:
        ds = logs.wait_deliveries(lambda ds: len(ds) == 2 and all(d["status"] == "sending" for d in ds), tx_id=tx_id)
    clock = sb.clock()
    kill9(server)

    rcv = receivers()
    server2 = launch(*MANUAL_RESTART, "--webhook-url", rcv.url, "--webhook-secret", SECRET, db=db, keygen_delay_ms=3000)
    sb2, logs2 = Sandbox(server2.api), Logs(server2.api)
    assert sb2.clock() == clock
    assert logs2.events(tx_id=tx_id) == events
    if dead == "nothing_listening":
        assert rcv.stays_at(0)  # their retries are due 5-6 s (virtual) after the failed attempts
        sb2.advance_ms(BACKOFF_MS * 6 // 5)
    # (deliveries that were in flight at the crash are due at once)
    reqs = rcv.wait_for(2)
    assert rcv.stays_at(2)
    for r in reqs:
        check_signed(r, SECRET)
    assert sorted(r.event_id for r in reqs) == sorted(e["event_id"] for e in events)
    by_id = {e["event_id"]: e["payload"] for e in events}
    for r in reqs:
        assert r.json == by_id[r.event_id]
    ds2 = logs2.wait_settled(2, tx_id=tx_id)
    assert {d["delivery_id"] for d in ds2} == {d["delivery_id"] for d in ds}
    assert all(d["status"] == "succeeded" and d["url"] == rcv.url for d in ds2), ds2
    expected_attempts = 2 if dead == "nothing_listening" else 1
    assert all(d["attempts"] == expected_attempts for d in ds2), ds2
    assert tx(Tenant(server2.api, t.client_id, t.api_key, t.api_secret), tx_id)["status"] == "CONFIRMED"


# ---------------------------------------------------------------------------------------------
# 13. https:// endpoints
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=30)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    return ctx, cert


@pytest.mark.parametrize("mode", ["verify", "insecure", "trusted"])
def test_https_endpoint(launch, receivers, self_signed, mode):
    ctx, cert = self_signed
    rcv = receivers(tls=ctx)
    assert rcv.url.startswith("https://127.0.0.1:")
    extra = ("--webhook-insecure",) if mode == "insecure" else ()
    # "trusted": verification on, with the self-signed certificate as the trusted CA.
    env = {"SSL_CERT_FILE": str(cert)} if mode == "trusted" else None
    server, sb, logs, t, tx_id, inclusion_ms = confirming_world(launch, rcv.url, *extra, env=env)
    sb.advance_to(inclusion_ms)
    if mode == "verify":
        d = only_delivery(logs, lambda d: d["attempts"] == 1, tx_id, "a failed TLS attempt")
        assert (d["status"], d["last_status_code"]) == ("pending", None), d
        assert d["last_error"].startswith("tls handshake"), d
        assert "certificate" in d["last_error"].lower(), d
        assert rcv.count() == 0
        deadline = time.monotonic() + 2
        while not rcv.tls_errors and time.monotonic() < deadline:
            time.sleep(0.02)
        assert rcv.tls_errors, "the receiver saw no aborted handshake"
    else:
        [r] = rcv.wait_for(1)
        check_signed(r, SECRET)
        assert check_payload(r.json)["source_id"] == tx_id
        d = only_delivery(logs, lambda d: d["status"] == "succeeded", tx_id)
        assert (d["attempts"], d["last_status_code"], d["url"]) == (1, 200, rcv.url), d
