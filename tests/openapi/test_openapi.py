"""Checks the OpenAPI documents (schema/openapi.yaml for API version 2026-04, and the 2026-09 one that
scripts/openapi_overlay.py builds from it and schema/openapi-2026-09.overlay.yaml) against Redocly's
linter and against the real binary.

For each API version an emulator (manual clock, small body limit, an admin token on the control
plane) runs a realistic session with a tenant pinned to that version, through every operation the
document describes, success and error paths, while a requests hook records each exchange with the
API version of its caller (conftest.py, openapi_session_api.py, openapi_session_control.py).
validate_responses.mjs (ajv) then checks every recorded response against the document of its
caller's version (the session's for the control plane) as served by the binary at
/_sandbox/openapi.yaml?version=.... That the checks can fail (tampered responses, a document that
lost a field) is proven in test_openapi_validator.py; a broken document must not lint, here.

The npm tools live in tests/openapi/node_modules, installed by scripts/test (`npm ci`).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from openapi_helpers import (LINT_CONFIGS, OVERLAY_SCRIPT, SPEC, VERSIONS, document, lint, validate,
                             validate_session)


@pytest.mark.parametrize("version", VERSIONS)
def test_document_lints_clean(version, tmp_path):
    report = lint(document(version, tmp_path), LINT_CONFIGS.get(version, "redocly.yaml"))
    assert report["totals"]["errors"] == 0, json.dumps(report["problems"], indent=1)[:4000]
    assert report["totals"]["warnings"] == 0, json.dumps(report["problems"], indent=1)[:4000]


def test_linter_rejects_a_broken_document(tmp_path):
    text = SPEC.read_text()
    # A dangling reference.
    broken = text.replace("$ref: '#/components/schemas/Wallet'\n", "$ref: '#/components/schemas/Wallett'\n", 1)
    assert broken != text
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    assert lint(path)["totals"]["errors"] >= 1


def test_overlay_targets_must_exist(tmp_path):
    overlay = tmp_path / "bad-overlay.yaml"
    overlay.write_text("overlay: 1.0.0\nactions:\n  - target: $.paths['/api/v1/nothing'].post\n    remove: true\n")
    p = subprocess.run([sys.executable, str(OVERLAY_SCRIPT), str(SPEC), str(overlay), str(tmp_path / "out.yaml")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "/api/v1/nothing" in p.stderr, p.stderr


def test_served_documents_are_the_sources(sessions, tmp_path):
    exchanges, served = sessions["2026-04"]
    for v in VERSIONS:
        assert served[v].read_bytes() == document(v, tmp_path).read_bytes(), v
    assert served["2026-09"].read_bytes() != served["2026-04"].read_bytes()
    hit = [e for e in exchanges if e["path"] == "/_sandbox/openapi.yaml" and e["status"] == 200 and not e["query"]]
    assert hit and hit[0]["headers"]["Content-Type"] == "application/yaml"
    assert hit[0]["body"].encode() == SPEC.read_bytes()  # the default version's (2026-04) without ?version
    assert hit[0]["body"].startswith("openapi: 3.0.3\n")


@pytest.mark.parametrize("version", VERSIONS)
def test_live_responses_conform(sessions, version, tmp_path):
    exchanges, served = sessions[version]
    assert {e["version"] for e in exchanges if e["path"].startswith("/api/v1/") and e["version"]} == set(VERSIONS)
    violations, covered, operations = validate_session(version, exchanges, served, tmp_path)
    violations = [{k: v for k, v in x.items() if k != "exchange"} for x in violations]
    assert violations == [], json.dumps(violations, indent=1)[:6000]
    # Every operation of the session's document was exercised with a success (an operation that
    # documents none, like a retired one, with one of its answers), and every error class the
    # brief names was seen.
    doc = yaml.safe_load(served[version].read_text())
    missing = []
    for op in operations:
        method, template = op.split(" ", 1)
        documented = doc["paths"][template][method.lower()]["responses"]
        has_2xx = any(str(s).startswith("2") for s in documented)
        seen = covered.get(op, [])
        if not any((200 <= s < 300) if has_2xx else str(s) in documented for s in seen):
            missing.append(op)
    assert missing == [], missing
    statuses = {e["status"] for e in exchanges}
    assert {200, 201, 400, 401, 404, 405, 409, 410, 413, 429, 500, 503} <= statuses, statuses
    assert len(exchanges) > 120


def test_2026_09_transactions_are_the_gateway_dto(sessions, tmp_path):
    exchanges, served = sessions["2026-09"]
    reads = [e for e in exchanges if e["version"] == "2026-09" and e["method"] == "GET" and e["status"] == 200
             and re.match(r"^/api/v1/transactions(/[^/]+)?$", e["path"])]
    assert any(json.loads(e["body"]).get("data", [None]) for e in reads), "no 2026-09 transaction was read"
    report = validate(served["2026-09"], reads, tmp_path)
    assert report["violations"] == [], json.dumps(report["violations"], indent=1)[:3000]

