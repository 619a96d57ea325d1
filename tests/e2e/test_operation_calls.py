"""PROGRAM_CALL and CONTRACT_CALL through POST /api/v1/transactions: 403 without an operations
policy (both API versions), the policy granted by the control endpoint and by a fixture, every
validation error, both calls walking to CONFIRMED with the outgoing leg debited and the incoming leg
credited in base units and the ledger balanced, the 202 accepted-but-pending magic value, failures
that refund, and reference_id uniqueness. Everything runs on a manual clock."""
from __future__ import annotations

import base64
import json
import secrets
import struct
import subprocess

import pytest

from chain_helpers import MANUAL, START_MS, Sandbox
from e2e_helpers import (assert_error, b58decode, b58encode, emulator_bin, random_evm_address,
                         solana_address)

START_S = START_MS // 1000
USDT_ETH = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # 6 decimals
USDC_ETH = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"  # 6 decimals
MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"
ALT_MESSAGE = ("{op} accepted but the signing engine did not answer in time; poll GET /api/v1/transactions/{tx} "
               "for the outcome and do not resubmit with the same reference_id")
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


@pytest.fixture
def fresh(launch):
    server = launch(*MANUAL, keygen_delay_ms=0)
    return server.api, Sandbox(server.api)


def ledger_row(sb, chain, symbol):
    body = sb.ledger()
    assert body["balanced"] is True, body
    for row in body["tokens"]:
        if (row["chain"], row["symbol"]) == (chain, symbol):
            return {k: row[k] for k in ("balance", "locked", "minted", "burned")}
    raise AssertionError(f"no ledger row for {chain} {symbol}: {body}")


# --------------------------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2026-04", "2026-09"])
def test_without_a_policy_both_operations_are_forbidden(world, version):
    d = Desk(world, api_version=version, policy=False)
    before = d.balances()
    bodies = {"PROGRAM_CALL": program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5)),
              "CONTRACT_CALL": contract_call(d.eth_address)}
    for op, body in bodies.items():
        e = assert_error(d.call(body), "forbidden")
        assert e["type"] == "permission_error"
        chain = body["chain"]
        assert e["message"].startswith(f"policy not authorized: no OPERATION_RULES policy allows {op} on {chain}"), e
    assert d.balances() == before
    assert d.transactions() == 0


def test_control_endpoint_grants_narrows_and_removes_the_policy(world):
    d = Desk(world, policy=False)
    path = f"/_sandbox/clients/{d.t.client_id}/operations-policy"
    r = world.req("GET", path)
    assert r.status_code == 200, r.text
    assert r.json() == {"client_id": d.t.client_id, "enabled": False, "operations": [], "chains": []}

    body = grant_policy(world, d.t.client_id, ["PROGRAM_CALL", "CONTRACT_CALL", "PROGRAM_CALL"], ["Solana"])
    assert body == {"client_id": d.t.client_id, "enabled": True, "operations": ["CONTRACT_CALL", "PROGRAM_CALL"],
                    "chains": ["solana"]}
    assert world.req("GET", path).json() == body
    # Solana only: the PROGRAM_CALL goes through, the CONTRACT_CALL on ethereum does not.
    r = d.call(program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5)))
    assert r.status_code == 200, r.text
    assert_error(d.call(contract_call(d.eth_address)), "forbidden")

    grant_policy(world, d.t.client_id, ["CONTRACT_CALL"])  # every chain
    assert d.call(contract_call(d.eth_address)).status_code == 200
    e = assert_error(d.call(program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5))), "forbidden")
    assert "PROGRAM_CALL on solana" in e["message"]

    body = grant_policy(world, d.t.client_id, [])
    assert body == {"client_id": d.t.client_id, "enabled": False, "operations": [], "chains": []}
    assert_error(d.call(contract_call(d.eth_address)), "forbidden")


