"""GET /_sandbox/events: the Server-Sent Events stream of committed changes. A transfer's events walk
PENDING -> ... -> CONFIRMED (waited for on the stream, never polled), ids only increase, resuming with
Last-Event-ID gives exactly the missed events, an id older than the ring gives stream.gap, type and
client filters, the subscriber cap, a slow subscriber dropped while the API keeps answering, the admin
token and bad queries."""
import pytest

from chain_helpers import MANUAL, Sandbox, activate, open_asset
from e2e_helpers import Server, random_evm_address
from sse_client import SseStream, open_stream

# A manual clock (steps happen when the test advances it), a step per confirmation and a small ring, queue and subscriber cap
# so that the bounds are reachable in a test; no linger, so the moment the last subscriber leaves nobody listens.
SERVER_ARGS = (*MANUAL, "--webhook-every-confirmation", "--events-ring", "64", "--events-subscribers", "4", "--events-queue", "256",
               "--events-linger-s", "0")


@pytest.fixture(scope="module")
def sb(server):
    return Sandbox(server.api)


@pytest.fixture(scope="module")
def funded(server, sb):
    t = server.api.new_tenant()
    w = activate(t, sb)
    account, asset = open_asset(t, w["wallet_id"], "ethereum", "USDT")
    server.api.fund(asset["asset_id"], "1000")
    return t, account, asset


def transfer(funded, amount="1"):
    t, account, _ = funded
    r = t.transfer(account["address"], random_evm_address(), "ethereum", "USDT", amount)
    assert r.status_code == 200, r.text
    return r.json()["data"]["tx_id"] if "data" in r.json() else r.json()["tx_id"]


def tx_event(tx_id, status=None, types=("transaction.updated",)):
    return lambda f: (f["event"] in types and f["data"]["data"]["tx_id"] == tx_id and
                      (status is None or f["data"]["data"]["status"] == status))


def test_transfer_walks_to_confirmed_on_the_stream(server, sb, funded):
    t, _, asset = funded
    s = open_stream(server.port, params={"client_id": t.client_id})
    try:
        tx_id = transfer(funded)
        created = s.wait_for(tx_event(tx_id, "PENDING", ("transaction.created",)))
        sb.advance(3600)  # far past every step of an ethereum transfer
        frames = created + s.wait_for(tx_event(tx_id, "CONFIRMED"))
    finally:
        s.close()
    ids = [f["id"] for f in frames]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
    for f in frames:
        assert f["data"]["id"] == f["id"] and f["data"]["type"] == f["event"]
        assert f["data"]["client_id"] == t.client_id
        assert f["data"]["at"].endswith("Z")
    steps = [f["data"]["data"] for f in frames if f["event"].startswith("transaction.") and f["data"]["data"]["tx_id"] == tx_id]
    statuses = [x["status"] for x in steps]
    assert statuses[0] == "PENDING" and statuses[-1] == "CONFIRMED", statuses
    for expected in ("SIGNED", "BROADCAST", "CONFIRMING"):
        assert expected in statuses, statuses
    order = ["PENDING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED"]
    assert [order.index(x) for x in statuses] == sorted(order.index(x) for x in statuses), statuses
    # Every confirmation step is its own event, counting up.
    confirmations = [x["confirmations"] for x in steps if x["status"] == "CONFIRMING"]
    assert len(confirmations) >= 2 and confirmations == sorted(confirmations), confirmations
    # The lock and the settlement moved the asset's balance, and the stream said so.
    balances = [f["data"]["data"] for f in frames if f["event"] == "balance.changed"]
    assert any(b["asset_id"] == asset["asset_id"] for b in balances), [f["event"] for f in frames]
    # The stream shows the resource as the API does.
    final = t.get(f"/api/v1/transactions/{tx_id}")
    final = final.get("data", final)
    assert steps[-1]["status"] == final["status"] and steps[-1]["tx_hash"] == final["tx_hash"]


