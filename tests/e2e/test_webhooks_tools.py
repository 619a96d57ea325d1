"""The webhook tools a developer uses: the per-client configuration endpoint (and the flags and
environment that configure the default client), POST /_sandbox/webhooks/test, and the
`paratro-emulator webhooks listen` receiver that verifies and prints each event."""
import json
import os
import queue
import re
import signal
import subprocess
import threading
from decimal import Decimal

import pytest

from chain_helpers import (BROADCAST_MS, CHAINS, MANUAL, MANUAL_RESTART, SIGN_MS, activate, block_time_ms, grant,
                           height_at, open_asset, rfc, run_to_final, send, tx)
from e2e_helpers import assert_error, emulator_bin, random_evm_address, tron_address
from webhook_receiver import (SECRET, check_event_row, check_payload, check_signed, hooked_world,  # noqa: F401
                              put_webhook, receivers, set_webhook)

DEFAULT = "c_sandbox"
SECRET_RE = re.compile(r"^whsec_[0-9a-f]{48}$")


def get_webhook(api, client_id):
    return api.req("GET", f"/_sandbox/clients/{client_id}/webhook")


# ---------------------------------------------------------------------------------------------
# 12. The configuration endpoint, flags and environment
# ---------------------------------------------------------------------------------------------


def test_webhook_config_endpoint(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, None, secret=None)
    api = server.api
    t = api.new_tenant()
    r = get_webhook(api, t.client_id)
    assert r.status_code == 200, r.text
    assert r.json() == {"client_id": t.client_id, "url": None, "secret": None}

    # First URL without a secret: one is generated and kept.
    cfg = set_webhook(api, t.client_id, rcv.url)
    assert SECRET_RE.match(cfg["secret"]), cfg
    assert get_webhook(api, t.client_id).json() == cfg
    again = set_webhook(api, t.client_id, rcv.url + "?v=2")
    assert again["secret"] == cfg["secret"], again
    chosen = set_webhook(api, t.client_id, rcv.url, "whsec_my_own_secret")
    assert chosen == {"client_id": t.client_id, "url": rcv.url, "secret": "whsec_my_own_secret"}

    # Validation: nothing changes on a rejected request.
    bad = [
        ({"url": "ftp://127.0.0.1/hook"}, "validation_failed"),
        ({"url": "not a url"}, "validation_failed"),
        ({"url": "http://user:pw@127.0.0.1/hook"}, "validation_failed"),
        ({"url": "http://127.0.0.1:0/hook"}, "validation_failed"),
        ({"url": "https://example.com/" + "a" * 2100}, "validation_failed"),
        ({"url": rcv.url, "secret": "abc"}, "validation_failed"),
        ({"url": rcv.url, "secret": "whsec_"}, "validation_failed"),
        ({"url": rcv.url, "secret": "sk_12345678901234"}, "validation_failed"),
        ({"url": rcv.url, "secret": "whsec_" + "x" * 123}, "validation_failed"),
        ({"url": 42}, "invalid_parameter"),
        ({"url": rcv.url, "secret": 7}, "invalid_parameter"),
        ({"secret": "whsec_only_a_secret"}, "invalid_parameter"),
    ]
    for body, code in bad:
        assert_error(put_webhook(api, t.client_id, body), code)
    assert_error(api.req("PUT", f"/_sandbox/clients/{t.client_id}/webhook", data="{not json"), "bad_request")
    assert get_webhook(api, t.client_id).json() == chosen

    # Unknown clients.
    assert_error(get_webhook(api, "c_does_not_exist"), "not_found")
    assert_error(put_webhook(api, "c_does_not_exist", {"url": rcv.url}), "not_found")

    # Events flow while the URL is set, signed with the client's current secret ...
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "tron", "TRX")
    grant(api, None, asset, "100")
    first = send(t, acc["address"], tron_address(), "tron", "TRX", "1")
    assert run_to_final(t, sb, first)["status"] == "CONFIRMED"
    for r in rcv.wait_for(2):
        check_signed(r, "whsec_my_own_secret")
    assert len(logs.events(client_id=t.client_id)) == 2

    # ... and removing it (null or "") stops new events; the secret is kept for next time.
    for removal in (None, ""):
        r = put_webhook(api, t.client_id, {"url": removal})
        assert r.status_code == 200, r.text
        assert r.json() == {"client_id": t.client_id, "url": None, "secret": "whsec_my_own_secret"}
        quiet = send(t, acc["address"], tron_address(), "tron", "TRX", "1")
        assert run_to_final(t, sb, quiet)["status"] == "CONFIRMED"
        assert logs.events(tx_id=quiet) == [] and logs.deliveries(tx_id=quiet) == []
    assert rcv.stays_at(2)

    back = set_webhook(api, t.client_id, rcv.url)
    assert back["secret"] == "whsec_my_own_secret"
    last = send(t, acc["address"], tron_address(), "tron", "TRX", "1")
    assert run_to_final(t, sb, last)["status"] == "CONFIRMED"
    reqs = rcv.wait_for(4)
    assert [r.json["source_id"] for r in reqs[2:]] == [last, last]


