"""Shared by the x402 end-to-end tests (test_x402_*.py): an independent EIP-712 / ERC-3009
implementation (Debian's python3-pycryptodome for keccak-256, python3-ecdsa for secp256k1 public-key
recovery), the x402 specification's golden vector, facilitator request bodies and a seller/buyer
world on a manual clock.

Nothing here calls into the emulator's code: digests and signers are recomputed from the typed data
so a test can catch an emulator that signs the wrong message or with the wrong key.
"""
from __future__ import annotations

import base64
import json as _json

from Cryptodome.Hash import keccak
from ecdsa import SECP256k1, VerifyingKey
from ecdsa.ellipticcurve import PointJacobi
from ecdsa.util import sigdecode_string

# ---------------------------------------------------------------------------------------------
# EIP-712 / ERC-3009, from the specifications (sdk-1.6.md A3)
# ---------------------------------------------------------------------------------------------

# network -> (name, version, chainId, verifyingContract) of its USDC contract
USDC_DOMAINS = {
    "base": ("USD Coin", "2", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
    "base-sepolia": ("USDC", "2", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
    "ethereum": ("USD Coin", "2", 1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
    "polygon": ("USD Coin", "2", 137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
}
CAIP2 = {"base": "eip155:8453", "base-sepolia": "eip155:84532", "ethereum": "eip155:1", "polygon": "eip155:137"}


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def u256(n: int) -> bytes:
    return n.to_bytes(32, "big")


def addr_word(a: str) -> bytes:
    return bytes(12) + bytes.fromhex(a[2:])


DOMAIN_TYPEHASH = keccak256(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
TWA_TYPEHASH = keccak256(b"TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
                         b"uint256 validBefore,bytes32 nonce)")
assert TWA_TYPEHASH.hex() == "7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267"


def domain_separator(network: str) -> bytes:
    name, version, chain_id, contract = USDC_DOMAINS[network]
    return keccak256(DOMAIN_TYPEHASH + keccak256(name.encode()) + keccak256(version.encode()) + u256(chain_id) +
                     addr_word(contract))


def twa_digest(network: str, auth: dict) -> bytes:
    """The EIP-712 digest of TransferWithAuthorization (values as decimal strings or ints)."""
    struct = keccak256(TWA_TYPEHASH + addr_word(auth["from"]) + addr_word(auth["to"]) + u256(int(auth["value"])) +
                       u256(int(auth["validAfter"])) + u256(int(auth["validBefore"])) +
                       bytes.fromhex(auth["nonce"][2:]))
    return keccak256(b"\x19\x01" + domain_separator(network) + struct)


def eth_address(vk: VerifyingKey) -> str:
    return "0x" + keccak256(vk.to_string())[-20:].hex()


def eip55(addr: str) -> str:
    a = addr[2:].lower()
    h = keccak256(a.encode()).hex()
    return "0x" + "".join(c.upper() if int(h[i], 16) >= 8 else c for i, c in enumerate(a))


def recover_signer(digest: bytes, signature_hex: str) -> str:
    """ecrecover: the address whose key made the 65-byte r||s||v signature over `digest` (v 27/28,
    low-s required as USDC's ECRecover requires)."""
    sig = bytes.fromhex(signature_hex[2:])
    assert len(sig) == 65, signature_hex
    r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    assert v in (27, 28), v
    assert 0 < s <= SECP256k1.order // 2, "high-s signature"
    vk = VerifyingKey.from_string(_recovery_key(digest, r, s, v - 27), curve=SECP256k1)
    assert vk.verify_digest(sig[:64], digest, sigdecode=sigdecode_string), "signature does not verify"
    return eip55(eth_address(vk))


def _recovery_key(digest: bytes, r: int, s: int, rec_id: int) -> bytes:
    """Textbook public-key recovery (SEC 1 §4.1.6) for recovery id `rec_id`: Q = r^-1 (sR - eG)."""
    curve = SECP256k1.curve
    n = SECP256k1.order
    p = curve.p()
    x = r
    alpha = (pow(x, 3, p) + curve.a() * x + curve.b()) % p
    beta = pow(alpha, (p + 1) // 4, p)
    y = beta if beta % 2 == rec_id % 2 else p - beta
    R = PointJacobi(curve, x, y, 1, n)
    e = int.from_bytes(digest, "big")
    G = SECP256k1.generator
    Q = (R * s + G * ((-e) % n)) * pow(r, -1, n)
    return Q.x().to_bytes(32, "big") + Q.y().to_bytes(32, "big")


# ---------------------------------------------------------------------------------------------
# The x402 specification's example (specs/x402-specification-v2.md §5.2.1, coinbase/x402 @dd927a26)
# ---------------------------------------------------------------------------------------------

GOLDEN = {
    "from": "0x857b06519E91e3A54538791bDbb0E22373e36b66",
    "to": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    "value": "10000",
    "validAfter": "1740672089",
    "validBefore": "1740672154",
    "nonce": "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480",
}
GOLDEN_SIGNATURE = ("0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf"
                    "5836e9bd15092f9ecab05ded3d6293af148b571c")
GOLDEN_INSIDE = "2025-02-27T16:01:40Z"  # 1740672100: inside [validAfter, validBefore - 6]


def requirements(network: str, amount: str, pay_to: str, version: int = 1) -> dict:
    name, ver, _, asset = USDC_DOMAINS[network]
    req = {"scheme": "exact", "network": network if version == 1 else CAIP2[network], "asset": asset,
           "payTo": pay_to, "maxTimeoutSeconds": 60, "extra": {"name": name, "version": ver}}
    if version == 1:
        req.update(maxAmountRequired=amount, resource="https://api.example.com/premium-data",
                   description="Premium", mimeType="application/json")
    else:
        req["amount"] = amount
    return req


def facilitator_body(network: str, auth: dict, signature: str, version: int = 1, amount: str | None = None,
                     pay_to: str | None = None, payload_network: str | None = None) -> dict:
    """A /x402/verify or /x402/settle body paying `auth` (requirements: its value and recipient
    unless `amount` / `pay_to` say otherwise)."""
    req = requirements(network, amount or str(auth["value"]), pay_to or auth["to"], version)
    payload = {"signature": signature, "authorization": dict(auth)}
    if version == 1:
        pp = {"x402Version": 1, "scheme": "exact", "network": payload_network or network, "payload": payload}
    else:
        accepted = dict(req)
        if payload_network:
            accepted["network"] = payload_network
        pp = {"x402Version": 2, "resource": {"url": "https://api.example.com/premium-data"}, "accepted": accepted,
              "payload": payload}
    return {"x402Version": version, "paymentPayload": pp, "paymentRequirements": req}


def golden_body(version: int = 1, **kw) -> dict:
    return facilitator_body("base-sepolia", GOLDEN, GOLDEN_SIGNATURE, version=version, **kw)


def x_payment(sign_reply: dict, network: str) -> str:
    """The X-PAYMENT header (base64 of an x402 v1 PaymentPayload) for an authorization the sign
    endpoint returned."""
    pp = {"x402Version": 1, "scheme": "exact", "network": network,
          "payload": {"signature": sign_reply["signature"], "authorization": sign_reply["authorization"]}}
    return base64.b64encode(_json.dumps(pp).encode()).decode()


def decode_x_payment_response(value: str) -> dict:
    return _json.loads(base64.b64decode(value))


# ---------------------------------------------------------------------------------------------
# World
# ---------------------------------------------------------------------------------------------


def usdc_account(tenant, sb, chain="base", balance="100", wallet=None):
    """(wallet, account, asset) of `tenant` holding `balance` USDC on `chain` (manual clock)."""
    from chain_helpers import activate
    wallet = wallet or activate(tenant, sb)
    account = tenant.create_account(wallet["wallet_id"], chain)
    asset = tenant.create_asset(account["account_id"], "USDC", chain)
    tenant.api.fund(asset["asset_id"], balance)
    return wallet, account, tenant.asset(asset["asset_id"])


def sign(tenant, from_address, to_address, amount, valid_before, chain="base", **extra):
    body = {"from_address": from_address, "to_address": to_address, "chain": chain, "amount": amount,
            "valid_before": valid_before, **extra}
    return tenant.req("POST", "/api/v1/x402/sign", json=body)


def external_signer(seed: bytes = b"x402-e2e-buyer"):
    """(private key, EIP-55 address) of a payer outside the emulator."""
    from ecdsa import SigningKey
    sk = SigningKey.from_string(keccak256(seed), curve=SECP256k1)
    return sk, eip55(eth_address(sk.get_verifying_key()))


def sign_typed(sk, network: str, auth: dict) -> str:
    """Signs TransferWithAuthorization like any EVM wallet: RFC 6979, low-s, v 27/28."""
    from ecdsa.util import sigencode_strings
    digest = twa_digest(network, auth)
    r, s = sk.sign_digest_deterministic(digest, sigencode=sigencode_strings)
    n = SECP256k1.order
    ri, si = int.from_bytes(r, "big"), int.from_bytes(s, "big")
    if si > n // 2:
        si = n - si
    want = sk.get_verifying_key().to_string()
    for rec in (0, 1):
        if _recovery_key(digest, ri, si, rec) == want:
            return "0x" + ri.to_bytes(32, "big").hex() + si.to_bytes(32, "big").hex() + f"{27 + rec:02x}"
    raise AssertionError("no recovery id")


def authorization(frm: str, to: str, value: int, valid_before: int, nonce: bytes, valid_after: int = 0) -> dict:
    return {"from": frm, "to": to, "value": str(value), "validAfter": str(valid_after),
            "validBefore": str(valid_before), "nonce": "0x" + nonce.hex()}


def seller_and_buyer(launch, receivers, buyer_usdc: str) -> dict:
    """A manual-clock emulator with a 2026-09 seller (USDC account on base, webhooks to a receiver)
    and a 2026-04 buyer holding `buyer_usdc` USDC on base."""
    from chain_helpers import manual_world
    from webhook_receiver import SECRET, set_webhook
    server, sb = manual_world(launch)
    api = server.api
    hook = receivers()
    seller = api.new_tenant(api_version="2026-09")
    set_webhook(api, seller.client_id, hook.url, SECRET)
    _, seller_account, seller_asset = usdc_account(seller, sb, "base", "0")
    buyer = api.new_tenant(api_version="2026-04")
    _, buyer_account, buyer_asset = usdc_account(buyer, sb, "base", buyer_usdc)
    return dict(server=server, api=api, sb=sb, hook=hook, seller=seller, seller_account=seller_account,
                seller_asset=seller_asset, buyer=buyer, buyer_account=buyer_account, buyer_asset=buyer_asset)
