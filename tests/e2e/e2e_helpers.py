"""Shared helpers of the end-to-end suite: the emulator process, an HTTP client, tenants, the
per-resource schema checks, and the pure-python address codecs (keccak-256 / EIP-55, base58check,
bech32/bech32m) the tests use to check what the emulator returns and to craft destinations.

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
# Response shape checks (CONTRACT.md)
# --------------------------------------------------------------------------------------------

ERROR_TABLE = {
    "bad_request": (400, "invalid_request_error"),
    "invalid_parameter": (400, "invalid_request_error"),
    "validation_failed": (400, "invalid_request_error"),
    "unauthorized": (401, "authentication_error"),
    "invalid_token": (401, "authentication_error"),
    "token_expired": (401, "authentication_error"),
    "forbidden": (403, "permission_error"),
    "not_found": (404, "not_found_error"),
    "conflict": (409, "conflict_error"),
    "too_many_requests": (429, "rate_limit_error"),
    "wallet_limit_reached": (400, "business_error"),
    "insufficient_balance": (400, "business_error"),
    "invalid_address": (400, "business_error"),
    "transaction_failed": (400, "business_error"),
    "asset_already_exists": (400, "business_error"),
    "wallet_not_active": (400, "business_error"),
    "account_not_active": (400, "business_error"),
    "concurrency_error": (400, "business_error"),
    "internal_error": (500, "api_error"),
    "service_unavailable": (503, "api_error"),
    "address_blacklisted": (403, "permission_error"),
}


def check_error_shape(resp) -> dict:
    """Every error body: exactly code/type/message, all non-empty strings, JSON content type."""
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert isinstance(body, dict), body
    assert set(body) == {"code", "type", "message"}, body
    for k in ("code", "type", "message"):
        assert isinstance(body[k], str) and body[k].strip(), body
    return body


def assert_error(resp, code, status=None, field=None) -> dict:
    """Asserts an error response with `code`; HTTP status and type come from the contract's table."""
    if status is None:
        status = ERROR_TABLE[code][0]
    assert resp.status_code == status, f"expected {status} {code}, got {resp.status_code} {resp.text}"
    body = check_error_shape(resp)
    assert body["code"] == code, body
    if code in ERROR_TABLE:
        assert body["type"] == ERROR_TABLE[code][1], body
    if field is not None:
        assert field in body["message"], f"message should name {field!r}: {body}"
    return body


RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DECIMAL_RE = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def is_int(v) -> bool:
    return type(v) is int  # bool is an int subclass; the contract's integers are not booleans


def check_str(obj, key, nonempty=True):
    assert key in obj, f"missing {key!r} in {obj}"
    v = obj[key]
    assert isinstance(v, str), f"{key} must be a string, got {type(v).__name__}: {obj}"
    if nonempty:
        assert v != "", f"{key} must not be empty: {obj}"
    return v


def check_int(obj, key):
    assert key in obj, f"missing {key!r} in {obj}"
    assert is_int(obj[key]), f"{key} must be an integer, got {type(obj[key]).__name__}: {obj}"
    return obj[key]


def check_bool(obj, key):
    assert key in obj, f"missing {key!r} in {obj}"
    assert type(obj[key]) is bool, f"{key} must be a boolean: {obj}"
    return obj[key]


def check_time(obj, key) -> _dt.datetime:
    v = check_str(obj, key)
    assert RFC3339_RE.match(v), f"{key} is not RFC 3339: {v!r}"
    t = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    assert t.tzinfo is not None
    return t


def check_decimal(obj, key, max_decimals=None) -> Decimal:
    v = check_str(obj, key)
    assert DECIMAL_RE.match(v), f"{key} is not a plain decimal string: {v!r}"
    if max_decimals is not None and "." in v:
        assert len(v.split(".")[1]) <= max_decimals, f"{key} has more than {max_decimals} decimals: {v!r}"
    return Decimal(v)


