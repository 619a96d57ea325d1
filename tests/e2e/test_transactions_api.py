"""POST /api/v1/transactions, the unified entry, in both API versions: TRANSFER with the rules of
POST /transfer plus reference_id, the operation default and the unsupported ones, PROGRAM_CALL /
CONTRACT_CALL without a policy, the 503 messages of injected faults, and the transaction shape of
each version (2026-04 as before, 2026-09 the gateway's DTO) side by side."""
import re

import pytest

from chain_helpers import BROADCAST_MS, SIGN_MS
from e2e_helpers import assert_error, check_transaction, random_evm_address
from unified_helpers import VERSIONS, body_from, count, funded, no_faults, sb, server  # noqa: F401 (fixtures)

CREATED_KEYS = {"tx_id", "status", "message", "tx_hash"}
LEGACY_KEYS = {"tx_id", "wallet_id", "account_id", "client_id", "chain", "transaction_type", "direction",
               "from_address", "to_address", "token_symbol", "amount", "memo", "status", "tx_hash", "block_number",
               "confirmations", "created_at", "updated_at"}
DTO_KEYS = {"tx_id", "wallet_id", "client_id", "chain", "transaction_type", "from_address", "to_address",
            "token_symbol", "amount", "status", "tx_hash", "created_at", "risk_score", "risk_level"}
UNSUPPORTED = "Unsupported operation: only TRANSFER, PROGRAM_CALL and CONTRACT_CALL are available"
DUPLICATE = "Duplicate reference_id: this reference has already been used"
CHAIN_RPC = "Chain RPC unavailable; cannot verify request"
ENGINE_BUSY = "Signing service is busy, retry later"


def create(t, body, **kw):
    return t.req("POST", "/api/v1/transactions", json=body, **kw)


def created_ok(r) -> str:
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == CREATED_KEYS, body
    assert body["status"] == "PENDING" and body["message"] == "Transfer task created", body
    assert body["tx_hash"] == "" and body["tx_id"].startswith("tx_"), body
    return body["tx_id"]


def check_dto(t: dict) -> dict:
    assert set(t) == DTO_KEYS, sorted(t)
    for k, v in t.items():
        assert isinstance(v, str), (k, t)
    assert t["transaction_type"] in ("OUTBOUND", "INBOUND", "INTERNAL"), t
    assert (t["risk_score"], t["risk_level"]) == ("0", "UNSCANNED"), t
    return t


def check_shape(version, t: dict) -> dict:
    if version == "2026-09":
        return check_dto(t)
    assert set(t) == LEGACY_KEYS, sorted(t)
    check_transaction(t)
    return t


# ---- TRANSFER through the unified entry


@pytest.mark.parametrize("version", VERSIONS)
def test_transfer_walks_to_confirmed(api, sb, version):
    t, account, asset = funded(api, version)
    to = random_evm_address()
    r = create(t, {"operation": "TRANSFER", "reference_id": f"walk-{version}", **body_from(account, "2.5", to)})
    tx_id = created_ok(r)
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("97.5", "2.5")

    def status():
        return check_shape(version, t.get(f"/api/v1/transactions/{tx_id}"))

    seen = [status()["status"]]
    sb.advance_ms(SIGN_MS)
    seen.append(status()["status"])
    sb.advance_ms(BROADCAST_MS)
    seen.append(status()["status"])
    for _ in range(20):
        if seen[-1] == "CONFIRMED":
            break
        sb.advance_ms(12_000)
        s = status()["status"]
        if s != seen[-1]:
            seen.append(s)
    assert seen == ["PENDING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED"], seen
    final = status()
    assert re.fullmatch(r"0x[0-9a-f]{64}", final["tx_hash"]), final
    assert (final["from_address"], final["to_address"], final["amount"]) == (account["address"], to, "2.5")
    assert final["token_symbol"] == "USDT" and final["chain"] == "ethereum" and final["client_id"] == t.client_id
    assert final["transaction_type"] == ("OUTBOUND" if version == "2026-09" else "TRANSFER")
    a = t.asset(asset["asset_id"])
    assert (a["balance"], a["locked_balance"]) == ("97.5", "0")


