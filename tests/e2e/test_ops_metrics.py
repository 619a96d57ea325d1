"""GET /_sandbox/metrics in the Prometheus text format: request counters by route template, method
and status that grow by exactly the requests made, a monotone latency histogram per route, and
gauges from the store (pending transactions, row counts) that agree with the data."""
import re

import pytest

from e2e_helpers import HOLD_PENDING, random_evm_address

SERVER_ARGS = HOLD_PENDING

# Label values may hold braces (route templates), so quoted strings are matched as a whole.
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(api):
    """{(name, frozenset(labels)): value} and the TYPE of each metric family."""
    r = api.req("GET", "/_sandbox/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples, types = {}, {}
    for line in r.text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(LABEL_RE.findall(m.group(3) or ""))
        key = (m.group(1), labels)
        assert key not in samples, f"duplicate sample {line!r}"
        samples[key] = float(m.group(4))
    return samples, types


def requests_total(samples, route, method, status):
    return samples.get(("paratro_http_requests_total",
                        frozenset({("route", route), ("method", method), ("status", str(status))})), 0)


def test_counters_grow_by_exactly_the_requests_made(api, shared_tenant, shared_wallet):
    t, wid = shared_tenant, shared_wallet["wallet_id"]
    before, types = scrape(api)
    assert types["paratro_http_requests_total"] == "counter"
    for _ in range(3):
        assert t.req("GET", f"/api/v1/wallets/{wid}").status_code == 200
    for i in range(2):
        assert t.req("GET", f"/api/v1/wallets/w_missing{i}").status_code == 404
    assert t.req("POST", "/api/v1/wallets", json={"wallet_name": "m"}).status_code == 200
    assert t.req("DELETE", "/api/v1/wallets").status_code == 405
    assert api.req("GET", "/api/v1/definitely/not/a/route").status_code == 404
    after, _ = scrape(api)
    delta = lambda route, method, status: (requests_total(after, route, method, status) -
                                           requests_total(before, route, method, status))
    assert delta("/api/v1/wallets/{id}", "GET", 200) == 3
    assert delta("/api/v1/wallets/{id}", "GET", 404) == 2
    assert delta("/api/v1/wallets", "POST", 200) == 1
    assert delta("/api/v1/wallets", "DELETE", 405) == 1
    assert delta("unmatched", "GET", 404) == 1
    assert delta("/_sandbox/metrics", "GET", 200) == 1  # the first scrape itself
    # Ids never become label values.
    assert not any("w_" in v for (_, labels) in after for (_, v) in labels)


def test_histogram_is_cumulative_and_consistent(api, shared_tenant):
    for _ in range(5):
        shared_tenant.req("GET", "/api/v1/accounts")
    samples, types = scrape(api)
    assert types["paratro_http_request_duration_seconds"] == "histogram"
    routes = {dict(l)["route"] for (n, l) in samples if n == "paratro_http_request_duration_seconds_count"}
    assert "/api/v1/accounts" in routes
    for route in routes:
        buckets = sorted(((float("inf") if dict(l)["le"] == "+Inf" else float(dict(l)["le"])), v)
                         for (n, l), v in samples.items()
                         if n == "paratro_http_request_duration_seconds_bucket" and dict(l)["route"] == route)
        assert len(buckets) >= 10 and buckets[-1][0] == float("inf")
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), f"buckets of {route} not monotone: {buckets}"
        key = frozenset({("route", route)})
        assert samples[("paratro_http_request_duration_seconds_count", key)] == counts[-1]
        assert samples[("paratro_http_request_duration_seconds_sum", key)] >= 0
    key = frozenset({("route", "/api/v1/accounts")})
    assert samples[("paratro_http_request_duration_seconds_count", key)] >= 5


def test_gauges_match_the_store(api):
    t = api.new_tenant()
    _, account, _ = t.funded_asset("ethereum", "ETH", "10")
    samples, types = scrape(api)
    pending_before = samples[("paratro_transactions_pending", frozenset())]
    for _ in range(3):  # held PENDING by the module's signing delay
        assert t.transfer(account["address"], random_evm_address(), "ethereum", "ETH", "1").status_code == 200
    samples, types = scrape(api)
    assert types["paratro_transactions_pending"] == "gauge"
    assert samples[("paratro_transactions_pending", frozenset())] == pending_before + 3
    counts = api.health()["counts"]
    assert samples[("paratro_transactions_pending", frozenset())] == counts["pending_transactions"]
    for name in ("clients", "wallets", "accounts", "assets", "transactions"):
        assert types[f"paratro_{name}"] == "gauge"
        assert samples[(f"paratro_{name}", frozenset())] == counts[name], name
    assert ("paratro_uptime_seconds", frozenset()) in samples