def check_token_response(t: dict):
    assert isinstance(t, dict)
    tok = check_str(t, "token")
    assert len(tok.split(".")) == 3, tok
    assert check_str(t, "token_type") == "Bearer"
    assert check_int(t, "expires_in") > 0
    c = t["client"]
    assert isinstance(c, dict), t
    for k in ("client_id", "client_name", "status", "subscription_tier"):
        check_str(c, k)
    check_int(c, "max_wallets")


def check_wallet(w: dict):
    assert isinstance(w, dict), w
    for k in ("wallet_id", "client_id", "wallet_name"):
        check_str(w, k)
    check_str(w, "description", nonempty=False)
    assert check_str(w, "status") in ("PROGRESSING", "ACTIVE"), w
    assert check_str(w, "key_status") in ("GENERATING", "ACTIVE"), w
    created = check_time(w, "created_at")
    updated = check_time(w, "updated_at")
    assert updated >= created, w


def check_account(a: dict):
    assert isinstance(a, dict), a
    for k in ("account_id", "wallet_id", "client_id", "address", "network", "address_type", "status", "chain"):
        check_str(a, k)
    check_str(a, "label", nonempty=False)
    check_time(a, "created_at")


ASSET_TYPES = ("NATIVE", "ERC20", "BEP20", "TRC20")


def check_asset(a: dict):
    assert isinstance(a, dict), a
    for k in ("asset_id", "account_id", "wallet_id", "client_id", "chain", "network", "symbol", "name",
              "contract_address"):
        check_str(a, k)
    d = check_int(a, "decimals")
    assert 0 <= d <= 38, a
    assert check_str(a, "asset_type") in ASSET_TYPES, a
    check_decimal(a, "balance", d)
    check_decimal(a, "locked_balance", d)
    check_bool(a, "is_active")
    check_time(a, "created_at")
    if a["asset_type"] == "NATIVE":
        assert a["contract_address"] == "0x", a


TX_STATUSES = ("PENDING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED", "FAILED")


def check_transaction(t: dict):
    assert isinstance(t, dict), t
    for k in ("tx_id", "wallet_id", "client_id", "chain", "from_address", "to_address", "token_symbol"):
        check_str(t, k)
    assert check_str(t, "transaction_type") == "TRANSFER", t
    amount = check_decimal(t, "amount")
    assert amount > 0, t
    assert check_str(t, "status") in TX_STATUSES, t
    check_str(t, "tx_hash", nonempty=False)
    assert check_str(t, "direction") in ("OUTBOUND", "INBOUND"), t
    assert check_int(t, "block_number") >= 0
    assert check_int(t, "confirmations") >= 0
    check_time(t, "created_at")


def check_transfer_response(r: dict):
    assert isinstance(r, dict), r
    check_str(r, "tx_id")
    assert check_str(r, "status") == "PENDING", r
    check_str(r, "message")


def check_list(body: dict, item_check) -> list:
    assert isinstance(body, dict), body
    assert isinstance(body.get("data"), list), body
    check_int(body, "total")
    check_bool(body, "has_more")
    for item in body["data"]:
        item_check(item)
    return body["data"]


# --------------------------------------------------------------------------------------------
# Keccak-256 and EIP-55
# --------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _keccak_round_constants():
    out, r = [], 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            r = ((r << 1) ^ ((r >> 7) * 0x71)) % 256
            if r & 2:
                rc ^= 1 << ((1 << j) - 1)
        out.append(rc)
    return out


def _keccak_rotations():
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rot


_RC = _keccak_round_constants()
_ROT = _keccak_rotations()


def _rol(v, n):
    n %= 64
    return ((v << n) | (v >> (64 - n))) & _MASK64 if n else v


