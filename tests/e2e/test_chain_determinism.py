"""Deterministic mode: with --seed and a manual clock the same scripted session against two fresh
emulators yields byte-identical responses (every status line, header except X-Request-Id, and
body), while another seed yields other ids, keys and addresses."""
import json
import re
import time

from chain_helpers import SEEDED_START, SEEDED_START_MS
from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, jwt_parts

# Fixed outside destinations, so the script itself has no randomness.
FOREIGN_EVM = "0x52908400098527886E0F7030069857D2E4169EE7"
FOREIGN_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
FOREIGN_SOL = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"


class Recorder:
    """Sends requests to one emulator and records everything about each response but X-Request-Id."""

    def __init__(self, api):
        self.api = api
        self.log = []

    def __call__(self, method, path, token=None, json_body=None, params=None, expect=200, headers=None):
        r = self.api.req(method, path, token=token, json=json_body, params=params, headers=headers)
        headers = sorted((k.lower(), v) for k, v in r.headers.items() if k.lower() != "x-request-id")
        self.log.append((method, path, json.dumps(params, sort_keys=True), r.status_code, headers, r.content))
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json()


def session(api) -> tuple[list, dict]:
    """The scripted session: token, wallets, clock, accounts on several chains, assets, funding,
    transfers of every kind, deposits, advances, then reads of everything."""
    rec = Recorder(api)
    facts = {}
    tok = rec("POST", "/api/v1/auth/token", headers={"X-API-Key": DEFAULT_API_KEY,
                                                     "X-API-Secret": DEFAULT_API_SECRET})["token"]
    facts["token"] = tok
    facts["clock0"] = rec("GET", "/_sandbox/clock")

    w = rec("POST", "/api/v1/wallets", tok, {"wallet_name": "deterministic", "description": "seeded run"})
    wid = w["wallet_id"]
    rec("GET", f"/api/v1/wallets/{wid}", tok)
    rec("POST", "/api/v1/accounts", tok, {"wallet_id": wid, "chain": "ethereum"}, expect=400)
    rec("POST", "/_sandbox/clock/advance", json_body={"seconds": 3})
    rec("GET", f"/api/v1/wallets/{wid}", tok)

    acc = {}
    for chain in ("ethereum", "bsc", "tron", "bitcoin", "solana"):
        acc[chain] = rec("POST", "/api/v1/accounts", tok, {"wallet_id": wid, "chain": chain, "label": chain})
    facts["addresses"] = {c: a["address"] for c, a in acc.items()}
    facts["ids"] = [wid] + [a["account_id"] for a in acc.values()]

    # A second client that receives an internal transfer.
    c2 = rec("POST", "/_sandbox/clients", json_body={"name": "receiver"}, expect=201)
    tok2 = rec("POST", "/api/v1/auth/token", headers={"X-API-Key": c2["api_key"],
                                                      "X-API-Secret": c2["api_secret"]})["token"]
    w2 = rec("POST", "/api/v1/wallets", tok2, {"wallet_name": "receiver"})
    rec("POST", "/_sandbox/clock/advance", json_body={"duration": "PT3S"})
    acc2 = rec("POST", "/api/v1/accounts", tok2, {"wallet_id": w2["wallet_id"], "chain": "ethereum"})

    assets = {
        "USDT": rec("POST", "/api/v1/assets", tok, {"account_id": acc["ethereum"]["account_id"], "symbol": "USDT",
                                                    "chain": "ethereum"}),
        "ETH": rec("POST", "/api/v1/assets", tok, {"account_id": acc["ethereum"]["account_id"], "symbol": "ETH",
                                                   "chain": "ethereum"}),
        "TRX": rec("POST", "/api/v1/assets", tok, {"account_id": acc["tron"]["account_id"], "symbol": "TRX"}),
        "SOL": rec("POST", "/api/v1/assets", tok, {"account_id": acc["solana"]["account_id"], "symbol": "SOL"}),
        "BTC": rec("POST", "/api/v1/assets", tok, {"account_id": acc["bitcoin"]["account_id"], "symbol": "BTC"}),
    }
    for sym, bal in (("USDT", "1000"), ("ETH", "5"), ("TRX", "300"), ("SOL", "20")):
        rec("POST", f"/_sandbox/assets/{assets[sym]['asset_id']}/balance", json_body={"balance": bal})

    def transfer(frm, to, chain, sym, amount, memo=None):
        body = {"from_address": frm, "to_address": to, "chain": chain, "token_symbol": sym, "amount": amount}
        if memo:
            body["memo"] = memo
        return rec("POST", "/api/v1/transfer", tok, body)["tx_id"]

    txs = [
        transfer(acc["ethereum"]["address"], FOREIGN_EVM, "ethereum", "USDT", "123.45"),
        transfer(acc["ethereum"]["address"], acc2["address"], "ethereum", "ETH", "1.25"),
        transfer(acc["tron"]["address"], FOREIGN_TRON, "tron", "TRX", "10", "sandbox:fail_onchain"),
        transfer(acc["solana"]["address"], FOREIGN_SOL, "solana", "SOL", "2.5", "sandbox:hold"),
        transfer(acc["ethereum"]["address"], FOREIGN_EVM, "ethereum", "USDT", "1", "sandbox:fail_signing"),
    ]
    rec("POST", "/api/v1/transfer", tok, {"from_address": acc["ethereum"]["address"], "to_address": FOREIGN_EVM,
                                          "chain": "ethereum", "token_symbol": "USDT", "amount": "5000"}, expect=400)
    dep = rec("POST", "/_sandbox/deposits", json_body={"address": acc["bitcoin"]["address"], "chain": "bitcoin",
                                                        "token_symbol": "BTC", "amount": "0.5"}, expect=201)
    txs.append(dep["tx_id"])
    facts["tx_ids"] = txs

    for step in ({"seconds": 2}, {"seconds": 1}, {"duration": "PT12S"}, {"duration": "PT5M"}):
        rec("POST", "/_sandbox/clock/advance", json_body=step)
        for t in txs:
            rec("GET", f"/api/v1/transactions/{t}", tok)
    rec("POST", f"/_sandbox/transactions/{txs[3]}/release")
    rec("POST", "/_sandbox/clock/advance", json_body={"duration": "PT1H"})
    # Tokens live in real time in every mode: an hour of virtual time later the token still works,
    # as an SDK's token cache (kept by wall time) expects.
    rec("GET", "/api/v1/wallets", tok)
    tok = rec("POST", "/api/v1/auth/token", headers={"X-API-Key": DEFAULT_API_KEY,
                                                     "X-API-Secret": DEFAULT_API_SECRET})["token"]
    tok2 = rec("POST", "/api/v1/auth/token", headers={"X-API-Key": c2["api_key"],
                                                      "X-API-Secret": c2["api_secret"]})["token"]
    for t in txs:
        rec("GET", f"/api/v1/transactions/{t}", tok)
    rec("GET", "/api/v1/transactions", tok, params={"page": 1, "page_size": 50})
    rec("GET", "/api/v1/transactions", tok, params={"chain": "ethereum"})
    rec("GET", "/api/v1/transactions", tok2)
    rec("GET", "/api/v1/accounts", tok, params={"wallet_id": wid})
    rec("GET", "/api/v1/assets", tok)
    rec("GET", "/api/v1/assets", tok2)
    rec("GET", "/api/v1/wallets", tok)
    facts["ledger"] = rec("GET", "/_sandbox/ledger")
    facts["clock"] = rec("GET", "/_sandbox/clock")
    rec("GET", "/api/v1/transactions/tx_unknown", tok, expect=404)
    return rec.log, facts


