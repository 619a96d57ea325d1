"""Forced outcomes on the simulated chain (manual clock): a transfer held by memo magic and then
released, confirmed or failed through the /_sandbox/transactions controls, the conflicts of forcing a
final transaction, and forcing one in flight. The normal lifecycle is in test_chain_lifecycle.py."""
import pytest

from chain_helpers import (BROADCAST_MS, SIGN_MS, Books, activate, assert_tx_hash_format, balances, grant,
                           manual_world, open_asset, required, rfc, send, tx)
from e2e_helpers import assert_error, check_transaction, random_evm_address, solana_address


# ---------------------------------------------------------------------------------------------
# Held transfers and the sandbox controls
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def held(launch):
    """A manual-clock world with a funded ETH asset and one transfer held by memo sandbox:hold."""
    server, sb = manual_world(launch)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "ethereum", "ETH")
    grant(server.api, books, asset, "3")
    tx_id = send(t, acc["address"], random_evm_address(), "ethereum", "ETH", "1.000000000000000001",
                 memo="sandbox:hold")
    books.lock("ethereum", "ETH", "1.000000000000000001")
    sb.advance(3600)  # an hour later: still waiting
    got = tx(t, tx_id)
    assert (got["status"], got["tx_hash"], got["block_number"]) == ("PENDING", "", 0), got
    assert balances(t, asset["asset_id"]) == ("1.999999999999999999", "1.000000000000000001")
    books.check(sb)
    return {"server": server, "sb": sb, "books": books, "t": t, "asset": asset, "acc": acc, "tx_id": tx_id}


def test_hold_then_release_continues_the_normal_lifecycle(held):
    sb, t, tx_id, books = held["sb"], held["t"], held["tx_id"], held["books"]
    r = sb.control(tx_id, "release")
    assert r.status_code == 200, r.text
    body = r.json()
    check_transaction(body)
    assert body["tx_id"] == tx_id and body["status"] == "PENDING", body
    # Released once: a second release is a conflict.
    assert_error(sb.control(tx_id, "release"), "conflict")

    seen = []
    for _ in range(2000):
        got = tx(t, tx_id)
        if not seen or seen[-1] != got["status"]:
            seen.append(got["status"])
        if got["status"] == "CONFIRMED":
            break
        sb.advance_ms(100 if got["status"] in ("PENDING", "SIGNED", "BROADCAST") else 12_000)
    assert seen == ["PENDING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED"], seen
    assert got["confirmations"] == required("ethereum")
    assert_tx_hash_format("ethereum", got["tx_hash"])
    assert balances(t, held["asset"]["asset_id"]) == ("1.999999999999999999", "0")
    books.confirm("ethereum", "ETH", "1.000000000000000001", internal=False)
    books.check(sb)


def test_release_starts_the_signing_delay_at_release_time(held):
    """A released transfer continues its *normal* lifecycle from the release: MPC signing still takes
    --sign-delay-ms (it was never started while held), then broadcast, then blocks."""
    sb, t, tx_id = held["sb"], held["t"], held["tx_id"]
    released_ms = sb.now_ms()
    assert sb.control(tx_id, "release").status_code == 200
    sb.advance_ms(SIGN_MS - 1)
    got = tx(t, tx_id)
    assert got["status"] == "PENDING", f"signed without the signing delay after release: {got}"
    sb.advance_ms(1)
    got = tx(t, tx_id)
    assert (got["status"], got["updated_at"]) == ("SIGNED", rfc(released_ms + SIGN_MS)), got
    sb.advance_ms(BROADCAST_MS)
    assert tx(t, tx_id)["status"] == "BROADCAST"


def test_hold_then_confirm_settles_at_once(held):
    sb, t, tx_id, books = held["sb"], held["t"], held["tx_id"], held["books"]
    now = sb.clock()
    r = sb.control(tx_id, "confirm")
    assert r.status_code == 200, r.text
    body = r.json()
    check_transaction(body)
    assert body["status"] == "CONFIRMED", body
    assert_tx_hash_format("ethereum", body["tx_hash"])
    assert body["block_number"] == now["heights"]["ethereum"], (body, now)
    assert body["confirmations"] == required("ethereum"), body
    assert tx(t, tx_id) == body
    assert balances(t, held["asset"]["asset_id"]) == ("1.999999999999999999", "0")
    books.confirm("ethereum", "ETH", "1.000000000000000001", internal=False)
    books.check(sb)
    sb.advance(600)
    assert tx(t, tx_id) == body


