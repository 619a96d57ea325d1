"""The OpenAPI documents (schema/openapi.yaml for API version 2026-04, and the 2026-09 document
scripts/openapi_overlay.py builds from it and schema/openapi-2026-09.overlay.yaml) against Redocly's
linter and against the real binary.

For each API version an emulator (manual clock, small body limit, an admin token on the control
plane) runs a realistic session with a tenant pinned to that version, through every operation the
document describes, success and error paths, while a requests hook records each exchange with the
API version of its caller: the API, then the control plane (fault rules with injected 503/500/429,
a rate limit, the request journal, metrics, webhooks delivered to a receiver in this process,
snapshots, and a reset last). validate_responses.mjs (ajv) then checks every recorded response
against the document of its caller's version (the session's for the control plane) as served by
the binary at /_sandbox/openapi.yaml?version=.... Further tests prove the checks can fail: tampered
responses and a document that lost a field must be reported, and a broken document must not lint.

The npm tools live in tests/openapi/node_modules, installed by scripts/test (`npm ci`).
"""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_helpers import (Server, Tenant, bad_checksum_tron_address, random_evm_address,  # noqa: E402
                         segwit_encode, solana_address, tron_address)
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


# --------------------------------------------------------------------------------------------
# The live session
# --------------------------------------------------------------------------------------------


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


