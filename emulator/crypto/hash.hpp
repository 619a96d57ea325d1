// Hash primitives the emulator needs to reproduce what real chains and the gateway compute:
// SHA-256 (request signing, base58check, ids), Keccak-256 (EVM/Tron addresses), RIPEMD-160
// (Bitcoin hash160), HMAC-SHA256 (API and webhook signatures), plus hex helpers and a
// timing-safe comparison. This header is OpenSSL-free so every layer above may include it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paratro::crypto {

using Bytes = std::vector<std::uint8_t>;

// All hash functions are pure, thread-safe and allocation-light. They throw std::runtime_error
// only if OpenSSL itself fails (e.g. out of memory or a provider missing), never on input.
std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data);
std::array<std::uint8_t, 32> sha256(std::string_view data);

// Ethereum's Keccak-256: the pre-standard padding (0x01 ... 0x80), so it differs from SHA3-256.
std::array<std::uint8_t, 32> keccak256(std::span<const std::uint8_t> data);
std::array<std::uint8_t, 32> keccak256(std::string_view data);

std::array<std::uint8_t, 20> ripemd160(std::span<const std::uint8_t> data);

std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
std::array<std::uint8_t, 32> hmac_sha256(std::string_view key, std::string_view data);

// Lowercase hex, two characters per byte.
std::string to_hex(std::span<const std::uint8_t> data);

// Accepts an even number of [0-9a-fA-F] characters and nothing else (no "0x", no spaces).
std::optional<Bytes> from_hex(std::string_view hex);

// Compares secrets (signatures, API keys) in time that depends only on the lengths, so an
// attacker cannot learn a matching prefix from response timing.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace paratro::crypto
