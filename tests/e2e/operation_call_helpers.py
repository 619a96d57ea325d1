"""Builders and the desk shared by test_operation_calls*.py: Solana transactions and EVM call bodies for
PROGRAM_CALL and CONTRACT_CALL, the operations policy, the manual-clock world and ledger rows."""
from __future__ import annotations

import base64
import secrets
import struct

import pytest

from chain_helpers import MANUAL, START_MS
from e2e_helpers import b58decode, random_evm_address

START_S = START_MS // 1000
USDT_ETH = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # 6 decimals
USDC_ETH = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"  # 6 decimals
MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"


BOTH = ["PROGRAM_CALL", "CONTRACT_CALL"]


# --------------------------------------------------------------------------------------------
# Request builders
# --------------------------------------------------------------------------------------------


def compact(n: int) -> bytes:
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def sol_tx(payer: str, counterparty: str, out_lamports: int, in_lamports: int, receive: str | None = None, *,
           payer_signed=False, counterparty_signed=True, fee_payer: str | None = None, memo: bytes | None = b"q-1",
           version0=False, lookups=0, extra_program: str | None = None) -> bytes:
    """A counterparty-signed Solana transaction: the payer's System transfer to the counterparty and
    the counterparty's System transfer to `receive` (default: the payer)."""
    receive = receive or payer
    keys = [fee_payer or payer]
    for k in (counterparty, payer, receive, "11111111111111111111111111111111"):
        if k not in keys:
            keys.append(k)
    if memo is not None:
        keys.append(MEMO_PROGRAM)
    if extra_program:
        keys.append(extra_program)
    idx = {k: i for i, k in enumerate(keys)}
    ixs = [(idx["11111111111111111111111111111111"], [idx[payer], idx[counterparty]], struct.pack("<IQ", 2, out_lamports)),
           (idx["11111111111111111111111111111111"], [idx[counterparty], idx[receive]], struct.pack("<IQ", 2, in_lamports))]
    if memo is not None:
        ixs.insert(0, (idx[MEMO_PROGRAM], [], memo))
    if extra_program:
        ixs.append((idx[extra_program], [], b"\x01"))
    msg = (b"\x80" if version0 else b"") + bytes([2, 0, len(keys) - 2]) + compact(len(keys))
    msg += b"".join(b58decode(k) for k in keys) + secrets.token_bytes(32) + compact(len(ixs))
    for prog, accounts, data in ixs:
        msg += bytes([prog]) + compact(len(accounts)) + bytes(accounts) + compact(len(data)) + data
    if version0:
        msg += compact(lookups) + b"".join(secrets.token_bytes(32) + b"\x01\x00" + b"\x00" for _ in range(lookups))
    sigs = [secrets.token_bytes(64) if payer_signed else bytes(64),
            secrets.token_bytes(64) if counterparty_signed else bytes(64)]
    return compact(2) + b"".join(sigs) + msg


def program_call(from_address, signed: bytes | str, **extra) -> dict:
    text = signed if isinstance(signed, str) else base64.b64encode(signed).decode()
    return {"operation": "PROGRAM_CALL", "from_address": from_address, "chain": "solana",
            "signed_transaction": text, **extra}


def contract_call(from_address, pay_amount="2500000", receive_amount="2400000", counterparty=None, *,
                  expiration=None, receive_address=None, **extra) -> dict:
    counterparty = counterparty or random_evm_address()
    body = {"operation": "CONTRACT_CALL", "from_address": from_address, "chain": "ethereum",
            "contract_call": {
                "quote_id": "0x" + secrets.token_hex(32),
                "expiration": expiration if expiration is not None else START_S + 86400,
                "incoming": {"to": counterparty, "token": USDT_ETH, "amount": pay_amount},
                "outgoing": {"from": counterparty, "to": receive_address or from_address, "token": USDC_ETH,
                             "amount": receive_amount},
                "counterparty_signature": "0x" + "11" * 65}}
    if receive_address:
        body["receive_address"] = receive_address
    body.update(extra)
    return body


# --------------------------------------------------------------------------------------------
# A client with funded accounts
# --------------------------------------------------------------------------------------------


def grant_policy(api, client_id, operations=BOTH, chains=None):
    body = {"operations": list(operations)}
    if chains is not None:
        body["chains"] = chains
    r = api.req("PUT", f"/_sandbox/clients/{client_id}/operations-policy", json=body)
    assert r.status_code == 200, r.text
    return r.json()


class Desk:
    """A tenant with a solana account (SOL) and an ethereum account (USDT, USDC), funded."""

    def __init__(self, api, api_version=None, policy=True, sol="10", usdt="100", usdc="0"):
        self.api = api
        self.t = api.new_tenant(api_version=api_version)
        if policy:
            grant_policy(api, self.t.client_id)
        wallet = self.t.active_wallet()
        self.sol_account = self.t.create_account(wallet["wallet_id"], "solana")
        self.sol = self.t.create_asset(self.sol_account["account_id"], "SOL")
        self.eth_account = self.t.create_account(wallet["wallet_id"], "ethereum")
        self.usdt = self.t.create_asset(self.eth_account["account_id"], "USDT", "ethereum")
        self.usdc = self.t.create_asset(self.eth_account["account_id"], "USDC", "ethereum")
        api.fund(self.sol["asset_id"], sol)
        api.fund(self.usdt["asset_id"], usdt)
        if usdc != "0":
            api.fund(self.usdc["asset_id"], usdc)

    @property
    def sol_address(self):
        return self.sol_account["address"]

    @property
    def eth_address(self):
        return self.eth_account["address"]

    def call(self, body):
        return self.t.req("POST", "/api/v1/transactions", json=body)

    def balances(self):
        return {name: (a["balance"], a["locked_balance"])
                for name, a in (("SOL", self.t.asset(self.sol["asset_id"])), ("USDT", self.t.asset(self.usdt["asset_id"])),
                                ("USDC", self.t.asset(self.usdc["asset_id"])))}

    def transactions(self):
        return self.t.get("/api/v1/transactions")["total"]


@pytest.fixture(scope="module")
def world(module_launch):
    server = module_launch(*MANUAL, keygen_delay_ms=0)
    return server.api
