"""The world shared by test_chain_ledger*.py: a manual-clock emulator with its sandbox and books."""
import pytest

from chain_helpers import Books, manual_world


@pytest.fixture
def world(launch):
    server, sb = manual_world(launch)
    return {"server": server, "api": server.api, "sb": sb, "books": Books()}
