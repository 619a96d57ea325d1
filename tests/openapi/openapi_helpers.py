"""What the OpenAPI suite (tests/openapi) shares: the paths of the document, its overlays and the npm
tools; the validator and linter runs; the requests hook that records a session's exchanges; the
webhook receiver and the admin-token server of the live session; and the check of recorded exchanges
against the served documents. The session itself is in openapi_session_api.py and
openapi_session_control.py, run once per API version by conftest.py.

The npm tools live in tests/openapi/node_modules, installed by scripts/test (`npm ci`).
"""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_helpers import Server  # noqa: E402
from response_shapes import VERSIONS  # noqa: E402

SPEC = ROOT / "schema" / "openapi.yaml"  # API version 2026-04
OVERLAYS = {"2026-09": ROOT / "schema" / "openapi-2026-09.overlay.yaml"}
OVERLAY_SCRIPT = ROOT / "scripts" / "openapi_overlay.py"
LINT_CONFIGS = {"2026-09": "redocly-2026-09.yaml"}
# Versions whose gateway retired POST /api/v1/transfer (410 endpoint_retired).
TRANSFER_RETIRED = {"2026-09"}
# Versions whose gateway retired POST /api/v1/x402/sign.
X402_SIGN_RETIRED = {"2026-09"}
VALIDATOR = HERE / "validate_responses.mjs"
REDOCLY = HERE / "node_modules" / ".bin" / "redocly"
START = "2026-01-15T10:40:00Z"
BODY_LIMIT = 4096
ADMIN_TOKEN = "openapi-admin-token"
WEBHOOK_SECRET = "whsec_" + "5e" * 16


def node() -> str:
    exe = shutil.which("node")
    if not exe or not (HERE / "node_modules" / "ajv").is_dir() or not REDOCLY.exists():
        pytest.fail("the OpenAPI tools are not installed: run scripts/test, or `npm ci` in tests/openapi")
    return exe


def validate(spec_path: Path, exchanges: list, tmp: Path) -> dict:
    """Runs the validator on `exchanges`; returns its report."""
    path = tmp / f"exchanges-{os.getpid()}-{id(exchanges)}.json"
    path.write_text(json.dumps(exchanges))
    p = subprocess.run([node(), str(VALIDATOR), str(spec_path), str(path)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode in (0, 1), f"validator crashed (rc={p.returncode}): {p.stderr}"
    report = json.loads(p.stdout)
    assert report["checked"] == len(exchanges)
    assert (p.returncode == 1) == bool(report["violations"]), report
    return report


def lint(spec_path: Path, config: str = "redocly.yaml") -> dict:
    node()
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    p = subprocess.run([str(REDOCLY), "lint", "--config", str(HERE / config), "--format", "json",
                        str(spec_path)], capture_output=True, text=True, timeout=120, env=env)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"redocly printed no JSON (rc={p.returncode}): {p.stdout}\n{p.stderr}")



def document(version: str, tmp: Path) -> Path:
    """The source of `version`'s document: the base file, or the base with the version's overlay."""
    if version not in OVERLAYS:
        return SPEC
    out = tmp / f"openapi-{version}.yaml"
    subprocess.run([sys.executable, str(OVERLAY_SCRIPT), str(SPEC), str(OVERLAYS[version]), str(out)], check=True,
                   timeout=60)
    return out


class Recorder:
    """A requests response hook that keeps every exchange in the validator's format, with the API
    version of the client behind each /api/v1 request (None for the control plane)."""

    def __init__(self, shapes):
        self.shapes = shapes
        self.exchanges: list[dict] = []

    def __call__(self, r, *args, **kwargs):
        url = urlsplit(r.request.url)
        body = r.request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        version = None
        if url.path.startswith("/api/v1/"):
            try:
                version = self.shapes.caller_version(r, r.json())
            except ValueError:
                version = self.shapes.caller_version(r)
        self.exchanges.append({
            "version": version,
            "method": r.request.method,
            "path": url.path,
            "query": parse_qsl(url.query, keep_blank_values=True),
            "request_body": body,
            "status": r.status_code,
            "headers": dict(r.headers),
            "body": r.content.decode("utf-8", "replace"),
        })


class AdminServer(Server):
    """A Server started with --admin-token: its readiness probe must present the token."""

    probe_headers = {"X-Admin-Token": ADMIN_TOKEN}


class Receiver:
    """A webhook endpoint in this process: answers every POST with 200 and keeps (headers, body)."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.cond = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.cond:
                    outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    outer.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, event_ids, timeout: float = 5):
        """Waits until a body with each of `event_ids` arrived; returns {event_id: (headers, body)}."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = {json.loads(b)["event_id"]: (h, b) for h, b in self.received}
                missing = set(event_ids) - set(got)
                if not missing or time.monotonic() >= deadline:
                    assert not missing, f"webhooks never arrived: {sorted(missing)}"
                    return got
                self.cond.wait(max(0.01, deadline - time.monotonic()))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def check_signature(headers: dict, body: bytes):
    ts = headers["x-paratro-timestamp"]
    mac = hmac.new(WEBHOOK_SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["x-paratro-signature"] == "v1=" + mac, headers
    assert headers["x-paratro-signature-version"] == "v1", headers
    assert headers["x-paratro-event-id"] == json.loads(body)["event_id"], headers


def expect(r, status, code=None):
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    if code is not None:
        assert r.json()["code"] == code, r.text
    return r.json() if r.headers.get("Content-Type") == "application/json" else r.text



def read_event_stream(port: int, query: str) -> dict:
    """One exchange of GET /_sandbox/events in the recorder's format: the headers and the first
    frame (the session advanced the clock before, so the replay has a clock.moved at once)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(f"GET /_sandbox/events?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"X-Admin-Token: {ADMIN_TOKEN}\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf or b"\n\n" not in buf.partition(b"\r\n\r\n")[2]:
            chunk = sock.recv(65536)
            assert chunk, buf
            buf += chunk
    finally:
        sock.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    first, *lines = head.decode().split("\r\n")
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return {"version": None, "method": "GET", "path": "/_sandbox/events", "query": parse_qsl(query),
            "request_body": None, "status": int(first.split()[1]), "headers": headers,
            "body": body.partition(b"\n\n")[0].decode() + "\n\n"}


def validate_session(version: str, exchanges: list, served: dict, tmp: Path) -> tuple[list, dict, list]:
    """Checks each exchange against the served document of its caller's version (the session's for
    the control plane); returns (violations, covered statuses of the session's document, its operations)."""
    violations, covered, operations = [], {}, []
    for v in VERSIONS:
        group = [e for e in exchanges if (e["version"] or version) == v]
        if not group:
            continue
        report = validate(served[v], group, tmp)
        violations += [dict(x, version=v, exchange=group[x["index"]]) for x in report["violations"]]
        if v == version:
            covered, operations = report["covered"], report["operations"]
    return violations, covered, operations
