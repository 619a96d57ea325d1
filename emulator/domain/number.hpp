// Plain decimal integers as they arrive in query strings, headers and flags: digits only (no sign,
// no spaces, no exponent), at most 18 of them so the value always fits an int64.
#pragma once

#include <cstdint>
#include <string_view>

namespace paratro::domain {

inline bool parse_digits(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace paratro::domain
