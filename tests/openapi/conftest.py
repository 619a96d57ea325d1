"""The live session of the OpenAPI suite, run once per API version for the whole pytest session:
an emulator with a manual clock, a small body limit and an admin token, driven through
openapi_session_api.py then openapi_session_control.py while a requests hook records every exchange,
and the documents it serves for each version."""
from __future__ import annotations

from pathlib import Path

import pytest

from openapi_helpers import ADMIN_TOKEN, BODY_LIMIT, START, VERSIONS, AdminServer, Receiver, Recorder, node
from openapi_session_api import drive_api
from openapi_session_control import drive_control_plane


def drive_session(server, rec: Recorder, receiver: Receiver, version: str):
    """The session, with the tenant pinned to API `version`: the API, then the control plane."""
    state = drive_api(server, rec, receiver, version)
    drive_control_plane(server, rec, receiver, version, **state)


def run_session(version: str, workdir: Path):
    """(exchanges, {version: served document path}) of one full session with a tenant pinned to `version`."""
    receiver = Receiver()
    try:
        server = AdminServer(["--log-level", "warn", "--manual-clock", "--start-time", START, "--keygen-delay-ms",
                              "3000", "--max-body-bytes", str(BODY_LIMIT), "--admin-token", ADMIN_TOKEN],
                             workdir / "emulator.db", workdir)
    except BaseException:
        receiver.close()
        raise
    server.api.session.headers["X-Admin-Token"] = ADMIN_TOKEN
    # The e2e helper's JSON-schema check runs here too, but not where the DTO is still awaited (the
    # OpenAPI check of those reads is test_2026_09_transactions_are_the_gateway_dto).
    try:
        rec = Recorder(server.api.shapes)
        drive_session(server, rec, receiver, version)
        served = {}
        for v in VERSIONS:
            r = server.api.session.get(server.url + "/_sandbox/openapi.yaml", params={"version": v}, timeout=10)
            assert r.status_code == 200, r.text
            served[v] = workdir / f"served-openapi-{v}.yaml"
            served[v].write_bytes(r.content)
        return rec.exchanges, served
    finally:
        server.stop()
        receiver.close()


@pytest.fixture(scope="session")
def sessions(tmp_path_factory):
    """{version: (exchanges, served documents)}: the session once per API version."""
    node()
    return {v: run_session(v, tmp_path_factory.mktemp(f"openapi-{v}")) for v in VERSIONS}