def _keccak_f(a):
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rol(a[x + 5 * y], _ROT[x][y])
        a = [b[i] ^ ((~b[(i % 5 + 1) % 5 + 5 * (i // 5)]) & b[(i % 5 + 2) % 5 + 5 * (i // 5)]) for i in range(25)]
        a[0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum's; padding 0x01, not SHA3-256's 0x06)."""
    rate = 136
    msg = bytearray(data)
    msg.append(0x01)
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        state = _keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def eip55(addr20: bytes) -> str:
    hexaddr = addr20.hex()
    h = keccak256(hexaddr.encode()).hex()
    return "0x" + "".join(ch.upper() if ch.isalpha() and int(h[i], 16) >= 8 else ch for i, ch in enumerate(hexaddr))


def is_eip55(address: str) -> bool:
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
        return False
    return eip55(bytes.fromhex(address[2:])) == address


# --------------------------------------------------------------------------------------------
# Base58 / base58check
# --------------------------------------------------------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58_ALPHABET[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(s: str) -> bytes | None:
    n = 0
    for ch in s:
        i = B58_ALPHABET.find(ch)
        if i < 0:
            return None
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\0" * pad + body


def _dsha(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + _dsha(payload)[:4])


def b58check_decode(s: str) -> bytes | None:
    raw = b58decode(s)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if _dsha(payload)[:4] == check else None


# --------------------------------------------------------------------------------------------
# Bech32 / bech32m (BIP-173 / BIP-350)
# --------------------------------------------------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _hrp_expand(hrp):
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def _convertbits(data, frombits, tobits, pad=True):
    acc = bits = 0
    ret = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if pad:
        if bits:
            ret.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return ret


def bech32_encode(hrp, data, const):
    values = _hrp_expand(hrp) + data
    pm = _polymod(values + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def bech32_decode(s):
    """(hrp, data, const) or None."""
    if any(ord(x) < 33 or ord(x) > 126 for x in s) or (s.lower() != s and s.upper() != s):
        return None
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return None
    if not all(x in BECH32_CHARSET for x in s[pos + 1:]):
        return None
    hrp = s[:pos]
    data = [BECH32_CHARSET.find(x) for x in s[pos + 1:]]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def segwit_encode(hrp, version, program: bytes) -> str:
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    return bech32_encode(hrp, [version] + _convertbits(program, 8, 5), const)


def segwit_decode(hrp, addr):
    """(version, program bytes) or None."""
    d = bech32_decode(addr)
    if d is None or d[0] != hrp or not d[1]:
        return None
    version, data, const = d[1][0], d[1][1:], d[2]
    prog = _convertbits(data, 5, 8, False)
    if prog is None or not 2 <= len(prog) <= 40 or version > 16:
        return None
    if version == 0 and len(prog) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None
    return version, bytes(prog)


# --------------------------------------------------------------------------------------------
# Address makers (valid destinations) and breakers (invalid ones)
# --------------------------------------------------------------------------------------------


def random_evm_address() -> str:
    return eip55(secrets.token_bytes(20))


def tron_address(body20: bytes | None = None) -> str:
    return b58check_encode(b"\x41" + (body20 or secrets.token_bytes(20)))


def solana_address(n: int = 32) -> str:
    raw = b"\x07" + secrets.token_bytes(n - 1)  # non-zero first byte: no '1' padding surprises
    return b58encode(raw)


def bad_eip55_address() -> str:
    """Mixed-case 0x address whose case pattern is not the EIP-55 checksum."""
    while True:
        good = random_evm_address()
        letters = [i for i, ch in enumerate(good) if i > 1 and ch.isalpha()]
        if len(letters) < 3:
            continue
        i = letters[0]
        flipped = good[:i] + good[i].swapcase() + good[i + 1:]
        body = flipped[2:]
        if body.lower() != body and body.upper() != body and not is_eip55(flipped):
            return flipped


def bad_checksum_tron_address() -> str:
    good = tron_address()
    for ch in B58_ALPHABET:
        cand = good[:-1] + ch
        if ch != good[-1] and b58check_decode(cand) is None:
            return cand
    raise AssertionError("unreachable")


def bad_bech32_address() -> str:
    good = segwit_encode("bc", 0, secrets.token_bytes(20))
    i = len(good) - 3
    for ch in BECH32_CHARSET:
        cand = good[:i] + ch + good[i + 1:]
        if ch != good[i] and segwit_decode("bc", cand) is None:
            return cand
    raise AssertionError("unreachable")


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
