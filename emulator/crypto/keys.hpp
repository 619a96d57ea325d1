// Key pairs for the wallets the emulator hands out: secp256k1 (EVM, Tron, Bitcoin) and Ed25519
// (Solana). Keys are derived deterministically from a private key or seed, so a seeded
// RandomSource reproduces every wallet address. The emulator never signs real transactions;
// these keys exist to produce realistic, valid addresses.
#pragma once

#include "emulator/crypto/random.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace paratro::crypto {

struct Secp256k1Key {
  std::array<std::uint8_t, 32> private_key;          // big-endian scalar in [1, n-1]
  std::array<std::uint8_t, 65> public_uncompressed;  // 0x04 || X || Y
  std::array<std::uint8_t, 33> public_compressed;    // 0x02/0x03 (parity of Y) || X
};

// nullopt if `priv` is 0 or >= the group order n. Throws std::runtime_error only on an OpenSSL
// internal failure (e.g. out of memory).
std::optional<Secp256k1Key> secp256k1_from_private(const std::array<std::uint8_t, 32>& priv);

// Draws 32 bytes at a time from `rng` until they form a valid scalar (rejection sampling keeps
// the distribution uniform; a retry happens with probability ~2^-128).
Secp256k1Key generate_secp256k1(RandomSource& rng);

struct Ed25519Key {
  std::array<std::uint8_t, 32> seed;        // RFC 8032 private key
  std::array<std::uint8_t, 32> public_key;  // RFC 8032 encoded point A
};

// Every 32-byte seed is valid. Throws std::runtime_error only on an OpenSSL internal failure.
Ed25519Key ed25519_from_seed(const std::array<std::uint8_t, 32>& seed);
Ed25519Key generate_ed25519(RandomSource& rng);

}  // namespace paratro::crypto