@pytest.mark.parametrize("body,needle", [
    ({"operations": ["TRANSFER"]}, "operations[0] must be PROGRAM_CALL or CONTRACT_CALL"),
    ({"operations": "PROGRAM_CALL"}, "operations must be an array"),
    ({}, "operations must be an array"),
    ({"operations": ["PROGRAM_CALL"], "chains": ["mars"]}, "chains[0] is not a supported chain"),
    ({"operations": ["PROGRAM_CALL"], "chains": "solana"}, "chains must be an array"),
    ({"operations": ["PROGRAM_CALL"], "rules": {}}, "Unknown field rules"),
])
def test_control_endpoint_refuses_bad_policies(world, body, needle):
    c = world.create_client(name="strict-policy")
    path = f"/_sandbox/clients/{c['client_id']}/operations-policy"
    e = assert_error(world.req("PUT", path, json=body), "invalid_parameter")
    assert needle in e["message"], e
    assert world.req("GET", path).json()["enabled"] is False


def test_control_endpoint_unknown_client_and_bad_json(world):
    assert_error(world.req("GET", "/_sandbox/clients/c_nope/operations-policy"), "not_found")
    assert_error(world.req("PUT", "/_sandbox/clients/c_nope/operations-policy", json={"operations": []}), "not_found")
    assert_error(world.req("PUT", "/_sandbox/clients/c_sandbox/operations-policy", data="{"), "bad_request")
    assert_error(world.req("DELETE", "/_sandbox/clients/c_sandbox/operations-policy"), "method_not_allowed", 405)


def fixture_doc(policy):
    return {"version": 1, "clients": [{
        "client_id": "c_desk", "client_name": "Desk", "api_key": "pk_desk", "api_secret": "sk_desk",
        "operations_policy": policy,
        "wallets": [{"wallet_id": "w_desk", "wallet_name": "Desk", "key_seed": "d1" * 32,
                     "accounts": [{"account_id": "acc_desk_sol", "chain": "solana",
                                   "assets": [{"asset_id": "ast_desk_sol", "symbol": "SOL", "balance": "3"}]}]}]}]}


def test_fixture_grants_the_policy(launch, tmp_path):
    path = tmp_path / "desk.json"
    path.write_text(json.dumps(fixture_doc({"operations": ["PROGRAM_CALL"], "chains": ["solana"]})))
    server = launch(*MANUAL, "--fixtures", str(path), keygen_delay_ms=0)
    api = server.api
    assert api.req("GET", "/_sandbox/clients/c_desk/operations-policy").json() == {
        "client_id": "c_desk", "enabled": True, "operations": ["PROGRAM_CALL"], "chains": ["solana"]}
    token = api.token("pk_desk", "sk_desk")
    address = api.req("GET", "/api/v1/accounts/acc_desk_sol", token=token).json()["address"]
    r = api.req("POST", "/api/v1/transactions", token=token,
                json=program_call(address, sol_tx(address, solana_address(), 1_000_000_000, 2)))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "BROADCAST"
    asset = api.req("GET", "/api/v1/assets/ast_desk_sol", token=token).json()
    assert (asset["balance"], asset["locked_balance"]) == ("2", "1")


