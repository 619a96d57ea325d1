// Parsing and formatting of exact decimal amounts (see amount.hpp for the accepted grammar). The
// parser accumulates digit by digit against kMaxAmount so no intermediate value can wrap.
#include "emulator/domain/amount.hpp"

#include <algorithm>

namespace paratro::domain {
namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// v = v * 10 + digit, refusing to pass kMaxAmount.
bool push_digit(Amount& v, unsigned digit) {
  if (v > (kMaxAmount - digit) / 10) return false;
  v = v * 10 + digit;
  return true;
}

}  // namespace

ParsedAmount parse_amount(std::string_view text, unsigned decimals) {
  ParsedAmount result;
  if (text.empty()) {
    result.error = AmountError::empty;
    return result;
  }

  // Validate the whole shape before looking at values, so a malformed string is always reported
  // as malformed whatever its size.
  const std::size_t dot = text.find('.');
  const std::string_view int_part = text.substr(0, dot);
  const std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  const bool digits_only = std::all_of(int_part.begin(), int_part.end(), is_ascii_digit) &&
                           std::all_of(frac_part.begin(), frac_part.end(), is_ascii_digit);
  if (!digits_only || int_part.empty() || (dot != std::string_view::npos && frac_part.empty())) {
    result.error = AmountError::invalid_format;
    return result;
  }

  if (frac_part.size() > decimals) {
    const std::string_view excess = frac_part.substr(decimals);
    if (excess.find_first_not_of('0') != std::string_view::npos) {
      result.error = AmountError::too_many_decimals;
      return result;
    }
  }

  Amount v = 0;
  bool fits = true;
  for (char c : int_part) {
    if (!(fits = push_digit(v, static_cast<unsigned>(c - '0')))) break;
  }
  // The fraction is read up to `decimals` places and right-padded with zeros; the padding loop
  // stops as soon as the value overflows, so a huge `decimals` costs nothing for non-zero values.
  for (unsigned i = 0; fits && i < decimals; ++i) {
    const unsigned digit = i < frac_part.size() ? static_cast<unsigned>(frac_part[i] - '0') : 0;
    fits = push_digit(v, digit);
    if (v == 0 && i >= frac_part.size()) break;  // zero stays zero however far it is scaled
  }
  if (!fits) {
    result.error = AmountError::too_large;
    return result;
  }
  result.value = v;
  return result;
}

std::string to_base_units_string(Amount v) {
  if (v == 0) return "0";
  char buf[40];  // 2^128 has 39 decimal digits
  char* end = buf + sizeof buf;
  char* p = end;
  while (v != 0) {
    *--p = static_cast<char>('0' + static_cast<unsigned>(v % 10));
    v /= 10;
  }
  return std::string(p, end);
}

std::string format_amount(Amount base_units, unsigned decimals) {
  std::string digits = to_base_units_string(base_units);
  if (base_units == 0 || decimals == 0) return digits;
  if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');

  const std::size_t int_len = digits.size() - decimals;
  std::size_t frac_end = digits.size();
  while (frac_end > int_len && digits[frac_end - 1] == '0') --frac_end;
  if (frac_end == int_len) return digits.substr(0, int_len);

  std::string out;
  out.reserve(frac_end + 1);
  out.append(digits, 0, int_len);
  out.push_back('.');
  out.append(digits, int_len, frac_end - int_len);
  return out;
}

std::optional<Amount> from_base_units_string(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s.front() == '0')) return std::nullopt;
  Amount v = 0;
  for (char c : s) {
    if (!is_ascii_digit(c) || !push_digit(v, static_cast<unsigned>(c - '0'))) return std::nullopt;
  }
  return v;
}

bool checked_add(Amount a, Amount b, Amount& out) {
  if (a > kMaxAmount || b > kMaxAmount - a) return false;
  out = a + b;
  return true;
}

}  // namespace paratro::domain
