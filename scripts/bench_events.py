#!/usr/bin/env python3
"""Commit -> event latency of GET /_sandbox/events, as a subscriber sees it (scripts/bench).

Method: one subscriber listens for transaction.created on a raw socket in a thread and stamps each
frame's arrival (time.monotonic). The main thread POSTs transfers one at a time over a keep-alive
connection and stamps each request just before it is sent and its response when it arrives. For each
transfer, event latency = event arrival - request sent: it holds the request's handling and the
group commit as well as the publication, so it is an upper bound of commit -> event; the response
latency of the same requests is printed beside it (the event is published after the COMMIT and
before the response is released, so the two are close). Nothing is subtracted.

Usage: bench_events.py BASE_URL TOKEN FROM_ADDRESS [N] (default 500 transfers)."""
import http.client
import json
import socket
import statistics
import sys
import threading
import time
from urllib.parse import urlparse

base, token, from_address = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 500
url = urlparse(base)
arrivals: dict[str, float] = {}
cond = threading.Condition()


def listen():
    s = socket.create_connection((url.hostname, url.port))
    s.sendall(f"GET /_sandbox/events?types=transaction.created HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode())
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        now = time.monotonic()
        buf += chunk
        while b"\n\n" in buf:
            frame, _, buf = buf.partition(b"\n\n")
            for line in frame.split(b"\n"):
                if line.startswith(b"data: "):
                    tx = json.loads(line[6:])["data"]["tx_id"]
                    with cond:
                        arrivals[tx] = now
                        cond.notify_all()


threading.Thread(target=listen, daemon=True).start()
time.sleep(0.2)  # the subscription is open before the first transfer (a set-up pause, not a measurement)
conn = http.client.HTTPConnection(url.hostname, url.port)
body = json.dumps({"from_address": from_address, "to_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7",
                   "chain": "ethereum", "token_symbol": "ETH", "amount": "0.000001"})
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
event_ms, response_ms = [], []
for _ in range(n):
    sent = time.monotonic()
    conn.request("POST", "/api/v1/transfer", body=body, headers=headers)
    r = conn.getresponse()
    data = json.loads(r.read())
    answered = time.monotonic()
    tx = data.get("data", data)["tx_id"]
    with cond:
        if not cond.wait_for(lambda: tx in arrivals, timeout=10):
            sys.exit(f"no transaction.created event for {tx}")
        event_ms.append((arrivals[tx] - sent) * 1000)
    response_ms.append((answered - sent) * 1000)


def p99(xs):
    return sorted(xs)[max(0, int(len(xs) * 0.99) - 1)]


print(f"commit->event (POST sent -> event received, {n} sequential transfers): median {statistics.median(event_ms):.2f} ms, "
      f"p99 {p99(event_ms):.2f} ms; the POST's own response: median {statistics.median(response_ms):.2f} ms, "
      f"p99 {p99(response_ms):.2f} ms")