@pytest.mark.parametrize("version", VERSIONS)
def test_operation_defaults_to_transfer(api, version):
    t, account, _ = funded(api, version)
    for extra in ({}, {"operation": None}, {"operation": ""}, {"operation": "TRANSFER"}):
        created_ok(create(t, body_from(account, "1", **extra)))
    assert count(t) == 4
    assert t.asset(t.get("/api/v1/assets")["data"][0]["asset_id"])["locked_balance"] == "4"


@pytest.mark.parametrize("version", VERSIONS)
def test_unsupported_operations_are_refused_and_change_nothing(api, version):
    t, account, _ = funded(api, version)
    before = t.snapshot()
    for op in ("X402", "x402", "transfer", "Transfer", " TRANSFER", "TRANSFER ", "PAYMENT", "SWAP", 1, 0, True,
               {}, ["TRANSFER"]):
        body = assert_error(create(t, {"operation": op, **body_from(account)}), "invalid_parameter")
        assert body["message"] == UNSUPPORTED, (op, body)
    # The operation is judged before the rest of the body.
    body = assert_error(create(t, {"operation": "X402"}), "invalid_parameter")
    assert body["message"] == UNSUPPORTED
    assert t.snapshot() == before


# PROGRAM_CALL / CONTRACT_CALL without an operations policy: test_operation_calls.py.


# ---- the rules of POST /transfer, shared


def bad_bodies(account):
    good = body_from(account)
    without = {k: {kk: vv for kk, vv in good.items() if kk != k} for k in good}
    return [
        {},
        without["from_address"], without["to_address"], without["chain"], without["token_symbol"],
        without["amount"],
        {**good, "amount": "0"}, {**good, "amount": "-1"}, {**good, "amount": "1e3"}, {**good, "amount": 1.5},
        {**good, "amount": "1.1234567"}, {**good, "amount": "1000"},
        {**good, "chain": "mars"}, {**good, "to_address": account["address"]},
        {**good, "to_address": "0x1234"}, {**good, "from_address": random_evm_address()},
        {**good, "token_symbol": "ETH"}, {**good, "memo": "m" * 101}, {**good, "memo": 5},
        {**good, "token_symbol": "T" * 21},
    ]


def test_transfer_rules_are_those_of_post_transfer(api):
    t, account, _ = funded(api, "2026-04")
    before = t.snapshot()
    for body in bad_bodies(account):
        old = t.req("POST", "/api/v1/transfer", json=body)
        new = create(t, body)
        assert 400 <= old.status_code < 500, (body, old.text)
        assert (new.status_code, new.json()) == (old.status_code, old.json()), body
    for raw in ("[]", "not json", '"text"', ""):
        old = t.req("POST", "/api/v1/transfer", data=raw)
        new = t.req("POST", "/api/v1/transactions", data=raw)
        assert (new.status_code, new.json()) == (old.status_code, old.json()), raw
        assert new.json()["code"] == "bad_request", raw
    assert t.snapshot() == before


def test_transfer_rules_are_the_same_in_2026_09(api):
    old, old_account, _ = funded(api, "2026-04")
    new, new_account, _ = funded(api, "2026-09")
    before = new.snapshot()
    for a, b in zip(bad_bodies(old_account), bad_bodies(new_account)):
        ra, rb = create(old, a), create(new, b)
        assert (rb.status_code, rb.json()) == (ra.status_code, ra.json()), b
    assert new.snapshot() == before


# ---- reference_id


