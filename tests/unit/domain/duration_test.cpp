// Unit tests for duration.hpp: clock-control durations (seconds or ISO 8601) and RFC 3339 UTC times.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "emulator/domain/clock.hpp"
#include "emulator/domain/duration.hpp"

namespace d = paratro::domain;

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
// The documented ceiling: 100 years of 365 days.
constexpr std::int64_t kHundredYears = 100LL * 365 * kDay;

struct Accepted {
  std::string_view text;
  std::int64_t ms;
};

}  // namespace

TEST_CASE("parse_duration_ms accepts seconds and ISO 8601 durations") {
  const Accepted cases[] = {
      // plain seconds
      {"0", 0},
      {"90", 90 * kSecond},
      {"1.5", 1500},
      {"0.001", 1},
      {"0.0019", 1},  // below a millisecond is truncated, not rounded
      {"007", 7 * kSecond},
      {"3153600000", kHundredYears},
      // ISO 8601
      {"PT90S", 90 * kSecond},
      {"PT1H30M", kHour + 30 * kMinute},
      {"P2DT3H", 2 * kDay + 3 * kHour},
      {"PT0.25S", 250},
      {"P1W", 7 * kDay},
      {"P1D", kDay},
      {"PT1M", kMinute},
      {"PT1.5H", kHour + 30 * kMinute},
      {"P1DT1H1M1.5S", kDay + kHour + kMinute + 1500},
      {"PT0S", 0},
      {"P36500D", kHundredYears},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto got = d::parse_duration_ms(c.text);
    REQUIRE(got.has_value());
    CHECK(*got == c.ms);
  }
}

TEST_CASE("parse_duration_ms refuses malformed, ambiguous and oversized durations") {
  const std::string_view cases[] = {
      "",           "P",      "PT", "-5", "+5", "1e3", " 90", "90 ", "1.", ".5", "abc",
      "P1Y",    // years: ambiguous length
      "P1M",    // months (M before T): ambiguous length
      "PT1H2",  // number without a unit
      "PTS",    // unit without a number
      "PT1D",   // days belong before T
      "P1H",    // hours belong after T
      "P1S",        "PT1W",
      "PT1HT1M",  // two T designators
      "PT-1S",      "pt90s",
      "3153600001",  // 100 years + 1 s
      "P36501D",     // 100 years + 1 day
      "PT876001H",  "P5215W",
      "P36500DT1S",  // components each fine, the sum over the ceiling
  };
  for (std::string_view text : cases) {
    CAPTURE(text);
    CHECK_FALSE(d::parse_duration_ms(text).has_value());
  }
}

// ISO 8601's grammar: "T" must introduce at least one time component, and components appear once,
// largest first.
TEST_CASE("parse_duration_ms follows the ISO 8601 component grammar") {
  const std::string_view cases[] = {"P1DT", "PT1M1H", "PT1S1S"};
  for (std::string_view text : cases) {
    CAPTURE(text);
    CHECK_FALSE(d::parse_duration_ms(text).has_value());
  }
}

