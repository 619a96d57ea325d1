// Schoolbook base-256 arithmetic on the 32-byte big-endian form (see uint256.hpp): multiply by 10
// and add a digit to parse, divide by 10 to format. Values are short, so clarity beats speed.
#include "emulator/domain/uint256.hpp"

#include <algorithm>

namespace paratro::domain {

Uint256 uint256_from_u64(std::uint64_t v) {
  Uint256 out;
  for (int i = 31; i >= 24; --i) {
    out.be[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
  return out;
}

Uint256 uint256_from_amount(Amount v) {
  Uint256 out;
  for (int i = 31; i >= 16; --i) {
    out.be[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<Uint256> parse_uint256(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 100) return std::nullopt;
  Uint256 out;
  for (char c : decimal) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned carry = static_cast<unsigned>(c - '0');
    for (int i = 31; i >= 0; --i) {
      const unsigned t = out.be[i] * 10u + carry;
      out.be[i] = static_cast<std::uint8_t>(t & 0xff);
      carry = t >> 8;
    }
    if (carry != 0) return std::nullopt;  // exceeded 2^256 - 1
  }
  return out;
}

std::string to_decimal(const Uint256& v) {
  std::array<std::uint8_t, 32> n = v.be;
  std::string digits;
  for (;;) {
    const bool zero = std::all_of(n.begin(), n.end(), [](std::uint8_t b) { return b == 0; });
    if (zero) break;
    unsigned rem = 0;
    for (auto& byte : n) {
      const unsigned cur = (rem << 8) | byte;
      byte = static_cast<std::uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  if (digits.empty()) return "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<Amount> to_amount(const Uint256& v) {
  for (int i = 0; i < 16; ++i) {
    if (v.be[i] != 0) return std::nullopt;
  }
  Amount a = 0;
  for (int i = 16; i < 32; ++i) a = (a << 8) | v.be[i];
  if (a > kMaxAmount) return std::nullopt;
  return a;
}

}  // namespace paratro::domain
