"""Issue 14: time that matches the calendar, a command line that refuses mistakes, visible webhook
failures, the attempt-time regression, and a demo that adds up.

Wall-clock comparisons use generous bounds ("within a second or two of time.time()"); everything
about ordering or amounts runs on a manual clock.
"""
from __future__ import annotations

import json
import socket
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from chain_helpers import Sandbox, rfc_ms
from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, emulator_bin, jwt_parts, wait_until
from webhook_receiver import receivers  # noqa: F401  (fixture)

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.json"


def wall_ms() -> int:
    return int(time.time() * 1000)


def assert_near_wall(ms: int, slack_ms: int = 2000):
    assert abs(ms - wall_ms()) <= slack_ms, (ms, wall_ms())


def clock_line(server) -> str:
    """The banner's clock line (the banner is printed at once; its later lines may still be queued)."""
    def find():
        lines = server.banner + [l for l in list(server._lines.queue) if l]
        return next((l for l in lines if l.startswith("  clock:")), None)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        line = find()
        if line:
            return line
        time.sleep(0.02)
    raise AssertionError(f"no clock line in {server.banner}")


def run_cli(*args, env=None, timeout=10):
    """Runs the binary to completion (for refusals); returns (rc, stdout, stderr)."""
    full_env = {"PATH": "/usr/bin:/bin"}
    full_env.update(env or {})
    r = subprocess.run([emulator_bin(), *map(str, args)], capture_output=True, text=True, env=full_env, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------


def test_running_clock_is_the_wall_clock_across_restart_and_downtime(launch, tmp_path):
    db = tmp_path / "wall.db"
    server = launch(db=db)
    clock = Sandbox(server.api).clock()
    assert clock["mode"] == "running" and clock["speed"] == 1
    assert_near_wall(clock["now_ms"])
    t = server.api.default_tenant()
    w = t.req("POST", "/api/v1/wallets", json={"wallet_name": "calendar"}).json()
    assert_near_wall(rfc_ms(w["created_at"]))
    assert "clock:      running at 1x" in clock_line(server) and "(mode default, speed default)" in clock_line(server)
    server.stop()
    time.sleep(1.5)  # downtime: the calendar keeps pace with the wall, neither ahead nor behind
    server = launch(db=db)
    assert_near_wall(Sandbox(server.api).clock()["now_ms"])
    assert "(mode from the database, speed from the database)" in clock_line(server)
    # A deliberate advance is kept as an offset from the wall clock, also over a restart.
    Sandbox(server.api).advance(3600)
    server.stop()
    server = launch(db=db)
    assert abs(Sandbox(server.api).clock()["now_ms"] - (wall_ms() + 3_600_000)) <= 2000


def test_default_timings_confirm_every_chain_within_ten_seconds(launch):
    """Running clock at speed 1 with the default durations: deposits on every chain confirm within
    ~10 s of wall time (sign/broadcast do not apply to deposits, so the bound is looser than needed)."""
    server = launch(keygen_delay_ms=0)
    t = server.api.default_tenant()
    w = t.req("POST", "/api/v1/wallets", json={"wallet_name": "fast"}).json()
    deposits = []
    for chain, symbol, amount in (("ethereum", "ETH", "1"), ("polygon", "USDT", "1"), ("bitcoin", "BTC", "0.1"),
                                  ("solana", "SOL", "1"), ("tron", "TRX", "1"), ("bsc", "BNB", "1")):
        acc = t.req("POST", "/api/v1/accounts", json={"wallet_id": w["wallet_id"], "chain": chain}).json()
        r = server.api.req("POST", "/_sandbox/deposits", json={"address": acc["address"], "chain": chain,
                                                               "token_symbol": symbol, "amount": amount})
        assert r.status_code == 201, r.text
        deposits.append(r.json()["tx_id"])
    start = time.monotonic()
    pending = set(deposits)
    while pending and time.monotonic() - start < 12:
        for tx in list(pending):
            if t.req("GET", f"/api/v1/transactions/{tx}").json()["status"] == "CONFIRMED":
                pending.discard(tx)
        time.sleep(0.2)
    assert not pending, f"not CONFIRMED within 12 s: {pending}"


@pytest.mark.parametrize("mode", ["running", "manual", "seeded"])
def test_tokens_live_in_real_time_in_every_mode(launch, mode):
    args = {"running": (), "manual": ("--manual-clock",), "seeded": ("--seed", "7", "--manual-clock")}[mode]
    server = launch(*args, "--token-ttl", "5")
    r = server.api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert r.status_code == 200 and r.json()["expires_in"] == 5
    token = r.json()["token"]
    _, claims, _ = jwt_parts(token)
    assert abs(claims["iat"] - time.time()) <= 2 and claims["exp"] == claims["iat"] + 5
    # A day of virtual time later the cached token is still good: it expires by the wall clock.
    Sandbox(server.api).advance(86_400)
    assert server.api.req("GET", "/api/v1/wallets", token=token).status_code == 200
    time.sleep(max(0.0, claims["exp"] + 1.2 - time.time()))
    r = server.api.req("GET", "/api/v1/wallets", token=token)
    assert r.status_code == 401 and r.json()["code"] == "token_expired", r.text


def test_put_clock_switches_mode_and_speed_at_run_time(launch):
    server = launch("--manual-clock")
    sb = Sandbox(server.api)
    frozen = sb.clock()
    assert frozen["mode"] == "manual"
    r = server.api.req("PUT", "/_sandbox/clock", json={"mode": "running"})
    assert r.status_code == 200 and r.json()["mode"] == "running" and r.json()["speed"] == 1
    assert r.json()["now_ms"] >= frozen["now_ms"]
    time.sleep(0.3)
    assert sb.clock()["now_ms"] > frozen["now_ms"]
    r = server.api.req("PUT", "/_sandbox/clock", json={"mode": "manual", "speed": 0.5})
    assert r.status_code == 200 and r.json()["mode"] == "manual" and r.json()["speed"] == 0.5
    stopped = r.json()["now_ms"]
    time.sleep(0.2)
    assert sb.clock()["now_ms"] == stopped
    for body, msg in (({"mode": "fast"}, "mode must be"), ({"speed": 0}, "speed must be"), ({"speed": "2"}, "speed must be"),
                      ({}, "give mode"), ({"mode": "manual", "sped": 2}, "Unknown field sped")):
        r = server.api.req("PUT", "/_sandbox/clock", json=body)
        assert r.status_code == 400 and r.json()["code"] == "invalid_parameter" and msg in r.json()["message"], r.text
    assert sb.clock()["now_ms"] == stopped  # refusals change nothing


def test_restart_flags_win_over_the_database_and_the_banner_says_so(launch, tmp_path):
    db = tmp_path / "modes.db"
    server = launch("--manual-clock", db=db)
    assert "clock:      manual," in clock_line(server) and "(mode from --manual-clock, speed default)" in clock_line(server)
    server.stop()
    server = launch(db=db)  # no flag: the database remembers manual
    assert Sandbox(server.api).clock()["mode"] == "manual"
    assert "(mode from the database, speed from the database)" in clock_line(server)
    server.stop()
    server = launch(db=db, env={"PARATRO_EMULATOR_MANUAL_CLOCK": "false"})
    assert Sandbox(server.api).clock()["mode"] == "running"
    assert "(mode from PARATRO_EMULATOR_MANUAL_CLOCK, speed from the database)" in clock_line(server)
    server.stop()
    server = launch("--manual-clock", "--clock-speed", "3", db=db)
    c = Sandbox(server.api).clock()
    assert (c["mode"], c["speed"]) == ("manual", 3)
    server.stop()
    server = launch("--manual-clock=false", db=db)
    c = Sandbox(server.api).clock()
    assert (c["mode"], c["speed"]) == ("running", 3)
    assert "clock:      running at 3x" in clock_line(server)


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args,env,message", [
    (["fixture", "validate", "x.json"], {}, "unknown command 'fixture' (commands: webhooks listen, fixtures validate; see --help)"),
    (["--port", "8080", "extra"], {}, "unexpected argument 'extra'"),
    (["--port", "-1"], {}, "--port must be an integer from 0 to 65535, got '-1'"),
    (["--seed", "-1"], {}, "--seed must be an integer from 0 to 18446744073709551615, got '-1'"),
    (["--token-ttl", "0"], {}, "--token-ttl must be an integer from 1 to 31536000, got '0'"),
    (["--token-ttl", "-5"], {}, "--token-ttl must be an integer from 1 to 31536000, got '-5'"),
    (["--sign-delay-ms", "-1"], {}, "--sign-delay-ms must be an integer from 0 to 1000000000000, got '-1'"),
    (["--clock-speed", "0"], {}, "--clock-speed must be a number greater than 0 and at most 1000000, got '0'"),
    (["--bogus"], {}, "unknown option --bogus (see --help)"),
    ([], {"PARATRO_EMULATOR_MANUAL_CLOCK": ""}, "PARATRO_EMULATOR_MANUAL_CLOCK is empty: set it to true or false, or unset it"),
    ([], {"PARATRO_EMULATOR_PORT": "-1"}, "PARATRO_EMULATOR_PORT must be an integer from 0 to 65535, got '-1'"),
    (["fixtures", "validate"], {}, "fixtures validate takes exactly one FILE"),
])
def test_mistakes_are_refused_with_one_line_and_status_2(tmp_path, args, env, message):
    rc, out, err = run_cli(*args, "--database", tmp_path / "never.db", env=env) if args[:1] != ["fixtures"] \
        else run_cli(*args, env=env)
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err == f"paratro-emulator: {message}\n" or \
        (err.startswith("paratro-emulator: ") and message in err and err.count("\n") == 1), err
    assert not (tmp_path / "never.db").exists()  # nothing was started or created


