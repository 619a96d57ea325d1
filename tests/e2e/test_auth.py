"""POST /api/v1/auth/token and Bearer authentication of the API routes."""
import hashlib
import hmac
import json
import time

import pytest

from e2e_helpers import (DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_CLIENT_ID, assert_error, b64url,
                         check_token_response, jwt_make, jwt_parts)

PROTECTED = [
    ("GET", "/api/v1/wallets"),
    ("POST", "/api/v1/wallets"),
    ("GET", "/api/v1/wallets/w_unknown"),
    ("GET", "/api/v1/accounts"),
    ("POST", "/api/v1/accounts"),
    ("GET", "/api/v1/accounts/acc_unknown"),
    ("GET", "/api/v1/assets"),
    ("POST", "/api/v1/assets"),
    ("GET", "/api/v1/assets/ast_unknown"),
    ("GET", "/api/v1/transactions"),
    ("GET", "/api/v1/transactions/tx_unknown"),
    ("POST", "/api/v1/transfer"),
]


def test_token_for_default_client(api):
    r = api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    t = r.json()
    check_token_response(t)
    assert t["token_type"] == "Bearer"
    assert t["expires_in"] == 900
    assert t["client"]["client_id"] == DEFAULT_CLIENT_ID
    assert t["client"]["max_wallets"] == 100
    assert t["client"]["status"] == "ACTIVE"
    header, payload, sig = jwt_parts(t["token"])
    assert header["alg"] == "HS256"
    assert payload["sub"] == DEFAULT_CLIENT_ID
    assert payload["exp"] - payload["iat"] == 900
    assert abs(payload["iat"] - time.time()) < 120
    assert sig


def test_token_for_sandbox_client_reflects_its_settings(api):
    c = api.create_client(name="Acme Treasury", max_wallets=7)
    r = api.token_response(c["api_key"], c["api_secret"])
    assert r.status_code == 200, r.text
    t = r.json()
    check_token_response(t)
    assert t["client"]["client_id"] == c["client_id"]
    assert t["client"]["client_name"] == "Acme Treasury"
    assert t["client"]["max_wallets"] == 7
    assert jwt_parts(t["token"])[1]["sub"] == c["client_id"]
    # The token authenticates as that client.
    r = api.req("GET", "/api/v1/wallets", token=t["token"])
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 0


def test_two_tokens_are_distinct_and_both_valid(api):
    t1, t2 = api.token(), api.token()
    assert t1 != t2
    for t in (t1, t2):
        assert api.req("GET", "/api/v1/wallets", token=t).status_code == 200


@pytest.mark.parametrize("headers", [
    {},
    {"X-API-Key": DEFAULT_API_KEY},
    {"X-API-Secret": DEFAULT_API_SECRET},
    {"X-API-Key": DEFAULT_API_KEY, "X-API-Secret": ""},
    {"X-API-Key": DEFAULT_API_KEY, "X-API-Secret": "sk_wrong"},
    {"X-API-Key": "pk_unknown", "X-API-Secret": DEFAULT_API_SECRET},
    {"X-API-Key": DEFAULT_API_KEY, "X-API-Secret": DEFAULT_API_SECRET + "x"},
], ids=["none", "key-only", "secret-only", "empty-secret", "wrong-secret", "unknown-key", "secret-suffix"])
def test_token_bad_credentials_unauthorized(api, headers):
    r = api.req("POST", "/api/v1/auth/token", headers=headers)
    assert_error(r, "unauthorized")


def test_secret_of_another_client_is_rejected(api):
    a = api.create_client()
    b = api.create_client()
    assert_error(api.token_response(a["api_key"], b["api_secret"]), "unauthorized")
    assert api.token_response(a["api_key"], a["api_secret"]).status_code == 200


def test_token_endpoint_rejects_get(api):
    r = api.req("GET", "/api/v1/auth/token", headers={"X-API-Key": DEFAULT_API_KEY,
                                                      "X-API-Secret": DEFAULT_API_SECRET})
    assert r.status_code == 405, r.text
    assert set(r.json()) == {"code", "type", "message"}


@pytest.mark.parametrize("method,path", PROTECTED)
def test_no_authorization_header_unauthorized(api, method, path):
    r = api.req(method, path, json={} if method == "POST" else None)
    assert_error(r, "unauthorized")


