"""API versions: clients pinned to 2026-04 (the default) or 2026-09 by flag, fixture and control
endpoint, and the routes the 2026-09 gateway has retired."""
import json

from e2e_helpers import HOLD_PENDING, assert_error, random_evm_address

SERVER_ARGS = HOLD_PENDING

RETIRED_MESSAGE = "This endpoint has been retired. Use POST /api/v1/transactions (operation=TRANSFER)."


def version_of(api, client_id):
    r = api.req("GET", f"/_sandbox/clients/{client_id}/api-version")
    assert r.status_code == 200, r.text
    return r.json()


def transfer_body(t, to=None):
    _, account, _ = t.funded_asset("ethereum", "USDT", "100")
    return {"from_address": account["address"], "to_address": to or random_evm_address(), "chain": "ethereum",
            "token_symbol": "USDT", "amount": "1.5"}


def test_default_client_and_new_clients_are_2026_04(api):
    assert version_of(api, "c_sandbox") == {"client_id": "c_sandbox", "api_version": "2026-04",
                                            "default_api_version": "2026-04"}
    c = api.create_client(name="plain")
    assert c["api_version"] == "2026-04"
    assert version_of(api, c["client_id"])["api_version"] == "2026-04"


def test_client_created_pinned_to_2026_09(api):
    c = api.create_client(name="pinned", api_version="2026-09")
    assert c["api_version"] == "2026-09"
    assert version_of(api, c["client_id"])["api_version"] == "2026-09"


def test_put_pins_and_unpins_a_client(api):
    c = api.create_client(name="switch")
    r = api.req("PUT", f"/_sandbox/clients/{c['client_id']}/api-version", json={"api_version": "2026-09"})
    assert r.status_code == 200, r.text
    assert r.json()["api_version"] == "2026-09"
    assert version_of(api, c["client_id"])["api_version"] == "2026-09"
    r = api.req("PUT", f"/_sandbox/clients/{c['client_id']}/api-version", json={"api_version": "2026-04"})
    assert r.json()["api_version"] == "2026-04"


def test_bad_versions_are_refused_and_change_nothing(api):
    c = api.create_client(name="strict")
    for body in ({"api_version": "2026-10"}, {"api_version": 202609}, {}, {"api_version": None}):
        r = api.req("PUT", f"/_sandbox/clients/{c['client_id']}/api-version", json=body)
        assert_error(r, "invalid_parameter")
    assert version_of(api, c["client_id"])["api_version"] == "2026-04"
    r = api.req("POST", "/_sandbox/clients", json={"name": "x", "api_version": "v2"})
    assert_error(r, "invalid_parameter")
    assert_error(api.req("GET", "/_sandbox/clients/c_nope/api-version"), "not_found")
    assert_error(api.req("PUT", "/_sandbox/clients/c_nope/api-version", json={"api_version": "2026-09"}), "not_found")


def test_transfer_is_retired_in_2026_09_and_served_in_2026_04(api):
    old = api.new_tenant(api_version="2026-04")
    new = api.new_tenant(api_version="2026-09")
    r = old.req("POST", "/api/v1/transfer", json=transfer_body(old))
    assert r.status_code == 200, r.text
    body = transfer_body(new)
    before = new.snapshot()
    r = new.req("POST", "/api/v1/transfer", json=body)
    assert r.status_code == 410, r.text
    assert r.json() == {"code": "invalid_parameter", "type": "endpoint_retired", "message": RETIRED_MESSAGE}
    assert new.snapshot() == before


def test_retired_answer_needs_a_token_first(api):
    assert_error(api.req("POST", "/api/v1/transfer", json={}), "unauthorized")


def test_switching_applies_to_an_existing_token_at_once(api):
    t = api.new_tenant()
    body = transfer_body(t)
    api.req("PUT", f"/_sandbox/clients/{t.client_id}/api-version", json={"api_version": "2026-09"})
    assert t.req("POST", "/api/v1/transfer", json=body).status_code == 410
    api.req("PUT", f"/_sandbox/clients/{t.client_id}/api-version", json={"api_version": "2026-04"})
    assert t.req("POST", "/api/v1/transfer", json=body).status_code == 200


def banner_api_line(server) -> str:
    for _ in range(10):
        line = server._next_line(2)
        if line.startswith("  api:"):
            return line
    raise AssertionError(f"no api line in the banner: {server.banner}")


def test_banner_names_the_default_clients_version(launch):
    assert banner_api_line(launch()) == "  api:        version 2026-04 (of the default client)"
    assert banner_api_line(launch("--api-version", "2026-09")) == "  api:        version 2026-09 (from --api-version)"


def test_flag_pins_the_default_client(launch):
    s = launch("--api-version", "2026-09")
    assert version_of(s.api, "c_sandbox")["api_version"] == "2026-09"
    assert version_of(s.api, "c_sandbox")["default_api_version"] == "2026-09"
    assert s.api.create_client(name="n")["api_version"] == "2026-09"
    # ...and again after a reset.
    assert s.api.req("POST", "/_sandbox/reset").status_code == 200
    assert version_of(s.api, "c_sandbox")["api_version"] == "2026-09"


def test_unknown_flag_value_exits_2(launch, tmp_path):
    import subprocess
    from e2e_helpers import emulator_bin
    p = subprocess.run([emulator_bin(), "--api-version", "2027-01", "--database", ":memory:", "--port", "0"],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2
    assert "--api-version" in p.stderr and "2026-04, 2026-09" in p.stderr


def test_fixture_pins_clients(launch, tmp_path):
    fixture = {"version": 1, "clients": [
        {"client_id": "c_new", "client_name": "New", "api_key": "pk_new", "api_secret": "sk_new",
         "api_version": "2026-09"},
        {"client_id": "c_old", "client_name": "Old", "api_key": "pk_old", "api_secret": "sk_old"}]}
    path = tmp_path / "versions.json"
    path.write_text(json.dumps(fixture))
    s = launch("--fixtures", path)
    assert version_of(s.api, "c_new")["api_version"] == "2026-09"
    assert version_of(s.api, "c_old")["api_version"] == "2026-04"
    bad = tmp_path / "bad.json"
    fixture["clients"][0]["api_version"] = "2026-13"
    bad.write_text(json.dumps(fixture))
    p = subprocess_validate(bad)
    assert p.returncode == 1 and "$.clients[0].api_version" in p.stdout


def subprocess_validate(path):
    import subprocess
    from e2e_helpers import emulator_bin
    return subprocess.run([emulator_bin(), "fixtures", "validate", str(path)], capture_output=True, text=True,
                          timeout=10)