def test_resume_with_last_event_id_gives_exactly_the_missed_events(server, sb, funded):
    t, _, _ = funded
    keeper = open_stream(server.port, params={"types": "clock.moved"})  # someone listens throughout
    first = open_stream(server.port, params={"client_id": t.client_id})
    tx1 = transfer(funded)
    seen = first.wait_for(tx_event(tx1, None, ("transaction.created",)))
    first.close()
    last = seen[-1]["id"]
    # While nobody listens: another transfer.
    tx2 = transfer(funded)
    # A witness that saw everything from `last` on (header form).
    witness = open_stream(server.port, params={"client_id": t.client_id}, headers={"Last-Event-ID": str(last)})
    missed = witness.wait_for(tx_event(tx2, None, ("transaction.created",)))
    witness.close()
    assert all(f["id"] > last for f in missed)
    assert missed[0]["id"] == min(f["id"] for f in missed)
    # The same through the query parameter, for clients without EventSource.
    again = open_stream(server.port, params={"client_id": t.client_id, "last_event_id": str(last)})
    replay = again.wait_for(tx_event(tx2, None, ("transaction.created",)))
    again.close()
    assert [f["id"] for f in replay] == [f["id"] for f in missed]
    assert [f["event"] for f in replay] == [f["event"] for f in missed]
    keeper.close()


def test_changes_nobody_heard_make_a_resume_report_a_gap(server, sb, funded):
    t, _, _ = funded
    s = open_stream(server.port, params={"client_id": t.client_id})
    tx1 = transfer(funded)
    last = s.wait_for(tx_event(tx1, None, ("transaction.created",)))[-1]["id"]
    s.close()
    deadline_ok = wait_no_subscribers(server)
    assert deadline_ok
    transfer(funded)  # nobody listens: no events are built, the ring is forgotten
    again = open_stream(server.port, params={"client_id": t.client_id}, headers={"Last-Event-ID": str(last)})
    gap = again.next_frame()
    again.close()
    assert gap["event"] == "stream.gap" and gap["data"]["requested"] == last, gap


def test_a_reconnect_within_the_linger_resumes_without_a_gap(tmp_path):
    # A linger far longer than the test, so that the reconnect below always falls inside it.
    srv = Server([*MANUAL, "--log-level", "warn", "--events-linger-s", "3600"], tmp_path / "l.db", tmp_path)
    try:
        sandbox = Sandbox(srv.api)
        t = srv.api.new_tenant()
        w = activate(t, sandbox)
        account, asset = open_asset(t, w["wallet_id"], "ethereum", "USDT")
        srv.api.fund(asset["asset_id"], "10")
        funded = (t, account, asset)
        s = open_stream(srv.port, params={"client_id": t.client_id})
        tx1 = transfer(funded)
        last = s.wait_for(tx_event(tx1, None, ("transaction.created",)))[-1]["id"]
        s.close()
        assert wait_no_subscribers(srv)
        tx2 = transfer(funded)  # the only subscriber is gone, but the linger keeps the events
        again = open_stream(srv.port, params={"client_id": t.client_id}, headers={"Last-Event-ID": str(last)})
        missed = again.wait_for(tx_event(tx2, None, ("transaction.created",)))
        again.close()
        assert all(f["event"] != "stream.gap" for f in missed), [f["event"] for f in missed]
        assert missed[0]["id"] == last + 1, (last, [f["id"] for f in missed])
    finally:
        srv.stop()


def wait_no_subscribers(server, timeout=10):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = server.api.req("GET", "/_sandbox/metrics").text
        if "paratro_events_subscribers 0" in m:
            return True
    return False


def test_an_id_older_than_the_ring_gives_stream_gap_then_the_ring(server, sb, funded):
    # More events than the 64-event ring holds, while someone listens (so they are built).
    keeper = open_stream(server.port, params={"types": "clock.moved"})
    for _ in range(40):  # at least two events each (created, balance.changed)
        transfer(funded, "0.01")
    s = open_stream(server.port, headers={"Last-Event-ID": "1"})
    keeper.close()
    try:
        gap = s.next_frame()
        assert gap["event"] == "stream.gap" and gap["id"] is None, gap
        assert gap["data"]["requested"] == 1 and gap["data"]["oldest"] > 2, gap
        ring = [s.next_frame() for _ in range(64)]
    finally:
        s.close()
    ids = [f["id"] for f in ring]
    assert ids[0] == gap["data"]["oldest"] and ids == list(range(ids[0], ids[0] + 64)), ids


