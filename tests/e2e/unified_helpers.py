"""Shared by the tests of POST /api/v1/transactions (test_transactions_api.py, test_idempotency.py):
a module emulator on a manual clock (transfers stay PENDING until a test moves time), the chain
controls, fault rules removed after each test, and funded tenants of either API version."""
from __future__ import annotations

import pytest

from chain_helpers import MANUAL, Sandbox
from e2e_helpers import random_evm_address

VERSIONS = ["2026-04", "2026-09"]
PATH = "/api/v1/transactions"


@pytest.fixture(scope="module")
def server(module_launch):
    return module_launch(*MANUAL, keygen_delay_ms=0)


@pytest.fixture(scope="module")
def sb(api):
    return Sandbox(api)


@pytest.fixture(autouse=True)
def no_faults(api):
    yield
    api.req("DELETE", "/_sandbox/faults")


def funded(api, version, balance="100"):
    """(tenant of `version`, its ethereum account, its USDT asset holding `balance`)."""
    t = api.new_tenant(api_version=version)
    _, account, asset = t.funded_asset("ethereum", "USDT", balance)
    return t, account, asset


def body_from(account, amount="1.5", to=None, **extra) -> dict:
    """A TRANSFER body from `account` (USDT on ethereum) to `to` or a fresh foreign address."""
    return {"from_address": account["address"], "to_address": to or random_evm_address(), "chain": "ethereum",
            "token_symbol": "USDT", "amount": amount, **extra}


def count(t) -> int:
    return t.get(PATH)["total"]
