"""The process itself: banner, --version/--help, environment variables, restart persistence."""
import os
import re
import subprocess

from e2e_helpers import (DEFAULT_API_KEY, DEFAULT_API_SECRET, HOLD_PENDING, emulator_bin, random_evm_address)


def run_bin(*args, timeout=10):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARATRO_EMULATOR_")}
    return subprocess.run([emulator_bin(), *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_version_exits_zero():
    r = run_bin("--version")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"paratro-emulator \d+\.\d+\.\d+\S*\n?", r.stdout), r.stdout


def test_help_exits_zero_and_lists_flags():
    r = run_bin("--help")
    assert r.returncode == 0, r.stderr
    for flag in ("--port", "--database", "--log-level", "--keygen-delay-ms", "--token-ttl", "--max-body-bytes",
                 "--threads", "--version", "--help"):
        assert flag in r.stdout, flag


def test_unknown_flag_fails():
    r = run_bin("--no-such-flag")
    assert r.returncode != 0


def test_banner_and_version_agree(launch):
    srv = launch()
    assert srv.banner[0].startswith(f"paratro-emulator {srv.version} listening on http://127.0.0.1:{srv.port}")
    text = "\n".join(srv.banner)
    assert DEFAULT_API_KEY in text and DEFAULT_API_SECRET in text
    assert srv.api.health()["version"] == srv.version
    assert run_bin("--version").stdout.strip() == f"paratro-emulator {srv.version}"


def test_environment_variables_configure_the_server(launch):
    srv = launch(env={"PARATRO_EMULATOR_TOKEN_TTL": "7"})
    r = srv.api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert r.json()["expires_in"] == 7
    # A flag on the command line wins over the environment.
    srv2 = launch("--token-ttl", "11", env={"PARATRO_EMULATOR_TOKEN_TTL": "7"})
    assert srv2.api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET).json()["expires_in"] == 11


def test_sigterm_exits_cleanly(launch):
    srv = launch()
    assert srv.stop() == 0


def test_restart_keeps_data_and_signing_key(launch, tmp_path):
    db = tmp_path / "persist.db"
    first = launch(*HOLD_PENDING, db=db)
    t = first.api.new_tenant(name="persistent")
    w = t.active_wallet("survivor", "kept across restarts")
    acc = t.create_account(w["wallet_id"], "ethereum")
    asset = t.create_asset(acc["account_id"], "USDT", "ethereum")
    first.api.fund(asset["asset_id"], "5")
    r = t.transfer(acc["address"], random_evm_address(), "ethereum", "USDT", "0.5")
    assert r.status_code == 200, r.text
    tx_id = r.json()["tx_id"]
    old_token = t.token
    before = t.snapshot()
    assert first.stop() == 0

    second = launch(*HOLD_PENDING, db=db)
    assert second.port  # a new process, possibly on another port
    api = second.api
    # The token issued by the first process still verifies: the signing key is persisted.
    r = api.req("GET", f"/api/v1/wallets/{w['wallet_id']}", token=old_token)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["wallet_name"] == "survivor"
    assert got["description"] == "kept across restarts"
    assert (got["status"], got["key_status"]) == ("ACTIVE", "ACTIVE")
    # Same addresses, balances and transactions; the client's credentials still work.
    t.api = api
    assert t.get(f"/api/v1/accounts/{acc['account_id']}")["address"] == acc["address"]
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("4.5", "0.5")
    assert t.get(f"/api/v1/transactions/{tx_id}")["amount"] == "0.5"
    assert t.snapshot() == before
    new_token = api.token(t.api_key, t.api_secret)
    assert api.req("GET", "/api/v1/wallets", token=new_token).json()["total"] == 1
    # The new address space continues: another account on the same wallet derives the same EVM address.
    bsc = t.create_account(w["wallet_id"], "bsc")
    assert bsc["address"] == acc["address"]


def test_memory_database_starts_empty_each_time(launch):
    s1 = launch(db=":memory:")
    t = s1.api.default_tenant()
    t.create_wallet()
    assert t.get("/api/v1/wallets")["total"] == 1
    s1.stop()
    s2 = launch(db=":memory:")
    t2 = s2.api.default_tenant()
    assert t2.get("/api/v1/wallets")["total"] == 0