def test_type_and_client_filters(server, sb, funded):
    t, _, _ = funded
    other = server.api.new_tenant()
    mine = open_stream(server.port, params={"client_id": t.client_id, "types": "transaction.created"})
    theirs = open_stream(server.port, params={"client_id": other.client_id})
    try:
        tx_id = transfer(funded)
        sb.advance(1)  # a clock.moved event: clientless, so neither stream may show it
        got = mine.wait_for(tx_event(tx_id, None, ("transaction.created",)))
        assert {f["event"] for f in got} == {"transaction.created"}
        assert {f["data"]["client_id"] for f in got} == {t.client_id}
        # The other client's stream sees its own wallet first, never this transfer or the clock.
        w = other.create_wallet()
        got = theirs.wait_for(lambda f: f["event"] == "wallet.created")
        assert [f["data"]["data"]["wallet_id"] for f in got] == [w["wallet_id"]]
    finally:
        mine.close()
        theirs.close()


def test_clock_moved_and_reset_are_single_events(server, sb, funded):
    s = open_stream(server.port, params={"types": "clock.moved,sandbox.reset,sandbox.restored,balance.changed"})
    try:
        body = sb.advance(5)
        f = s.wait_for(lambda f: f["event"] == "clock.moved")[-1]
        assert f["data"]["client_id"] is None and f["data"]["data"]["now_ms"] == body["now_ms"]
        snap = server.api.req("POST", "/_sandbox/snapshots", json={"name": "events"}).json()
        r = server.api.req("POST", f"/_sandbox/snapshots/{snap['snapshot_id']}/restore")
        assert r.status_code == 200, r.text
        got = s.wait_for(lambda f: f["event"] == "sandbox.restored")
        assert [f["event"] for f in got] == ["sandbox.restored"]
        assert got[0]["data"]["data"]["snapshot_id"] == snap["snapshot_id"]
        # The capture outlives the restore (its temp trigger on balances included).
        transfer(funded)
        moved = s.wait_for(lambda f: f["event"] == "balance.changed")[-1]["data"]["data"]
        assert moved["asset_id"] == funded[2]["asset_id"]
    finally:
        s.close()


def test_subscriber_cap_answers_503(server):
    streams = [open_stream(server.port) for _ in range(4)]
    try:
        extra = SseStream(server.port)
        assert extra.read_head() == 503
        body = extra.json_body()
        assert body["code"] == "service_unavailable", body
        extra.close()
    finally:
        for s in streams:
            s.close()
    # Slots come back once the subscribers leave (the server notices the closed sockets).
    import time
    deadline = time.monotonic() + 10
    while True:
        s = SseStream(server.port)
        if s.read_head() == 200:
            s.close()
            break
        s.close()
        assert time.monotonic() < deadline, "closed subscribers never freed their slots"


def test_slow_subscriber_is_dropped_while_the_api_answers(server, sb, funded):
    t, _, _ = funded
    slow = SseStream(server.port, rcvbuf=4096)  # never reads past the headers
    assert slow.read_head() == 200
    before = server.api.req("GET", "/_sandbox/metrics").text
    # Far more than the socket buffers and a 256-event queue hold.
    for _ in range(400):
        r = t.transfer(funded[1]["address"], random_evm_address(), "ethereum", "USDT", "0.001",
                       memo="x" * 100)
        assert r.status_code == 200, r.text
    metrics = server.api.req("GET", "/_sandbox/metrics").text
    dropped = [line for line in metrics.splitlines() if line.startswith("paratro_events_dropped_subscribers_total")]
    assert dropped and int(dropped[0].split()[-1]) >= 1, (dropped, before.count("\n"))
    # The connection was closed by the server: reading everything ends in EOF.
    slow.sock.settimeout(10)
    while True:
        chunk = slow.sock.recv(1 << 20)
        if not chunk:
            break
    slow.close()
    assert server.api.req("GET", "/_sandbox/health").status_code == 200


@pytest.mark.parametrize("params,header", [
    ({"types": "transaction.nope"}, None),
    ({"types": ","}, None),
    ({"last_event_id": "-1"}, None),
    ({"last_event_id": "abc"}, None),
    ({"client_id": ""}, None),
    ({"bogus": "1"}, None),
    ({}, "12x"),
])
def test_bad_query_is_400_json(server, params, header):
    s = SseStream(server.port, params=params, headers={"Last-Event-ID": header} if header else None)
    assert s.read_head() == 400
    body = s.json_body()
    assert body["code"] == "invalid_parameter", body
    s.close()