def test_help_lists_the_subcommands():
    rc, out, _ = run_cli("--help")
    assert rc == 0
    assert "paratro-emulator webhooks listen" in out and "paratro-emulator fixtures validate FILE" in out
    assert "--clock-speed X" in out and "[default: 1 (or the database's)]" in out


def test_port_in_use_names_the_address(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        rc, out, err = run_cli("--port", port, "--database", ":memory:")
    assert rc == 2 and out == ""
    assert err == (f"paratro-emulator: cannot listen on 127.0.0.1:{port}: the address is already in use (another "
                   "emulator? choose another --port, or --port 0 for a free one)\n")


def test_foreign_and_corrupt_databases_are_refused_untouched(tmp_path):
    import sqlite3
    foreign = tmp_path / "other-app.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    con.commit()
    con.close()
    rc, out, err = run_cli("--port", 0, "--database", foreign)
    assert rc == 2 and out == ""
    assert err == (f"paratro-emulator: {foreign} is a SQLite database of another application (it has tables but no "
                   "schema_migrations): the emulator will not change it; give --database a new file\n")
    con = sqlite3.connect(foreign)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["notes"]
    con.close()

    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database at all" * 200)
    rc, out, err = run_cli("--port", 0, "--database", corrupt)
    assert rc == 2 and out == ""
    assert err == (f"paratro-emulator: {corrupt} is not a SQLite database (corrupt, or another kind of file): move it "
                   "away or give --database a new file\n")


def test_port_file_is_removed_at_exit(launch, tmp_path):
    pf = tmp_path / "emu.port"
    pf.write_text("1\n")  # a stale file of a previous run is removed before the new port is written
    server = launch("--port-file", pf)
    assert pf.read_text() == f"{server.port}\n"
    assert server.stop() == 0
    assert not pf.exists()


# --------------------------------------------------------------------------------------------
# Webhooks
# --------------------------------------------------------------------------------------------


def test_attempt_time_is_when_the_attempt_started_not_when_the_answer_came(launch, receivers):
    """Regression: last_attempt_at was stamped when the response arrived, so a clock moved while the
    receiver was answering made it late (and seeded runs differ)."""
    rcv = receivers(default=500)
    rcv.gate.clear()  # the receiver holds its answer until the gate opens
    server = launch("--manual-clock", "--webhook-url", rcv.url, "--webhook-max-attempts", "1")
    sb = Sandbox(server.api)
    started = sb.clock()["now"]
    r = server.api.req("POST", "/_sandbox/webhooks/test", json={})
    assert r.status_code == 201, r.text
    rcv.wait_for(1, timeout=10)
    sb.advance(3600)  # the clock moves an hour while the receiver holds its answer
    rcv.gate.set()
    d = wait_until(lambda: next((x for x in server.api.req("GET", "/_sandbox/webhooks/deliveries").json()["data"]
                                 if x["status"] == "failed"), None))
    assert d["attempts"] == 1 and d["last_status_code"] == 500
    assert d["last_attempt_at"] == started, d  # not an hour later


def test_each_failed_attempt_logs_one_warn_line(launch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    url = f"http://127.0.0.1:{dead}/hooks"
    server = launch("--manual-clock", "--webhook-url", url, "--webhook-max-attempts", "2", log_level="warn")
    ev = server.api.req("POST", "/_sandbox/webhooks/test", json={}).json()["event"]
    warn1 = wait_until(lambda: [l for l in list(server._lines.queue) if " warn webhook " in (l or "")])
    assert len(warn1) == 1
    line = warn1[0]
    assert f"transaction.confirmed {ev['event_id']}" in line and "attempt 1/2" in line and f"to {url} failed: connect" in line
    assert "next attempt at " in line
    Sandbox(server.api).advance(60)
    warns = wait_until(lambda: [l for l in list(server._lines.queue) if " warn webhook " in (l or "")][1:] and
                       [l for l in list(server._lines.queue) if " warn webhook " in (l or "")])
    assert len(warns) == 2 and "attempt 2/2" in warns[1] and warns[1].endswith("; giving up")


# --------------------------------------------------------------------------------------------
# The demo adds up
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_launch):
    return module_launch("--fixtures", str(DEMO), "--manual-clock")


def demo_tenants(server):
    doc = json.loads(DEMO.read_text())
    from e2e_helpers import Tenant
    return [Tenant(server.api, c["client_id"], c["api_key"], c["api_secret"]) for c in doc["clients"]]


def test_demo_every_balance_equals_its_history(demo):
    checked = 0
    for t in demo_tenants(demo):
        for asset in t.list_all("/api/v1/assets"):
            txs = [x for x in t.list_all("/api/v1/transactions", account_id=asset["account_id"])
                   if x["chain"] == asset["chain"] and x["token_symbol"] == asset["symbol"]]
            total = Decimal(0)
            for x in txs:
                if x["status"] == "CONFIRMED":
                    total += Decimal(x["amount"]) if x["direction"] == "INBOUND" else -Decimal(x["amount"])
            assert Decimal(asset["balance"]) == total, (asset["asset_id"], asset["balance"], total)
            checked += 1
    assert checked == 17


def test_demo_lists_are_newest_first_and_history_ends_at_the_start(demo):
    start = Sandbox(demo.api).clock()["now_ms"]
    for t in demo_tenants(demo):
        times = [rfc_ms(x["created_at"]) for x in t.list_all("/api/v1/transactions")]
        assert times == sorted(times, reverse=True)
        # Dated relative to the load instant: the newest row weeks, not months, before it.
        assert times[0] <= start and start - times[0] < 21 * 86_400_000
        assert start - times[-1] <= 46 * 86_400_000


def test_demo_internal_transfers_land_in_the_wallet_they_name(demo):
    lumen = demo_tenants(demo)[0]
    accounts = {a["address"].lower(): a for a in lumen.list_all("/api/v1/accounts")}
    txs = lumen.list_all("/api/v1/transactions")
    top_ups = [x for x in txs if x["memo"].startswith("weekly hot top-up") and x["status"] == "CONFIRMED"
               and x["direction"] == "OUTBOUND"]
    assert len(top_ups) == 4
    for out in top_ups:
        dest = accounts[out["to_address"].lower()]
        assert dest["wallet_id"] == "w_lumen_payouts"
        twin = [x for x in txs if x["tx_hash"] == out["tx_hash"] and x["direction"] == "INBOUND"]
        assert len(twin) == 1 and twin[0]["wallet_id"] == "w_lumen_payouts" and twin[0]["amount"] == out["amount"]


def test_demo_keygen_wallet_stays_progressing_for_two_minutes(demo):
    lumen = demo_tenants(demo)[0]
    assert lumen.req("GET", "/api/v1/wallets/w_lumen_apac").json()["status"] == "PROGRESSING"
    sb = Sandbox(demo.api)
    sb.advance(60)
    assert lumen.req("GET", "/api/v1/wallets/w_lumen_apac").json()["status"] == "PROGRESSING"
    sb.advance(61)
    assert lumen.req("GET", "/api/v1/wallets/w_lumen_apac").json()["status"] == "ACTIVE"


def test_demo_webhooks_point_at_the_readme_listener_port():
    doc = json.loads(DEMO.read_text())
    assert doc["clients"][0]["webhook"]["url"] == "http://127.0.0.1:4242/webhooks"
    readme = (DEMO.parents[1] / "README.md").read_text()
    assert "webhooks listen --port 4242" in readme