def test_auth_is_checked_before_the_body(api):
    r = api.req("POST", "/api/v1/wallets", data="{not json")
    assert_error(r, "unauthorized")


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Bearer:", ""])
def test_non_bearer_scheme_unauthorized(api, scheme):
    token = api.token()
    value = f"{scheme} {token}".strip() if scheme else token
    r = api.req("GET", "/api/v1/wallets", headers={"Authorization": value})
    assert_error(r, "unauthorized")


def test_bearer_without_token_unauthorized(api):
    r = api.req("GET", "/api/v1/wallets", headers={"Authorization": "Bearer"})
    assert r.status_code == 401, r.text
    assert r.json()["code"] in ("unauthorized", "invalid_token")
    assert r.json()["type"] == "authentication_error"


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "a.b", "...", "eyJhbGciOiJIUzI1NiJ9..", "x" * 5000,
                                     "a.b.c.d", "%%%.%%%.%%%"])
def test_garbage_token_invalid(api, garbage):
    r = api.req("GET", "/api/v1/wallets", token=garbage)
    assert_error(r, "invalid_token")


def test_wrong_signature_invalid(api):
    header, payload, _ = jwt_parts(api.token())
    forged = jwt_make(header, payload, b"definitely-not-the-emulator-key")
    assert_error(api.req("GET", "/api/v1/wallets", token=forged), "invalid_token")


def test_tampered_payload_invalid(api):
    token = api.token()
    other = api.create_client()
    h, p, s = token.split(".")
    _, payload, _ = jwt_parts(token)
    # Same signature, payload re-pointed at another client / extended expiry.
    for changed in ({**payload, "sub": other["client_id"]}, {**payload, "exp": payload["exp"] + 3600}):
        p2 = b64url(json.dumps(changed, separators=(",", ":")).encode())
        tampered = f"{h}.{p2}.{s}"
        assert_error(api.req("GET", "/api/v1/wallets", token=tampered), "invalid_token")
    # The untouched token still works.
    assert api.req("GET", "/api/v1/wallets", token=token).status_code == 200


def test_signature_swapped_from_another_token_invalid(api):
    t1 = api.token()
    c = api.create_client()
    t2 = api.token(c["api_key"], c["api_secret"])
    spliced = ".".join(t2.split(".")[:2] + [t1.split(".")[2]])
    assert_error(api.req("GET", "/api/v1/wallets", token=spliced), "invalid_token")


def test_alg_none_invalid(api):
    _, payload, _ = jwt_parts(api.token())
    unsigned = jwt_make({"alg": "none", "typ": "JWT"}, payload, None)
    assert unsigned.endswith(".")
    assert_error(api.req("GET", "/api/v1/wallets", token=unsigned), "invalid_token")
    # alg none with some signature bytes is no better.
    with_sig = unsigned + b64url(b"sig")
    assert_error(api.req("GET", "/api/v1/wallets", token=with_sig), "invalid_token")


def test_alg_changed_in_header_invalid(api):
    token = api.token()
    _, p, s = token.split(".")
    for alg in ("HS512", "RS256", "none"):
        h2 = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        assert_error(api.req("GET", "/api/v1/wallets", token=f"{h2}.{p}.{s}"), "invalid_token")


def test_token_expired(launch):
    srv = launch("--token-ttl", "1")
    api = srv.api
    r = api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert r.status_code == 200
    assert r.json()["expires_in"] == 1
    token = r.json()["token"]
    assert api.req("GET", "/api/v1/wallets", token=token).status_code == 200
    time.sleep(2.2)
    body = assert_error(api.req("GET", "/api/v1/wallets", token=token), "token_expired")
    assert body["message"]
    # A fresh token works again.
    assert api.req("GET", "/api/v1/wallets", token=api.token()).status_code == 200


def test_wrongly_signed_expired_token_is_not_reported_as_valid(api):
    _, payload, _ = jwt_parts(api.token())
    forged = jwt_make({"alg": "HS256", "typ": "JWT"}, {**payload, "exp": 1}, b"k")
    r = api.req("GET", "/api/v1/wallets", token=forged)
    assert r.status_code == 401
    assert r.json()["code"] in ("invalid_token", "token_expired")


def test_hmac_helper_sanity():
    # The forging helpers above produce HS256 tokens the way RFC 7515 describes.
    t = jwt_make({"alg": "HS256"}, {"sub": "x"}, b"key")
    h, p, s = t.split(".")
    expected = b64url(hmac.new(b"key", f"{h}.{p}".encode(), hashlib.sha256).digest())
    assert s == expected