def test_fixture_policy_errors_name_the_path(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(fixture_doc({"operations": ["SWAP"]})))
    out = subprocess.run([emulator_bin(), "fixtures", "validate", str(path)], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1, (out.stdout, out.stderr)
    text = out.stdout + out.stderr
    assert "$.clients[0].operations_policy: operations[0] must be PROGRAM_CALL or CONTRACT_CALL" in text, text


# --------------------------------------------------------------------------------------------
# Validation: each refusal names what is wrong and changes nothing
# --------------------------------------------------------------------------------------------


def program_cases(d):
    me, cp = d.sol_address, solana_address()
    good = sol_tx(me, cp, 10, 5)
    b64 = base64.b64encode(good).decode()
    return [
        (program_call(me, good, signed_transaction=None), "invalid_parameter",
         "Invalid request parameters: signed_transaction is required for PROGRAM_CALL"),
        ({k: v for k, v in program_call(me, good).items() if k != "from_address"}, "invalid_parameter",
         "Invalid request parameters: from_address is required for PROGRAM_CALL"),
        (program_call(me, good, chain="ethereum"), "invalid_parameter",
         "Invalid request parameters: PROGRAM_CALL is only available on solana"),
        (program_call(me, good, chain="dogecoin"), "invalid_parameter", "Unsupported chain: dogecoin"),
        (program_call(me, good, signed_transaction=12), "invalid_parameter",
         "Invalid request parameters: signed_transaction must be a string"),
        (program_call(me, "not base64 at all!"), "invalid_parameter",
         "Invalid request parameters: signed_transaction must be base64 or 0x-prefixed hex"),
        (program_call(me, "0x0g"), "invalid_parameter",
         "Invalid request parameters: signed_transaction must be base64 or 0x-prefixed hex"),
        (program_call(me, "A" * 4097), "invalid_parameter",
         "Invalid request parameters: signed_transaction exceeds 4096 characters"),
        (program_call(me, "AQIDBA=="), "invalid_parameter", "Rejected: malformed: "),
        (program_call(me, "0x" + (good + b"\x00").hex()), "invalid_parameter", "Rejected: malformed: signed_transaction has trailing bytes"),
        (program_call(me, b64, receive_address="not-solana"), "invalid_parameter",
         "Invalid request parameters: receive_address is not a valid solana address"),
        (program_call(me, sol_tx(me, cp, 10, 5, fee_payer=cp)), "invalid_parameter", "Rejected: fee_payer: "),
        (program_call(me, sol_tx(me, cp, 10, 5, payer_signed=True)), "invalid_parameter",
         "Rejected: payer_signature_present: "),
        (program_call(me, sol_tx(me, cp, 10, 5, counterparty_signed=False)), "invalid_parameter",
         "Rejected: counterparty_signature_missing: "),
        (program_call(me, sol_tx(me, cp, 10, 5, version0=True, lookups=1)), "invalid_parameter",
         "Rejected: alt_not_allowed: "),
        (program_call(me, sol_tx(me, cp, 10, 5, extra_program=solana_address())), "invalid_parameter",
         "Rejected: program_not_allowed: "),
        (program_call(me, sol_tx(me, cp, 10, 5, extra_program="TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")),
         "invalid_parameter", "Rejected: mint_not_registered: "),
        (program_call(me, sol_tx(me, cp, 10, 0)), "invalid_parameter", "Rejected: amount_not_positive: "),
        (program_call(me, sol_tx(me, cp, 10, 5, receive=solana_address()), receive_address=solana_address()),
         "invalid_parameter", "Rejected: incoming_destination: "),
        (program_call(me, good, memo="m" * 101), "validation_failed", "memo"),
        (program_call(me, good, reference_id="r" * 101), "validation_failed", "reference_id"),
        (program_call(me, sol_tx(me, cp, 11 * 10 ** 9, 5)), "insufficient_balance", "Insufficient balance"),
        (program_call(cp, sol_tx(cp, me, 10, 5)), "not_found", "from_address is not an account of this client"),
    ]


def contract_cases(d):
    me = d.eth_address

    def with_call(**changes):
        body = contract_call(me)
        for key, value in changes.items():
            target = body["contract_call"]
            *parents, leaf = key.split("__")
            for p in parents:
                target = target[p]
            if value is None:
                target.pop(leaf)
            else:
                target[leaf] = value
        return body

    return [
        ({k: v for k, v in contract_call(me).items() if k != "contract_call"}, "invalid_parameter",
         "Invalid request parameters: contract_call is required for CONTRACT_CALL"),
        (contract_call(me, chain="solana"), "invalid_parameter",
         "Invalid request parameters: CONTRACT_CALL is only available on EVM chains"),
        (contract_call(me, contract_call=[]), "invalid_parameter", "Invalid request parameters: contract_call must be an object"),
        (with_call(quote_id="0xab"), "invalid_parameter",
         "Invalid request parameters: contract_call.quote_id must be 32 bytes of hex"),
        (with_call(quote_id=None), "invalid_parameter",
         "Invalid request parameters: contract_call.quote_id is required for CONTRACT_CALL"),
        (with_call(expiration="1789449058"), "invalid_parameter",
         "Invalid request parameters: contract_call.expiration must be a non-negative integer"),
        (with_call(expiration=None), "invalid_parameter",
         "Invalid request parameters: contract_call.expiration is required for CONTRACT_CALL"),
        (with_call(expiration=START_S - 1), "invalid_parameter", "Rejected: expiration_passed: "),
        (with_call(permit_deadline=START_S - 1), "invalid_parameter", "Rejected: permit_deadline_passed: "),
        (with_call(incoming__amount="2.5"), "invalid_parameter",
         "Invalid request parameters: contract_call.incoming.amount must be an integer string in the token's smallest unit"),
        (with_call(outgoing__amount="007"), "invalid_parameter",
         "Invalid request parameters: contract_call.outgoing.amount must be an integer string"),
        (with_call(incoming__amount="0"), "invalid_parameter", "Rejected: amount_not_positive: "),
        (with_call(incoming__to="0x1234"), "invalid_parameter",
         "Invalid request parameters: contract_call.incoming.to must be an EVM address"),
        (with_call(outgoing__from=None), "invalid_parameter",
         "Invalid request parameters: contract_call.outgoing.from is required for CONTRACT_CALL"),
        (with_call(outgoing=None), "invalid_parameter",
         "Invalid request parameters: contract_call.outgoing is required for CONTRACT_CALL"),
        (with_call(counterparty_signature="1111"), "invalid_parameter",
         "Invalid request parameters: contract_call.counterparty_signature must be 0x-prefixed hex"),
        (with_call(outgoing__to=random_evm_address()), "invalid_parameter", "Rejected: outgoing_to: "),
        (with_call(incoming__token=random_evm_address()), "invalid_parameter", "Rejected: payment_token_not_registered: "),
        (with_call(outgoing__token=random_evm_address()), "invalid_parameter", "Rejected: target_token_not_registered: "),
        (with_call(incoming__amount=str(101 * 10 ** 6)), "insufficient_balance", "Insufficient balance"),
        (contract_call(me, receive_address=random_evm_address()), "not_found",
         "receive_address is not an account of this client"),
    ]


@pytest.mark.parametrize("kind", ["program", "contract"])
def test_validation_errors_change_nothing(world, kind):
    d = Desk(world)
    before = d.balances()
    cases = program_cases(d) if kind == "program" else contract_cases(d)
    for body, code, needle in cases:
        e = assert_error(d.call(body), code)
        assert needle in e["message"], (body, e)
        if needle.startswith("Invalid request parameters:") or needle.startswith("Rejected:"):
            assert e["message"].startswith(needle), e
    assert d.balances() == before
    assert d.transactions() == 0


def test_received_token_must_be_an_asset_of_the_receiving_account(world):
    d = Desk(world)
    other = d.t.create_account(d.t.active_wallet()["wallet_id"], "ethereum")  # no USDC asset
    e = assert_error(d.call(contract_call(d.eth_address, receive_address=other["address"])), "not_found")
    assert e["message"] == f"no asset registered for token {USDC_ETH} on ethereum at receive_address"
    assert d.transactions() == 0


# --------------------------------------------------------------------------------------------
# Simulated calls
# --------------------------------------------------------------------------------------------


def test_program_call_is_broadcast_then_confirmed_moving_both_legs(fresh):
    api, sb = fresh
    d = Desk(api, sol="10")
    cp = solana_address()
    signed = sol_tx(d.sol_address, cp, 1_500_000_000, 250_000_000)
    r = d.call(program_call(d.sol_address, "0x" + signed.hex(), reference_id="quote-42", memo="swap"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"tx_id", "status", "message", "tx_hash"}, body
    assert (body["status"], body["message"]) == ("BROADCAST", "PROGRAM_CALL broadcast")
    raw = b58decode(body["tx_hash"])
    assert raw is not None and len(raw) == 64, body

    t = d.t.get(f"/api/v1/transactions/{body['tx_id']}")
    assert (t["status"], t["tx_hash"], t["from_address"], t["to_address"]) == ("BROADCAST", body["tx_hash"],
                                                                               d.sol_address, cp)
    assert (t["token_symbol"], t["amount"], t["memo"]) == ("SOL", "1.5", "swap")
    assert d.balances()["SOL"] == ("8.5", "1.5")

    sb.advance(60)  # 32 solana blocks of 0.4 s
    t = d.t.get(f"/api/v1/transactions/{body['tx_id']}")
    assert t["status"] == "CONFIRMED", t
    assert t["confirmations"] == 32
    # 10 - 1.5 paid + 0.25 received
    assert d.balances()["SOL"] == ("8.75", "0")
    assert ledger_row(sb, "solana", "SOL") == {"balance": "8.75", "locked": "0", "minted": "10.25", "burned": "1.5"}


def test_contract_call_is_broadcast_then_confirmed_moving_both_legs(fresh):
    api, sb = fresh
    d = Desk(api, usdt="100", usdc="1")
    cp = random_evm_address()
    r = d.call(contract_call(d.eth_address, pay_amount="2500000", receive_amount="2400001", counterparty=cp,
                             reference_id="quote-0xabc"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["message"]) == ("BROADCAST", "CONTRACT_CALL broadcast")
    assert body["tx_hash"].startswith("0x") and len(body["tx_hash"]) == 66, body
    t = d.t.get(f"/api/v1/transactions/{body['tx_id']}")
    assert (t["status"], t["to_address"], t["token_symbol"], t["amount"]) == ("BROADCAST", cp, "USDT", "2.5")
    b = d.balances()
    assert (b["USDT"], b["USDC"]) == (("97.5", "2.5"), ("1", "0"))

    sb.advance(12 * 14)  # ethereum: 12 confirmations of 12 s
    t = d.t.get(f"/api/v1/transactions/{body['tx_id']}")
    assert t["status"] == "CONFIRMED", t
    b = d.balances()
    assert (b["USDT"], b["USDC"]) == (("97.5", "0"), ("3.400001", "0"))
    assert ledger_row(sb, "ethereum", "USDT") == {"balance": "97.5", "locked": "0", "minted": "100", "burned": "2.5"}
    assert ledger_row(sb, "ethereum", "USDC") == {"balance": "3.400001", "locked": "0", "minted": "3.400001",
                                                  "burned": "0"}


@pytest.mark.parametrize("op", BOTH)
def test_engine_timeout_answers_202_and_the_call_proceeds_later(fresh, op):
    api, sb = fresh
    d = Desk(api)
    if op == "PROGRAM_CALL":
        body = program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 2_000_000_000, 1),
                            memo="slow sandbox:engine_timeout", reference_id="ref-202")
    else:
        body = contract_call(d.eth_address, memo="sandbox:engine_timeout", reference_id="ref-202")
    r = d.call(body)
    assert r.status_code == 202, r.text
    out = r.json()
    assert set(out) == {"tx_id", "status", "message"}, out
    assert out["status"] == "PENDING"
    assert out["message"] == ALT_MESSAGE.format(op=op, tx=out["tx_id"])
    t = d.t.get(f"/api/v1/transactions/{out['tx_id']}")
    assert (t["status"], t["tx_hash"]) == ("PENDING", "")
    # The outcome is unknown to the caller, but the amount is already locked; resubmitting the
    # same reference is refused.
    assert_error(d.call(body), "invalid_parameter")
    sb.advance(3)  # signed after 2 s, broadcast after 1 s more
    assert d.t.get(f"/api/v1/transactions/{out['tx_id']}")["status"] == "BROADCAST"
    sb.advance(200)
    t = d.t.get(f"/api/v1/transactions/{out['tx_id']}")
    assert t["status"] == "CONFIRMED", t
    b = d.balances()
    if op == "PROGRAM_CALL":
        assert b["SOL"] == ("8.000000001", "0")
    else:
        assert (b["USDT"], b["USDC"]) == (("97.5", "0"), ("2.4", "0"))
    assert sb.ledger()["balanced"] is True


def test_failed_on_chain_refunds_and_credits_nothing(fresh):
    api, sb = fresh
    d = Desk(api)
    r = d.call(contract_call(d.eth_address, memo="sandbox:fail_onchain"))
    assert r.status_code == 200, r.text
    sb.advance(12 * 3)
    t = d.t.get(f"/api/v1/transactions/{r.json()['tx_id']}")
    assert t["status"] == "FAILED", t
    b = d.balances()
    assert (b["USDT"], b["USDC"]) == (("100", "0"), ("0", "0"))
    assert ledger_row(sb, "ethereum", "USDT") == {"balance": "100", "locked": "0", "minted": "100", "burned": "0"}


def test_engine_rejection_is_transaction_failed_and_keeps_the_reference(fresh):
    api, sb = fresh
    d = Desk(api)
    body = program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5), memo="sandbox:fail_signing",
                        reference_id="doomed")
    e = assert_error(d.call(body), "transaction_failed")
    assert e["message"] == "PROGRAM_CALL failed: engine rejected the transaction"
    listed = d.t.get("/api/v1/transactions")["data"]
    assert [(t["status"], t["amount"]) for t in listed] == [("FAILED", "0.00000001")]
    assert d.balances()["SOL"] == ("10", "0")
    body["memo"] = ""
    e = assert_error(d.call(body), "invalid_parameter")
    assert e["message"] == "Duplicate reference_id: this reference has already been used"
    assert sb.ledger()["balanced"] is True


