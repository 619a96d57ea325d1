"""The 1.9 quorum fields of POST /api/v1/wallets (threshold, total_shares, signing_party_ids), in
both API versions: checked as the gateway checks them (default 2-of-3), never echoed."""
import pytest

from e2e_helpers import assert_error, check_wallet

VERSIONS = ["2026-04", "2026-09"]
WALLET_KEYS = {"wallet_id", "client_id", "wallet_name", "description", "status", "key_status", "created_at",
               "updated_at"}

VALID = [
    {},
    {"threshold": 2, "total_shares": 3},
    {"threshold": 1, "total_shares": 1},
    {"threshold": 3},
    {"total_shares": 5},
    {"threshold": 16, "total_shares": 16},
    {"threshold": 2, "total_shares": 3, "signing_party_ids": ["party-a", "party-b"]},
    {"signing_party_ids": ["a", "b"]},
    {"threshold": 1, "signing_party_ids": ["p" * 64]},
    {"threshold": None, "total_shares": None, "signing_party_ids": None},
]

INVALID = [
    {"threshold": 3, "total_shares": 2},
    {"threshold": 4},                      # default total_shares 3
    {"total_shares": 1},                   # default threshold 2
    {"threshold": 0}, {"threshold": -1}, {"total_shares": 0}, {"total_shares": -3},
    {"threshold": 17, "total_shares": 17}, {"total_shares": 100},
    {"threshold": "2"}, {"threshold": 2.5}, {"threshold": 2.0}, {"threshold": True}, {"total_shares": [3]},
    {"threshold": 2 ** 63},
    {"signing_party_ids": ["a"]},          # one id for a threshold of 2
    {"threshold": 2, "total_shares": 3, "signing_party_ids": ["a", "b", "c"]},
    {"signing_party_ids": []},
    {"signing_party_ids": "a,b"}, {"signing_party_ids": {"a": "b"}},
    {"signing_party_ids": ["a", 2]}, {"signing_party_ids": ["a", ""]}, {"signing_party_ids": ["a", None]},
    {"signing_party_ids": ["a", "a"]},
]


@pytest.mark.parametrize("version", VERSIONS)
def test_valid_quorums_create_a_wallet_without_echoing_them(api, version):
    t = api.new_tenant(api_version=version)
    for extra in VALID:
        r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "quorum", **extra})
        assert r.status_code == 200, (extra, r.text)
        w = r.json()
        assert set(w) == WALLET_KEYS, w
        check_wallet(w)
    assert t.get("/api/v1/wallets")["total"] == len(VALID)


@pytest.mark.parametrize("version", VERSIONS)
def test_invalid_quorums_are_refused_and_change_nothing(api, version):
    t = api.new_tenant(api_version=version)
    for extra in INVALID:
        r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "quorum", **extra})
        assert_error(r, "invalid_parameter")
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "quorum", "threshold": 1,
                                              "signing_party_ids": ["p" * 65]})
    assert_error(r, "validation_failed", field="signing_party_ids")
    assert t.get("/api/v1/wallets")["total"] == 0


def test_threshold_above_total_shares_names_both(api):
    t = api.new_tenant(api_version="2026-09")
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "q", "threshold": 3, "total_shares": 2})
    body = assert_error(r, "invalid_parameter")
    assert body["message"] == "threshold (3) must not exceed total_shares (2)"
