"""Fixtures end to end: the shipped demo and CI fixtures load and the API serves their pinned ids,
addresses, balances and history to each fixture client's own credentials; `fixtures validate`
reports broken fixtures by JSON path; a broken fixture, or one that would break an API rule, keeps
the emulator from starting; a restart on the same database with the same fixture changes nothing.
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from e2e_helpers import (DEFAULT_API_KEY, DEFAULT_API_SECRET, Tenant, assert_error, check_account, check_asset,
                         check_list, check_transaction, check_wallet, emulator_bin, random_evm_address)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEMO = FIXTURES / "demo.json"
CI = FIXTURES / "ci.json"


def demo_doc() -> dict:
    return json.loads(DEMO.read_text())


def walk(doc):
    """(client, wallet, account, asset, tx) tuples of every history row, and the objects on the way."""
    for c in doc["clients"]:
        for w in c.get("wallets", []):
            for a in w.get("accounts", []):
                for s in a.get("assets", []):
                    for t in s.get("transactions", []):
                        yield c, w, a, s, t


def write(tmp_path: Path, doc, name="fixture.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def validate(path: Path):
    return subprocess.run([emulator_bin(), "fixtures", "validate", str(path)], capture_output=True, text=True,
                          timeout=30)


def start_refused(tmp_path: Path, fixture: Path, db: Path | None = None):
    """Runs the emulator with `fixture`; it must exit (not serve). Returns (exit code, stdout, stderr)."""
    db = db or tmp_path / "refused.db"
    p = subprocess.run([emulator_bin(), "--port", "0", "--database", str(db), "--log-level", "warn",
                        "--fixtures", str(fixture)], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


# --------------------------------------------------------------------------------------------
# The shipped fixtures through the API
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_launch):
    return module_launch("--fixtures", str(DEMO), "--manual-clock")


def test_demo_serves_pinned_wallets_accounts_and_balances(demo):
    doc = demo_doc()
    lumen = doc["clients"][0]
    assert lumen["api_key"] == DEFAULT_API_KEY  # the README's credentials belong to the demo company
    t = Tenant(demo.api, lumen["client_id"], DEFAULT_API_KEY, DEFAULT_API_SECRET)
    wallets = {w["wallet_id"]: w for w in t.list_all("/api/v1/wallets")}
    assert set(wallets) == {w["wallet_id"] for w in lumen["wallets"]}
    for w in lumen["wallets"]:
        got = wallets[w["wallet_id"]]
        check_wallet(got)
        assert got["wallet_name"] == w["wallet_name"]
        assert got["description"] == w.get("description", "")
        assert got["client_id"] == lumen["client_id"]
    assert wallets["w_lumen_apac"]["status"] == "PROGRESSING"  # pinned as key generation in progress
    assert wallets["w_lumen_treasury"]["status"] == "ACTIVE"

    n_accounts = n_assets = 0
    for w in lumen["wallets"]:
        for a in w.get("accounts", []):
            n_accounts += 1
            got = t.get(f"/api/v1/accounts/{a['account_id']}")
            check_account(got)
            assert got["address"] == a["address"], a["account_id"]
            assert (got["wallet_id"], got["chain"], got["label"]) == (w["wallet_id"], a["chain"], a["label"])
            for s in a.get("assets", []):
                n_assets += 1
                asset = t.asset(s["asset_id"])
                check_asset(asset)
                assert asset["account_id"] == a["account_id"]
                assert asset["symbol"] == s["symbol"]
                assert asset["balance"] == s["balance"].rstrip("0").rstrip(".") if "." in s["balance"] else s["balance"]
                assert asset["locked_balance"] == "0"
    assert t.get("/api/v1/accounts")["total"] == n_accounts
    assert t.get("/api/v1/assets")["total"] == n_assets


def test_demo_history_is_served_as_recorded(demo):
    doc = demo_doc()
    lumen = doc["clients"][0]
    t = Tenant(demo.api, lumen["client_id"], DEFAULT_API_KEY, DEFAULT_API_SECRET)
    rows = [r for r in walk(doc) if r[0] is lumen]
    assert len(list(walk(doc))) >= 30
    listed = {x["tx_id"]: x for x in t.list_all("/api/v1/transactions")}
    assert set(listed) == {r[4]["tx_id"] for r in rows}
    statuses = [x["status"] for x in listed.values()]
    assert statuses.count("FAILED") >= 2 and statuses.count("CONFIRMED") > len(statuses) // 2
    for _, w, a, s, tx in rows:
        got = listed[tx["tx_id"]]
        check_transaction(got)
        assert (got["wallet_id"], got["account_id"], got["direction"], got["status"]) == \
            (w["wallet_id"], a["account_id"], tx["direction"], tx["status"])
        assert got["token_symbol"] == s["symbol"]
        assert got["chain"] == s.get("chain", a["chain"])
        if tx["direction"] == "OUTBOUND":
            assert (got["from_address"], got["to_address"]) == (a["address"], tx["to_address"])
        else:
            assert (got["from_address"], got["to_address"]) == (tx["from_address"], a["address"])
        assert got["memo"] == tx.get("memo", "")
        assert got["block_number"] > 0 and got["tx_hash"]
        if got["chain"] in ("ethereum", "bsc", "polygon", "base"):
            assert re.fullmatch(r"0x[0-9a-f]{64}", got["tx_hash"]), got
        assert got["created_at"] < t.api.req("GET", "/_sandbox/clock").json()["now"]
    # Newest first, like every list.
    times = [x["created_at"] for x in t.list_all("/api/v1/transactions", wallet_id="w_lumen_payroll")]
    assert times == sorted(times, reverse=True)


def test_demo_second_client_sees_only_its_own(demo):
    doc = demo_doc()
    otc = doc["clients"][1]
    t = Tenant(demo.api, otc["client_id"], otc["api_key"], otc["api_secret"])
    assert [w["wallet_id"] for w in t.list_all("/api/v1/wallets")] == ["w_lumen_otc_inventory"]
    assert_error(t.req("GET", "/api/v1/wallets/w_lumen_treasury"), "not_found")
    tok = demo.api.token_response(otc["api_key"], otc["api_secret"]).json()
    assert tok["client"]["client_name"] == "Lumen Pay OTC Desk"
    assert tok["client"]["max_wallets"] == otc["max_wallets"]


def test_demo_balances_are_final_and_history_does_not_move_the_ledger(demo):
    ledger = demo.api.req("GET", "/_sandbox/ledger").json()
    assert ledger["balanced"] is True
    usdt_eth = next(r for r in ledger["tokens"] if (r["chain"], r["symbol"]) == ("ethereum", "USDT"))
    # Treasury + payouts + OTC desk, exactly as the fixture states them.
    stated = sum(Decimal(s["balance"]) for c in demo_doc()["clients"] for w in c["wallets"]
                 for a in w.get("accounts", []) for s in a.get("assets", [])
                 if (s["symbol"], s.get("chain")) == ("USDT", "ethereum"))
    assert Decimal(usdt_eth["balance"]) == stated == Decimal("4095639.75")
    assert usdt_eth["minted"] == usdt_eth["balance"] and usdt_eth["burned"] == "0"


def test_ci_fixture_is_ready_to_transfer(launch):
    s = launch("--fixtures", str(CI), *("--sign-delay-ms", str(10 ** 9)))
    t = s.api.default_tenant()
    assert [w["wallet_id"] for w in t.list_all("/api/v1/wallets")] == ["w_ci_main"]
    usdt = t.asset("ast_ci_usdt")
    assert (usdt["balance"], usdt["chain"], usdt["account_id"]) == ("1000000", "ethereum", "acc_ci_eth")
    assert t.asset("ast_ci_eth")["balance"] == "100"
    account = t.get("/api/v1/accounts/acc_ci_eth")
    r = t.transfer(account["address"], random_evm_address(), "ethereum", "USDT", "250")
    assert r.status_code == 200, r.text
    assert t.asset("ast_ci_usdt")["locked_balance"] == "250"


# --------------------------------------------------------------------------------------------
# `fixtures validate` and refusal to start
# --------------------------------------------------------------------------------------------


def test_validate_accepts_the_shipped_fixtures():
    for path, counts in ((DEMO, "2 clients, 5 wallets, 10 accounts, 17 assets, 54 transactions"),
                         (CI, "1 clients, 1 wallets, 1 accounts, 2 assets, 0 transactions")):
        p = validate(path)
        assert (p.returncode, p.stdout) == (0, f"ok: {counts}\n"), p.stderr


def broken_demo():
    """A copy of the demo with one error of each kind, and the exact lines `validate` must print."""
    doc = demo_doc()
    lumen = doc["clients"][0]
    treasury, payouts = lumen["wallets"][0], lumen["wallets"][1]
    payroll_address = lumen["wallets"][2]["accounts"][0]["address"]
    treasury["accounts"][1]["chain"] = "dogecoin"
    payouts["accounts"][0]["assets"][0]["balance"] = "10.1234567"            # USDT has 6 decimals
    payouts["accounts"][3]["assets"][1]["symbol"] = "USDC"                   # not on tron
    treasury["accounts"][0]["assets"][0]["transactions"][0]["from_address"] = "0x123"
    treasury["accounts"][0]["assets"][1]["asset_id"] = "ast_lumen_treasury_usdt"
    lumen["wallets"][2]["accounts"][0]["address"] = treasury["accounts"][0]["address"]
    doc["clients"][1]["wallets"][0]["colour"] = "blue"
    expected = [
        "$.clients[0].wallets[0].accounts[0].assets[0].transactions[0].from_address: is not a valid ethereum address",
        "$.clients[0].wallets[0].accounts[0].assets[1].asset_id: duplicate id (also at "
        "$.clients[0].wallets[0].accounts[0].assets[0].asset_id)",
        "$.clients[0].wallets[0].accounts[1].chain: Unsupported chain: dogecoin",
        "$.clients[0].wallets[1].accounts[0].assets[0].balance: balance has more decimal places than the asset "
        "supports (6)",
        "$.clients[0].wallets[1].accounts[3].assets[1].symbol: USDC is not available on tron",
        f"$.clients[0].wallets[2].accounts[0].address: does not match the wallet's key_seed, which gives "
        f"{payroll_address}",
        "$.clients[1].wallets[0].colour: unknown field",
    ]
    return doc, expected


def test_validate_reports_each_error_at_its_path(tmp_path):
    doc, expected = broken_demo()
    p = validate(write(tmp_path, doc))
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.splitlines() == expected


def test_validate_reports_malformed_json_with_line_and_column(tmp_path):
    p = validate(write(tmp_path, '{\n  "clients": [\n    {"client_name": "x",,}\n  ]\n}\n'))
    assert p.returncode == 1
    assert p.stdout.startswith("$: malformed JSON at line 3, column 25 (offset 41): "), p.stdout
    p = validate(write(tmp_path, "[1, 2]", "array.json"))
    assert (p.returncode, p.stdout) == (1, "$: a fixture must be a JSON object\n")
    p = validate(tmp_path / "missing.json")
    assert p.returncode == 2 and "cannot read" in p.stderr


def test_broken_fixture_refuses_to_start(tmp_path):
    doc, expected = broken_demo()
    rc, out, err = start_refused(tmp_path, write(tmp_path, doc))
    assert rc == 2
    assert "listening" not in out
    lines = [l.strip() for l in err.splitlines()]
    assert lines[0].endswith("is not a valid fixture")
    assert lines[1:] == expected


@pytest.mark.parametrize("break_it, line", [
    # What the API itself refuses, each at its own path.
    (lambda d: d["clients"][1].update(max_wallets=0),
     "$.clients[1].wallets[0]: Maximum wallet count exceeded (max_wallets = 0)"),
    (lambda d: d["clients"][0]["wallets"][0]["accounts"].append({"chain": "Ethereum"}),
     "$.clients[0].wallets[0].accounts[3]: Wallet already has an account on ethereum (acc_lumen_treasury_eth)"),
    (lambda d: d["clients"][0]["wallets"][0]["accounts"][0]["assets"][1].update(symbol="USDT"),
     "$.clients[0].wallets[0].accounts[0].assets[1]: Asset USDT on ethereum already added to this account"),
    (lambda d: d["clients"][0]["wallets"][0]["accounts"][0]["assets"][0].pop("chain"),
     "$.clients[0].wallets[0].accounts[0].assets[0].chain: chain is required for EVM accounts"),
    (lambda d: d["clients"][0]["wallets"][3].update(accounts=[{"chain": "tron"}]),
     "$.clients[0].wallets[3].accounts[0]: Wallet is not in active state (key generation still running)"),
    (lambda d: d["clients"][0]["wallets"][0].update(wallet_name="x" * 101),
     "$.clients[0].wallets[0].wallet_name: wallet_name must be at most 100 characters"),
    (lambda d: d["clients"][0]["wallets"][0]["accounts"][0]["assets"][0]["transactions"][1].update(amount="0"),
     "$.clients[0].wallets[0].accounts[0].assets[0].transactions[1].amount: amount must be greater than 0"),
    (lambda d: d["clients"][1].update(api_key=DEFAULT_API_KEY),
     "$.clients[1].api_key: duplicate api_key (also at $.clients[0].api_key)"),
])
def test_a_fixture_cannot_create_what_the_api_refuses(tmp_path, break_it, line):
    doc = demo_doc()
    break_it(doc)
    rc, out, err = start_refused(tmp_path, write(tmp_path, doc))
    assert rc == 2 and "listening" not in out
    assert line in [l.strip() for l in err.splitlines()], err


# --------------------------------------------------------------------------------------------
# Restarts and existing databases
# --------------------------------------------------------------------------------------------


def test_restart_with_same_db_and_fixture_does_not_duplicate(launch, tmp_path):
    db = tmp_path / "restart.db"
    s = launch("--fixtures", str(DEMO), db=db)
    before = s.api.health()["counts"]
    t = s.api.default_tenant()
    w = t.create_wallet("made after the load")
    s.stop()

    s2 = launch("--fixtures", str(DEMO), db=db)
    after = s2.api.health()["counts"]
    assert after == {**before, "wallets": before["wallets"] + 1}
    t2 = s2.api.default_tenant()
    assert t2.get(f"/api/v1/wallets/{w['wallet_id']}")["wallet_name"] == "made after the load"
    assert t2.get("/api/v1/wallets/w_lumen_treasury")["wallet_name"] == "Treasury"
    s2.stop()

    # The same database with another fixture, or a database with other data, is refused.
    rc, _, err = start_refused(tmp_path, CI, db=db)
    assert rc == 2 and "was loaded from a different fixture" in err, err
    other = tmp_path / "other.db"
    s3 = launch(db=other)
    s3.api.default_tenant().create_wallet("my own data")
    s3.stop()
    rc, _, err = start_refused(tmp_path, CI, db=other)
    assert rc == 2 and "already holds data that did not come from" in err, err


def test_fixture_on_a_database_with_only_the_default_client_loads(launch, tmp_path):
    db = tmp_path / "plain.db"
    launch(db=db).stop()  # a first start without fixtures creates only the default client
    s = launch("--fixtures", str(CI), db=db)
    assert s.api.health()["counts"]["wallets"] == 1
    assert s.api.default_tenant().asset("ast_ci_usdt")["balance"] == "1000000"
