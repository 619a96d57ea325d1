"""The validator's x-router-errors checks on synthetic exchanges, no emulator needed: a 405 must
carry an `Allow` header listing exactly the methods the document defines for its path (the live
sessions of test_openapi.py (conftest.py) check the emulator's real 405s against the same rule)."""
from __future__ import annotations

from openapi_helpers import SPEC, validate


def exchange(method: str, path: str, headers: dict) -> dict:
    body = '{"code":"method_not_allowed","type":"invalid_request_error","message":"Method %s is not allowed here"}'
    return {"method": method, "path": path, "query": [], "request_body": "", "status": 405,
            "headers": {"Content-Type": "application/json", "X-Request-Id": "req_1", **headers},
            "body": body % method}


def test_405_allow_must_list_the_documented_methods(tmp_path):
    cases = [
        (exchange("DELETE", "/api/v1/wallets", {"Allow": "POST, GET"}), None),
        (exchange("PATCH", "/_sandbox/clock", {"Allow": "GET, PUT"}), None),
        (exchange("DELETE", "/api/v1/wallets", {}), 'Allow is ""'),
        (exchange("DELETE", "/api/v1/wallets", {"Allow": "GET, DELETE"}), "the document defines"),
        (exchange("DELETE", "/api/v1/wallets", {"Allow": "GET"}), "the document defines"),
    ]
    report = validate(SPEC, [e for e, _ in cases], tmp_path)
    errors = {v["index"]: " | ".join(v["errors"]) for v in report["violations"]}
    for i, (_, needle) in enumerate(cases):
        if needle is None:
            assert i not in errors, errors[i]
        else:
            assert needle in errors.get(i, ""), (i, errors.get(i))
