"""Helpers for the simulated-chain end-to-end tests (test_chain_*.py).

They drive the emulator's /_sandbox control plane (virtual clock, deposits, forced outcomes, the
ledger) and know the registry's chain timing, so a test can predict exactly when a transaction takes
its next step, which block includes it and what the ledger must then read. Everything goes through
the public HTTP surface; the generic fixtures and helpers live in conftest.py / e2e_helpers.py.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from decimal import Decimal

from e2e_helpers import (Api, Tenant, b58decode, check_asset, check_transaction, check_wallet,
                         is_int)

START = "2026-01-15T10:40:00Z"
START_MS = 1768473600000
SEEDED_START = "2026-01-01T00:00:00Z"
SEEDED_START_MS = 1767225600000

# name -> (block time ms, required confirmations, first simulated height, address family)
CHAINS = {
    "ethereum": (12000, 12, 21_000_000, "evm"),
    "bsc": (3000, 15, 45_000_000, "evm"),
    "polygon": (2000, 64, 65_000_000, "evm"),
    "avalanche": (2000, 12, 55_000_000, "evm"),
    "arbitrum": (250, 20, 280_000_000, "evm"),
    "optimism": (2000, 10, 128_000_000, "evm"),
    "base": (2000, 10, 23_000_000, "evm"),
    "tron": (3000, 19, 67_000_000, "tvm"),
    "bitcoin": (600000, 6, 870_000, "utxo"),
    "solana": (400, 32, 300_000_000, "svm"),
}

# The emulator's default block times compress the mainnet ones above (so every chain confirms within
# ~10 s of wall time); the step-by-step tests pin the mainnet timing with --chain, which keeps their
# arithmetic on real-world figures. DEFAULT_BLOCK_MS is what a server without --chain uses.
MAINNET_TIMING = tuple(a for name, (bt, conf, _, _) in CHAINS.items() for a in ("--chain", f"{name}:{bt}:{conf}"))
DEFAULT_BLOCK_MS = {"ethereum": 400, "bsc": 300, "polygon": 75, "avalanche": 400, "arbitrum": 250, "optimism": 500,
                    "base": 500, "tron": 250, "bitcoin": 1000, "solana": 150}
MANUAL = ("--manual-clock", "--start-time", START, *MAINNET_TIMING)
# A restart of a database made with MANUAL: --start-time applies to a fresh database only (given to
# an existing one, the emulator refuses to start and says why).
MANUAL_RESTART = ("--manual-clock", *MAINNET_TIMING)

SIGN_MS = 2000       # default --sign-delay-ms
BROADCAST_MS = 1000  # default --broadcast-delay-ms
KEYGEN_MS = 3000     # what the chain tests pass as --keygen-delay-ms (the binary's default)


DECIMALS = {("ethereum", "ETH"): 18, ("ethereum", "USDT"): 6, ("ethereum", "USDC"): 6, ("bsc", "BNB"): 18,
            ("bsc", "USDT"): 18, ("tron", "TRX"): 6, ("tron", "USDT"): 6, ("bitcoin", "BTC"): 8,
            ("solana", "SOL"): 9}

FINAL = ("CONFIRMED", "FAILED")


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------


def rfc(ms: int) -> str:
    """The emulator's timestamp text for a virtual instant (whole seconds, UTC, 'Z')."""
    t = _dt.datetime.fromtimestamp(ms // 1000, tz=_dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc_ms(text: str) -> int:
    t = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(round(t.timestamp() * 1000))


def block_time_ms(chain: str, height: int, epoch_ms: int = START_MS) -> int:
    bt, _, base, _ = CHAINS[chain]
    return epoch_ms + (height - base) * bt


def height_at(chain: str, t_ms: int, epoch_ms: int = START_MS) -> int:
    bt, _, base, _ = CHAINS[chain]
    return base if t_ms <= epoch_ms else base + (t_ms - epoch_ms) // bt


def required(chain: str) -> int:
    return CHAINS[chain][1]


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------


def dec(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def amount_text(v) -> str:
    """The emulator's canonical decimal text: no exponent, no trailing zeros ('7.5', '10', '0')."""
    s = format(dec(v), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------

EVM_HASH_RE = re.compile(r"^0x[0-9a-f]{64}$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


def assert_tx_hash_format(chain: str, h: str):
    family = CHAINS[chain][3]
    assert isinstance(h, str) and h, f"empty tx_hash on {chain}"
    if family == "evm":
        assert EVM_HASH_RE.match(h), f"{chain} tx_hash must be 0x + 64 lowercase hex: {h!r}"
    elif family in ("tvm", "utxo"):
        assert HEX64_RE.match(h), f"{chain} tx_hash must be 64 lowercase hex: {h!r}"
    else:
        raw = b58decode(h)
        assert raw is not None and len(raw) == 64, f"solana tx_hash must be base58 of 64 bytes: {h!r}"


# --------------------------------------------------------------------------------------------
# The /_sandbox control plane
# --------------------------------------------------------------------------------------------


def check_clock(c: dict) -> dict:
    assert isinstance(c, dict), c
    assert isinstance(c["now"], str) and c["now"].endswith("Z"), c
    assert is_int(c["now_ms"]), c
    assert c["now"] == rfc(c["now_ms"]), c
    assert c["mode"] in ("manual", "running"), c
    assert isinstance(c["speed"], (int, float)) and c["speed"] > 0, c  # a JSON number, as in health
    assert isinstance(c["heights"], dict) and set(CHAINS) <= set(c["heights"]), c
    for name, h in c["heights"].items():
        assert is_int(h) and h > 0, c
    return c


class Sandbox:
    """The simulated chain's controls of one emulator."""

    def __init__(self, api: Api):
        self.api = api

    # clock
    def clock(self) -> dict:
        r = self.api.req("GET", "/_sandbox/clock")
        assert r.status_code == 200, r.text
        return check_clock(r.json())

    def now_ms(self) -> int:
        return self.clock()["now_ms"]

    def advance_raw(self, body=None, **kw):
        return self.api.req("POST", "/_sandbox/clock/advance", json=body, **kw)

    def advance_ms(self, ms: int) -> dict:
        """Moves the virtual clock forward by exactly `ms` milliseconds (decimal-string seconds)."""
        assert ms >= 0
        before = self.now_ms()
        r = self.advance_raw({"seconds": f"{ms // 1000}.{ms % 1000:03d}"})
        assert r.status_code == 200, r.text
        body = check_clock(r.json())
        assert body["advanced_ms"] == ms, body
        if body["mode"] == "manual":
            assert body["now_ms"] == before + ms, (before, ms, body)
        return body

    def advance(self, seconds: int) -> dict:
        return self.advance_ms(int(seconds * 1000))

    def advance_to(self, t_ms: int) -> dict:
        now = self.now_ms()
        assert t_ms >= now, f"cannot go back from {now} to {t_ms}"
        return self.advance_ms(t_ms - now)

    # deposits and forced outcomes
    def deposit_raw(self, body: dict):
        return self.api.req("POST", "/_sandbox/deposits", json=body)

    def deposit(self, address, chain, token_symbol, amount, from_=None) -> dict:
        body = {"address": address, "chain": chain, "token_symbol": token_symbol, "amount": amount}
        if from_ is not None:
            body["from"] = from_
        r = self.deposit_raw(body)
        assert r.status_code == 201, r.text
        t = r.json()
        check_transaction(t)
        return t

    def control(self, tx_id: str, action: str):
        return self.api.req("POST", f"/_sandbox/transactions/{tx_id}/{action}")

    # books
    def ledger(self) -> dict:
        r = self.api.req("GET", "/_sandbox/ledger")
        assert r.status_code == 200, r.text
        body = r.json()
        assert isinstance(body["tokens"], list) and type(body["balanced"]) is bool, body
        return body

    def ledger_rows(self) -> dict:
        rows = {}
        for row in self.ledger()["tokens"]:
            for k in ("balance", "locked", "minted", "burned"):
                assert isinstance(row[k], str) and re.fullmatch(r"(0|[1-9]\d*)(\.\d*[1-9])?", row[k]), row
            rows[(row["chain"], row["symbol"])] = row
        return rows


class Books:
    """What the ledger must read, kept by the test alongside the scenario it drives.

    Per chain x token: balance (available everywhere), locked, minted and burned, as Decimals.
    `check(sandbox)` compares with GET /_sandbox/ledger string for string and asserts the invariant.
    """

    def __init__(self):
        self.rows = defaultdict(lambda: {"balance": Decimal(0), "locked": Decimal(0), "minted": Decimal(0),
                                         "burned": Decimal(0)})

    def mint(self, chain, symbol, amount):  # sandbox grant or a confirmed deposit
        r = self.rows[(chain, symbol)]
        r["minted"] += dec(amount)
        r["balance"] += dec(amount)

    def burn_grant(self, chain, symbol, amount):  # sandbox balance lowered
        r = self.rows[(chain, symbol)]
        r["burned"] += dec(amount)
        r["balance"] -= dec(amount)

    def lock(self, chain, symbol, amount):  # transfer accepted
        r = self.rows[(chain, symbol)]
        r["balance"] -= dec(amount)
        r["locked"] += dec(amount)

    def confirm(self, chain, symbol, amount, internal: bool):
        r = self.rows[(chain, symbol)]
        r["locked"] -= dec(amount)
        if internal:
            r["balance"] += dec(amount)
        else:
            r["burned"] += dec(amount)

    def fail(self, chain, symbol, amount):  # refund
        r = self.rows[(chain, symbol)]
        r["locked"] -= dec(amount)
        r["balance"] += dec(amount)

    def expected(self) -> dict:
        out = {}
        for (chain, symbol), r in self.rows.items():
            assert r["balance"] + r["locked"] == r["minted"] - r["burned"], ("test bookkeeping", chain, symbol, r)
            out[(chain, symbol)] = {"chain": chain, "symbol": symbol,
                                    **{k: amount_text(v) for k, v in r.items()}, "balanced": True}
        return out

    def check(self, sandbox: Sandbox):
        body = sandbox.ledger()
        assert body["balanced"] is True, body
        got = {}
        for row in body["tokens"]:
            assert row["balanced"] is True, row
            got[(row["chain"], row["symbol"])] = row
        exp = self.expected()
        # Tokens nobody touched may show an all-zero row; anything else must match exactly.
        for key, row in got.items():
            if key not in exp:
                assert row["minted"] == row["burned"] == row["balance"] == row["locked"] == "0", row
        for key, row in exp.items():
            assert key in got, f"ledger has no row for {key}: {body}"
            assert got[key] == row, f"ledger row {key}: expected {row}, got {got[key]}"
        return body


# --------------------------------------------------------------------------------------------
# Tenants on a manual clock
# --------------------------------------------------------------------------------------------


def manual_world(launch, *extra, keygen_ms=KEYGEN_MS, **kw):
    """A fresh emulator on a manual clock starting at START; returns (server, sandbox)."""
    server = launch(*MANUAL, *extra, keygen_delay_ms=keygen_ms, **kw)
    sb = Sandbox(server.api)
    assert sb.now_ms() == START_MS
    return server, sb


def activate(tenant: Tenant, sb: Sandbox, keygen_ms=KEYGEN_MS, name=None) -> dict:
    """Creates a wallet and advances the manual clock through its key generation."""
    w = tenant.create_wallet(name)
    assert (w["status"], w["key_status"]) == ("PROGRESSING", "GENERATING"), w
    sb.advance_ms(keygen_ms)
    w = tenant.get(f"/api/v1/wallets/{w['wallet_id']}")
    check_wallet(w)
    assert (w["status"], w["key_status"]) == ("ACTIVE", "ACTIVE"), w
    return w


def open_asset(tenant: Tenant, wallet_id, chain, symbol, asset_chain=None, account=None):
    """(account, asset) on a fresh (or given) account of the wallet."""
    account = account or tenant.create_account(wallet_id, chain)
    if asset_chain is None and CHAINS[chain][3] == "evm":
        asset_chain = chain
    asset = tenant.create_asset(account["account_id"], symbol, asset_chain)
    return account, asset


def grant(api: Api, books: Books | None, asset: dict, amount) -> dict:
    """Sets a zero-balance asset to `amount` through the sandbox (mints it)."""
    a = api.fund(asset["asset_id"], amount_text(amount))
    if books is not None:
        books.mint(asset["chain"], asset["symbol"], amount)
    return a


def balances(tenant: Tenant, asset_id) -> tuple[str, str]:
    a = tenant.asset(asset_id)
    check_asset(a)
    return a["balance"], a["locked_balance"]


def tx(tenant: Tenant, tx_id) -> dict:
    t = tenant.get(f"/api/v1/transactions/{tx_id}")
    check_transaction(t)
    return t


def send(tenant: Tenant, from_address, to_address, chain, symbol, amount, memo=None) -> str:
    r = tenant.transfer(from_address, to_address, chain, symbol, amount_text(amount) if not isinstance(amount, str)
                        else amount, memo=memo)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "PENDING", body
    return body["tx_id"]


def settle_time_ms(chain: str, from_ms: int, epoch_ms: int = START_MS) -> int:
    """When a transfer created at `from_ms` (default delays) is CONFIRMED."""
    broadcast = from_ms + SIGN_MS + BROADCAST_MS
    included = height_at(chain, broadcast, epoch_ms) + 1
    return block_time_ms(chain, included + required(chain) - 1, epoch_ms)


def run_to_final(tenant: Tenant, sb: Sandbox, tx_id: str, max_steps=10) -> dict:
    """Advances the manual clock (whole chain duration at a time) until the transaction is final."""
    t = tx(tenant, tx_id)
    for _ in range(max_steps):
        if t["status"] in FINAL:
            return t
        bt, conf, _, _ = CHAINS[t["chain"]]
        sb.advance_ms(SIGN_MS + BROADCAST_MS + bt * (conf + 1))
        t = tx(tenant, tx_id)
    raise AssertionError(f"transaction not final after {max_steps} advances: {t}")
