"""The OpenAPI checks can fail: the validator (validate_responses.mjs) must report real responses of
the live session (conftest.py) with one thing wrong, and a document that lost a field; and the
default document the binary serves is the one of its default API version."""
from __future__ import annotations

import copy
import json

from e2e_helpers import Server
from openapi_helpers import SPEC, document, validate


def first(exchanges, method, path, status=200):
    """The first recorded exchange of `method` on `path` (a prefix when it ends in "_" or "/")."""
    for e in exchanges:
        hit = e["path"].startswith(path) if path[-1] in "_/" else e["path"] == path
        if e["method"] == method and hit and e["status"] == status:
            return copy.deepcopy(e)
    raise AssertionError(f"no {method} {path} {status} in the session")


def with_body(e, fn):
    """A copy of exchange `e` whose JSON body went through `fn`."""
    e = copy.deepcopy(e)
    body = json.loads(e["body"])
    fn(body)
    e["body"] = json.dumps(body)
    return e


def tampered(exchanges):
    """(name, expected message fragment, exchange): each a real response with one thing wrong."""
    wallet = first(exchanges, "GET", "/api/v1/wallets/w_")
    asset = first(exchanges, "GET", "/api/v1/assets/ast_")
    tx = first(exchanges, "GET", "/api/v1/transactions/tx_")
    listing = first(exchanges, "GET", "/api/v1/transactions")
    token = first(exchanges, "POST", "/api/v1/auth/token")
    not_found = first(exchanges, "GET", "/api/v1/assets/ast_", 404)
    conflict = first(exchanges, "POST", "/_sandbox/transactions/", 409)
    bad_transfer = first(exchanges, "POST", "/api/v1/transfer", 400)
    clock = first(exchanges, "GET", "/_sandbox/clock")
    not_allowed = first(exchanges, "DELETE", "/api/v1/wallets", 405)
    listed = first(exchanges, "GET", "/api/v1/wallets")
    limited = first(exchanges, "GET", "/api/v1/wallets", 429)
    fault = first(exchanges, "POST", "/_sandbox/faults", 201)
    event = first(exchanges, "GET", "/_sandbox/webhooks/events/")
    health = first(exchanges, "GET", "/_sandbox/health")
    metrics = first(exchanges, "GET", "/_sandbox/metrics")
    return [
        ("wallet without key_status", "key_status", with_body(wallet, lambda b: b.pop("key_status"))),
        ("unknown wallet status", "allowed values", with_body(wallet, lambda b: b.update(status="DELETED"))),
        ("balance as a JSON number", "balance must be string", with_body(asset, lambda b: b.update(balance=1.5))),
        ("balance in exponent notation", "pattern", with_body(asset, lambda b: b.update(balance="1e3"))),
        ("contract_address null", "contract_address must be string",
         with_body(asset, lambda b: b.update(contract_address=None))),
        ("undocumented field", "fee", with_body(tx, lambda b: b.update(fee="0.1"))),
        ("tx_hash null", "tx_hash must be string", with_body(tx, lambda b: b.update(tx_hash=None))),
        ("created_at not RFC 3339", "date-time", with_body(tx, lambda b: b.update(created_at="15/01/2026"))),
        ("has_more missing", "has_more", with_body(listing, lambda b: b.pop("has_more"))),
        ("list item broken", "block_number must be integer",
         with_body(listing, lambda b: b["data"][0].update(block_number="7"))),
        ("max_wallets as a string", "max_wallets must be integer",
         with_body(token, lambda b: b["client"].update(max_wallets="100"))),
        ("error code of another status", "belongs to HTTP 409",
         with_body(not_found, lambda b: b.update(code="conflict", type="conflict_error"))),
        ("error type not matching its code", "has type conflict_error",
         with_body(conflict, lambda b: b.update(type="api_error"))),
        ("error code the operation never returns", "not listed for this response",
         with_body(bad_transfer, lambda b: b.update(code="wallet_limit_reached", type="business_error"))),
        ("next_due a number", "next_due must be string", with_body(clock, lambda b: b.update(next_due=5))),
        ("undocumented status", "HTTP 202 is not documented", dict(wallet, status=202)),
        ("wrong media type", "text/plain", dict(wallet, headers={**wallet["headers"], "Content-Type": "text/plain"})),
        ("no X-Request-Id", "X-Request-Id is missing", dict(wallet, headers={"Content-Type": "application/json"})),
        ("body not JSON", "not JSON", dict(wallet, body="<html>")),
        ("405 answered as 404", "expected HTTP 405", dict(not_allowed, status=404)),
        ("accepted request the document forbids", "query parameter sort", dict(listed, query=[["sort", "asc"]])),
        ("429 without Retry-After", "Retry-After is missing",
         dict(limited, headers={k: v for k, v in limited["headers"].items() if k.lower() != "retry-after"})),
        ("fault rule with an unknown error", "allowed values", with_body(fault, lambda b: b.update(error="boom"))),
        ("webhook payload without data", "required property 'data'",
         with_body(event, lambda b: b["payload"].pop("data"))),
        ("health without pending_transactions", "pending_transactions",
         with_body(health, lambda b: b["counts"].pop("pending_transactions"))),
        ("metrics answered as JSON", "application/json",
         dict(metrics, headers={**metrics["headers"], "Content-Type": "application/json"}, body="{}")),
    ]


