// Implementation of duration.hpp.
#include "emulator/domain/duration.hpp"

#include <cctype>

namespace paratro::domain {

namespace {

constexpr std::int64_t kMaxMs = 100LL * 365 * 24 * 3600 * 1000;  // 100 years is plenty

// Reads digits[.digits] as milliseconds x `unit_ms`; advances `i`.
bool read_number(std::string_view s, std::size_t& i, std::int64_t unit_ms, std::int64_t& out) {
  const std::size_t start = i;
  std::int64_t whole = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    whole = whole * 10 + (s[i] - '0');
    if (whole > kMaxMs) return false;
    ++i;
  }
  if (i == start) return false;
  std::int64_t frac_ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::int64_t scale = unit_ms;
    const std::size_t frac_start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      scale /= 10;
      frac_ms += (s[i] - '0') * scale;
      ++i;
    }
    if (i == frac_start) return false;
  }
  if (whole > kMaxMs / unit_ms) return false;
  out = whole * unit_ms + frac_ms;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_duration_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  std::int64_t total = 0;
  if (s[0] != 'P') {
    if (!read_number(s, i, 1000, total) || i != s.size()) return std::nullopt;
    return total;
  }
  i = 1;
  bool in_time = false, any = false, time_part = false;
  int last_rank = -1;  // units must appear once each, largest first: W D T H M S
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    std::int64_t v = 0;
    const std::size_t before = i;
    if (!read_number(s, i, 1, v) || i >= s.size()) return std::nullopt;
    std::size_t j = before;
    std::int64_t value = 0;
    std::int64_t unit = 0;
    int rank = 0;
    switch (s[i]) {
      case 'W':
        unit = in_time ? 0 : 7 * 86'400'000LL;
        rank = 0;
        break;
      case 'D':
        unit = in_time ? 0 : 86'400'000;
        rank = 1;
        break;
      case 'H':
        unit = in_time ? 3'600'000 : 0;
        rank = 2;
        break;
      case 'M':
        unit = in_time ? 60'000 : 0;
        rank = 3;
        break;
      case 'S':
        unit = in_time ? 1000 : 0;
        rank = 4;
        break;
      default:
        return std::nullopt;
    }
    if (unit == 0 || rank <= last_rank) return std::nullopt;
    last_rank = rank;
    time_part = time_part || in_time;
    if (!read_number(s, j, unit, value)) return std::nullopt;
    total += value;
    if (total > kMaxMs) return std::nullopt;
    ++i;
    any = true;
  }
  if (!any || (in_time && !time_part)) return std::nullopt;
  return total;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t k = pos; k < pos + len; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
      out = out * 10 + (s[k] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
      (s[10] != 'T' && s[10] != 't') || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' ||
      !num(17, 2, se)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  std::size_t i = 19;
  std::int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::int64_t scale = 100;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i + 1 != s.size() || (s[i] != 'Z' && s[i] != 'z')) return std::nullopt;
  // Days from civil (proleptic Gregorian), after H. Hinnant's well-known formulation.
  const int yy = y - (mo <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return ((days * 24 + h) * 60 + mi) * 60'000LL + se * 1000LL + ms;
}

}  // namespace paratro::domain