def test_same_seed_same_bytes(launch):
    logs, facts = [], []
    for _ in range(2):
        server = launch("--seed", "42", "--manual-clock", keygen_delay_ms=3000)
        log, f = session(server.api)
        logs.append(log)
        facts.append(f)
        server.stop()
    a, b = logs
    assert len(a) == len(b) > 80
    # Only the tokens may differ: their iat/exp are wall-clock seconds (the two runs may straddle one).
    jwt = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
    for i, (x, y) in enumerate(zip(a, b)):
        x, y = jwt.sub("<token>", str(x)), jwt.sub("<token>", str(y))
        assert x == y, f"response #{i} differs:\n{x}\n{y}"

    f = facts[0]
    # A seeded run starts at 2026-01-01T00:00:00Z; token times are wall-clock times all the same.
    assert f["clock0"]["now"] == SEEDED_START and f["clock0"]["now_ms"] == SEEDED_START_MS
    _, claims, _ = jwt_parts(f["token"])
    assert abs(claims["iat"] - time.time()) < 60, claims
    assert claims["exp"] == claims["iat"] + 900, claims
    # The session really did something: every transfer reached its end, books balance.
    assert f["ledger"]["balanced"] is True
    rows = {(r["chain"], r["symbol"]): r for r in f["ledger"]["tokens"]}
    assert rows[("ethereum", "USDT")]["burned"] == "123.45"
    assert rows[("ethereum", "ETH")]["burned"] == "0" and rows[("ethereum", "ETH")]["balance"] == "5"
    assert rows[("tron", "TRX")]["balance"] == "300" and rows[("tron", "TRX")]["burned"] == "0"
    assert rows[("solana", "SOL")]["burned"] == "2.5"
    assert rows[("bitcoin", "BTC")]["minted"] == "0.5"
    assert f["clock"]["now_ms"] == SEEDED_START_MS + 6_000 + 2_000 + 1_000 + 12_000 + 300_000 + 3_600_000


def test_different_seed_gives_different_addresses(launch):
    results = {}
    for seed in ("42", "43"):
        server = launch("--seed", seed, "--manual-clock", keygen_delay_ms=3000)
        results[seed] = session(server.api)[1]
        server.stop()
    a, b = results["42"], results["43"]
    for chain in a["addresses"]:
        assert a["addresses"][chain] != b["addresses"][chain], chain
    assert not set(a["ids"]) & set(b["ids"])
    assert not set(a["tx_ids"]) & set(b["tx_ids"])
    assert a["token"] != b["token"]
    # Both still start at the same seeded instant and end with the same books.
    assert a["clock"] == b["clock"]
    assert a["ledger"] == b["ledger"]


def test_unseeded_runs_differ(launch):
    addrs = []
    for _ in range(2):
        server = launch("--manual-clock", "--start-time", SEEDED_START, keygen_delay_ms=0)
        t = server.api.default_tenant()
        w = t.create_wallet("x")
        addrs.append(t.create_account(w["wallet_id"], "ethereum")["address"])
        server.stop()
    assert addrs[0] != addrs[1]
