"""Fixtures of the end-to-end suite: the real paratro-emulator binary on a free port.

`launch(*extra_args, db=..., keygen_delay_ms=..., env=...)` starts a fresh emulator (function scope,
stopped at teardown); `server` is one emulator shared by a test module; `api` is its HTTP helper;
`tenant` is a fresh API client (via POST /_sandbox/clients) of the module server, with a token.

Modules that look at transactions while they are PENDING (amount locked) start their server with a
signing delay far longer than the module runs (e2e_helpers.HOLD_PENDING), since the emulator's virtual clock
otherwise moves transfers on to SIGNED/BROADCAST/CONFIRMED within moments.
"""
from __future__ import annotations

import pytest

from e2e_helpers import Server


def _factory(workdir_fn):
    servers: list[Server] = []

    def launch(*extra_args, db=None, keygen_delay_ms=200, log_level="warn", env=None):
        workdir = workdir_fn()
        args = ["--log-level", log_level]
        if keygen_delay_ms is not None:
            args += ["--keygen-delay-ms", str(keygen_delay_ms)]
        args += [str(a) for a in extra_args]
        s = Server(args, db if db is not None else workdir / "emulator.db", workdir, env=env)
        servers.append(s)
        return s

    return launch, servers


@pytest.fixture
def launch(tmp_path):
    counter = iter(range(1_000_000))
    fn, servers = _factory(lambda: tmp_path / f"srv{next(counter)}")
    yield fn
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def module_launch(tmp_path_factory):
    fn, servers = _factory(lambda: tmp_path_factory.mktemp("emulator"))
    yield fn
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def server(request, module_launch):
    """One emulator per test module; a module may set SERVER_ARGS (extra flags) for it."""
    return module_launch(*getattr(request.module, "SERVER_ARGS", ()))


@pytest.fixture(scope="module")
def api(server):
    return server.api


@pytest.fixture
def tenant(api):
    return api.new_tenant()


@pytest.fixture(scope="module")
def shared_tenant(api):
    """One API client for a whole module, for tests that only add rows nobody else looks at."""
    return api.new_tenant()


@pytest.fixture(scope="module")
def shared_wallet(shared_tenant):
    return shared_tenant.active_wallet()
