"""The response-shape check itself (response_shapes, tests/schemas): every /api/v1 answer is held
to the JSON schemas of its caller's API version, and a body that breaks them fails the request
that got it. The bodies here are real answers of the emulator with one thing made wrong."""
import copy
import json

import pytest

from e2e_helpers import random_evm_address
from response_shapes import VERSIONS, ShapeViolation, load_version, schemas

SERVER_ARGS = ("--sign-delay-ms", str(10 ** 9))


def tampered(resp, change=None, status=None):
    """A copy of `resp` whose JSON body went through `change` (and whose status is `status`)."""
    r = copy.copy(resp)
    body = resp.json()
    if change is not None:
        change(body)
    r._content = json.dumps(body).encode()
    if status is not None:
        r.status_code = status
    return r


def violation(api, resp) -> str:
    with pytest.raises(ShapeViolation) as e:
        api.shapes.check(resp)
    return str(e.value)


def set_version(api, t, version):
    r = api.req("PUT", f"/_sandbox/clients/{t.client_id}/api-version", json={"api_version": version})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def legacy(api):
    """A 2026-04 tenant with a PENDING outbound transfer: (tenant, token reply, transfer reply, tx reply)."""
    t = api.new_tenant()
    token = api.token_response(t.api_key, t.api_secret)
    _, account, _ = t.funded_asset("ethereum", "ETH", "5")
    created = t.transfer(account["address"], random_evm_address(), "ethereum", "ETH", "1")
    assert created.status_code == 200, created.text
    tx = t.req("GET", f"/api/v1/transactions/{created.json()['tx_id']}")
    assert tx.status_code == 200, tx.text
    return t, token, created, tx


def test_every_schema_is_closed_and_every_field_cites_its_source():
    for v in VERSIONS:
        for name, schema in load_version(v)["$defs"].items():
            if schema.get("type") != "object":
                continue
            assert schema["additionalProperties"] is False, (v, name)
            for field, prop in schema["properties"].items():
                assert prop.get("description"), (v, name, field)


def test_real_answers_pass(api, legacy):
    t, token, created, tx = legacy
    for r in (token, created, tx, t.req("GET", "/api/v1/transactions"), t.req("GET", "/api/v1/wallets/w_nope")):
        api.shapes.check(r)


def test_a_wrong_body_fails_the_request_that_got_it(api, legacy):
    t = legacy[0]

    def drop_key_status(r, *args, **kwargs):
        if r.request.method == "GET" and "/api/v1/wallets/" in r.request.url and r.status_code == 200:
            body = r.json()
            body.pop("key_status")
            r._content = json.dumps(body).encode()
        return r

    wallet_id = t.list_all("/api/v1/wallets")[0]["wallet_id"]
    api.session.hooks["response"].append(drop_key_status)
    try:
        with pytest.raises(ShapeViolation) as e:
            t.req("GET", f"/api/v1/wallets/{wallet_id}")
    finally:
        api.session.hooks["response"].remove(drop_key_status)
    msg = str(e.value)
    assert f"GET /api/v1/wallets/{wallet_id} -> HTTP 200" in msg and "2026-04#/$defs/wallet" in msg, msg
    assert "'key_status' is a required property" in msg, msg


def test_2026_04_violations(api, legacy):
    t, token, created, tx = legacy
    cases = [
        (tx, lambda b: b.update(block_number=None), "block_number: None is not of type 'integer'"),
        (tx, lambda b: b.update(tx_hash=None), "tx_hash: None is not of type 'string'"),
        (tx, lambda b: b.update(fee="0.1"), "('fee' was unexpected)"),
        (tx, lambda b: b.pop("direction"), "'direction' is a required property"),
        (tx, lambda b: b.update(amount=1.5), "amount: 1.5 is not of type 'string'"),
        (tx, lambda b: b.update(amount="1e3"), "amount: '1e3' does not match"),
        (tx, lambda b: b.update(transaction_type="OUTBOUND"), "transaction_type: 'OUTBOUND' is not one of"),
        (token, lambda b: b["client"].pop("max_wallets"), "'max_wallets' is a required property"),
        (token, lambda b: b["client"].update(max_wallets="100"), "client/max_wallets: '100' is not of type 'integer'"),
        (created, lambda b: b.update(tx_hash=""), "('tx_hash' was unexpected)"),
    ]
    for resp, change, needle in cases:
        msg = violation(api, tampered(resp, change))
        assert needle in msg and "2026-04" in msg, (needle, msg)
    retired = {"code": "invalid_parameter", "type": "endpoint_retired", "message": "retired"}
    msg = violation(api, tampered(created, lambda b: (b.clear(), b.update(retired)), status=410))
    assert "type: 'endpoint_retired' is not one of" in msg, msg