def test_flags_configure_the_default_client_and_persist(launch, receivers, tmp_path):
    rcv = receivers()
    # The secret is generated when only the URL is given, printed in the banner and persisted.
    db = tmp_path / "cfg.db"
    server = launch(*MANUAL, "--webhook-url", rcv.url, db=db)
    cfg = get_webhook(server.api, DEFAULT).json()
    assert cfg["url"] == rcv.url and SECRET_RE.match(cfg["secret"]), cfg
    assert webhook_banner_line(server) == f"  webhooks:   {rcv.url} (secret {cfg['secret']})"
    server.stop()
    server = launch(*MANUAL_RESTART, db=db)
    assert get_webhook(server.api, DEFAULT).json() == cfg  # kept across restarts without flags
    server.stop()
    server = launch(*MANUAL_RESTART, "--webhook-url", rcv.url + "/v2", db=db)
    assert get_webhook(server.api, DEFAULT).json() == {**cfg, "url": rcv.url + "/v2"}  # secret kept
    server.stop()


def test_put_config_of_the_default_client_survives_a_restart(launch, receivers, tmp_path):
    rcv = receivers()
    db = tmp_path / "put.db"
    server = launch(*MANUAL, db=db)
    cfg = set_webhook(server.api, DEFAULT, rcv.url, "whsec_set_at_run_time")
    server.stop()
    server = launch(*MANUAL_RESTART, db=db)
    assert get_webhook(server.api, DEFAULT).json() == cfg


def test_environment_configures_the_default_client(launch, receivers):
    rcv = receivers()
    server = launch(*MANUAL, env={"PARATRO_EMULATOR_WEBHOOK_URL": rcv.url,
                                  "PARATRO_EMULATOR_WEBHOOK_SECRET": "whsec_from_the_environment"})
    assert get_webhook(server.api, DEFAULT).json() == \
        {"client_id": DEFAULT, "url": rcv.url, "secret": "whsec_from_the_environment"}
    r = server.api.req("POST", "/_sandbox/webhooks/test", json={})
    assert r.status_code == 201, r.text
    [req] = rcv.wait_for(1)
    check_signed(req, "whsec_from_the_environment")


def webhook_banner_line(server) -> str:
    """The banner's webhook line (printed after the lines the harness reads at start)."""
    for _ in range(10):
        line = server._next_line(2)
        if line.startswith("  webhooks:"):
            return line
    raise AssertionError(f"no webhooks line in the banner: {server.banner}")


@pytest.mark.parametrize("args", [
    ["--webhook-url", "ftp://127.0.0.1/x"],
    ["--webhook-url", "http://127.0.0.1:9/x", "--webhook-secret", "nope"],
    ["--webhook-max-attempts", "0"],
    ["--webhook-timeout-ms", "0"],
    ["--webhook-max-in-flight", "0"],
])
def test_bad_webhook_flags_refuse_to_start(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARATRO_EMULATOR_")}
    p = subprocess.run([emulator_bin(), "--port", "0", "--database", str(tmp_path / "x.db"), *args],
                       capture_output=True, timeout=10, env=env)
    assert p.returncode != 0, p
    assert b"listening" not in p.stdout, p.stdout
    assert p.stderr.strip(), p


# ---------------------------------------------------------------------------------------------
# 9. POST /_sandbox/webhooks/test
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type,status", [(None, "CONFIRMED"), ("transaction.confirmed", "CONFIRMED"),
                                               ("transaction.confirming", "CONFIRMING"),
                                               ("transaction.failed", "FAILED")])
