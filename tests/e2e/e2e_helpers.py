"""Shared helpers of the end-to-end suite: the emulator process, an HTTP client, tenants,
JWT crafting and waiting for a state; the per-resource shape checks (shape_checks.py) and the
address codecs (address_codecs.py) are re-exported from here.

Everything here talks to the emulator only through its public HTTP surface and its command line.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import requests

from response_shapes import ShapeChecker
from shape_checks import (  # noqa: F401  (re-exported: tests import them from here)
    assert_error, ASSET_TYPES, check_account, check_asset, check_bool, check_decimal, check_error_shape,
    check_int, check_list, check_str, check_time, check_token_response, check_transaction,
    check_transfer_response, check_wallet, DECIMAL_RE, ERROR_TABLE, is_int, RFC3339_RE, TX_STATUSES,
)
from address_codecs import (  # noqa: F401  (re-exported: tests import them from here)
    B58_ALPHABET, BECH32_CHARSET, BECH32_CONST, BECH32M_CONST, _convertbits, b58check_decode, b58check_encode,
    b58decode, b58encode, bad_bech32_address, bad_checksum_tron_address, bad_eip55_address, bech32_decode,
    bech32_encode, eip55, is_eip55, keccak256, random_evm_address, segwit_decode, segwit_encode, solana_address,
    tron_address,
)

DEFAULT_BIN = "/work/main/build/emulator/paratro-emulator"
DEFAULT_API_KEY = "pk_sandbox_paratro_emulator"
DEFAULT_API_SECRET = "sk_sandbox_paratro_emulator"
DEFAULT_CLIENT_ID = "c_sandbox"

# Extra flags that keep transfers PENDING (amount locked) for far longer than a test run: the
# emulator's virtual clock would otherwise move them on to SIGNED/BROADCAST/CONFIRMED in moments.
HOLD_PENDING = ("--sign-delay-ms", str(10 ** 9))

EVM_CHAINS = ["ethereum", "bsc", "polygon", "avalanche", "arbitrum", "optimism", "base"]


def emulator_bin() -> str:
    return os.environ.get("PARATRO_EMULATOR_BIN") or DEFAULT_BIN


# --------------------------------------------------------------------------------------------
# The emulator process
# --------------------------------------------------------------------------------------------

BANNER_RE = re.compile(r"^paratro-emulator (\S+) listening on (http://127\.0\.0\.1:(\d+))\s*$")


class Server:
    """One running emulator process started on a free port."""

    probe_headers: dict = {}  # sent with the readiness probe (e.g. an admin token)

    def __init__(self, args, db_path, workdir: Path, env=None):
        self.db_path = str(db_path)
        self.args = list(args)
        workdir.mkdir(parents=True, exist_ok=True)
        self.stderr_path = workdir / f"emulator-stderr-{secrets.token_hex(4)}.log"
        cmd = [emulator_bin(), "--port", "0", "--database", self.db_path, *self.args]
        full_env = dict(os.environ)
        # Keep the caller's PARATRO_EMULATOR_* out of the child: the emulator reads every such
        # variable as a flag and refuses unknown ones, and the test runner itself sets
        # PARATRO_EMULATOR_BIN (the path of this binary), which is not a flag.
        for k in list(full_env):
            if k.startswith("PARATRO_EMULATOR_"):
                del full_env[k]
        if env:
            full_env.update(env)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, env=full_env)
        self.banner: list[str] = []
        self._lines: "queue.Queue[str | None]" = queue.Queue()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        try:
            first = self._next_line(10)
            m = BANNER_RE.match(first)
            assert m, f"unexpected banner line {first!r}; stderr: {self.stderr_text()}"
            self.version = m.group(1)
            self.url = m.group(2)
            self.port = int(m.group(3))
            # The rest of the banner (API key, secret, database) follows at once.
            deadline = time.monotonic() + 2
            while len(self.banner) < 3 and time.monotonic() < deadline:
                try:
                    self._next_line(max(0.01, deadline - time.monotonic()))
                except AssertionError:
                    break
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.api = Api(self.url)

    def _drain(self):
        for raw in iter(self.proc.stdout.readline, b""):
            self._lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
        self._lines.put(None)

    def _next_line(self, timeout: float) -> str:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"emulator printed no banner in time; stderr: {self.stderr_text()}")
        assert line is not None, f"emulator exited early (rc={self.proc.poll()}); stderr: {self.stderr_text()}"
        self.banner.append(line)
        return line

    def _wait_ready(self, timeout: float = 10):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"emulator exited: {self.stderr_text()}"
            try:
                r = requests.get(self.url + "/_sandbox/health", headers=self.probe_headers, timeout=1)
                if r.status_code == 200:
                    return
                last = r.status_code
            except requests.RequestException as e:  # not listening yet
                last = e
            time.sleep(0.02)
        raise AssertionError(f"emulator did not answer in time: {last}")

    def stderr_text(self) -> str:
        try:
            return Path(self.stderr_path).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 5) -> int | None:
        """SIGTERM, then SIGKILL if it does not exit; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        if not self._stderr.closed:
            self._stderr.close()
        if getattr(self, "api", None) is not None:
            self.api.close()
        return self.proc.returncode


