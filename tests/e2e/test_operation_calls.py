"""PROGRAM_CALL and CONTRACT_CALL through POST /api/v1/transactions: 403 without an operations policy
(both API versions), the policy granted by the control endpoint and by a fixture, every validation
error, and a received token that is not an asset of the receiving account. Calls that are accepted
and settle are in test_operation_calls_lifecycle.py. Everything runs on a manual clock."""
from __future__ import annotations

import base64
import json
import subprocess

import pytest

from chain_helpers import MANUAL
from e2e_helpers import assert_error, emulator_bin, random_evm_address, solana_address
from operation_call_helpers import (Desk, START_S, USDC_ETH, contract_call, grant_policy, program_call, sol_tx, world)  # noqa: F401


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
