"""Pure-python address codecs of the end-to-end suite (keccak-256 / EIP-55, base58check,
bech32/bech32m, segwit) and makers of valid and near-miss addresses: the tests use them to check
what the emulator returns and to craft destinations. e2e_helpers re-exports every name.
"""
from __future__ import annotations

import hashlib
import secrets
import re


# --------------------------------------------------------------------------------------------
# Keccak-256 and EIP-55
# --------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _keccak_round_constants():
    out, r = [], 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            r = ((r << 1) ^ ((r >> 7) * 0x71)) % 256
            if r & 2:
                rc ^= 1 << ((1 << j) - 1)
        out.append(rc)
    return out


def _keccak_rotations():
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rot


_RC = _keccak_round_constants()
_ROT = _keccak_rotations()


def _rol(v, n):
    n %= 64
    return ((v << n) | (v >> (64 - n))) & _MASK64 if n else v


def _keccak_f(a):
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rol(a[x + 5 * y], _ROT[x][y])
        a = [b[i] ^ ((~b[(i % 5 + 1) % 5 + 5 * (i // 5)]) & b[(i % 5 + 2) % 5 + 5 * (i // 5)]) for i in range(25)]
        a[0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum's; padding 0x01, not SHA3-256's 0x06)."""
    rate = 136
    msg = bytearray(data)
    msg.append(0x01)
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        state = _keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def eip55(addr20: bytes) -> str:
    hexaddr = addr20.hex()
    h = keccak256(hexaddr.encode()).hex()
    return "0x" + "".join(ch.upper() if ch.isalpha() and int(h[i], 16) >= 8 else ch for i, ch in enumerate(hexaddr))


def is_eip55(address: str) -> bool:
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
        return False
    return eip55(bytes.fromhex(address[2:])) == address


# --------------------------------------------------------------------------------------------
# Base58 / base58check
# --------------------------------------------------------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58_ALPHABET[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(s: str) -> bytes | None:
    n = 0
    for ch in s:
        i = B58_ALPHABET.find(ch)
        if i < 0:
            return None
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\0" * pad + body


def _dsha(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + _dsha(payload)[:4])


def b58check_decode(s: str) -> bytes | None:
    raw = b58decode(s)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if _dsha(payload)[:4] == check else None


# --------------------------------------------------------------------------------------------
# Bech32 / bech32m (BIP-173 / BIP-350)
# --------------------------------------------------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _hrp_expand(hrp):
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def _convertbits(data, frombits, tobits, pad=True):
    acc = bits = 0
    ret = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if pad:
        if bits:
            ret.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return ret


def bech32_encode(hrp, data, const):
    values = _hrp_expand(hrp) + data
    pm = _polymod(values + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def bech32_decode(s):
    """(hrp, data, const) or None."""
    if any(ord(x) < 33 or ord(x) > 126 for x in s) or (s.lower() != s and s.upper() != s):
        return None
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return None
    if not all(x in BECH32_CHARSET for x in s[pos + 1:]):
        return None
    hrp = s[:pos]
    data = [BECH32_CHARSET.find(x) for x in s[pos + 1:]]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def segwit_encode(hrp, version, program: bytes) -> str:
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    return bech32_encode(hrp, [version] + _convertbits(program, 8, 5), const)


def segwit_decode(hrp, addr):
    """(version, program bytes) or None."""
    d = bech32_decode(addr)
    if d is None or d[0] != hrp or not d[1]:
        return None
    version, data, const = d[1][0], d[1][1:], d[2]
    prog = _convertbits(data, 5, 8, False)
    if prog is None or not 2 <= len(prog) <= 40 or version > 16:
        return None
    if version == 0 and len(prog) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None
    return version, bytes(prog)


# --------------------------------------------------------------------------------------------
# Address makers (valid destinations) and breakers (invalid ones)
# --------------------------------------------------------------------------------------------


def random_evm_address() -> str:
    return eip55(secrets.token_bytes(20))


def tron_address(body20: bytes | None = None) -> str:
    return b58check_encode(b"\x41" + (body20 or secrets.token_bytes(20)))


def solana_address(n: int = 32) -> str:
    raw = b"\x07" + secrets.token_bytes(n - 1)  # non-zero first byte: no '1' padding surprises
    return b58encode(raw)


def bad_eip55_address() -> str:
    """Mixed-case 0x address whose case pattern is not the EIP-55 checksum."""
    while True:
        good = random_evm_address()
        letters = [i for i, ch in enumerate(good) if i > 1 and ch.isalpha()]
        if len(letters) < 3:
            continue
        i = letters[0]
        flipped = good[:i] + good[i].swapcase() + good[i + 1:]
        body = flipped[2:]
        if body.lower() != body and body.upper() != body and not is_eip55(flipped):
            return flipped


def bad_checksum_tron_address() -> str:
    good = tron_address()
    for ch in B58_ALPHABET:
        cand = good[:-1] + ch
        if ch != good[-1] and b58check_decode(cand) is None:
            return cand
    raise AssertionError("unreachable")


def bad_bech32_address() -> str:
    good = segwit_encode("bc", 0, secrets.token_bytes(20))
    i = len(good) - 3
    for ch in BECH32_CHARSET:
        cand = good[:i] + ch + good[i + 1:]
        if ch != good[i] and segwit_decode("bc", cand) is None:
            return cand
    raise AssertionError("unreachable")
