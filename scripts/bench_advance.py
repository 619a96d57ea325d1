#!/usr/bin/env python3
# The lifecycle figure of scripts/bench on its own, to iterate on the scheduler in a minute: starts
# the emulator (manual clock, fresh database file), creates N pending ETH transfers through
# POST /api/v1/transfer (wrk, or a thread pool when wrk is missing), then advances the clock once by
# PT10M while one keep-alive client GETs a wallet back to back, and prints the advance's wall time,
# transfers per second, the steps applied, the GET latency (median, p99, max) during the advance,
# whether every transfer is CONFIRMED and whether the ledger balances.
# Usage: scripts/bench_advance.py BINARY [N] [--no-probe] [--keep DIR] [--perf FILE]   (N default 20000)
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

# Appended to a wrk script: a thread stops once it has WRK_LIMIT responses (0: no limit), so a fill
# ends at the target instead of overshooting it by up to a run's worth.
WRK_LIMIT_LUA = """local limit = tonumber(os.getenv("WRK_LIMIT") or "0")
local done = 0
function response(status, headers, body)
  done = done + 1
  if limit > 0 and done >= limit then wrk.thread:stop() end
end
"""

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("n", type=int, nargs="?", default=20000)
ap.add_argument("--keep", help="work directory to use and keep (default: a temporary one)")
ap.add_argument("--perf", help="record the advance with `perf record -g` into this file")
ap.add_argument("--strace", help="trace the advance's system calls (strace -f -c -w) into this file")
ap.add_argument("--no-probe", action="store_true", help="no client GETting during the advance")
ap.add_argument("--extra", default="", help="extra emulator flags, space separated")
args = ap.parse_args()

work = args.keep or tempfile.mkdtemp()
os.makedirs(work, exist_ok=True)
db = os.path.join(work, "advance.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.remove(db + suffix)
proc = subprocess.Popen([args.binary, "--port", "0", "--database", db, "--log-level", "warn", "--keygen-delay-ms", "0",
                         "--manual-clock", *args.extra.split()], stdout=subprocess.PIPE, text=True)
try:
    base = proc.stdout.readline().split("listening on ")[1].strip()
    u = urllib.parse.urlparse(base)

    def call(method, path, body=None, headers=None, conn=None):
        c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        c.request(method, path, None if body is None else json.dumps(body),
                  {"Content-Type": "application/json", **(headers or {})})
        r = c.getresponse()
        data = r.read()
        assert r.status < 300, (r.status, data)
        return json.loads(data) if data else None

    tok = call("POST", "/api/v1/auth/token", headers={"X-API-Key": "pk_sandbox_paratro_emulator",
                                                     "X-API-Secret": "sk_sandbox_paratro_emulator"})["token"]
    auth = {"Authorization": "Bearer " + tok}
    w = call("POST", "/api/v1/wallets", {"wallet_name": "advance bench"}, auth)
    acc = call("POST", "/api/v1/accounts", {"wallet_id": w["wallet_id"], "chain": "ethereum"}, auth)
    ast = call("POST", "/api/v1/assets", {"account_id": acc["account_id"], "symbol": "ETH", "chain": "ethereum"}, auth)
    call("POST", f"/_sandbox/assets/{ast['asset_id']}/balance", {"balance": "100000000000"})
    body = {"from_address": acc["address"], "to_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7",
            "chain": "ethereum", "token_symbol": "ETH", "amount": "0.000001"}

    def total():
        return call("GET", "/api/v1/transactions?page_size=1", headers=auth)["total"]

    t0 = time.perf_counter()
    wrk = shutil.which("wrk")
    lua = os.path.join(work, "transfer.lua")
    with open(lua, "w") as f:
        f.write(f'wrk.method = "POST"\nwrk.headers["Authorization"] = "Bearer {tok}"\n'
                f'wrk.headers["Content-Type"] = "application/json"\nwrk.body = \'{json.dumps(body)}\'\n'
                + WRK_LIMIT_LUA)
    while (have := total()) < args.n:
        if wrk:
            secs = max(1, min(5, (args.n - have) // 4000 + 1))
            # Each of the two wrk threads stops after its half of what is missing.
            env = dict(os.environ, WRK_LIMIT=str((args.n - have + 1) // 2))
            subprocess.run([wrk, "-t2", "-c50", f"-d{secs}s", "-s", lua, base + "/api/v1/transfer"],
                           stdout=subprocess.DEVNULL, check=True, env=env)
        else:
            call("POST", "/api/v1/transfer", body, auth)
    pending = total()
    print(f"pending transfers: {pending} (created in {time.perf_counter() - t0:.1f} s)", flush=True)

    stop = threading.Event()
    lat = []

    def probe():
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        while not stop.is_set():
            s = time.perf_counter()
            c.request("GET", f"/api/v1/wallets/{w['wallet_id']}", headers=auth)
            c.getresponse().read()
            lat.append((time.perf_counter() - s) * 1000)

    th = threading.Thread(target=probe)
    if not args.no_probe:
        th.start()
    time.sleep(0.5)
    lat.clear()
    rec = None
    if args.perf:
        rec = subprocess.Popen(["perf", "record", "--call-graph", os.environ.get("BENCH_CALLGRAPH", "fp"), "-o", args.perf, "-p", str(proc.pid)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
    if args.strace:
        rec = subprocess.Popen(["strace", "-f", "-c", "-w", "-o", args.strace, "-p", str(proc.pid)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
    def cpu_seconds():  # the emulator's user + system time, all threads
        f = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

    def thread_cpu():  # per thread: user + system ticks
        out = {}
        for tid in os.listdir(f"/proc/{proc.pid}/task"):
            try:
                f = open(f"/proc/{proc.pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
                out[tid] = int(f[11]) + int(f[12])
            except OSError:
                pass
        return out

    threads0 = thread_cpu()
    cpu0 = cpu_seconds()
    s = time.perf_counter()
    steps = call("POST", "/_sandbox/clock/advance", {"duration": "PT10M"})["steps"]
    secs = time.perf_counter() - s
    cpu = cpu_seconds() - cpu0
    threads1 = thread_cpu()
    busiest = max(threads1[t] - threads0.get(t, 0) for t in threads1) / os.sysconf("SC_CLK_TCK")
    if rec:
        rec.send_signal(2)
        rec.wait()
    stop.set()
    if th.is_alive():
        th.join()
    lat.sort()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.request("GET", "/_sandbox/metrics")
    metrics = c.getresponse().read().decode()
    still = next(l.split()[-1] for l in metrics.splitlines() if l.startswith("paratro_transactions_pending"))
    ledger = call("GET", "/_sandbox/ledger")
    print(f"advance: {pending} transfers in {secs:.2f} s ({pending / secs:,.0f} tx/s, {steps} steps; emulator CPU {cpu:.2f} s, busiest thread {busiest:.2f} s, load {os.getloadavg()[0]:.1f})")
    if lat:
        print(f"GET /wallets/{{id}} during the advance: {len(lat)} requests, median {lat[len(lat) // 2]:.2f} ms, "
              f"p99 {lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.2f} ms, max {lat[-1]:.2f} ms")
    print(f"still pending after the advance: {still}, ledger balanced: {ledger['balanced']}")
finally:
    proc.terminate()
    proc.wait()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
