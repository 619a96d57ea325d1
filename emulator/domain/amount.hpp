// Exact decimal amounts for balances and transfers. Money never touches floating point: an amount
// is an unsigned integer count of the asset's base units (wei, sun, satoshi, lamports, ...), parsed
// from and formatted to the API's decimal strings with the asset's `decimals`. The ceiling of 38
// decimal digits keeps every value (and the sum of any two) inside 128 bits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paratro::domain {

// GCC/Clang extension; `__extension__` keeps -Wpedantic quiet about the non-standard type.
__extension__ typedef unsigned __int128 Amount;

namespace detail {
constexpr Amount pow10_amount(unsigned n) {
  Amount v = 1;
  for (unsigned i = 0; i < n; ++i) v *= 10;
  return v;
}
}  // namespace detail

// The largest representable amount in base units: 38 nines (10^38 - 1).
inline constexpr Amount kMaxAmount = detail::pow10_amount(38) - 1;

enum class AmountError {
  none,
  empty,              // the text is empty
  invalid_format,     // anything but digits with at most one interior '.'
  too_many_decimals,  // a non-zero digit beyond the asset's decimals
  too_large,          // value in base units exceeds kMaxAmount
  not_positive,       // for callers that require > 0; parse_amount itself never returns it
};

struct ParsedAmount {
  Amount value = 0;
  AmountError error = AmountError::none;
  bool ok() const { return error == AmountError::none; }
};

// Parses a decimal string such as "12.5" into base units of an asset with `decimals` places.
// Accepted grammar: DIGITS [ "." DIGITS ] with ASCII digits only. Rejected as invalid_format: sign,
// exponent, whitespace, hex prefixes, non-ASCII digits, a leading or trailing '.', an empty fraction.
// Choices: leading zeros are allowed ("00.5" == "0.5"), since they do not change the value; extra
// fractional digits are accepted when they are all zeros ("1.500" with 2 decimals is 150), because
// they carry no precision the asset cannot hold — only a non-zero digit past `decimals` is
// too_many_decimals. Zero parses as value 0; callers that need a positive amount check it.
// Format errors take precedence over too_many_decimals, which takes precedence over too_large.
ParsedAmount parse_amount(std::string_view text, unsigned decimals);

// Formats base units as the API's normalised decimal string: no exponent, no trailing zeros in the
// fraction, no trailing '.', "0" for zero. (1500000, 6) -> "1.5"; (1, 18) -> "0.000000000000000001".
std::string format_amount(Amount base_units, unsigned decimals);

// Plain base-10 integer text of `v`, the form amounts are stored in.
std::string to_base_units_string(Amount v);

// Inverse of to_base_units_string. Strict: non-empty ASCII digits in canonical form (no leading
// zeros except "0" itself), value <= kMaxAmount; anything else is nullopt.
std::optional<Amount> from_base_units_string(std::string_view s);

// out = a + b. Returns false (leaving `out` untouched) when either input or the sum exceeds
// kMaxAmount.
bool checked_add(Amount a, Amount b, Amount& out);

}  // namespace paratro::domain