def test_the_callers_version_picks_the_schemas_at_once(api, legacy):
    t, token, created, tx = legacy
    set_version(api, t, "2026-09")
    try:
        # A 2026-04 transaction is not the gateway DTO: a 2026-09 client must never get it.
        msg = violation(api, tx)
        assert "2026-09#/$defs/transaction" in msg, msg
        for field in ("direction", "block_number", "confirmations", "account_id", "memo", "updated_at"):
            assert f"'{field}'" in msg, (field, msg)
        # POST /transfer has no success answer in 2026-09 (410 endpoint_retired).
        assert "is not an answer of API version 2026-09" in violation(api, created)
        # The DTO: risk fields are strings; 2026-09 transaction types.
        dto = {k: v for k, v in tx.json().items()
               if k not in ("direction", "block_number", "confirmations", "account_id", "memo", "updated_at")}
        dto["transaction_type"] = "OUTBOUND"
        good = tampered(tx, lambda b: (b.clear(), b.update(dto)))
        api.shapes.check(good)
        api.shapes.check(tampered(good, lambda b: b.update(risk_score="0.12", risk_level="LOW")))
        assert "risk_score: 0.12 is not of type 'string'" in violation(api, tampered(good, lambda b: b.update(risk_score=0.12)))
        assert "'TRANSFER' is not one of" in violation(api, tampered(good, lambda b: b.update(transaction_type="TRANSFER")))
        # The 1.8 token client: subscription_tier and max_wallets may be absent, but typed when present.
        api.shapes.check(tampered(token, lambda b: [b["client"].pop(k) for k in ("subscription_tier", "max_wallets")]))
        assert "max_wallets: '1' is not of type 'integer'" in violation(
            api, tampered(token, lambda b: b["client"].update(max_wallets="1")))
        retired = {"code": "invalid_parameter", "type": "endpoint_retired", "message": "retired"}
        api.shapes.check(tampered(created, lambda b: (b.clear(), b.update(retired)), status=410))
    finally:
        set_version(api, t, "2026-04")
    api.shapes.check(tx)


def test_the_unified_entry_reply(api, legacy):
    t, token, created, tx = legacy
    body = {"tx_id": created.json()["tx_id"], "status": "BROADCAST", "message": "ok", "tx_hash": "0x" + "ab" * 32}
    reply = tampered(created, lambda b: (b.clear(), b.update(body)))
    reply.request = copy.copy(created.request)
    reply.request.url = created.request.url.replace("/api/v1/transfer", "/api/v1/transactions")
    for version in VERSIONS:
        assert schemas().errors(version, "POST", "/api/v1/transactions", 202, body) == ("create_transaction_response", [])
    api.shapes.check(reply)
    assert "'tx_id' is a required property" in violation(api, tampered(reply, lambda b: b.pop("tx_id")))
    assert "tx_hash: None is not of type 'string'" in violation(api, tampered(reply, lambda b: b.update(tx_hash=None)))


def test_unknown_routes_bodies_and_callers(api, legacy):
    t, token, created, tx = legacy
    odd = copy.copy(tx)
    odd.request = copy.copy(tx.request)
    odd.request.url = tx.request.url.replace("/api/v1/transactions/", "/api/v1/transactions-archive/")
    assert "no schema: HTTP 200 for GET /api/v1/transactions-archive/" in violation(api, odd)
    html = copy.copy(tx)
    html._content = b"<html>"
    assert "body is not JSON" in violation(api, html)
    # Without a token the answer must fit some version: an error does, a resource does not.
    r = api.req("GET", "/api/v1/wallets")
    assert r.status_code == 401
    msg = violation(api, tampered(r, lambda b: b.update(code="nope")))
    assert "no client behind the request" in msg and "2026-04" in msg and "2026-09" in msg, msg