@pytest.mark.parametrize("version", VERSIONS)
def test_reference_id_is_unique_per_client(api, version):
    t, account, _ = funded(api, version)
    created_ok(create(t, body_from(account, reference_id="order-1")))
    before = t.snapshot()
    for body in (body_from(account, reference_id="order-1"), body_from(account, "2", reference_id="order-1"),
                 {**body_from(account, reference_id="order-1"), "operation": "TRANSFER"}):
        err = assert_error(create(t, body), "invalid_parameter")
        assert err["message"] == DUPLICATE
    assert t.snapshot() == before
    # Another client may use the same reference; a new one is accepted.
    other, other_account, _ = funded(api, version)
    created_ok(create(other, body_from(other_account, reference_id="order-1")))
    created_ok(create(t, body_from(account, reference_id="order-2")))


@pytest.mark.parametrize("version", VERSIONS)
def test_reference_id_of_a_failed_transfer_stays_used(api, sb, version):
    t, account, asset = funded(api, version)
    tx_id = created_ok(create(t, body_from(account, "5", reference_id="doomed", memo="sandbox:fail_signing")))
    sb.advance_ms(SIGN_MS)
    assert t.get(f"/api/v1/transactions/{tx_id}")["status"] == "FAILED"
    assert t.asset(asset["asset_id"])["balance"] == "100"
    before = t.snapshot()
    err = assert_error(create(t, body_from(account, "5", reference_id="doomed")), "invalid_parameter")
    assert err["message"] == DUPLICATE
    assert t.snapshot() == before


def test_duplicate_reference_is_reported_before_the_balance(api):
    t, account, _ = funded(api, "2026-09", balance="10")
    created_ok(create(t, body_from(account, "10", reference_id="all-in")))
    err = assert_error(create(t, body_from(account, "10", reference_id="all-in")), "invalid_parameter")
    assert err["message"] == DUPLICATE
    assert_error(create(t, body_from(account, "10", reference_id="all-in-2")), "insufficient_balance")


@pytest.mark.parametrize("version", VERSIONS)
def test_reference_id_limits(api, version):
    t, account, _ = funded(api, version)
    created_ok(create(t, body_from(account, reference_id="r" * 100)))
    created_ok(create(t, body_from(account, reference_id="é" * 100)))  # characters, not bytes
    before = t.snapshot()
    assert_error(create(t, body_from(account, reference_id="r" * 101)), "validation_failed", field="reference_id")
    for bad in (5, True, ["r"], {"id": "r"}):
        assert_error(create(t, body_from(account, reference_id=bad)), "invalid_parameter", field="reference_id")
    assert t.snapshot() == before
    # "" is no reference at all, so it never collides.
    created_ok(create(t, body_from(account, reference_id="")))
    created_ok(create(t, body_from(account, reference_id="")))


def test_post_transfer_ignores_reference_id(api):
    t, account, _ = funded(api, "2026-04")
    for _ in range(2):
        r = t.req("POST", "/api/v1/transfer", json=body_from(account, reference_id="legacy"))
        assert r.status_code == 200 and set(r.json()) == {"tx_id", "status", "message"}, r.text
    created_ok(create(t, body_from(account, reference_id="legacy")))


# ---- 503 answers of injected faults


def add_fault(api, **rule):
    r = api.req("POST", "/_sandbox/faults", json=rule)
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.mark.parametrize("version", VERSIONS)
def test_injected_503_speaks_the_gateway_messages(api, version):
    t, account, _ = funded(api, version)
    before = t.snapshot()
    rule = add_fault(api, method="POST", path="/api/v1/transactions", error="service_unavailable", count=1)
    r = create(t, body_from(account, reference_id="retry-me"))
    assert assert_error(r, "service_unavailable")["message"] == CHAIN_RPC
    assert r.headers["X-Emulator-Fault"] == rule
    assert t.snapshot() == before
    # Nothing was written, so the same reference goes through on the retry.
    created_ok(create(t, body_from(account, reference_id="retry-me")))

    add_fault(api, method="POST", path="/api/v1/transactions", status=503, message=ENGINE_BUSY, count=1)
    assert assert_error(create(t, body_from(account)), "service_unavailable")["message"] == ENGINE_BUSY
    add_fault(api, method="POST", path="/api/v1/transactions", error="service_unavailable",
              message="PROGRAM_CALL is not enabled on this gateway", count=1)
    r = create(t, {"operation": "PROGRAM_CALL"})
    assert assert_error(r, "service_unavailable")["message"] == "PROGRAM_CALL is not enabled on this gateway"

    # A catch-all rule is not aimed at the unified entry: the emulator's own message everywhere, the
    # one GET /_sandbox/faults lists for it.
    rule = add_fault(api, path="/api/v1/**", error="service_unavailable", count=2)
    assert assert_error(create(t, body_from(account)), "service_unavailable")["message"] == f"Injected fault (rule {rule})"
    r = t.req("GET", "/api/v1/transactions")
    assert assert_error(r, "service_unavailable")["message"] == f"Injected fault (rule {rule})"
    listed = {x["id"]: x for x in api.req("GET", "/_sandbox/faults").json()["data"]}
    assert listed[rule]["message"] == f"Injected fault (rule {rule})"
    assert count(t) == 1