# --------------------------------------------------------------------------------------------
# HTTP client
# --------------------------------------------------------------------------------------------


class Api:
    """Thin HTTP helper bound to one emulator's base URL (one keep-alive session). Every /api/v1
    response is checked against the JSON schemas of the caller's API version (response_shapes)."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.session = requests.Session()
        self.shapes = ShapeChecker(base_url, self.session)

    def close(self):
        self.session.close()

    def req(self, method, path, token=None, json=None, data=None, headers=None, params=None, timeout=10):
        h = {}
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if data is not None and json is None:
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        r = self.session.request(method, self.base + path, json=json, data=data, headers=h,
                                 params=params, timeout=timeout)
        if path.startswith("/_sandbox/"):
            self.shapes.observe_control(method.upper(), path.split("?", 1)[0], h, r.status_code)
        else:
            self.shapes.check(r)
        return r

    def token_response(self, key, secret):
        return self.req("POST", "/api/v1/auth/token", headers={"X-API-Key": key, "X-API-Secret": secret})

    def token(self, key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET) -> str:
        r = self.token_response(key, secret)
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def create_client(self, name=None, max_wallets=None, api_version=None) -> dict:
        body = {}
        if name is not None:
            body["name"] = name
        if max_wallets is not None:
            body["max_wallets"] = max_wallets
        if api_version is not None:
            body["api_version"] = api_version
        r = self.req("POST", "/_sandbox/clients", json=body)
        assert r.status_code == 201, r.text
        c = r.json()
        for k in ("client_id", "api_key", "api_secret"):
            assert isinstance(c[k], str) and c[k], c
        return c

    def new_tenant(self, name=None, max_wallets=None, api_version=None) -> "Tenant":
        c = self.create_client(name=name or f"e2e-{secrets.token_hex(3)}", max_wallets=max_wallets,
                               api_version=api_version)
        return Tenant(self, c["client_id"], c["api_key"], c["api_secret"])

    def default_tenant(self) -> "Tenant":
        return Tenant(self, DEFAULT_CLIENT_ID, DEFAULT_API_KEY, DEFAULT_API_SECRET)

    def fund(self, asset_id: str, balance: str) -> dict:
        r = self.req("POST", f"/_sandbox/assets/{asset_id}/balance", json={"balance": balance})
        assert r.status_code == 200, r.text
        return r.json()

    def health(self) -> dict:
        r = self.req("GET", "/_sandbox/health")
        assert r.status_code == 200, r.text
        return r.json()


class Tenant:
    """An API client (key/secret) of the emulator with a token, plus resource helpers."""

    def __init__(self, api: Api, client_id, api_key, api_secret):
        self.api = api
        self.client_id = client_id
        self.api_key = api_key
        self.api_secret = api_secret
        self.token = api.token(api_key, api_secret)

    def req(self, method, path, **kw):
        kw.setdefault("token", self.token)
        return self.api.req(method, path, **kw)

    def get(self, path, **kw) -> dict:
        r = self.req("GET", path, **kw)
        assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text}"
        return r.json()

    def create_wallet(self, name=None, description=None) -> dict:
        body = {"wallet_name": name or f"wallet-{secrets.token_hex(3)}"}
        if description is not None:
            body["description"] = description
        r = self.req("POST", "/api/v1/wallets", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def wait_active(self, wallet_id: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            w = self.get(f"/api/v1/wallets/{wallet_id}")
            if w["status"] == "ACTIVE":
                return w
            assert w["status"] == "PROGRESSING", w
            assert time.monotonic() < deadline, f"wallet {wallet_id} not ACTIVE after {timeout}s: {w}"
            time.sleep(0.05)

    def active_wallet(self, name=None, description=None) -> dict:
        return self.wait_active(self.create_wallet(name, description)["wallet_id"])

    def create_account(self, wallet_id, chain, label=None, **extra) -> dict:
        body = {"wallet_id": wallet_id, "chain": chain, **extra}
        if label is not None:
            body["label"] = label
        r = self.req("POST", "/api/v1/accounts", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def create_asset(self, account_id, symbol, chain=None) -> dict:
        body = {"account_id": account_id, "symbol": symbol}
        if chain is not None:
            body["chain"] = chain
        r = self.req("POST", "/api/v1/assets", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def asset(self, asset_id) -> dict:
        return self.get(f"/api/v1/assets/{asset_id}")

    def funded_asset(self, chain, symbol, balance, wallet=None, asset_chain=None):
        """(wallet, account, asset) with `balance` available on a fresh account of `chain`."""
        wallet = wallet or self.active_wallet()
        account = self.create_account(wallet["wallet_id"], chain)
        if asset_chain is None and chain in EVM_CHAINS:
            asset_chain = chain
        asset = self.create_asset(account["account_id"], symbol, asset_chain)
        self.api.fund(asset["asset_id"], balance)
        return wallet, account, self.asset(asset["asset_id"])

    def transfer(self, from_address, to_address, chain, token_symbol, amount, memo=None, **extra):
        body = {"from_address": from_address, "to_address": to_address, "chain": chain,
                "token_symbol": token_symbol, "amount": amount, **extra}
        if memo is not None:
            body["memo"] = memo
        return self.req("POST", "/api/v1/transfer", json=body)

    def list_all(self, path, **params) -> list:
        items = []
        page = 1
        while True:
            body = self.get(path, params={**params, "page": page, "page_size": 100})
            items.extend(body["data"])
            if not body["has_more"]:
                return items
            page += 1

    def snapshot(self) -> dict:
        """Everything this tenant can see, for 'a rejected request changes nothing' checks."""
        return {
            "wallets": self.list_all("/api/v1/wallets"),
            "accounts": self.list_all("/api/v1/accounts"),
            "assets": self.list_all("/api/v1/assets"),
            "transactions": self.list_all("/api/v1/transactions"),
        }


# --------------------------------------------------------------------------------------------
# JWT crafting
# --------------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_parts(token: str):
    h, p, s = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p)), s


def jwt_make(header: dict, payload: dict, key: bytes | None) -> str:
    signing_input = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = "" if key is None else b64url(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
    return signing_input + "." + sig


# --------------------------------------------------------------------------------------------
# Waiting for a state
# --------------------------------------------------------------------------------------------


def wait_until(pred, timeout: float = 10.0, what: str = "condition", interval: float = 0.05):
    """Polls `pred` until it returns something truthy and returns that; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)