class TokenServer(Server):
    probe_headers = {"X-Admin-Token": "s3cret"}


@pytest.fixture
def token_server(tmp_path):
    srv = TokenServer(["--log-level", "warn", "--admin-token", "s3cret"], tmp_path / "e.db", tmp_path)
    yield srv
    srv.stop()


def test_admin_token_required(token_server):
    srv = token_server
    s = SseStream(srv.port)
    assert s.read_head() == 401, s.status
    s.close()
    ok = open_stream(srv.port, headers={"X-Admin-Token": "s3cret"}, params={"types": "clock.moved"})
    r = srv.api.req("POST", "/_sandbox/clock/advance", json={"seconds": 1}, headers={"X-Admin-Token": "s3cret"})
    assert r.status_code == 200, r.text
    assert ok.wait_for(lambda f: f["event"] == "clock.moved")
    ok.close()


def test_webhooks_deposits_and_faults_on_the_stream(server, sb, funded):
    from webhook_receiver import Receiver
    t, account, _ = funded
    receiver = Receiver(default=500)  # every attempt fails with HTTP 500
    s = open_stream(server.port, params={"types": "webhook.event.created,webhook.delivery.attempted,"
                                                  "deposit.created,transaction.created,fault.fired"})
    try:
        r = server.api.req("PUT", f"/_sandbox/clients/{t.client_id}/webhook", json={"url": receiver.url})
        assert r.status_code == 200, r.text
        dep = sb.deposit(account["address"], "ethereum", "USDT", "5")
        got = s.wait_for(lambda f: f["event"] == "transaction.created" and f["data"]["data"]["tx_id"] == dep["tx_id"])
        kinds = [f["event"] for f in got if f["data"]["data"].get("tx_id") == dep["tx_id"]]
        assert kinds == ["deposit.created", "transaction.created"], kinds
        # Confirmed by the control (a batched write: every event is published; a clock advance over the
        # hundreds of transfers earlier tests left pending would pass the 64-event bound of this server).
        assert sb.control(dep["tx_id"], "confirm").status_code == 200
        ev = s.wait_for(lambda f: f["event"] == "webhook.event.created" and f["data"]["data"]["tx_id"] == dep["tx_id"])[-1]
        attempt = s.wait_for(lambda f: f["event"] == "webhook.delivery.attempted" and
                             f["data"]["data"]["tx_id"] == dep["tx_id"])[-1]["data"]["data"]
        assert attempt["last_status_code"] == 500 and attempt["attempts"] >= 1, attempt
        assert attempt["status"] in ("pending", "failed"), attempt
        assert ev["data"]["client_id"] == t.client_id
        # A fault rule firing on an API request.
        rule = server.api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/wallets", "error": "internal_error",
                                                                 "count": 1}).json()
        assert t.req("GET", "/api/v1/wallets").status_code == 500
        fired = s.wait_for(lambda f: f["event"] == "fault.fired")[-1]["data"]
        assert fired["client_id"] is None
        assert fired["data"] == {"method": "GET", "path": "/api/v1/wallets", "rule_id": rule["id"],
                                 "error": "internal_error", "latency_ms": 0}
    finally:
        s.close()
        server.api.req("PUT", f"/_sandbox/clients/{t.client_id}/webhook", json={"url": ""})
        receiver.close()


def test_an_advance_beyond_the_bound_reports_skipped_events(server, sb, funded):
    # 40 transfers walk at least 5 steps each (with a lock and a settlement of the balance): far more
    # than the 64 row events one exclusive operation may publish on this server.
    for _ in range(40):
        transfer(funded, "0.01")
    s = open_stream(server.port, params={"types": "stream.gap,clock.moved"})
    try:
        sb.advance(3600)
        got = s.wait_for(lambda f: f["event"] == "stream.gap")  # once, at the end of the advance
    finally:
        s.close()
    assert [f["event"] for f in got] == ["clock.moved", "stream.gap"], [f["event"] for f in got]
    assert got[1]["data"]["data"]["skipped"] >= 40 * 5 - 64, got[1]
    assert server.api.req("GET", "/_sandbox/metrics").status_code == 200
