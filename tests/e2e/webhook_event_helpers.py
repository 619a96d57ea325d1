"""Helpers shared by test_webhooks_events*.py: the payload fields common to every event, cross-checked
against the API's view of the transaction, and the signed events a receiver got."""
from decimal import Decimal

from chain_helpers import required
from webhook_receiver import SECRET, check_payload, check_signed, smallest_units  # noqa: F401

DEFAULT = "c_sandbox"


def common_fields(p: dict, api_tx: dict, account: dict, asset: dict):
    """The payload fields that every event of one transaction shares with the API's transaction."""
    assert p["source_id"] == api_tx["tx_id"], p
    assert p["wallet_id"] == api_tx["wallet_id"] == account["wallet_id"], p
    assert p["account_id"] == api_tx["account_id"] == account["account_id"], p
    assert p["transaction_type"] == api_tx["direction"], p
    assert p["chain"] == api_tx["chain"] == asset["chain"], p
    assert p["network"] == account["network"] == asset["network"], p
    assert p["from"] == api_tx["from_address"] and p["to"] == api_tx["to_address"], p
    assert p["symbol"] == api_tx["token_symbol"] == asset["symbol"], p
    # The reference: "" for native tokens (the assets API says "0x"), the token contract otherwise.
    native = asset["asset_type"] == "NATIVE"
    assert p["contract_address"] == ("" if native else asset["contract_address"]) and (native or p["contract_address"]), p
    # The amount in the token's smallest unit: the API's human amount times 10^decimals.
    assert p["decimals"] == asset["decimals"], p
    assert Decimal(p["amount"]) == Decimal(api_tx["amount"]) * 10 ** asset["decimals"], (p, api_tx)
    assert p["amount"] == smallest_units(api_tx["amount"], asset["decimals"]), p
    assert p["required_confirmations"] == required(api_tx["chain"]), p
    assert p["created_at"] == api_tx["created_at"], p
    assert p["risk_checked"] is False and p["risk_score"] == 0 and p["risk_level"] == "UNSCANNED", p
    assert "operation" not in p, p


def received_events(rcv, secret=SECRET) -> list[dict]:
    out = []
    for r in rcv.snapshot():
        check_signed(r, secret)
        assert r.path == "/hooks/paratro", r.path
        assert int(r.headers["content-length"]) == len(r.body)
        out.append(check_payload(r.json))
    return out
