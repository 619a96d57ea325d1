// ULID-style id generation (see ids.hpp), plus the wall clock and RFC 3339 formatting.
#include "emulator/domain/ids.hpp"

#include <array>
#include <chrono>
#include <ctime>

#include "emulator/domain/clock.hpp"

namespace paratro::domain {

std::string make_id(std::string_view prefix, std::int64_t unix_ms, crypto::RandomSource& rng) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::array<std::uint8_t, 10> random{};
  rng.fill(random);
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

std::string format_rfc3339(std::int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  if (unix_ms < 0 && unix_ms % 1000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace paratro::domain