def test_forced_confirm_of_a_pending_call_credits_the_incoming_leg(fresh):
    api, sb = fresh
    d = Desk(api)
    r = d.call(contract_call(d.eth_address, memo="sandbox:hold"))
    assert r.status_code == 202, r.text
    tx_id = r.json()["tx_id"]
    assert sb.control(tx_id, "confirm").status_code == 200
    b = d.balances()
    assert (b["USDT"], b["USDC"]) == (("97.5", "0"), ("2.4", "0"))
    assert sb.ledger()["balanced"] is True


def test_reference_id_is_unique_per_client_across_operations(world):
    d = Desk(world)
    first = d.call(program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5), reference_id="order-7"))
    assert first.status_code == 200, first.text
    before = d.balances()
    for body in (program_call(d.sol_address, sol_tx(d.sol_address, solana_address(), 10, 5), reference_id="order-7"),
                 contract_call(d.eth_address, reference_id="order-7")):
        e = assert_error(d.call(body), "invalid_parameter")
        assert e["message"] == "Duplicate reference_id: this reference has already been used"
    assert d.balances() == before
    assert d.transactions() == 1
    # Another client may use the same reference.
    other = Desk(world)
    assert other.call(contract_call(other.eth_address, reference_id="order-7")).status_code == 200
    # Without a reference, calls never collide.
    assert d.call(contract_call(d.eth_address)).status_code == 200
    assert d.call(contract_call(d.eth_address)).status_code == 200


