"""The request journal (GET/DELETE /_sandbox/requests): the fields of each entry, newest first,
filters, the --journal-size cap, clearing, and request/response bodies when enabled."""
import json
import secrets
import time

import pytest

from e2e_helpers import RFC3339_RE, assert_error


def journal(api, **params):
    r = api.req("GET", "/_sandbox/requests", params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(autouse=True)
def empty_journal(api):
    assert api.req("DELETE", "/_sandbox/requests").status_code == 200


def test_entry_fields(api, shared_tenant):
    rid = "journal-" + secrets.token_hex(4)
    r = shared_tenant.req("GET", "/api/v1/wallets", params={"page": 1, "page_size": 5},
                          headers={"X-Request-Id": rid})
    assert r.status_code == 200
    body = journal(api)
    assert body["total"] == 1 and body["capacity"] == 1000 and body["bodies"] is False
    e = body["data"][0]
    assert set(e) == {"seq", "time", "time_ms", "method", "path", "query", "status", "latency_us", "client_id",
                      "request_id"}
    assert (e["method"], e["path"], e["query"], e["status"]) == ("GET", "/api/v1/wallets", "page=1&page_size=5", 200)
    assert e["client_id"] == shared_tenant.client_id
    assert e["request_id"] == rid
    assert isinstance(e["latency_us"], int) and 0 <= e["latency_us"] < 5_000_000
    assert RFC3339_RE.match(e["time"])
    assert abs(e["time_ms"] / 1000 - time.time()) < 60


def test_only_api_requests_newest_first_and_unauthenticated_ones(api, shared_tenant):
    shared_tenant.req("GET", "/api/v1/wallets")
    api.req("GET", "/_sandbox/health")          # the control plane is not journaled
    api.req("GET", "/api/v1/accounts")          # no token: 401, no client
    api.req("GET", "/api/v1/no-such-thing")
    data = journal(api)["data"]
    assert [(e["path"], e["status"]) for e in data] == [
        ("/api/v1/no-such-thing", 404), ("/api/v1/accounts", 401), ("/api/v1/wallets", 200)]
    assert data[1]["client_id"] is None
    assert data[0]["seq"] > data[1]["seq"] > data[2]["seq"]


def test_filters_and_limit(api, shared_tenant):
    other = api.new_tenant()
    api.req("DELETE", "/_sandbox/requests")  # drop its token request
    t0 = int(time.time() * 1000)
    shared_tenant.req("GET", "/api/v1/wallets")
    shared_tenant.req("POST", "/api/v1/wallets", json={})                  # 400
    other.req("GET", "/api/v1/accounts")
    other.req("GET", "/api/v1/wallets/w_nope")                             # 404
    assert [e["status"] for e in journal(api, method="post")["data"]] == [400]
    assert [e["path"] for e in journal(api, path_prefix="/api/v1/wallets")["data"]] == [
        "/api/v1/wallets/w_nope", "/api/v1/wallets", "/api/v1/wallets"]
    assert [e["path"] for e in journal(api, status=404)["data"]] == ["/api/v1/wallets/w_nope"]
    assert {e["client_id"] for e in journal(api, client_id=other.client_id)["data"]} == {other.client_id}
    assert journal(api, client_id=other.client_id)["total"] == 2
    limited = journal(api, limit=2)
    assert len(limited["data"]) == 2 and limited["total"] == 4 and limited["has_more"] is True
    newest = limited["data"][0]["seq"]
    assert journal(api, after_seq=newest)["total"] == 0
    assert journal(api, after_seq=newest - 1)["total"] == 1
    assert journal(api, since=t0 - 1)["total"] == 4
    assert journal(api, since="2999-01-01T00:00:00Z")["total"] == 0
    for bad in ({"status": "abc"}, {"limit": "0"}, {"since": "yesterday"}, {"after_seq": "-1"}):
        assert_error(api.req("GET", "/_sandbox/requests", params=bad), "invalid_parameter")


def test_clear(api, shared_tenant):
    for _ in range(3):
        shared_tenant.req("GET", "/api/v1/wallets")
    r = api.req("DELETE", "/_sandbox/requests")
    assert r.status_code == 200 and r.json() == {"deleted": 3}
    assert journal(api)["data"] == []


def test_faulted_requests_are_journaled(api, shared_tenant):
    api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/wallets", "error": "service_unavailable", "count": 1})
    shared_tenant.req("GET", "/api/v1/wallets")
    e = journal(api)["data"][0]
    assert e["status"] == 503 and e["client_id"] is None  # answered before authentication


def test_cap_keeps_the_newest(launch):
    srv = launch("--journal-size", "5")
    t = srv.api.new_tenant()
    for i in range(8):
        t.req("GET", f"/api/v1/wallets/w_{i}")
    body = journal(srv.api)
    assert body["capacity"] == 5 and body["total"] == 5
    assert [e["path"] for e in body["data"]] == [f"/api/v1/wallets/w_{i}" for i in range(7, 2, -1)]
    assert journal(srv.api, limit=100)["total"] == 5


def test_size_zero_disables(launch):
    srv = launch("--journal-size", "0")
    srv.api.new_tenant().req("GET", "/api/v1/wallets")
    body = journal(srv.api)
    assert body["capacity"] == 0 and body["data"] == [] and body["total"] == 0


def test_bodies_with_the_flag(launch):
    srv = launch("--journal-bodies")
    t = srv.api.new_tenant()
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "Journal"})
    assert r.status_code == 200
    e = journal(srv.api)["data"][0]
    assert json.loads(e["request_body"]) == {"wallet_name": "Journal"}
    assert json.loads(e["response_body"]) == r.json()
    assert e["request_body_truncated"] is False and e["response_body_truncated"] is False
    # A long body is cut at 4096 bytes.
    t.req("POST", "/api/v1/wallets", json={"wallet_name": "x" * 5000})
    e = journal(srv.api)["data"][0]
    assert len(e["request_body"]) == 4096 and e["request_body_truncated"] is True


def test_bodies_switched_at_run_time(api, shared_tenant):
    r = api.req("GET", "/_sandbox/requests/config")
    assert r.json() == {"capacity": 1000, "size": 0, "bodies": False, "body_cap_bytes": 4096}
    shared_tenant.req("GET", "/api/v1/wallets")
    assert api.req("PUT", "/_sandbox/requests/config", json={"bodies": True}).json()["bodies"] is True
    shared_tenant.req("POST", "/api/v1/wallets", data='{"wallet_name": "\xff binary"}'.encode("latin-1"))
    assert api.req("PUT", "/_sandbox/requests/config", json={"bodies": False}).json()["bodies"] is False
    data = journal(api)["data"]
    assert "request_body" in data[0] and "request_body" not in data[1]
    assert data[0]["request_body"] == '{"wallet_name": "\ufffd binary"}'  # invalid UTF-8 replaced
    assert_error(api.req("PUT", "/_sandbox/requests/config", json={"bodies": "yes"}), "invalid_parameter")
