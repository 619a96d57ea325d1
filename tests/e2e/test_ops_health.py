"""GET /_sandbox/health: status, version, uptime, the virtual clock, the database and row counts,
including the transactions still pending."""
import time

from e2e_helpers import HOLD_PENDING, RFC3339_RE, random_evm_address

SERVER_ARGS = (*HOLD_PENDING, "--manual-clock", "--start-time", "2026-01-15T10:40:00Z")


def test_health_fields(server, api):
    h = api.health()
    assert set(h) >= {"status", "version", "uptime_ms", "clock", "database", "counts"}
    assert h["status"] == "ok" and h["version"] == server.version
    assert isinstance(h["uptime_ms"], int) and h["uptime_ms"] >= 0
    assert h["clock"]["mode"] == "manual"
    assert h["clock"]["time"] == "2026-01-15T10:40:00Z" and RFC3339_RE.match(h["clock"]["time"])
    assert h["clock"]["now_ms"] == 1768473600000
    assert h["clock"]["speed"] == 1  # the calendar follows the wall clock by default
    assert h["database"] == {"path": server.db_path, "journal_mode": "wal"}
    assert set(h["counts"]) == {"clients", "wallets", "accounts", "assets", "transactions", "pending_transactions"}
    time.sleep(0.05)
    assert api.health()["uptime_ms"] >= h["uptime_ms"] + 50


def test_counts_follow_the_data(api):
    t = api.new_tenant()
    before = api.health()["counts"]
    wallet = t.create_wallet()
    api.req("POST", "/_sandbox/clock/advance", json={"seconds": 10})
    _, account, _ = t.funded_asset("ethereum", "ETH", "3", wallet=t.wait_active(wallet["wallet_id"]))
    for memo in ("sandbox:hold", None):
        assert t.transfer(account["address"], random_evm_address(), "ethereum", "ETH", "1", memo=memo).status_code == 200
    after = api.health()["counts"]
    assert after["clients"] == before["clients"]
    assert after["wallets"] == before["wallets"] + 1
    assert after["accounts"] == before["accounts"] + 1
    assert after["assets"] == before["assets"] + 1
    assert after["transactions"] == before["transactions"] + 2
    assert after["pending_transactions"] == before["pending_transactions"] + 2
