"""POST/GET /api/v1/wallets: creation, asynchronous key generation, limits, validation, pagination."""
import time

import pytest

from e2e_helpers import assert_error, check_list, check_wallet


def test_create_wallet_starts_progressing_then_becomes_active(tenant):
    r = tenant.req("POST", "/api/v1/wallets", json={"wallet_name": "Treasury", "description": "cold storage"})
    assert r.status_code == 200, r.text
    w = r.json()
    check_wallet(w)
    assert w["wallet_name"] == "Treasury"
    assert w["description"] == "cold storage"
    assert w["client_id"] == tenant.client_id
    assert (w["status"], w["key_status"]) == ("PROGRESSING", "GENERATING")

    g = tenant.get(f"/api/v1/wallets/{w['wallet_id']}")
    check_wallet(g)
    assert g["wallet_id"] == w["wallet_id"]
    assert g["status"] in ("PROGRESSING", "ACTIVE")

    active = tenant.wait_active(w["wallet_id"], timeout=5)
    check_wallet(active)
    assert (active["status"], active["key_status"]) == ("ACTIVE", "ACTIVE")
    for k in ("wallet_id", "client_id", "wallet_name", "description", "created_at"):
        assert active[k] == w[k], k


def test_wallet_stays_progressing_during_keygen(launch):
    srv = launch(keygen_delay_ms=10 ** 9)
    t = srv.api.new_tenant()
    w = t.create_wallet()
    time.sleep(0.3)  # several ticker periods
    g = t.get(f"/api/v1/wallets/{w['wallet_id']}")
    assert (g["status"], g["key_status"]) == ("PROGRESSING", "GENERATING")


def test_description_defaults_to_empty_string(tenant):
    r = tenant.req("POST", "/api/v1/wallets", json={"wallet_name": "no description"})
    assert r.status_code == 200
    assert r.json()["description"] == ""
    r = tenant.req("POST", "/api/v1/wallets", json={"wallet_name": "null description", "description": None})
    assert r.status_code == 200
    assert r.json()["description"] == ""


def test_unicode_name_limits_count_characters(tenant):
    name = "é" * 100  # 200 bytes, 100 characters
    r = tenant.req("POST", "/api/v1/wallets", json={"wallet_name": name})
    assert r.status_code == 200, r.text
    assert r.json()["wallet_name"] == name
    assert tenant.get(f"/api/v1/wallets/{r.json()['wallet_id']}")["wallet_name"] == name


def test_length_boundaries_accepted(tenant):
    r = tenant.req("POST", "/api/v1/wallets", json={"wallet_name": "n" * 100, "description": "d" * 500})
    assert r.status_code == 200, r.text
    assert len(r.json()["wallet_name"]) == 100
    assert len(r.json()["description"]) == 500


@pytest.mark.parametrize("body,field", [
    ({"wallet_name": "n" * 101}, "wallet_name"),
    ({"wallet_name": "é" * 101}, "wallet_name"),
    ({"wallet_name": "ok", "description": "d" * 501}, "description"),
])
def test_length_limits_validation_failed(tenant, body, field):
    before = tenant.snapshot()
    assert_error(tenant.req("POST", "/api/v1/wallets", json=body), "validation_failed", field=field)
    assert tenant.snapshot() == before


@pytest.mark.parametrize("body", [
    {},
    {"description": "x"},
    {"wallet_name": None},
    {"wallet_name": 42},
    {"wallet_name": ["a"]},
    {"wallet_name": {"a": 1}},
    {"wallet_name": True},
    {"wallet_name": "ok", "description": 5},
    {"wallet_name": "ok", "description": ["x"]},
], ids=["empty", "missing-name", "null-name", "int-name", "array-name", "object-name", "bool-name",
        "int-description", "array-description"])
def test_missing_or_wrong_type_invalid_parameter(tenant, body):
    before = tenant.snapshot()
    assert_error(tenant.req("POST", "/api/v1/wallets", json=body), "invalid_parameter")
    assert tenant.snapshot() == before