TEST_CASE("parse_rfc3339_ms reads UTC timestamps") {
  const Accepted cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:01Z", 1000},
      {"1969-12-31T23:59:59Z", -1000},
      {"2026-01-01T00:00:00Z", 1'767'225'600'000},
      {"2026-01-01t00:00:00z", 1'767'225'600'000},
      {"2026-01-15T10:40:00Z", 1'768'473'600'000},
      {"2000-02-29T12:00:00Z", 951'825'600'000},
      {"2000-03-01T00:00:00Z", 951'868'800'000},
      {"2100-03-01T00:00:00Z", 4'107'542'400'000},
      // fractional seconds: milliseconds kept, anything finer truncated
      {"2026-01-01T00:00:00.5Z", 1'767'225'600'500},
      {"2026-01-01T00:00:00.25Z", 1'767'225'600'250},
      {"2026-01-01T00:00:00.123Z", 1'767'225'600'123},
      {"2026-01-01T00:00:00.123999Z", 1'767'225'600'123},
      {"2026-01-01T00:00:59.999Z", 1'767'225'659'999},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto got = d::parse_rfc3339_ms(c.text);
    REQUIRE(got.has_value());
    CHECK(*got == c.ms);
  }
}

TEST_CASE("parse_rfc3339_ms refuses malformed input and non-Z offsets") {
  const std::string_view cases[] = {
      "",
      "2026-01-01",
      "2026-01-01T00:00:00",   // no zone
      "2026-01-01T00:00Z",     // no seconds
      "2026-01-01 00:00:00Z",  // space instead of T
      "2026/01/01T00:00:00Z",
      "26-01-01T00:00:00Z",
      "2026-1-01T00:00:00Z",
      "2026-01-01T0:00:00Z",
      "2026-01-01T00:00:00.Z",  // a dot with no digits
      "2026-01-01T00:00:00ZZ",
      "2026-01-01T00:00:00Z ",
      " 2026-01-01T00:00:00Z",
      "2026-00-01T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:60:00Z",
      "2026-01-01T00:00:61Z",
      "2026-01-01T00:00:00+00:00",
      "2026-01-01T00:00:00+02:00",
      "2026-01-01T00:00:00-05:00",
      "2026-01-01T00:00:00.5+01:00",
      "x026-01-01T00:00:00Z",
  };
  for (std::string_view text : cases) {
    CAPTURE(text);
    CHECK_FALSE(d::parse_rfc3339_ms(text).has_value());
  }
}

// A day that does not exist in its month is malformed, not "the same as" a day of the next month.
TEST_CASE("parse_rfc3339_ms refuses days past the end of their month") {
  const std::string_view cases[] = {
      "2026-02-29T00:00:00Z",  // 2026 is not a leap year
      "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z",
      "2100-02-29T00:00:00Z",  // century, not a leap year
  };
  for (std::string_view text : cases) {
    CAPTURE(text);
    CHECK_FALSE(d::parse_rfc3339_ms(text).has_value());
  }
  // The leap days that do exist are accepted.
  CHECK(d::parse_rfc3339_ms("2024-02-29T00:00:00Z").has_value());
  CHECK(d::parse_rfc3339_ms("2000-02-29T00:00:00Z").has_value());
}

TEST_CASE("format_rfc3339 and parse_rfc3339_ms round-trip") {
  SUBCASE("text -> ms -> text") {
    const std::string_view cases[] = {
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T23:59:59Z", "2026-01-15T10:40:00Z",
        "2038-01-19T03:14:08Z", "2100-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
    };
    for (std::string_view text : cases) {
      CAPTURE(text);
      const auto ms = d::parse_rfc3339_ms(text);
      REQUIRE(ms.has_value());
      CHECK(d::format_rfc3339(*ms) == text);
    }
  }
  SUBCASE("ms -> text -> ms keeps whole seconds, drops milliseconds") {
    const std::int64_t cases[] = {
        0, 999, 1000, 1'767'225'600'000, 1'767'225'600'999, 1'768'473'600'123, 4'102'444'800'000, -1000, -1,
    };
    for (std::int64_t ms : cases) {
      CAPTURE(ms);
      const std::string text = d::format_rfc3339(ms);
      const auto back = d::parse_rfc3339_ms(text);
      REQUIRE(back.has_value());
      // Floor to the second (toward negative infinity, so -1 ms is 23:59:59 of the day before).
      const std::int64_t floored = ms >= 0 ? ms / 1000 * 1000 : -((-ms + 999) / 1000) * 1000;
      CHECK(*back == floored);
    }
  }
}

// format_rfc3339 (and rfc3339, the same text without an allocation) writes years 1000-9999 itself (no
// gmtime_r/strftime) and leaves the rest to the C library: both sides of each boundary, leap days and the last
// millisecond of a day.
TEST_CASE("format_rfc3339 at the edges of its own date arithmetic") {
  const std::pair<std::int64_t, std::string_view> cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {-1, "1969-12-31T23:59:59Z"},
      {951'782'400'000, "2000-02-29T00:00:00Z"},
      {1'709'251'199'999, "2024-02-29T23:59:59Z"},
      {253'402'300'799'999, "9999-12-31T23:59:59Z"},
      {253'402'300'800'000, "10000-01-01T00:00:00Z"},
      {-30'610'224'000'000, "1000-01-01T00:00:00Z"},
      {-30'610'224'000'001, "999-12-31T23:59:59Z"},
  };
  for (const auto& c : cases) {  // no structured binding: clang 14 cannot capture one in CAPTURE
    const std::int64_t ms = c.first;
    CAPTURE(ms);
    CHECK(d::format_rfc3339(ms) == c.second);
    CHECK(std::string_view(d::rfc3339(ms)) == c.second);  // the in-place text responses write
  }
}
