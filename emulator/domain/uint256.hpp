// Unsigned 256-bit integers as EVM contracts see them (`uint256`): the values, validity bounds and
// amounts of an ERC-3009 authorization arrive as decimal strings of any size up to 2^256 - 1, and
// EIP-712 encodes them as 32 big-endian bytes. Only what x402 needs: exact decimal parsing and
// formatting, comparison, and conversion to and from the ledger's 128-bit Amount. Pure, no I/O.
#pragma once

#include "emulator/domain/amount.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paratro::domain {

struct Uint256 {
  std::array<std::uint8_t, 32> be{};  // big-endian, so the defaulted ordering is numeric

  friend auto operator<=>(const Uint256&, const Uint256&) = default;
};

Uint256 uint256_from_u64(std::uint64_t v);
Uint256 uint256_from_amount(Amount v);

// Strict decimal: one or more ASCII digits, nothing else (no sign, spaces, "0x", exponent).
// Leading zeros are accepted ("007" == 7), as Go's big.Int SetString(…, 10) in the x402
// reference facilitator accepts them. nullopt when not decimal or the value exceeds 2^256 - 1.
// Input longer than 100 characters is rejected outright (2^256 has 78 digits; the cap bounds work).
std::optional<Uint256> parse_uint256(std::string_view decimal);

// Canonical decimal, "0" for zero.
std::string to_decimal(const Uint256& v);

// The value as an Amount when it is <= kMaxAmount, else nullopt.
std::optional<Amount> to_amount(const Uint256& v);

}  // namespace paratro::domain
