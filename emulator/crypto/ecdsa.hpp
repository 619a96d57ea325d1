// Ethereum-style secp256k1 ECDSA over a 32-byte digest: signing with a recovery id and public-key
// recovery (what Solidity's `ecrecover` does). The emulator signs ERC-3009 authorizations with its
// wallets' keys (x402) and checks signatures clients send, so both directions must agree byte for
// byte with every EVM library: low-s signatures, `v` in {27, 28}, and a deterministic nonce
// (RFC 6979 with HMAC-SHA256), so a seeded run signs identically every time. OpenSSL-free header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace paratro::crypto {

using Scalar32 = std::array<std::uint8_t, 32>;  // big-endian 256-bit integer

struct RecoverableSignature {
  Scalar32 r;      // x coordinate of k*G reduced mod n, in [1, n-1]
  Scalar32 s;      // in [1, n/2] when produced by sign_recoverable (low-s)
  std::uint8_t v;  // 27 + recovery id: 27 when the y of k*G is even, 28 when odd
};

// The RFC 6979 §3.2 nonce for secp256k1 with HMAC-SHA256 (qlen = hlen = 256, so bits2int is the
// identity and bits2octets reduces the digest mod n once). Exposed so the published nonce vectors
// can be checked on their own. Precondition: `private_key` in [1, n-1] (unchecked here).
Scalar32 rfc6979_nonce(const Scalar32& private_key, const Scalar32& digest);

// Signs `digest` as-is (the caller hashes; EIP-712 digests are already keccak256 outputs) with
// the RFC 6979 nonce, so the same key and digest always give the same signature. The result is
// normalised to low-s (s > n/2 becomes n - s and the recovery id flips), as Ethereum requires.
// In the ~2^-127-likely event that k*G's x is >= n (recovery id 2/3, not expressible in v 27/28)
// or r or s is 0, the next RFC 6979 candidate k is used (§3.2 step h.3).
// nullopt when `private_key` is 0 or >= n. Throws std::runtime_error only on an OpenSSL internal
// failure (e.g. out of memory). Thread-safe.
std::optional<RecoverableSignature> sign_recoverable(const Scalar32& private_key, const Scalar32& digest);

// Whether `s` <= n/2 = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0.
bool is_low_s(const Scalar32& s);

enum class HighS {
  reject,  // as Circle's USDC ECRecover (EIP-2 malleability rule): s > n/2 is invalid
  accept,  // plain ECDSA recovery, as the EVM's ecrecover precompile
};

// Recovers the signer's uncompressed public key (0x04 || X || Y) from a digest and (r, s, v).
// `v` must be exactly 27 or 28 — the USDC contract rule; callers that accept other encodings
// (x402 normalises 0/1 to 27/28, see domain/x402) map them before calling.
// nullopt when: r or s is 0 or >= n; s > n/2 and `high_s` is reject; v is not 27/28; r is not the
// x coordinate of a curve point; or the recovered point is the point at infinity. A well-formed
// signature over a different digest recovers a *different* key rather than failing — compare the
// result (or its address) with the expected signer. Throws only on an OpenSSL internal failure.
std::optional<std::array<std::uint8_t, 65>> recover_public_key(const Scalar32& digest, const Scalar32& r,
                                                               const Scalar32& s, std::uint8_t v,
                                                               HighS high_s = HighS::reject);

// The other valid signature of the same digest by the same key: (r, n - s, v flipped) — ECDSA's
// malleability, which the low-s rule exists to remove. For tests of that rule. Precondition: s in
// [1, n-1] and v 27/28 (true of every sign_recoverable result).
RecoverableSignature high_s_twin(const RecoverableSignature& sig);

// The 65-byte wire form r || s || v used by EIP-3009 and x402 `payload.signature`.
std::array<std::uint8_t, 65> encode_rsv(const RecoverableSignature& sig);

}  // namespace paratro::crypto
