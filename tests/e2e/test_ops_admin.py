"""Control-plane safety: the emulator refuses to listen on a non-loopback address without
--admin-token; with a token (on any address) every /_sandbox request must present it, as
X-Admin-Token or Authorization: Bearer, else 401 unauthorized; /api/v1 is unaffected."""
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests

from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, assert_error, emulator_bin

TOKEN = "adm-" + "7" * 24


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARATRO_EMULATOR_")}
    env.update(extra or {})
    return env


@pytest.fixture
def start(tmp_path):
    """Starts the binary with --port 0 and a --port-file; returns (process, base URL)."""
    procs = []

    def run(*args, env=None):
        port_file = tmp_path / f"port-{len(procs)}"
        p = subprocess.Popen([emulator_bin(), "--port", "0", "--database", ":memory:", "--log-level", "warn",
                              "--port-file", str(port_file), *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=clean_env(env))
        procs.append(p)
        deadline = time.monotonic() + 10
        while not port_file.exists():
            assert p.poll() is None, p.stderr.read().decode()
            assert time.monotonic() < deadline, "no port file"
            time.sleep(0.01)
        return p, f"http://127.0.0.1:{int(port_file.read_text())}"

    yield run
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait(timeout=5)


def refused(args, env=None):
    p = subprocess.run([emulator_bin(), "--port", "0", "--database", ":memory:", *args], capture_output=True,
                       timeout=10, env=clean_env(env))
    return p.returncode, p.stderr.decode()


def test_refuses_a_public_address_without_a_token():
    rc, err = refused(["--host", "0.0.0.0"])
    assert rc == 2
    assert "--admin-token" in err and "0.0.0.0" in err
    rc, err = refused([], env={"PARATRO_EMULATOR_HOST": "::"})
    assert rc == 2 and "--admin-token" in err
    rc, err = refused(["--host", "not-an-address"])
    assert rc == 2 and "--host" in err


def check_enforced(base):
    s = requests.Session()
    for headers in ({}, {"X-Admin-Token": "wrong"}, {"Authorization": "Bearer wrong"},
                    {"X-Admin-Token": TOKEN[:-1]}, {"Authorization": TOKEN}):
        r = s.get(base + "/_sandbox/health", headers=headers)
        assert_error(r, "unauthorized")
        assert_error(s.post(base + "/_sandbox/faults", json={"error": "internal_error"}, headers=headers),
                     "unauthorized")
    assert_error(s.get(base + "/_sandbox/no-such-control"), "unauthorized")  # even unknown routes
    assert s.get(base + "/_sandbox/health", headers={"X-Admin-Token": TOKEN}).status_code == 200
    assert s.get(base + "/_sandbox/health", headers={"Authorization": "Bearer " + TOKEN}).status_code == 200
    assert s.get(base + "/_sandbox/faults", headers={"X-Admin-Token": TOKEN}).json()["total"] == 0  # nothing added
    # The API is unaffected: clients use their own credentials and never the admin token.
    r = s.post(base + "/api/v1/auth/token", headers={"X-API-Key": DEFAULT_API_KEY, "X-API-Secret": DEFAULT_API_SECRET})
    assert r.status_code == 200
    tok = r.json()["token"]
    assert s.get(base + "/api/v1/wallets", headers={"Authorization": "Bearer " + tok}).status_code == 200


def test_public_address_with_a_token(start):
    _, base = start("--host", "0.0.0.0", "--admin-token", TOKEN)
    check_enforced(base)


def test_token_is_enforced_on_loopback_too(start):
    _, base = start("--admin-token", TOKEN)
    check_enforced(base)


def test_token_from_the_environment(start):
    _, base = start(env={"PARATRO_EMULATOR_ADMIN_TOKEN": TOKEN})
    assert_error(requests.get(base + "/_sandbox/health"), "unauthorized")
    assert requests.get(base + "/_sandbox/health", headers={"X-Admin-Token": TOKEN}).status_code == 200


def test_port_file_holds_the_listening_port(start, tmp_path):
    p, base = start()
    port = int(base.rsplit(":", 1)[1])
    assert port > 0
    assert requests.get(base + "/_sandbox/health").json()["status"] == "ok"
    written = tmp_path / "port-0"
    assert written.read_text() == f"{port}\n"
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith("port-0")] == ["port-0"]  # no temp left


def test_port_file_matches_the_banner(launch, tmp_path):
    port_file = tmp_path / "emulator.port"
    srv = launch("--port-file", port_file)
    assert port_file.read_text().strip() == str(srv.port)
