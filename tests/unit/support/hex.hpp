// Test support: hex text -> bytes for the vectors the unit tests quote (a malformed literal fails the
// test where it is used, not with a crash).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "emulator/crypto/hash.hpp"

namespace paratro::testing {

inline crypto::Bytes unhex(std::string_view h) {
  auto b = crypto::from_hex(h);
  REQUIRE(b.has_value());
  return *b;
}

template <std::size_t N>
std::array<std::uint8_t, N> unhex_array(std::string_view h) {
  const crypto::Bytes b = unhex(h);
  REQUIRE(b.size() == N);
  std::array<std::uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

}  // namespace paratro::testing