def drive_session(server: Server, rec: Recorder, receiver: Receiver, version: str):
    """The session, with the tenant `t` pinned to API `version`."""
    api = server.api
    api.session.hooks["response"].append(rec)

    def advance(**body):
        return expect(api.req("POST", "/_sandbox/clock/advance", json=body), 200)

    def pin(v):
        expect(api.req("PUT", f"/_sandbox/clients/{t.client_id}/api-version", json={"api_version": v}), 200)

    def post_transfer(body):
        """A transfer of the tenant: POST /api/v1/transfer, or POST /api/v1/transactions where
        `version` retired it."""
        if version in TRANSFER_RETIRED:
            return t.req("POST", "/api/v1/transactions", json={"operation": "TRANSFER", **body})
        return t.req("POST", "/api/v1/transfer", json=body)

    def transfer(from_address, to_address, chain, token_symbol, amount, memo=None):
        body = {"from_address": from_address, "to_address": to_address, "chain": chain,
                "token_symbol": token_symbol, "amount": amount}
        if memo is not None:
            body["memo"] = memo
        return post_transfer(body)

    # Auth: the token exchange and its failures.
    expect(api.token_response("pk_sandbox_paratro_emulator", "sk_sandbox_paratro_emulator"), 200)
    expect(api.token_response("pk_sandbox_paratro_emulator", "wrong"), 401, "unauthorized")
    expect(api.req("POST", "/api/v1/auth/token"), 401, "unauthorized")

    # Control plane: clients.
    expect(api.req("POST", "/_sandbox/clients"), 201)
    created = expect(api.req("POST", "/_sandbox/clients", json={"name": "OpenAPI tenant", "max_wallets": 5,
                                                                "api_version": version}), 201)
    expect(api.req("POST", "/_sandbox/clients", json={"max_wallets": -1}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clients", data="{"), 400, "bad_request")
    t = Tenant(api, created["client_id"], created["api_key"], created["api_secret"])

    # Control-plane auth (--admin-token): X-Admin-Token (the session's default) or Bearer, else 401.
    expect(api.req("GET", "/_sandbox/health", headers={"X-Admin-Token": None}), 401, "unauthorized")
    expect(api.req("GET", "/_sandbox/clock", headers={"X-Admin-Token": "wrong"}), 401, "unauthorized")
    expect(api.req("POST", "/_sandbox/clients", headers={"X-Admin-Token": None, "Authorization": "Bearer nope"}),
           401, "unauthorized")
    expect(api.req("POST", "/_sandbox/clients",
                   headers={"X-Admin-Token": None, "Authorization": f"Bearer {ADMIN_TOKEN}"}), 201)

    # Webhooks: the tenant's endpoint is the receiver, so every event of the session is delivered.
    hook_path = f"/_sandbox/clients/{t.client_id}/webhook"
    hook = expect(api.req("PUT", hook_path, json={"url": receiver.url, "secret": WEBHOOK_SECRET}), 200)
    assert hook == {"client_id": t.client_id, "url": receiver.url, "secret": WEBHOOK_SECRET}, hook
    expect(api.req("GET", hook_path), 200)
    expect(api.req("GET", "/_sandbox/clients/c_sandbox/webhook"), 200)
    expect(api.req("PUT", hook_path, json={"url": "ftp://example.com/hooks"}), 400, "validation_failed")
    expect(api.req("PUT", hook_path, json={"url": receiver.url, "secret": "nope"}), 400, "validation_failed")
    expect(api.req("PUT", hook_path, json={"secret": WEBHOOK_SECRET}), 400, "invalid_parameter")
    expect(api.req("PUT", hook_path, data="["), 400, "bad_request")
    expect(api.req("PUT", "/_sandbox/clients/c_nope/webhook", json={"url": None}), 404, "not_found")
    expect(api.req("GET", "/_sandbox/clients/c_nope/webhook"), 404, "not_found")

    # Bearer failures.
    expect(api.req("GET", "/api/v1/wallets"), 401, "unauthorized")
    expect(api.req("GET", "/api/v1/wallets", token="not.a.jwt"), 401, "invalid_token")
    expect(api.req("GET", "/api/v1/wallets", headers={"Authorization": "Basic abc"}), 401, "unauthorized")

    # Wallets: created PROGRESSING, ACTIVE after the simulated key generation.
    wallet = expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "Treasury", "description": "ops"}), 200)
    assert wallet["status"] == "PROGRESSING"
    wid = wallet["wallet_id"]
    plain = expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "Payroll"}), 200)
    expect(t.req("POST", "/api/v1/wallets", json={}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/wallets", data="not json"), 400, "bad_request")
    expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "n" * 101}), 400, "validation_failed")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "ethereum"}), 400, "wallet_not_active")
    expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)
    advance(seconds=3)
    assert expect(t.req("GET", f"/api/v1/wallets/{wid}"), 200)["status"] == "ACTIVE"
    expect(t.req("GET", "/api/v1/wallets"), 200)
    expect(t.req("GET", "/api/v1/wallets", params={"page": 1, "page_size": 1}), 200)
    expect(t.req("GET", "/api/v1/wallets", params={"page": -1}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/wallets/w_00000000000000000000000000"), 404, "not_found")

    # Accounts on several chains.
    accounts = {}
    for chain in ("ethereum", "bsc", "tron", "bitcoin", "solana"):
        accounts[chain] = expect(t.req("POST", "/api/v1/accounts",
                                       json={"wallet_id": wid, "chain": chain, "label": f"{chain} hot"}), 200)
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "ethereum"}), 409, "conflict")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "dogecoin"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": "w_nope", "chain": "ethereum"}), 404, "not_found")
    expect(t.req("GET", f"/api/v1/accounts/{accounts['tron']['account_id']}"), 200)
    expect(t.req("GET", "/api/v1/accounts", params={"wallet_id": wid}), 200)
    expect(t.req("GET", "/api/v1/accounts", params={"page_size": "x"}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/accounts/acc_nope"), 404, "not_found")

    # Assets, native and tokens.
    eth_acc = accounts["ethereum"]["account_id"]
    eth = expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "ETH", "chain": "ethereum"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "usdt", "chain": "Ethereum"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["bsc"]["account_id"], "symbol": "BNB",
                                                 "chain": "bsc"}), 200)
    trx = expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["tron"]["account_id"], "symbol": "TRX"}), 200)
    usdt_tron = expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["tron"]["account_id"],
                                                             "symbol": "USDT"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["bitcoin"]["account_id"], "symbol": "BTC"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": accounts["solana"]["account_id"], "symbol": "SOL",
                                                 "chain": "solana"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "ETH", "chain": "ethereum"}),
           400, "asset_already_exists")
    expect(t.req("POST", "/api/v1/assets", json={"account_id": eth_acc, "symbol": "DOGE", "chain": "ethereum"}),
           400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/assets", json={"account_id": "acc_nope", "symbol": "ETH"}), 404, "not_found")
    expect(t.req("GET", f"/api/v1/assets/{eth['asset_id']}"), 200)
    expect(t.req("GET", "/api/v1/assets", params={"account_id": eth_acc}), 200)
    expect(t.req("GET", "/api/v1/assets"), 200)
    expect(t.req("GET", "/api/v1/assets/ast_nope"), 404, "not_found")

    # Balances through the control plane.
    expect(api.req("POST", f"/_sandbox/assets/{eth['asset_id']}/balance", json={"balance": "10.5"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{trx['asset_id']}/balance", json={"balance": "1000"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{eth['asset_id']}/balance", json={"balance": "1e3"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/assets/ast_nope/balance", json={"balance": "1"}), 404, "not_found")

    # A transfer through its whole lifecycle, read at every step.
    eth_addr = accounts["ethereum"]["address"]
    sent = expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1.25", memo="invoice 7"), 200)
    tx = sent["tx_id"]
    seen = [expect(t.req("GET", f"/api/v1/transactions/{tx}"), 200)["status"]]
    # Default timing: signed after 2 s, broadcast 1 s later, then 12 ethereum blocks of 0.4 s.
    for step in (dict(seconds=2), dict(seconds=1), dict(duration="PT1S"), dict(seconds="1"), dict(duration="PT5S")):
        advance(**step)
        seen.append(expect(t.req("GET", f"/api/v1/transactions/{tx}"), 200)["status"])
        expect(t.req("GET", "/api/v1/transactions", params={"wallet_id": wid, "chain": "ethereum"}), 200)
    assert seen[0] == "PENDING" and seen[-1] == "CONFIRMED", seen
    assert {"SIGNED", "BROADCAST", "CONFIRMING"} <= set(seen), seen
    expect(t.req("GET", f"/api/v1/assets/{eth['asset_id']}"), 200)

    # Transfer errors.
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1000"), 400, "insufficient_balance")
    expect(transfer(eth_addr, "0x1234", "ethereum", "ETH", "1"), 400, "invalid_address")
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "-1"), 400, "invalid_parameter")
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "1", memo="m" * 101), 400, "validation_failed")
    expect(transfer(random_evm_address(), random_evm_address(), "ethereum", "ETH", "1"), 404, "not_found")
    expect(post_transfer({"from_address": eth_addr}), 400, "invalid_parameter")

    # The unified entry: a transfer with a reference and an Idempotency-Key, its replay, its errors.
    unified = {"operation": "TRANSFER", "reference_id": "openapi-1", "from_address": eth_addr,
               "to_address": random_evm_address(), "chain": "ethereum", "token_symbol": "ETH", "amount": "0.5"}
    idem = {"Idempotency-Key": "openapi-key"}
    created = expect(t.req("POST", "/api/v1/transactions", json=unified, headers=idem), 200)
    replayed = t.req("POST", "/api/v1/transactions", json=unified, headers=idem)
    assert expect(replayed, 200) == created and replayed.headers["Idempotent-Replayed"] == "true"
    expect(t.req("POST", "/api/v1/transactions", json=unified), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json={**unified, "operation": "X402"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json={**unified, "reference_id": "openapi-2", "amount": "1000"}),
           400, "insufficient_balance")
    expect(t.req("POST", "/api/v1/transactions", json={"operation": "PROGRAM_CALL"}), 400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/transactions", json=unified, headers={"Idempotency-Key": "k" * 256}),
           400, "invalid_parameter")
    expect(t.req("POST", "/api/v1/wallets", json={"wallet_name": "q", "threshold": 3, "total_shares": 2}),
           400, "invalid_parameter")

    # Security factors: the blacklist/whitelist control endpoints and a refused transfer.
    factors = f"/_sandbox/clients/{t.client_id}/security-factors"
    blocked = random_evm_address()
    entry = expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked,
                                                  "label": "scam", "reason": "phishing"}), 201)
    friend = expect(api.req("POST", factors, json={"factor_type": "WHITELIST", "chain": "tron",
                                                   "address": tron_address(), "status": "INACTIVE"}), 201)
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked.lower()}),
           409, "conflict")
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": "0x12"}),
           400, "invalid_address")
    expect(api.req("POST", factors, json={"factor_type": "GREYLIST", "chain": "ethereum", "address": blocked}),
           400, "invalid_parameter")
    expect(api.req("POST", factors, json={"factor_type": "BLACKLIST", "chain": "ethereum", "address": blocked,
                                          "reason": "r" * 501}), 400, "validation_failed")
    expect(api.req("POST", factors, data="{"), 400, "bad_request")
    expect(api.req("GET", factors), 200)
    expect(api.req("GET", factors, params={"chain": "ethereum", "factor_type": "BLACKLIST", "status": "ACTIVE"}), 200)
    expect(api.req("GET", factors, params={"status": "GONE"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/clients/c_nope/security-factors"), 404, "not_found")
    expect(api.req("GET", f"{factors}/{entry['factor_id']}"), 200)
    expect(api.req("GET", f"{factors}/sf_nope"), 404, "not_found")
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}", json={"status": "ACTIVE"}), 200)
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}/status", json={"status": "INACTIVE"}), 200)
    expect(api.req("PUT", f"{factors}/{friend['factor_id']}/status", json={"status": "OFF"}), 400, "invalid_parameter")
    expect(transfer(eth_addr, blocked, "ethereum", "ETH", "0.1"), 403, "address_blacklisted")
    expect(api.req("GET", f"{factors}/settings"), 200)
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": True}), 200)
    expect(transfer(eth_addr, random_evm_address(), "ethereum", "ETH", "0.1"), 403, "address_blacklisted")
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": "no"}), 400, "invalid_parameter")
    expect(api.req("PUT", f"{factors}/settings", json={"require_whitelist": False}), 200)
    expect(api.req("DELETE", f"{factors}/{friend['factor_id']}"), 200)
    expect(api.req("DELETE", f"{factors}/{friend['factor_id']}"), 404, "not_found")
    # The 1.6.0 SDKs' security-factor routes are portal APIs the gateway does not serve.
    expect(t.req("GET", "/api/v1/client/security-factors"), 404, "not_found")
    expect(t.req("GET", "/v1/client/security-factors"), 404, "not_found")

    # Held, released, forced outcomes on tron.
    tron_addr = accounts["tron"]["address"]
    held = expect(transfer(tron_addr, tron_address(), "tron", "TRX", "5", memo="sandbox:hold"), 200)["tx_id"]
    expect(api.req("POST", f"/_sandbox/transactions/{held}/release"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{held}/release"), 409, "conflict")
    expect(api.req("POST", f"/_sandbox/transactions/{held}/confirm"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{held}/confirm"), 409, "conflict")
    doomed = expect(transfer(tron_addr, tron_address(), "tron", "TRX", "2.5"), 200)["tx_id"]
    expect(api.req("POST", f"/_sandbox/transactions/{doomed}/fail"), 200)
    expect(api.req("POST", f"/_sandbox/transactions/{doomed}/fail"), 409, "conflict")
    expect(api.req("POST", "/_sandbox/transactions/tx_nope/confirm"), 404, "not_found")
    expect(transfer(tron_addr, bad_checksum_tron_address(), "tron", "TRX", "1"), 400, "invalid_address")
    # An internal transfer: the receiver gets an INBOUND twin.
    payroll = expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": plain["wallet_id"], "chain": "ethereum"}), 200)
    expect(transfer(eth_addr, payroll["address"].lower(), "ethereum", "ETH", "0.5"), 200)

    # Deposits from outside.
    dep = expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron",
                                                             "token_symbol": "USDT", "amount": "1500"}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": accounts["bitcoin"]["address"], "chain": "bitcoin",
                                                       "token_symbol": "BTC", "amount": "0.01",
                                                       "from": segwit_encode("bc", 0, bytes(20))}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": accounts["solana"]["address"], "chain": "solana",
                                                       "token_symbol": "SOL", "amount": "3"}), 201)
    expect(api.req("POST", "/_sandbox/deposits", json={"address": solana_address(), "chain": "solana",
                                                       "token_symbol": "SOL", "amount": "3"}), 404, "not_found")
    expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron",
                                                       "token_symbol": "USDT", "amount": "0"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/deposits", json={"address": tron_addr, "chain": "tron", "token_symbol": "USDT",
                                                       "amount": "1", "from": "Tnope"}), 400, "invalid_address")
    # The dashboard's read-only views across clients.
    assert t.client_id in {c["client_id"] for c in expect(api.req("GET", "/_sandbox/clients"), 200)["data"]}
    expect(api.req("GET", f"/_sandbox/clients/{t.client_id}/wallets"), 200)
    expect(api.req("GET", "/_sandbox/clients/c_nope/wallets"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/transactions", params={"client_id": t.client_id, "page_size": 5}), 200)
    assert expect(api.req("GET", "/_sandbox/transactions", params={"status": "FAILED"}), 200)["total"] is None
    expect(api.req("GET", "/_sandbox/transactions", params={"status": "nope"}), 400, "invalid_parameter")
    expect(api.req("GET", "/_sandbox/transactions", params={"client_id": "c_nope"}), 404, "not_found")
    assert expect(api.req("GET", f"/_sandbox/transactions/{held}"), 200)["transaction"]["status"] == "CONFIRMED"
    expect(api.req("GET", "/_sandbox/transactions/tx_nope"), 404, "not_found")
    expect(api.req("GET", "/_sandbox/clock"), 200)
    assert expect(api.req("PUT", "/_sandbox/clock", json={"speed": 2.5}), 200)["speed"] == 2.5
    assert expect(api.req("PUT", "/_sandbox/clock", json={"mode": "manual", "speed": 1}), 200)["mode"] == "manual"
    expect(api.req("PUT", "/_sandbox/clock", json={"mode": "fast"}), 400, "invalid_parameter")
    expect(api.req("PUT", "/_sandbox/clock", json={}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", json={"seconds": 1, "duration": "PT1S"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", params={"seconds": "30"}), 200)
    advance(duration="PT1H")
    expect(api.req("POST", "/_sandbox/clock/advance", json={}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/clock/advance", json={"duration": "soon"}), 400, "invalid_parameter")
    assert expect(t.req("GET", f"/api/v1/transactions/{dep['tx_id']}"), 200)["status"] == "CONFIRMED"
    expect(t.req("GET", f"/api/v1/assets/{usdt_tron['asset_id']}"), 200)
    expect(t.req("GET", "/api/v1/transactions", params={"account_id": accounts["tron"]["account_id"], "page": 1,
                                                        "page_size": 2}), 200)
    expect(t.req("GET", "/api/v1/transactions"), 200)
    expect(t.req("GET", "/api/v1/transactions", params={"page": "two"}), 400, "invalid_parameter")
    expect(t.req("GET", "/api/v1/transactions/tx_nope"), 404, "not_found")
    # Another client's resources do not exist for this one.
    other = api.default_tenant()
    expect(other.req("GET", f"/api/v1/wallets/{plain['wallet_id']}"), 404, "not_found")

    # x402: a 2026-04 buyer signs, pays the tenant's paid resource with X-PAYMENT, and the tenant
    # verifies and settles a second authorization through the facilitator.
    buyer_c = expect(api.req("POST", "/_sandbox/clients", json={"name": "x402 buyer", "api_version": "2026-04"}), 201)
    buyer = Tenant(api, buyer_c["client_id"], buyer_c["api_key"], buyer_c["api_secret"])
    bw = expect(buyer.req("POST", "/api/v1/wallets", json={"wallet_name": "x402 buyer"}), 200)
    advance(duration="PT1M")
    b_acc = expect(buyer.req("POST", "/api/v1/accounts", json={"wallet_id": bw["wallet_id"], "chain": "base"}), 200)
    b_usdc = expect(buyer.req("POST", "/api/v1/assets", json={"account_id": b_acc["account_id"], "symbol": "USDC",
                                                                "chain": "base"}), 200)
    expect(api.req("POST", f"/_sandbox/assets/{b_usdc['asset_id']}/balance", json={"balance": "10"}), 200)
    s_acc = expect(t.req("POST", "/api/v1/accounts", json={"wallet_id": wid, "chain": "base"}), 200)
    expect(t.req("POST", "/api/v1/assets", json={"account_id": s_acc["account_id"], "symbol": "USDC", "chain": "base"}),
           200)
    res = expect(api.req("POST", "/_sandbox/x402/resources", json={
        "pay_to": s_acc["address"], "price": "0.5", "description": "report", "mime_type": "application/json",
        "content": '{"report":"ok"}'}), 201)
    expect(api.req("POST", "/_sandbox/x402/resources", json={"price": "1"}), 400, "invalid_parameter")
    expect(api.req("POST", "/_sandbox/x402/resources", json={"pay_to": random_evm_address(), "price": "1"}),
           404, "not_found")
    expect(api.req("GET", "/_sandbox/x402/resources"), 200)
    expect(api.req("GET", res["url"]), 402)
    expect(api.req("GET", "/_sandbox/x402/resources/res_nope/content"), 404, "not_found")
    now_s = expect(api.req("GET", "/_sandbox/clock"), 200)["now_ms"] // 1000

    def x402_sign(amount):
        return buyer.req("POST", "/api/v1/x402/sign", json={
            "from_address": b_acc["address"], "to_address": s_acc["address"], "chain": "base", "amount": amount,
            "valid_before": now_s + 300})

    signed = expect(x402_sign("0.5"), 200)
    expect(buyer.req("GET", f"/api/v1/x402/sign/{signed['tx_id']}"), 200)
    expect(buyer.req("GET", "/api/v1/x402/sign/tx_nope"), 404, "not_found")
    expect(x402_sign("1000"), 400, "insufficient_balance")
    payment = {"x402Version": 1, "scheme": "exact", "network": "base",
               "payload": {"signature": signed["signature"], "authorization": signed["authorization"]}}
    paid = api.req("GET", res["url"], headers={"X-PAYMENT": base64.b64encode(json.dumps(payment).encode()).decode()})
    assert expect(paid, 200) == {"report": "ok"} and paid.headers["X-PAYMENT-RESPONSE"]
    second = expect(x402_sign("1"), 200)
    requirements = {"scheme": "exact", "network": "base", "maxAmountRequired": "1000000", "resource": res["url"],
                    "description": "report", "mimeType": "application/json", "payTo": second["authorization"]["to"],
                    "maxTimeoutSeconds": 300, "asset": res["payment_requirements"]["asset"],
                    "extra": res["payment_requirements"]["extra"]}
    facilitated = {"x402Version": 1, "paymentPayload": {**payment, "payload": {
        "signature": second["signature"], "authorization": second["authorization"]}},
        "paymentRequirements": requirements}
    assert expect(t.req("POST", "/api/v1/x402/verify", json=facilitated), 200)["isValid"] is True
    expect(t.req("POST", "/api/v1/x402/verify", json={"x402Version": 9, "paymentPayload": {}}), 400,
           "invalid_parameter")
    settled = expect(t.req("POST", "/api/v1/x402/settle", json=facilitated, headers={"Idempotency-Key": "x402-1"}),
                     200)
    assert settled["success"] is True, settled
    replayed = t.req("POST", "/api/v1/x402/settle", json=facilitated, headers={"Idempotency-Key": "x402-1"})
    assert expect(replayed, 200) == settled and replayed.headers["Idempotent-Replayed"] == "true"
    assert expect(t.req("POST", "/api/v1/x402/settle", json=facilitated), 200)["success"] is False
    expect(t.req("POST", "/api/v1/x402/settle", data="nope"), 400, "invalid_parameter")
    expect(t.req("GET", f"/api/v1/x402/settle/{settled['txId']}"), 200)
    expect(t.req("GET", "/api/v1/x402/settle/tx_nope"), 404, "not_found")
    expect(t.req("GET", "/api/v1/x402/settlements", params={"status": "processing", "page": 1, "page_size": 5}), 200)
    expect(t.req("GET", "/api/v1/x402/settlements", params={"page": "x"}), 400, "invalid_parameter")
    if version in X402_SIGN_RETIRED:
        expect(t.req("POST", "/api/v1/x402/sign", json={"from_address": s_acc["address"]}), 410, "invalid_parameter")
        expect(t.req("GET", f"/api/v1/x402/sign/{signed['tx_id']}"), 410, "invalid_parameter")
    advance(duration="PT1M")

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


def run_session(version: str, workdir: Path):
    """(exchanges, {version: served document path}) of one full session with a tenant pinned to `version`."""
    receiver = Receiver()
    try:
        server = AdminServer(["--log-level", "warn", "--manual-clock", "--start-time", START, "--keygen-delay-ms",
                              "3000", "--max-body-bytes", str(BODY_LIMIT), "--admin-token", ADMIN_TOKEN],
                             workdir / "emulator.db", workdir)
    except BaseException:
        receiver.close()
        raise
    server.api.session.headers["X-Admin-Token"] = ADMIN_TOKEN
    # The e2e helper's JSON-schema check runs here too, but not where the DTO is still awaited (the
    # OpenAPI check of those reads is test_2026_09_transactions_are_the_gateway_dto).
    try:
        rec = Recorder(server.api.shapes)
        drive_session(server, rec, receiver, version)
        served = {}
        for v in VERSIONS:
            r = server.api.session.get(server.url + "/_sandbox/openapi.yaml", params={"version": v}, timeout=10)
            assert r.status_code == 200, r.text
            served[v] = workdir / f"served-openapi-{v}.yaml"
            served[v].write_bytes(r.content)
        return rec.exchanges, served
    finally:
        server.stop()
        receiver.close()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    """{version: (exchanges, served documents)}: the session once per API version."""
    node()
    return {v: run_session(v, tmp_path_factory.mktemp(f"openapi-{v}")) for v in VERSIONS}


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


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


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