def test_hold_then_fail_refunds(held):
    sb, t, tx_id, books = held["sb"], held["t"], held["tx_id"], held["books"]
    r = sb.control(tx_id, "fail")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["tx_hash"], body["block_number"]) == ("FAILED", "", 0), body
    assert tx(t, tx_id) == body
    assert balances(t, held["asset"]["asset_id"]) == ("3", "0")
    books.fail("ethereum", "ETH", "1.000000000000000001")
    books.check(sb)


def test_forcing_a_final_transaction_is_a_conflict(held):
    sb, t, tx_id, books = held["sb"], held["t"], held["tx_id"], held["books"]
    assert sb.control(tx_id, "confirm").status_code == 200
    books.confirm("ethereum", "ETH", "1.000000000000000001", internal=False)
    final = tx(t, tx_id)
    for action in ("confirm", "fail"):
        assert_error(sb.control(tx_id, action), "conflict")
    assert tx(t, tx_id) == final
    assert balances(t, held["asset"]["asset_id"]) == ("1.999999999999999999", "0")
    books.check(sb)

    # The same for a FAILED one, and release of a transfer that is not held.
    tx2 = send(t, held["acc"]["address"], random_evm_address(), "ethereum", "ETH", "0.5", memo="sandbox:fail_signing")
    assert_error(sb.control(tx2, "release"), "conflict")
    sb.advance_ms(SIGN_MS)
    failed = tx(t, tx2)
    assert failed["status"] == "FAILED"
    for action in ("confirm", "fail", "release"):
        assert_error(sb.control(tx2, action), "conflict")
    assert tx(t, tx2) == failed

    for action in ("confirm", "fail", "release"):
        assert_error(sb.control("tx_does_not_exist", action), "not_found")
    r = held["server"].api.req("GET", f"/_sandbox/transactions/{tx_id}/confirm")
    assert r.status_code == 405 or r.status_code == 404, r.text
    assert balances(t, held["asset"]["asset_id"]) == ("1.999999999999999999", "0")
    books.check(sb)


@pytest.mark.parametrize("settle", ["confirm", "fail"])
def test_release_of_a_settled_held_transfer_is_a_conflict(held, settle):
    """Once a held transfer was forced to CONFIRMED/FAILED it is final: /release must be 409 like
    /confirm and /fail, and must not touch the record."""
    sb, t, tx_id, books = held["sb"], held["t"], held["tx_id"], held["books"]
    assert sb.control(tx_id, settle).status_code == 200
    if settle == "confirm":
        books.confirm("ethereum", "ETH", "1.000000000000000001", internal=False)
    else:
        books.fail("ethereum", "ETH", "1.000000000000000001")
    final = tx(t, tx_id)
    bal = balances(t, held["asset"]["asset_id"])
    r = sb.control(tx_id, "release")
    sb.advance(60)
    assert tx(t, tx_id) == final, "release changed a final transaction"
    assert balances(t, held["asset"]["asset_id"]) == bal
    books.check(sb)
    assert_error(r, "conflict")


def test_forcing_an_in_flight_transfer(launch):
    """confirm / fail work on any non-final state; a forced FAILED after broadcast refunds too."""
    server, sb = manual_world(launch)
    books = Books()
    t = server.api.new_tenant()
    w = activate(t, sb)
    acc, asset = open_asset(t, w["wallet_id"], "solana", "SOL")
    grant(server.api, books, asset, "5")
    a = send(t, acc["address"], solana_address(), "solana", "SOL", "1")
    b = send(t, acc["address"], solana_address(), "solana", "SOL", "2")
    books.lock("solana", "SOL", "1")
    books.lock("solana", "SOL", "2")
    sb.advance_ms(SIGN_MS + BROADCAST_MS)
    assert tx(t, a)["status"] == tx(t, b)["status"] == "BROADCAST"
    hash_a = tx(t, a)["tx_hash"]
    ra = sb.control(a, "confirm")
    assert ra.status_code == 200 and ra.json()["status"] == "CONFIRMED", ra.text
    assert ra.json()["tx_hash"] == hash_a  # the broadcast hash is kept
    books.confirm("solana", "SOL", "1", internal=False)
    sb.advance(1)  # b is CONFIRMING by now
    assert tx(t, b)["status"] == "CONFIRMING"
    rb = sb.control(b, "fail")
    assert rb.status_code == 200 and rb.json()["status"] == "FAILED", rb.text
    books.fail("solana", "SOL", "2")
    assert balances(t, asset["asset_id"]) == ("4", "0")
    books.check(sb)
    sb.advance(60)
    assert tx(t, a)["status"] == "CONFIRMED" and tx(t, b)["status"] == "FAILED"
    books.check(sb)