def test_injected_503_on_post_transfer_keeps_its_message(api):
    t, account, _ = funded(api, "2026-04")
    rule = add_fault(api, method="POST", path="/api/v1/transfer", error="service_unavailable", count=1)
    r = t.req("POST", "/api/v1/transfer", json=body_from(account))
    assert assert_error(r, "service_unavailable")["message"] == f"Injected fault (rule {rule})"


# ---- the shape of a transaction per version


def test_transaction_shapes_side_by_side(api, sb):
    old, old_account, _ = funded(api, "2026-04")
    new, new_account, _ = funded(api, "2026-09")
    to_new = created_ok(create(old, body_from(old_account, "1", new_account["address"])))
    to_old = created_ok(create(new, body_from(new_account, "2", old_account["address"])))
    foreign = created_ok(create(new, body_from(new_account, "3")))
    deposit = sb.deposit(new_account["address"], "ethereum", "USDT", "4")["tx_id"]
    sb.advance(300)

    old_items = {t["tx_id"]: t for t in old.get("/api/v1/transactions")["data"]}
    new_items = {t["tx_id"]: t for t in new.get("/api/v1/transactions")["data"]}
    assert len(old_items) == 2 and len(new_items) == 4
    for version, tenant, items in (("2026-04", old, old_items), ("2026-09", new, new_items)):
        for tx_id, item in items.items():
            check_shape(version, item)
            assert item["status"] == "CONFIRMED", item
            assert tenant.get(f"/api/v1/transactions/{tx_id}") == item

    # 2026-04: transaction_type TRANSFER plus direction, as before.
    assert {t["transaction_type"] for t in old_items.values()} == {"TRANSFER"}
    assert old_items[to_new]["direction"] == "OUTBOUND"
    twin_old = next(t for i, t in old_items.items() if i != to_new)
    assert twin_old["direction"] == "INBOUND" and twin_old["amount"] == "2"

    # 2026-09: what the client sent is OUTBOUND, a payment from another hosted account INTERNAL,
    # a deposit from outside INBOUND.
    assert new_items[to_old]["transaction_type"] == "OUTBOUND"
    assert new_items[foreign]["transaction_type"] == "OUTBOUND"
    assert new_items[deposit]["transaction_type"] == "INBOUND"
    twin_new = next(t for i, t in new_items.items() if i not in (to_old, foreign, deposit))
    assert twin_new["transaction_type"] == "INTERNAL"
    assert (twin_new["from_address"], twin_new["amount"]) == (old_account["address"], "1")

    # The shape follows the client's version at read time.
    api.req("PUT", f"/_sandbox/clients/{new.client_id}/api-version", json={"api_version": "2026-04"})
    legacy = new.get(f"/api/v1/transactions/{to_old}")
    assert set(legacy) == LEGACY_KEYS and legacy["transaction_type"] == "TRANSFER"
    api.req("PUT", f"/_sandbox/clients/{new.client_id}/api-version", json={"api_version": "2026-09"})
    assert set(new.get(f"/api/v1/transactions/{to_old}")) == DTO_KEYS
