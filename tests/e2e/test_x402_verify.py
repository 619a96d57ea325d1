"""POST /api/v1/x402/verify against the x402 specification's own example signature (the golden
vector, Base Sepolia USDC domain), with the manual clock set inside its validity window: valid in
x402 v1 and v2 and in both API versions; each invalid reason produced by one targeted tamper; a
reused nonce after a settlement; a malformed envelope is a 400."""
from __future__ import annotations

import copy

import pytest

from chain_helpers import Sandbox
from x402_helpers import GOLDEN, GOLDEN_INSIDE, GOLDEN_SIGNATURE, golden_body

VERSIONS = ["2026-04", "2026-09"]


@pytest.fixture(scope="module")
def server(module_launch):
    return module_launch("--manual-clock", "--start-time", GOLDEN_INSIDE, keygen_delay_ms=0)


@pytest.fixture(scope="module")
def tenants(api):
    return {v: api.new_tenant(api_version=v) for v in VERSIONS}


def verify(tenant, body):
    r = tenant.req("POST", "/api/v1/x402/verify", json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("x402", [1, 2])
def test_golden_vector_is_valid_inside_its_window(tenants, version, x402):
    assert verify(tenants[version], golden_body(x402)) == {"isValid": True, "payer": GOLDEN["from"]}


def test_golden_vector_without_the_optional_envelope_fields(tenants):
    body = golden_body(1)
    del body["paymentPayload"]["x402Version"]  # Paratro's v1 examples omit it
    assert verify(tenants["2026-09"], body)["isValid"] is True
    body = golden_body(2)
    del body["paymentRequirements"]  # v2: the requirements are paymentPayload.accepted
    assert verify(tenants["2026-09"], body)["isValid"] is True


def auth_tamper(field, value):
    def apply(body):
        body["paymentPayload"]["payload"]["authorization"][field] = value
    return apply


def requirement_tamper(field, value):
    def apply(body):
        body["paymentRequirements"][field] = value
    return apply


def flip_signature(body):
    sig = GOLDEN_SIGNATURE
    body["paymentPayload"]["payload"]["signature"] = sig[:10] + ("0" if sig[10] != "0" else "1") + sig[11:]


def unknown_network(body):
    body["paymentPayload"]["network"] = body["paymentRequirements"]["network"] = "solana-devnet"


@pytest.mark.parametrize("tamper, reason", [
    (auth_tamper("value", "10001"), "invalid_exact_evm_payload_authorization_value_mismatch"),
    (requirement_tamper("maxAmountRequired", "20000"), "invalid_exact_evm_payload_authorization_value_mismatch"),
    (requirement_tamper("payTo", "0x0000000000000000000000000000000000000001"),
     "invalid_exact_evm_payload_recipient_mismatch"),
    (auth_tamper("validBefore", "1740672105"), "invalid_exact_evm_payload_authorization_valid_before"),
    (auth_tamper("validAfter", "1740672101"), "invalid_exact_evm_payload_authorization_valid_after"),
    (flip_signature, "invalid_exact_evm_payload_signature"),
    (auth_tamper("nonce", "0x" + "11" * 32), "invalid_exact_evm_payload_signature"),
    (unknown_network, "invalid_network"),
    (requirement_tamper("scheme", "upto"), "invalid_scheme"),
    (auth_tamper("from", "not-an-address"), "invalid_payload"),
], ids=["value", "required-amount", "recipient", "window-before", "window-after", "signature", "nonce-signed",
        "network", "scheme", "payload"])
def test_each_tamper_gives_its_reason(tenants, tamper, reason):
    body = copy.deepcopy(golden_body(1))
    tamper(body)
    got = verify(tenants["2026-04"], body)
    assert got["isValid"] is False and got["invalidReason"] == reason, got
    assert set(got) <= {"isValid", "invalidReason", "payer"}


def test_outside_the_window_on_the_virtual_clock(launch):
    own = launch("--manual-clock", "--start-time", GOLDEN_INSIDE, keygen_delay_ms=0)
    sb = Sandbox(own.api)
    t = own.api.new_tenant(api_version="2026-09")
    assert verify(t, golden_body(2))["isValid"] is True
    sb.advance(48)  # 1740672148 = validBefore - 6: the last second with room to settle
    assert verify(t, golden_body(2))["isValid"] is True
    sb.advance(1)
    got = verify(t, golden_body(2))
    assert got["invalidReason"] == "invalid_exact_evm_payload_authorization_valid_before"


@pytest.mark.parametrize("body", [
    "not json", "[]", {"x402Version": 3, "paymentPayload": {}}, {"x402Version": 1},
    {"x402Version": "1", "paymentPayload": {}}, {"x402Version": 2, "paymentPayload": []},
])
def test_malformed_envelope_is_400(tenants, body):
    t = tenants["2026-04"]
    kw = {"data": body} if isinstance(body, str) else {"json": body}
    r = t.req("POST", "/api/v1/x402/verify", **kw)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "invalid_parameter"
    r = t.req("POST", "/api/v1/x402/settle", **kw)
    assert r.status_code == 400, r.text


def test_verify_needs_a_token(api):
    r = api.req("POST", "/api/v1/x402/verify", json=golden_body(1))
    assert r.status_code == 401