def test_a_202_is_replayed_as_200_under_its_idempotency_key(fresh):
    """The gateway keeps the first 2xx answer under an Idempotency-Key and replays it with HTTP 200,
    even when that answer was a 202 (sdk-1.8.md §1); the call is made once."""
    api, sb = fresh
    d = Desk(api)
    body = contract_call(d.eth_address, memo="sandbox:engine_timeout", reference_id="ref-idem-202")
    headers = {"Idempotency-Key": "slow-engine-1"}
    first = d.t.req("POST", "/api/v1/transactions", json=body, headers=headers)
    assert first.status_code == 202, first.text
    again = d.t.req("POST", "/api/v1/transactions", json=body, headers=headers)
    assert again.status_code == 200, again.text
    assert again.content == first.content
    assert again.headers.get("Idempotent-Replayed") == "true"
    before = d.transactions()
    assert d.t.req("POST", "/api/v1/transactions", json=body, headers=headers).content == first.content
    assert d.transactions() == before
    assert d.t.get(f"/api/v1/transactions/{first.json()['tx_id']}")["status"] == "PENDING"


@pytest.mark.parametrize("op", BOTH)
def test_a_blacklisted_counterparty_is_refused_before_anything_is_written(fresh, op):
    api, sb = fresh
    d = Desk(api)
    cp = random_evm_address() if op == "CONTRACT_CALL" else solana_address()
    chain = "ethereum" if op == "CONTRACT_CALL" else "solana"
    r = api.req("POST", f"/_sandbox/clients/{d.t.client_id}/security-factors",
                json={"factor_type": "BLACKLIST", "chain": chain, "address": cp})
    assert r.status_code == 201, r.text
    if op == "CONTRACT_CALL":
        body = contract_call(d.eth_address, counterparty=cp.lower(), reference_id="blocked-1")
    else:
        body = program_call(d.sol_address, sol_tx(d.sol_address, cp, 1_000_000, 1), reference_id="blocked-1")
    before, total = d.balances(), d.transactions()
    assert_error(d.call(body), "address_blacklisted")
    assert (d.balances(), d.transactions()) == (before, total)
    # The reference was not consumed: once the entry is inactive the same call goes through.
    factor = api.req("GET", f"/_sandbox/clients/{d.t.client_id}/security-factors").json()["data"][0]
    r = api.req("PUT", f"/_sandbox/clients/{d.t.client_id}/security-factors/{factor['factor_id']}/status",
                json={"status": "INACTIVE"})
    assert r.status_code == 200, r.text
    assert d.call(body).status_code == 200
