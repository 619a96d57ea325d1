"""PROGRAM_CALL and CONTRACT_CALL through POST /api/v1/transactions, once accepted: both calls walking
to CONFIRMED with the outgoing leg debited and the incoming leg credited in base units and the ledger
balanced, the 202 accepted-but-pending magic value and its idempotent replay, failures that refund,
reference_id uniqueness and blacklisted counterparties. Everything runs on a manual clock; policies
and validation are in test_operation_calls.py."""
from __future__ import annotations

import pytest

from chain_helpers import MANUAL, Sandbox
from e2e_helpers import assert_error, b58decode, random_evm_address, solana_address
from operation_call_helpers import BOTH, Desk, contract_call, program_call, sol_tx, world  # noqa: F401

ALT_MESSAGE = ("{op} accepted but the signing engine did not answer in time; poll GET /api/v1/transactions/{tx} "
               "for the outcome and do not resubmit with the same reference_id")


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
