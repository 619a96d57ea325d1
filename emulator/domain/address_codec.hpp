// Address encodings of the chains the gateway supports: base58/base58check (Bitcoin legacy,
// Tron, Solana), bech32/bech32m segwit (BIP-173/350) and EIP-55 checksummed hex (EVM). The
// emulator uses them both to mint addresses for generated keys and to validate the addresses
// clients send (transfer destinations), so validation follows each chain's rules exactly:
// a real gateway rejects a mistyped checksum, and so must we. Pure functions, no I/O.
#pragma once

#include "emulator/crypto/hash.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paratro::domain {

// Bitcoin alphabet. Each leading zero byte maps to one leading '1'. Cost is quadratic in the
// length, which is fine for addresses; callers validating untrusted text cap its length first.
std::string base58_encode(std::span<const std::uint8_t> data);
// nullopt on any character outside the alphabet (including whitespace). "" decodes to {}.
std::optional<crypto::Bytes> base58_decode(std::string_view text);

// payload || first 4 bytes of SHA-256(SHA-256(payload)), base58-encoded.
std::string base58check_encode(std::span<const std::uint8_t> payload);
// Payload without the checksum; nullopt if not base58, shorter than 4 bytes, or the checksum
// does not match.
std::optional<crypto::Bytes> base58check_decode(std::string_view text);

// Generic bech32 string (no segwit semantics), exposed so the BIP-173/350 checksum vectors can
// be tested on their own.
enum class Bech32Variant { bech32, bech32m };
struct Bech32Data {
  std::string hrp;                 // lowercased
  std::vector<std::uint8_t> data;  // 5-bit groups, checksum removed
  Bech32Variant variant;
};
// Enforces: at most 90 characters, printable US-ASCII (33..126), no mixed case, non-empty HRP,
// a checksum of 6 characters, valid data characters and a valid bech32 or bech32m checksum.
std::optional<Bech32Data> bech32_decode(std::string_view text);

struct SegwitAddress {
  std::string hrp;  // lowercased
  int witness_version;
  crypto::Bytes program;
};

// Version 0 uses bech32, 1..16 bech32m. Returns "" (never throws) if the input could not form a
// valid address: hrp empty/over 83 chars/uppercase/non-printable, version outside 0..16,
// program length outside 2..40, or v0 program not 20 or 32 bytes.
std::string segwit_encode(std::string_view hrp, int witness_version, std::span<const std::uint8_t> program);
// Full BIP-173/350 rules for any HRP (the caller checks the HRP it expects): the checksum variant
// must match the version, version 0..16, program 2..40 bytes (v0: 20 or 32), padding of at most
// 4 zero bits.
std::optional<SegwitAddress> segwit_decode(std::string_view address);

// "0x" + 40 hex digits with the EIP-55 mixed-case checksum.
std::string eip55_encode(std::span<const std::uint8_t, 20> address20);

// Address derivations. Public keys are trusted to be well formed (they come from crypto/keys).
// EVM: last 20 bytes of keccak256(X || Y), EIP-55 encoded.
std::string evm_address(const std::array<std::uint8_t, 65>& public_uncompressed);
// Tron: base58check(0x41 || the same 20 bytes), always starting with 'T'.
std::string tron_address(const std::array<std::uint8_t, 65>& public_uncompressed);
// Bitcoin mainnet P2WPKH: bech32 "bc1q..." of RIPEMD-160(SHA-256(compressed key)).
std::string bitcoin_p2wpkh_address(const std::array<std::uint8_t, 33>& public_compressed);
// Solana: base58 of the 32-byte Ed25519 public key.
std::string solana_address(const std::array<std::uint8_t, 32>& ed25519_public);

// "0x" + 40 hex digits. All-lowercase or all-uppercase hex carries no checksum and is accepted;
// mixed case must match EIP-55 exactly.
bool is_valid_evm_address(std::string_view a);
// base58check with a 21-byte payload whose first byte is 0x41.
bool is_valid_tron_address(std::string_view a);
// Mainnet and testnet: base58check P2PKH (0x00, 0x6f) / P2SH (0x05, 0xc4) with a 20-byte hash,
// or segwit with HRP "bc"/"tb" (v0 20/32 bytes in bech32, v1..16 in bech32m).
bool is_valid_bitcoin_address(std::string_view a);
// base58 decoding to exactly 32 bytes (any 32 bytes: program ids and off-curve PDAs included).
bool is_valid_solana_address(std::string_view a);

}  // namespace paratro::domain
