#!/usr/bin/env python3
"""List latency against table size, for scripts/bench.

Starts the emulator on a fresh database file, creates one client's set-up through the API (two
wallets, an ethereum and a tron account each, an asset on each), stops it and adds finished
history transactions straight into the SQLite file (a bulk load through the API would take
minutes at 1,000,000 rows), then restarts it and times GET /api/v1/transactions: the first page,
a page in the middle, the last page, and the first page of each documented filter (wallet_id,
account_id, chain). It does this at --small rows and at --large rows (a copy of the small file
topped up), with both emulators running at once and their requests alternating, so the two sizes
are timed under the same load on a shared machine (timed one after the other, the ratio of two
sub-millisecond medians swung by half either way). It prints the median and p99 of each, plus each
emulator's RSS.

The rows are written the way Store::insert_history_transaction writes them (CONFIRMED, no ledger
effect), spread evenly over the four accounts, so each filter matches a quarter or a half of the
table; like the store (migrations 008 and 009), the script gives each row the next rank in each of
the four lists, since no trigger does it (a list's length is its highest rank). Usage: bench_lists.py BINARY WORKDIR [--small 1000] [--large 1000000] [--samples 200]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import time
import urllib.parse

KEY = "pk_sandbox_paratro_emulator"
SECRET = "sk_sandbox_paratro_emulator"


class Emulator:
    def __init__(self, binary: str, db: str):
        self.proc = subprocess.Popen([binary, "--port", "0", "--database", db, "--log-level", "warn",
                                      "--keygen-delay-ms", "0", "--manual-clock"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        url = urllib.parse.urlparse(line.split("listening on ")[1].strip())
        self.host, self.port = url.hostname, url.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.token = None

    def call(self, method, path, body=None, headers=None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=h)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:200]!r}")
        return json.loads(data)

    def login(self):
        self.token = self.call("POST", "/api/v1/auth/token", headers={"X-API-Key": KEY, "X-API-Secret": SECRET})["token"]

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
        return kb / 1024

    def stop(self):
        self.conn.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


def set_up(binary: str, db: str) -> list[dict]:
    """Two wallets x (ethereum, tron) accounts with an asset each; returns the four accounts."""
    e = Emulator(binary, db)
    e.login()
    accounts = []
    for i in range(2):
        w = e.call("POST", "/api/v1/wallets", {"wallet_name": f"lists {i}"})
        for chain, symbol in (("ethereum", "USDT"), ("tron", "TRX")):
            a = e.call("POST", "/api/v1/accounts", {"wallet_id": w["wallet_id"], "chain": chain})
            body = {"account_id": a["account_id"], "symbol": symbol}
            if chain == "ethereum":
                body["chain"] = chain
            asset = e.call("POST", "/api/v1/assets", body)
            accounts.append({**a, "asset_id": asset["asset_id"], "symbol": symbol,
                             "decimals": asset["decimals"]})
    e.stop()
    return accounts


def add_history(db: str, accounts: list[dict], count: int, start_index: int):
    con = sqlite3.connect(db)
    now_ms = int(time.time() * 1000)
    # A list's length is its highest rank (migration 009); each new row takes the next rank of the
    # four lists it joins, as the emulator's own insert does.
    lengths = {}
    for scope, sql in (("client", "SELECT client_id, MAX(client_rank) FROM transactions GROUP BY client_id"),
                       ("wallet", "SELECT wallet_id, MAX(wallet_rank) FROM transactions GROUP BY wallet_id"),
                       ("account", "SELECT account_id, MAX(account_rank) FROM transactions GROUP BY account_id"),
                       ("chain", "SELECT client_id || '/' || chain, MAX(chain_rank) FROM transactions "
                                 "GROUP BY client_id, chain")):
        lengths.update({(scope, id_): n for id_, n in con.execute(sql)})

    def rank(scope: str, id_: str) -> int:
        lengths[(scope, id_)] = lengths.get((scope, id_), 0) + 1
        return lengths[(scope, id_)]

    rows = []
    for i in range(start_index, start_index + count):
        a = accounts[i % len(accounts)]
        ranks = (rank("client", a["client_id"]), rank("wallet", a["wallet_id"]), rank("account", a["account_id"]),
                 rank("chain", a["client_id"] + "/" + a["chain"]))
        rows.append((f"tx_bench{i:09d}", a["wallet_id"], a["account_id"], a["asset_id"], a["client_id"],
                     a["chain"], "TRANSFER", "OUTBOUND", a["address"], a["address"], a["symbol"], "1000",
                     a["decimals"], "", "CONFIRMED", "0x" + secrets.token_hex(32), 1000 + i, 12,
                     now_ms - 10_000_000 + i, now_ms - 10_000_000 + i, None, "", 12, "api", "", "", "", None,
                     *ranks))
        if len(rows) == 50_000:
            _insert(con, rows)
            rows = []
    if rows:
        _insert(con, rows)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _insert(con, rows):
    con.executemany(
        "INSERT INTO transactions(tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type, "
        "direction, from_address, to_address, token_symbol, amount, decimals, memo, status, tx_hash, block_number, "
        "confirmations, created_at_ms, updated_at_ms, next_due_ms, outcome, required_confirmations, origin, "
        "twin_of, to_address_key, failure_reason, confirmed_at_ms, client_rank, wallet_rank, account_rank, "
        "chain_rank) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def paths_for(e: Emulator, accounts: list[dict], rows: int) -> dict:
    total = e.call("GET", "/api/v1/transactions?page_size=1")["total"]
    if total != rows:  # the rows went in without their list ranks: the figures would time empty lists
        raise SystemExit(f"bench_lists: the API lists {total} transactions, {rows} were written")
    last = max(1, (total + 99) // 100)
    a = accounts[0]
    return {
        "first page": "/api/v1/transactions?page=1&page_size=100",
        "middle page": f"/api/v1/transactions?page={max(1, last // 2)}&page_size=100",
        "last page": f"/api/v1/transactions?page={last}&page_size=100",
        "wallet_id": f"/api/v1/transactions?wallet_id={a['wallet_id']}&page_size=100",
        "account_id": f"/api/v1/transactions?account_id={a['account_id']}&page_size=100",
        "chain": "/api/v1/transactions?chain=tron&page_size=100",
    }


def timed(e: Emulator, path: str) -> float:
    t0 = time.perf_counter()
    e.call("GET", path)
    return (time.perf_counter() - t0) * 1000


def summary(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def run_sizes(binary, dbs, accounts, sizes, samples) -> list[dict]:
    """Both emulators at once; each figure's requests alternate between them."""
    emulators = []
    try:
        for db in dbs:
            emulators.append(Emulator(binary, db))
            emulators[-1].login()
        paths = [paths_for(e, accounts, rows) for e, rows in zip(emulators, sizes)]
        out = [{"rows": rows, "figures": {}} for rows in sizes]
        for name in paths[0]:
            times = [[] for _ in emulators]
            for _ in range(3):  # warm the page caches
                for e, p in zip(emulators, paths):
                    timed(e, p[name])
            for _ in range(samples):
                for i, (e, p) in enumerate(zip(emulators, paths)):
                    times[i].append(timed(e, p[name]))
            for i, t in enumerate(times):
                out[i]["figures"][name] = summary(t)
        for o, e in zip(out, emulators):
            o["rss_mb"] = e.rss_mb()
        return out
    finally:
        for e in emulators:
            e.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("workdir")
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()
    small_db = os.path.join(args.workdir, "lists-small.db")
    large_db = os.path.join(args.workdir, "lists.db")
    accounts = set_up(args.binary, small_db)
    add_history(small_db, accounts, args.small, 0)  # ends with a TRUNCATE checkpoint: one file holds it all
    shutil.copyfile(small_db, large_db)
    add_history(large_db, accounts, args.large - args.small, args.small)
    small, large = run_sizes(args.binary, [small_db, large_db], accounts, [args.small, args.large], args.samples)
    print(f"list latency, GET /api/v1/transactions (100 rows), median / p99 ms, "
          f"at {small['rows']:,} and {large['rows']:,} stored transactions:")
    for name in small["figures"]:
        (m1, p1), (m2, p2) = small["figures"][name], large["figures"][name]
        print(f"  {name:<12} {m1:8.2f} / {p1:8.2f}   {m2:8.2f} / {p2:8.2f}   x{m2 / m1:.2f}")
    print(f"RSS after the list runs: {small['rss_mb']:.1f} MB at {small['rows']:,} rows, "
          f"{large['rss_mb']:.1f} MB at {large['rows']:,} rows")


if __name__ == "__main__":
    main()