def test_test_event_arrives_signed(launch, receivers, event_type, status):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, rcv.url)
    body = {} if event_type is None else {"event_type": event_type}
    r = server.api.req("POST", "/_sandbox/webhooks/test", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert set(out) == {"event", "delivery"}, out
    ev = check_event_row(out["event"])
    p = ev["payload"]
    assert ev["client_id"] == DEFAULT and ev["created_at"] == rfc(sb.now_ms()), ev
    assert p["event_type"] == (event_type or "transaction.confirmed") and p["status"] == status, p
    assert p["event_time"] == rfc(sb.now_ms()), p
    assert p["confirmed_at"] == (p["event_time"] if status == "CONFIRMED" else None), p
    assert p["confirmations"] == (CHAINS["ethereum"][1] if status == "CONFIRMED" else 1), p
    d = out["delivery"]
    assert (d["event_id"], d["client_id"], d["tx_id"], d["attempts"]) == (p["event_id"], DEFAULT, p["source_id"], 0)

    [req] = rcv.wait_for(1)
    check_signed(req, SECRET)
    assert check_payload(req.json) == p
    assert logs.event(p["event_id"]) == ev
    [d] = logs.wait_settled(1, event_id=p["event_id"])
    assert (d["status"], d["attempts"], d["last_status_code"]) == ("succeeded", 1, 200), d


def test_test_event_errors(launch, receivers):
    rcv = receivers()
    server, sb, logs = hooked_world(launch, None, secret=None)
    api = server.api
    # The default client has no webhook here.
    assert_error(api.req("POST", "/_sandbox/webhooks/test", json={}), "invalid_parameter")
    assert_error(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": DEFAULT}), "invalid_parameter")
    assert_error(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": "c_nobody"}), "not_found")
    t = api.new_tenant()
    cfg = set_webhook(api, t.client_id, rcv.url)
    for bad in ("transaction.created", "", "TRANSACTION.CONFIRMED"):
        assert_error(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": t.client_id, "event_type": bad}),
                     "invalid_parameter")
    assert_error(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": 5}), "invalid_parameter")
    assert_error(api.req("POST", "/_sandbox/webhooks/test", data="[1]"), "bad_request")
    assert logs.events() == [] and rcv.stays_at(0)

    # To another client's endpoint, signed with that client's secret.
    r = api.req("POST", "/_sandbox/webhooks/test", json={"client_id": t.client_id, "event_type": "transaction.failed"})
    assert r.status_code == 201, r.text
    [req] = rcv.wait_for(1)
    check_signed(req, cfg["secret"])
    assert req.json == r.json()["event"]["payload"] and req.json["status"] == "FAILED"
    assert [e["client_id"] for e in logs.events()] == [t.client_id]


# ---------------------------------------------------------------------------------------------
# 14. paratro-emulator webhooks listen
# ---------------------------------------------------------------------------------------------

LISTEN_RE = re.compile(r"^paratro-emulator webhooks listening on http://127\.0\.0\.1:(\d+) \((.*)\)$")


class Listener:
    def __init__(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARATRO_EMULATOR_")}
        self.proc = subprocess.Popen([emulator_bin(), "webhooks", "listen", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.lines: "queue.Queue[str | None]" = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        first = self.next(5)
        m = LISTEN_RE.match(first)
        assert m, first
        self.port, self.mode = int(m.group(1)), m.group(2)
        self.url = f"http://127.0.0.1:{self.port}/webhooks"

    def _drain(self):
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.put(raw.decode().rstrip("\n"))
        self.lines.put(None)

    def next(self, timeout=5) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the listener printed nothing in time")
        assert line is not None, f"the listener exited: {self.proc.stderr.read().decode()}"
        return line

    def quiet(self, seconds=0.25) -> bool:
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected listener output: {line!r}")

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode, self.proc.stderr.read().decode()


@pytest.fixture
def listeners():
    made = []

    def make(*args):
        made.append(Listener(*args))
        return made[-1]

    yield make
    for listener in made:
        listener.stop()


def summary(p: dict, verdict: str) -> str:
    """The listener's line for a payload (its documented printf format); the amount in whole tokens."""
    whole = Decimal(p["amount"]).scaleb(-p["decimals"]).normalize()
    amount = "0" if whole == 0 else f"{whole:f}"
    return (f"{p['event_type']:<22} {p['event_id']} {p['source_id']} {p['status']:<10} {amount} {p['symbol']} "
            f"{p['chain']} conf {p['confirmations']}/{p['required_confirmations']}  [{verdict}]")


def test_listen_prints_each_event_with_a_verified_signature(launch, listeners):
    lst = listeners("--secret", SECRET)
    assert lst.mode == "checking signatures"
    server, sb, logs = hooked_world(launch, lst.url)
    t = server.api.default_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(server.api, None, asset, "10")
    t0 = sb.now_ms()
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "1.25")
    inclusion = height_at("ethereum", t0 + SIGN_MS + BROADCAST_MS) + 1
    sb.advance_to(block_time_ms("ethereum", inclusion))
    line1 = lst.next()
    sb.advance_to(block_time_ms("ethereum", inclusion + CHAINS["ethereum"][1] - 1))
    line2 = lst.next()
    assert lst.quiet()
    assert tx(t, tx_id)["status"] == "CONFIRMED"
    confirmed, confirming = [e["payload"] for e in logs.events(tx_id=tx_id)]
    assert line1 == summary(confirming, "signature ok"), line1
    assert line2 == summary(confirmed, "signature ok"), line2
    assert confirmed["amount"] == "1250000000000000000" and " 1.25 ETH ethereum " in line2, line2
    ds = logs.wait_settled(2, tx_id=tx_id)
    assert all(d["status"] == "succeeded" and d["last_status_code"] == 200 and d["url"] == lst.url for d in ds), ds
    rc, err = lst.stop()
    assert rc == 0 and "received 2 webhook(s)" in err, (rc, err)


def test_listen_with_a_wrong_secret_rejects_and_the_delivery_is_retried(launch, listeners):
    lst = listeners("--secret", "whsec_not_the_right_one")
    server, sb, logs = hooked_world(launch, lst.url)
    r = server.api.req("POST", "/_sandbox/webhooks/test", json={})
    assert r.status_code == 201, r.text
    p = r.json()["event"]["payload"]
    assert lst.next() == summary(p, "signature mismatch")
    [d] = logs.wait_deliveries(lambda ds: len(ds) == 1 and ds[0]["attempts"] == 1, event_id=p["event_id"])
    assert (d["status"], d["last_status_code"]) == ("pending", 400), d
    assert "signature mismatch" in d["last_error"], d
    assert lst.quiet()
    sb.advance(6)  # past the first backoff (5 s + up to 20 %)
    assert lst.next() == summary(p, "signature mismatch")
    [d] = logs.wait_deliveries(lambda ds: len(ds) == 1 and ds[0]["attempts"] == 2, event_id=p["event_id"])
    assert (d["status"], d["last_status_code"]) == ("pending", 400), d


def test_listen_json_mode_and_custom_status(launch, listeners):
    lst = listeners("--secret", SECRET, "--json", "--status", "202")
    server, sb, logs = hooked_world(launch, lst.url)
    r = server.api.req("POST", "/_sandbox/webhooks/test", json={"event_type": "transaction.confirming"})
    assert r.status_code == 201, r.text
    assert json.loads(lst.next()) == r.json()["event"]["payload"]
    [d] = logs.wait_settled(1)
    assert (d["status"], d["last_status_code"], d["attempts"]) == ("succeeded", 202, 1), d  # any 2xx acknowledges


def test_listen_json_mode_marks_rejected_bodies_on_stderr(launch, listeners):
    """--json prints accepted bodies on stdout only; a rejected body goes to stderr, marked."""
    lst = listeners("--secret", "whsec_not_the_one_the_emulator_uses", "--json")
    server, sb, logs = hooked_world(launch, lst.url, "--webhook-max-attempts", "1")
    r = server.api.req("POST", "/_sandbox/webhooks/test", json={})
    assert r.status_code == 201, r.text
    [d] = logs.wait_settled(1)
    assert (d["status"], d["last_status_code"]) == ("failed", 400), d
    assert lst.quiet()
    rc, err = lst.stop()
    payload = json.dumps(r.json()["event"]["payload"], separators=(",", ":"))
    assert f"rejected (signature mismatch): {payload}\n" in err, err
