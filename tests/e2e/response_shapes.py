"""Every live /api/v1 response checked against the JSON schemas of the caller's API version
(tests/schemas, written from the SDKs' field lists; see tests/schemas/README.md).

`ShapeChecker(base_url, session)` is owned by e2e_helpers.Api, which calls `check(response)` after
every request it makes: a body that breaks its schema raises ShapeViolation (an AssertionError),
so the test that made the request fails, naming the method, path, status, version, schema and
error. The version is the one of the client behind the request: the Bearer token's subject (or,
for POST /auth/token, the client in the reply), looked up with
GET /_sandbox/clients/{id}/api-version and cached until a control-plane call that can change it
(PUT .../api-version, POST /_sandbox/reset, snapshot restores). A response no client can be
found for (no or unknown token) is checked against every version and must match one.
"""
from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path

import requests
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
VERSIONS = ("2026-04", "2026-09")
ERROR_SCHEMA = "error"
# Control-plane calls after which a client's version may differ (non-GET only).
_VERSION_CHANGERS = re.compile(r"^/_sandbox/(reset|snapshots/[^/]+/restore|clients/[^/]+/api-version)$")


class ShapeViolation(AssertionError):
    pass


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def load_version(version: str) -> dict:
    """The merged schema set of `version`: common.json's $defs overlaid with <version>.json's."""
    defs = dict(_load("common")["$defs"])
    defs.update(_load(version)["$defs"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}


class Schemas:
    """The compiled validators of every version and the route table (shared, read-only)."""

    def __init__(self):
        self.sets = {v: load_version(v) for v in VERSIONS}
        for s in self.sets.values():
            Draft202012Validator.check_schema(s)
        self.routes = []
        for row in _load("routes")["routes"]:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(row["path"])) + "$"
            self.routes.append((row["method"], re.compile(pattern), row))
            for v in row.get("versions", VERSIONS):
                assert row["schema"] in self.sets[v]["$defs"], f"routes.json: no {row['schema']} in {v}"
        self._validators: dict = {}
        self._lock = threading.Lock()

    def validator(self, version: str, name: str) -> Draft202012Validator:
        with self._lock:
            key = (version, name)
            if key not in self._validators:
                self._validators[key] = Draft202012Validator({**self.sets[version], "$ref": f"#/$defs/{name}"})
            return self._validators[key]

    def schema_for(self, version: str, method: str, path: str, status: int):
        """The schema name of this answer in `version`, or None when no route row allows it."""
        if status >= 400:
            return ERROR_SCHEMA
        for m, rx, row in self.routes:
            if m == method and rx.match(path) and status in row["status"] and version in row.get("versions", VERSIONS):
                return row["schema"]
        return None

    def errors(self, version: str, method: str, path: str, status: int, body) -> tuple[str | None, list[str]]:
        """(schema name, [problems]) of one response body in one version."""
        name = self.schema_for(version, method, path, status)
        if name is None:
            return None, [f"no schema: HTTP {status} for {method} {path} is not an answer of API version {version} "
                          f"(tests/schemas/routes.json)"]
        problems = []
        for e in sorted(self.validator(version, name).iter_errors(body), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in e.absolute_path) or "(body)"
            problems.append(f"{where}: {e.message}")
        return name, problems


_SCHEMAS: Schemas | None = None
_SCHEMAS_LOCK = threading.Lock()


def schemas() -> Schemas:
    global _SCHEMAS
    with _SCHEMAS_LOCK:
        if _SCHEMAS is None:
            _SCHEMAS = Schemas()
        return _SCHEMAS


def token_subject(authorization: str | None) -> str | None:
    """The `sub` of a Bearer JWT, unverified (the emulator verifies it); None if there is none."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    parts = authorization[len("Bearer "):].split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    sub = payload.get("sub") if isinstance(payload, dict) else None
    return sub if isinstance(sub, str) and sub else None


def violation_message(method, path, status, version, schema, problems, body_text) -> str:
    shown = body_text if len(body_text) <= 600 else body_text[:600] + "..."
    return (f"response shape: {method} {path} -> HTTP {status} breaks tests/schemas "
            f"{version}#/$defs/{schema}:\n  " + "\n  ".join(problems[:8]) + f"\n  body: {shown}")


class ShapeChecker:
    """Checks the /api/v1 responses of one emulator (one Api) against the caller's version."""

    def __init__(self, base_url: str, session):
        self.base = base_url
        self.session = session  # the Api's session: its default headers carry an admin token if any
        self.admin_headers: dict = {}  # the last admin credentials a control-plane call succeeded with
        self.versions: dict = {}
        self.lock = threading.Lock()
        self.enabled = True  # off: check() does nothing

    def observe_control(self, method: str, path: str, headers: dict, status: int):
        """Called for every /_sandbox request: forgets versions that may have changed, and keeps the
        admin credentials that worked for the version look-ups."""
        if method != "GET" and _VERSION_CHANGERS.match(path):
            with self.lock:
                self.versions.clear()
        if status != 401:
            creds = {k: v for k, v in (headers or {}).items() if k in ("X-Admin-Token", "Authorization") and v}
            if creds:
                self.admin_headers = creds

    def version_of(self, client_id: str) -> str | None:
        with self.lock:
            if client_id in self.versions:
                return self.versions[client_id]
        # The look-up bypasses the Api's session, so that session's hooks never see it.
        url = f"{self.base}/_sandbox/clients/{client_id}/api-version"
        headers = {k: v for k, v in self.session.headers.items() if k == "X-Admin-Token"}
        r = requests.get(url, headers=headers, timeout=10)
        if r.status_code == 401 and self.admin_headers:
            r = requests.get(url, headers=self.admin_headers, timeout=10)
        version = r.json().get("api_version") if r.status_code == 200 else None
        with self.lock:
            self.versions[client_id] = version
        return version

    def caller_version(self, resp, body=None) -> str | None:
        """The API version of the client behind an /api/v1 request (None when there is none)."""
        req = resp.request
        client_id = token_subject(req.headers.get("Authorization"))
        if client_id is None and req.path_url.split("?", 1)[0] == "/api/v1/auth/token" and resp.status_code == 200:
            client = body.get("client") if isinstance(body, dict) else None
            client_id = client.get("client_id") if isinstance(client, dict) else None
        return self.version_of(client_id) if client_id else None

    def check(self, resp):
        """Raises ShapeViolation when an /api/v1 response breaks the schema of its caller's version."""
        if not self.enabled:
            return
        req = resp.request
        path = req.path_url.split("?", 1)[0]
        if not path.startswith("/api/v1/") or req.method == "HEAD":
            return
        text = resp.content.decode("utf-8", "replace")
        try:
            body = json.loads(text)
        except ValueError:
            raise ShapeViolation(f"response shape: {req.method} {path} -> HTTP {resp.status_code}: body is not JSON: "
                                 f"{text[:300]!r}")
        version = self.caller_version(resp, body)
        s = schemas()
        if version is not None:
            name, problems = s.errors(version, req.method, path, resp.status_code, body)
            if problems:
                raise ShapeViolation(violation_message(req.method, path, resp.status_code, version, name, problems, text))
            return
        # No known client: the answer must be valid in at least one version.
        failures = []
        for v in VERSIONS:
            name, problems = s.errors(v, req.method, path, resp.status_code, body)
            if not problems:
                return
            failures.append(violation_message(req.method, path, resp.status_code, v, name, problems, text))
        raise ShapeViolation("no client behind the request, and no version accepts the answer:\n" + "\n".join(failures))