def session_2026_04(sessions):
    """The 2026-04 session's exchanges of 2026-04 callers and the control plane, and its document."""
    exchanges, served = sessions["2026-04"]
    return [e for e in exchanges if e["version"] in (None, "2026-04")], served["2026-04"]


def test_validator_catches_tampered_responses(sessions, tmp_path):
    exchanges, served = session_2026_04(sessions)
    cases = tampered(exchanges)
    report = validate(served, [e for _, _, e in cases], tmp_path)
    errors = {v["index"]: " | ".join(v["errors"]) for v in report["violations"]}
    missed = [(name, errors.get(i)) for i, (name, needle, _) in enumerate(cases) if needle not in errors.get(i, "")]
    assert missed == [], missed
    # And the untouched originals of those exchanges pass.
    assert validate(served, [e for e in exchanges if e["path"].startswith("/api/v1/wallets/")], tmp_path)["violations"] == []


def test_validator_catches_a_document_missing_a_field(sessions, tmp_path):
    exchanges, served = session_2026_04(sessions)
    text = served.read_text()
    # Drop `memo` from Transaction: every transaction response now carries an undocumented field.
    cut = "        memo:\n          type: string\n          description: Emulator extension beyond the contract; \"\" when none.\n"
    assert text.count(cut) == 1
    doc = tmp_path / "openapi-without-memo.yaml"
    doc.write_text(text.replace(cut, "").replace("token_symbol, amount, memo, status", "token_symbol, amount, status"))
    report = validate(doc, exchanges, tmp_path)
    flagged = {v["path"] for v in report["violations"]}
    assert any(p.startswith("/api/v1/transactions") for p in flagged), report["violations"][:3]
    assert all("memo" in " ".join(v["errors"]) for v in report["violations"]), report["violations"][:3]


def test_default_document_is_the_default_versions(tmp_path):
    server = Server(["--log-level", "warn", "--api-version", "2026-09"], tmp_path / "emulator.db", tmp_path)
    try:
        default = server.api.req("GET", "/_sandbox/openapi.yaml")
        pinned = server.api.req("GET", "/_sandbox/openapi.yaml", params={"version": "2026-09"})
        assert default.status_code == pinned.status_code == 200
        assert default.content == pinned.content == document("2026-09", tmp_path).read_bytes()
        assert server.api.req("GET", "/_sandbox/openapi.yaml", params={"version": "2026-04"}).content == \
            SPEC.read_bytes()
    finally:
        server.stop()