@pytest.mark.parametrize("raw", ['{"wallet_name": "x"', "{wallet_name: 'x'}", "[]", '[{"wallet_name":"x"}]',
                                 '"wallet"', "42", "null", "", "   ", '{"wallet_name":"x"} trailing'],
                         ids=["truncated", "not-json", "empty-array", "array", "string", "number", "null",
                              "empty", "blank", "trailing"])
def test_bad_body_bad_request(tenant, raw):
    before = tenant.snapshot()
    assert_error(tenant.req("POST", "/api/v1/wallets", data=raw), "bad_request")
    assert tenant.snapshot() == before


def test_get_unknown_wallet_not_found(tenant):
    assert_error(tenant.req("GET", "/api/v1/wallets/w_00000000000000000000000000"), "not_found")
    assert_error(tenant.req("GET", "/api/v1/wallets/" + "x" * 300), "not_found")


def test_wallet_limit_reached(api):
    t = api.new_tenant(max_wallets=1)
    first = t.create_wallet("only")
    r = t.req("POST", "/api/v1/wallets", json={"wallet_name": "second"})
    assert_error(r, "wallet_limit_reached")
    body = t.get("/api/v1/wallets")
    assert body["total"] == 1
    assert [w["wallet_id"] for w in body["data"]] == [first["wallet_id"]]


def test_wallet_limit_zero(api):
    t = api.new_tenant(max_wallets=0)
    assert_error(t.req("POST", "/api/v1/wallets", json={"wallet_name": "none"}), "wallet_limit_reached")
    assert t.get("/api/v1/wallets")["total"] == 0


def test_list_pagination_newest_first_and_stable(tenant):
    created = [tenant.create_wallet(f"w{i}")["wallet_id"] for i in range(5)]
    newest_first = list(reversed(created))
    # Let key generation finish first, so no status flips between the reads compared below.
    for wallet_id in created:
        tenant.wait_active(wallet_id)

    full = tenant.get("/api/v1/wallets")
    check_list(full, check_wallet)
    assert full["total"] == 5
    assert full["has_more"] is False
    assert [w["wallet_id"] for w in full["data"]] == newest_first

    pages = []
    for page in (1, 2, 3):
        body = tenant.get("/api/v1/wallets", params={"page": page, "page_size": 2})
        check_list(body, check_wallet)
        assert body["total"] == 5
        pages.append(body)
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    assert [p["has_more"] for p in pages] == [True, True, False]
    ids = [w["wallet_id"] for p in pages for w in p["data"]]
    assert ids == newest_first
    assert len(set(ids)) == 5

    again = tenant.get("/api/v1/wallets", params={"page": 2, "page_size": 2})
    assert again == pages[1]

    beyond = tenant.get("/api/v1/wallets", params={"page": 4, "page_size": 2})
    assert beyond["data"] == []
    assert beyond["total"] == 5
    assert beyond["has_more"] is False


def test_page_size_capped_at_100(api):
    t = api.new_tenant(max_wallets=200)
    for i in range(103):
        r = t.req("POST", "/api/v1/wallets", json={"wallet_name": f"bulk-{i}"})
        assert r.status_code == 200, r.text
    body = t.get("/api/v1/wallets", params={"page_size": 1000})
    assert len(body["data"]) == 100
    assert body["total"] == 103
    assert body["has_more"] is True
    second = t.get("/api/v1/wallets", params={"page": 2, "page_size": 100})
    assert len(second["data"]) == 3
    assert second["has_more"] is False
    assert {w["wallet_name"] for w in second["data"]} == {"bulk-0", "bulk-1", "bulk-2"}
    default = t.get("/api/v1/wallets")
    assert len(default["data"]) == 20
    assert default["has_more"] is True


@pytest.mark.parametrize("params", [{"page": "-1"}, {"page": "abc"}, {"page": "1.5"}, {"page_size": "-5"},
                                    {"page_size": "ten"}, {"page": "1e2"}])
def test_invalid_page_invalid_parameter(tenant, params):
    assert_error(tenant.req("GET", "/api/v1/wallets", params=params), "invalid_parameter")
