"""The live session's second part (see openapi_session_api.py for the first): the control plane of a
tenant pinned to one API version (fault rules with injected 503/500/429, a rate limit, API versions,
the operations policy, the request journal, the writer, the event stream, metrics, webhooks delivered
to the receiver, snapshots, the rest of the control plane, router errors and the body limit), and a
reset last."""
from __future__ import annotations

import json
import time

from e2e_helpers import Server, Tenant, random_evm_address
from openapi_helpers import (BODY_LIMIT, START, TRANSFER_RETIRED, VERSIONS, WEBHOOK_SECRET, Receiver, Recorder,
                             check_signature, expect, read_event_stream)


def drive_control_plane(server: Server, rec: Recorder, receiver: Receiver, version: str, *, t: Tenant, wid: str,
                        eth: dict, eth_addr: str, tx: str, hook_path: str, other: Tenant):
    """The control-plane part of the session, going on from drive_api's tenant `t` and its resources."""
    api = server.api

    # Fault rules: an injected 503, 500 and 429, a latency-only rule, one that never fires.
    wallet_503 = expect(api.req("POST", "/_sandbox/faults", json={
        "method": "get", "path": "/api/v1/wallets/{id}", "error": "service_unavailable", "count": 1,
        "retry_after": 2}), 201)
    assert wallet_503["method"] == "GET" and wallet_503["status"] == 503 and wallet_503["remaining"] == 1
    transfer_500 = expect(api.req("POST", "/_sandbox/faults", json={
        "method": "POST", "path": "/api/v1/transfer", "status": 500, "message": "boom", "count": 1}), 201)
    token_429 = expect(api.req("POST", "/_sandbox/faults", json={
        "method": "POST", "path": "/api/v1/auth/token", "error": "too_many_requests", "count": 1}), 201)
    slow = expect(api.req("POST", "/_sandbox/faults", json={"path": "/api/v1/assets/*", "latency_ms": 30,
                                                            "count": 1}), 201)
    assert slow["error"] is None and slow["status"] is None, slow
    expect(api.req("POST", "/_sandbox/faults", json={"error": "conflict", "probability": 0, "method": "*",
                                                     "message": None}), 201)
    expect(api.req("POST", "/_sandbox/faults", json={}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/faults", json={"error": "conflict", "path": "/_sandbox/health"}),
           400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/faults", json={"error": "boom"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/faults", json={"error": "conflict", "status": 503}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/faults", json={"error": "conflict", "colour": "red"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/faults", json={"latency_ms": 5, "message": "m" * 501}), 400,
           "validation_failed")
    expect(api.req("POST", "/_sandbox/faults", data="{"), 400, "bad_request")
    expect(api.req("POST", "/_sandbox/faults"), 400, "bad_request")
    expect(api.req("GET", "/_sandbox/faults"), 200)
    r = t.req("GET", f"/api/v1/wallets/{wid}")
    expect(r, 503, "service_unavailable")
    assert r.headers["X-Emulator-Fault"] == wallet_503["id"] and r.headers["Retry-After"] == "2", r.headers
    r = t.transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "0.1")
    assert expect(r, 500, "internal_error")["message"] == "boom"
    assert r.headers["X-Emulator-Fault"] == transfer_500["id"] and "Retry-After" not in r.headers, r.headers
    r = api.token_response(t.api_key, t.api_secret)
    expect(r, 429, "too_many_requests")
    assert r.headers["X-Emulator-Fault"] == token_429["id"] and r.headers["Retry-After"] == "1", r.headers
    expect(t.req("GET", f"/api/v1/assets/{eth['asset_id']}"), 200)
    expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)
    rules = expect(api.req("GET", "/_sandbox/faults"), 200)
    assert [(x["fired"], x["remaining"]) for x in rules["data"][:4]] == [(1, 0)] * 4, rules
    assert expect(api.req("DELETE", f"/_sandbox/faults/{slow['id']}"), 200) == {"deleted": 1}
    expect(api.req("DELETE", f"/_sandbox/faults/{slow['id']}"), 404, "not_found")
    assert expect(api.req("DELETE", "/_sandbox/faults"), 200) == {"deleted": 4}

    # A rate limit of one request per second (burst 1): the second call at once is a 429.
    limit_path = f"/_sandbox/clients/{t.client_id}/rate-limit"
    limit = expect(api.req("PUT", limit_path, json={"requests_per_second": 1}), 200)
    assert limit["effective_requests_per_second"] == 1, limit
    expect(t.req("GET", "/api/v1/wallets"), 200)
    r = t.req("GET", "/api/v1/wallets")
    expect(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1 and "X-Emulator-Fault" not in r.headers, r.headers
    expect(api.req("PUT", limit_path, json={"requests_per_second": 0}), 200)
    expect(t.req("GET", "/api/v1/wallets"), 200)
    expect(api.req("PUT", limit_path, json={}), 400, "invalid_parameter")
    expect(api.req("PUT", limit_path, json={"requests_per_second": -1}), 400, "invalid_parameter")
    expect(api.req("PUT", limit_path, data="["), 400, "bad_request")
    expect(api.req("PUT", "/_sandbox/clients/c_nope/rate-limit", json={"requests_per_second": 5}), 404, "not_found")

    # API versions: the tenant is pinned to this session's version; POST /transfer in it and in the others.
    version_path = f"/_sandbox/clients/{t.client_id}/api-version"
    assert expect(api.req("GET", version_path), 200)["api_version"] == version
    for v in [version] + [o for o in VERSIONS if o != version]:
        assert expect(api.req("PUT", version_path, json={"api_version": v}), 200)["api_version"] == v
        expect(t.req("POST", "/api/v1/transfer", json={}), 410 if v in TRANSFER_RETIRED else 400, "invalid_parameter")
    expect(api.req("PUT", version_path, json={"api_version": version}), 200)
    expect(api.req("PUT", version_path, json={"api_version": "1999-01"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/clients/c_nope/api-version"), 404, "not_found")

    # Operations policy (PROGRAM_CALL / CONTRACT_CALL): grant, read, refuse a bad one, remove.
    policy_path = f"/_sandbox/clients/{t.client_id}/operations-policy"
    assert expect(api.req("GET", policy_path), 200)["enabled"] is False
    granted = expect(api.req("PUT", policy_path, json={"operations": ["CONTRACT_CALL", "PROGRAM_CALL"],
                                                       "chains": ["solana", "ethereum"]}), 200)
    assert granted["operations"] == ["CONTRACT_CALL", "PROGRAM_CALL"] and granted["chains"] == ["ethereum", "solana"]
    expect(api.req("PUT", policy_path, json={"operations": ["SWAP"]}), 400, "invalid_parameter")
    expect(api.req("PUT", policy_path, data="{"), 400, "bad_request")
    assert expect(api.req("PUT", policy_path, json={"operations": []}), 200)["enabled"] is False
    expect(api.req("GET", "/_sandbox/clients/c_nope/operations-policy"), 404, "not_found")

    # The request journal, with bodies for a while.
    assert expect(api.req("PUT", "/_sandbox/requests/config", json={"bodies": True}), 200)["bodies"] is True
    expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)
    latest = expect(api.req("GET", "/_sandbox/requests", params={"limit": 3}), 200)
    assert latest["data"][0]["response_body"].startswith('{"wallet_id"'), latest["data"][0]
    expect(api.req("GET", "/_sandbox/requests", params={
        "method": "get", "path_prefix": "/api/v1/wallets", "status": 200, "client_id": t.client_id,
        "since": "0", "after_seq": 1, "limit": 50}), 200)
    slowest = expect(api.req("GET", "/_sandbox/requests", params={"path_prefix": "/api/v1/assets/",
                                                                  "since": "2020-01-01T00:00:00Z"}), 200)
    assert any(e["latency_us"] >= 30_000 for e in slowest["data"]), slowest
    expect(api.req("GET", "/_sandbox/requests", params={"status": "ok"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/requests", params={"limit": 0}), 400, "invalid_parameter")
    expect(api.req("PUT", "/_sandbox/requests/config", json={"bodies": "yes"}), 400, "invalid_parameter")
    expect(api.req("PUT", "/_sandbox/requests/config", data="x"), 400, "bad_request")
    expect(api.req("PUT", "/_sandbox/requests/config", json={"bodies": False}), 200)
    expect(api.req("GET", "/_sandbox/requests/config"), 200)
    assert expect(api.req("DELETE", "/_sandbox/requests"), 200)["deleted"] > 0

    # The writer's figures and controls (a paused writer is resumed at once; arm and disarm).
    assert expect(api.req("GET", "/_sandbox/storage"), 200)["batches"] > 0
    assert expect(api.req("POST", "/_sandbox/storage", json={"paused": False}), 200)["paused"] is False
    assert expect(api.req("POST", "/_sandbox/storage", json={"fail_commits": 0}), 200)["fail_commits"] == 0
    expect(api.req("POST", "/_sandbox/storage", json={}), 400, "invalid_parameter")

    # The event stream: a 200 text/event-stream read on a raw socket (a streaming body never ends, so
    # the recorder's hook cannot read it) and recorded by hand, then a refused query through the API.
    rec.exchanges.append(read_event_stream(server.port, "types=clock.moved&last_event_id=0"))
    expect(api.req("GET", "/_sandbox/events", params={"types": "no.such"}), 400, "invalid_parameter")

    # Metrics: Prometheus text, not JSON.
    r = api.req("GET", "/_sandbox/metrics")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8", r.headers
    assert "paratro_http_requests_total{" in r.text and "paratro_webhook_deliveries_total" in r.text

    # Webhooks of the session: every event reached the receiver, signed, with the payload the log shows.
    events = expect(api.req("GET", "/_sandbox/webhooks/events", params={"client_id": t.client_id, "limit": 1000}),
                    200)
    assert events["total"] >= 8 and not events["has_more"], events["total"]
    got = receiver.wait_for([e["event_id"] for e in events["data"]])
    for e in events["data"]:
        headers, body = got[e["event_id"]]
        check_signature(headers, body)
        assert json.loads(body) == e["payload"], (body, e)
    # In 2026-09 the payment to the tenant's own payroll account is credited as transfer.credited.
    assert {e["event_type"] for e in events["data"]} == {"transaction.confirming", "transaction.confirmed",
                                                         "transaction.failed", "x402.settlement.confirmed"} | (
        {"transfer.credited"} if version in TRANSFER_RETIRED else set())
    sample = expect(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": t.client_id,
                                                                    "event_type": "transaction.failed"}), 201)
    evt = sample["event"]["event_id"]
    redelivered = expect(api.req("POST", f"/_sandbox/webhooks/events/{evt}/redeliver"), 201)
    assert redelivered["event_id"] == evt and redelivered["delivery_id"] != sample["delivery"]["delivery_id"]
    pinned = expect(api.req("POST", "/_sandbox/clients", json={"name": "On 2026-09", "api_version": "2026-09"}), 201)
    expect(api.req("PUT", f"/_sandbox/clients/{pinned['client_id']}/webhook",
                   json={"url": receiver.url, "secret": WEBHOOK_SECRET}), 200)
    credited = expect(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": pinned["client_id"],
                                                                      "event_type": "transfer.credited"}), 201)
    assert credited["event"]["payload"]["operation"] == "TRANSFER", credited
    expect(api.req("GET", f"/_sandbox/webhooks/events/{credited['event']['event_id']}"), 200)
    # transfer.credited exists only in 2026-09.
    if version not in TRANSFER_RETIRED:
        expect(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": t.client_id,
                                                                "event_type": "transfer.credited"}), 400,
               "invalid_parameter")
    expect(api.req("POST", "/_sandbox/webhooks/test"), 400, "invalid_parameter")  # c_sandbox has no url
    expect(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": t.client_id, "event_type": "tx.bogus"}),
           400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/webhooks/test", json={"client_id": "c_nope"}), 404, "not_found")
    expect(api.req("POST", "/_sandbox/webhooks/test", data="["), 400, "bad_request")
    expect(api.req("POST", "/_sandbox/webhooks/events/evt_nope/redeliver"), 404, "not_found")
    receiver.wait_for([evt])
    deadline = time.monotonic() + 5
    while True:
        deliveries = expect(api.req("GET", "/_sandbox/webhooks/deliveries",
                                    params={"client_id": t.client_id, "limit": 1000}), 200)
        if all(d["status"] == "succeeded" for d in deliveries["data"]) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert {d["status"] for d in deliveries["data"]} == {"succeeded"}, deliveries
    assert deliveries["total"] == events["total"] + 2, deliveries["total"]
    expect(api.req("GET", f"/_sandbox/webhooks/events/{evt}"), 200)
    expect(api.req("GET", "/_sandbox/webhooks/events/evt_nope"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/webhooks/events", params={"tx_id": tx, "event_type": "transaction.confirmed",
                                                              "event_id": events["data"][-1]["event_id"]}), 200)
    expect(api.req("GET", "/_sandbox/webhooks/events", params={"limit": 1001}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/webhooks/deliveries", params={"event_id": evt, "status": "succeeded",
                                                                  "event_type": "transaction.failed",
                                                                  "tx_id": sample["event"]["tx_id"], "limit": 0}), 200)
    expect(api.req("GET", "/_sandbox/webhooks/deliveries", params={"limit": "x"}), 400, "invalid_parameter")
    removed = expect(api.req("PUT", hook_path, json={"url": None}), 200)
    assert removed["url"] is None and removed["secret"] == WEBHOOK_SECRET, removed

    # Snapshots: save, change, restore (the change is gone), delete.
    first_snap = expect(api.req("POST", "/_sandbox/snapshots"), 201)
    second_snap = expect(api.req("POST", "/_sandbox/snapshots", json={"name": "before payouts"}), 201)
    expect(api.req("POST", "/_sandbox/snapshots", json={"name": 7}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/snapshots", json={"name": "n" * 101}), 400, "validation_failed")
    expect(api.req("POST", "/_sandbox/snapshots", data="{"), 400, "bad_request")
    assert expect(api.req("GET", "/_sandbox/snapshots"), 200)["total"] == 2
    later = expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "After the snapshot"}), 200)
    restored = expect(api.req("POST", f"/_sandbox/snapshots/{first_snap['snapshot_id']}/restore"), 200)
    assert restored["counts"] == first_snap["counts"], (restored, first_snap)
    expect(t.req("GET", f"/api/v1/wallets/{later['wallet_id']}"), 404, "not_found")
    expect(api.req("POST", "/_sandbox/snapshots/snap_nope/restore"), 404, "not_found")
    assert expect(api.req("DELETE", f"/_sandbox/snapshots/{second_snap['snapshot_id']}"), 200)["deleted"] is True
    expect(api.req("DELETE", f"/_sandbox/snapshots/{second_snap['snapshot_id']}"), 404, "not_found")

    # The rest of the control plane.
    expect(api.req("GET", "/_sandbox/health"), 200)
    assert expect(api.req("GET", "/_sandbox/ledger"), 200)["balanced"] is True
    expect(api.req("GET", "/_sandbox/clock"), 200)
    expect(api.req("GET", "/_sandbox/openapi.yaml"), 200)
    for v in VERSIONS:
        expect(api.req("GET", "/_sandbox/openapi.yaml", params={"version": v}), 200)
    expect(api.req("GET", "/_sandbox/openapi.yaml", params={"version": "2026-13"}), 400, "invalid_parameter")

    # Router errors and the body limit.
    expect(t.req("DELETE", "/api/v1/wallets"), 405, "method_not_allowed")
    expect(t.req("PUT", "/api/v1/transfer", json={}), 405, "method_not_allowed")
    expect(api.req("DELETE", "/_sandbox/clients"), 405, "method_not_allowed")
    expect(api.req("POST", "/_sandbox/openapi.yaml"), 405, "method_not_allowed")
    expect(t.req("GET", "/api/v1/nothing"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/nothing"), 404, "not_found")
    big = json.dumps({"wallet_name": "big", "description": "d" * BODY_LIMIT})
    expect(t.req("POST", "/api/v1/wallets", data=big), 413, "payload_too_large")
    expect(api.req("POST", "/_sandbox/deposits", data=big), 413, "payload_too_large")

    # Last: back to the start-up baseline (the default client alone).
    reset = expect(api.req("POST", "/_sandbox/reset"), 200)
    assert reset["fixture"] is None and reset["counts"]["clients"] == 1 and reset["clock"] == START, reset
    expect(t.req("GET", "/api/v1/wallets"), 401, "invalid_token")
    expect(other.req("GET", "/api/v1/wallets"), 200)

