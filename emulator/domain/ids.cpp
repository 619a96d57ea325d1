// ULID-style id generation (see ids.hpp), plus the wall clock and RFC 3339 formatting.
#include "emulator/domain/ids.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <ctime>

#include "emulator/domain/clock.hpp"

namespace paratro::domain {

std::string make_id(std::string_view prefix, std::int64_t unix_ms, crypto::RandomSource& rng) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const std::array<std::uint8_t, 10> random = rng.id_bits(unix_ms);
  std::string out(prefix);
  out.reserve(prefix.size() + 26);
  // 10 characters of time (50 bits, top two always zero for 48-bit times).
  const auto t = static_cast<std::uint64_t>(unix_ms < 0 ? 0 : unix_ms);
  for (int i = 9; i >= 0; --i) out.push_back(kAlphabet[(t >> (5 * i)) & 31u]);
  // 16 characters of randomness: 80 bits taken 5 at a time.
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 5; ++i) hi = (hi << 8) | random[static_cast<std::size_t>(i)];
  for (int i = 5; i < 10; ++i) lo = (lo << 8) | random[static_cast<std::size_t>(i)];
  for (int i = 7; i >= 0; --i) out.push_back(kAlphabet[(hi >> (5 * i)) & 31u]);
  for (int i = 7; i >= 0; --i) out.push_back(kAlphabet[(lo >> (5 * i)) & 31u]);
  return out;
}

std::int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Rfc3339 rfc3339(std::int64_t unix_ms) {
  Rfc3339 out{};
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  if (unix_ms < 0 && unix_ms % 1000 != 0) --secs;
  // Years 1000-9999 (every timestamp the emulator makes) are written here: gmtime_r takes glibc's
  // time-zone lock and strftime is slow, and a list page formats dozens of these. Days to civil
  // date after the proleptic Gregorian rules (eras of 400 years, years starting in March).
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t sod = secs - days * 86400;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year >= 1000 && year <= 9999) {
    constexpr std::string_view kShape = "0000-00-00T00:00:00Z";
    std::memcpy(out.text, kShape.data(), kShape.size());
    out.size = kShape.size();
    auto put = [&out](std::size_t at, std::int64_t v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10)
        out.text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, sod / 3600, 2);
    put(14, sod / 60 % 60, 2);
    put(17, sod % 60, 2);
    return out;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  out.size = std::strftime(out.text, sizeof out.text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string format_rfc3339(std::int64_t unix_ms) { return std::string(std::string_view(rfc3339(unix_ms))); }

}  // namespace paratro::domain
