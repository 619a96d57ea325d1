// Test support for the address codec tests: a secp256k1 key from a hex private key, and ASCII
// lower-casing (bech32 and EIP-55 comparisons).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "emulator/crypto/keys.hpp"
#include "tests/unit/support/hex.hpp"

namespace paratro::testing {

inline crypto::Secp256k1Key key_from_hex(std::string_view priv) {
  auto key = crypto::secp256k1_from_private(unhex_array<32>(priv));
  REQUIRE(key.has_value());
  return *key;
}

inline std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace paratro::testing
