// Unit tests for exact decimal amounts: the parse grammar, the 38-digit ceiling, normalised
// formatting and the base-unit storage form.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "emulator/domain/amount.hpp"

namespace d = paratro::domain;

namespace {

std::string str(d::Amount v) { return d::to_base_units_string(v); }

// 10^n as an Amount, for readable expectations.
d::Amount p10(unsigned n) { return d::detail::pow10_amount(n); }

const std::string kMaxDigits(38, '9');

}  // namespace

TEST_CASE("kMaxAmount is 38 nines") {
  CHECK(str(d::kMaxAmount) == kMaxDigits);
  CHECK(d::kMaxAmount + 1 == p10(38));
}

TEST_CASE("parse_amount accepts valid decimals") {
  struct Case {
    std::string_view text;
    unsigned decimals;
    std::string expected;  // base units, decimal
  };
  const Case cases[] = {
      {"0", 6, "0"},
      {"0.0", 6, "0"},
      {"000", 18, "0"},
      {"1", 0, "1"},
      {"1", 6, "1000000"},
      {"1.5", 6, "1500000"},
      {"0.5", 6, "500000"},
      {"00.5", 6, "500000"},
      {"007.25", 2, "725"},
      {"1.500", 2, "150"},  // extra trailing zeros accepted
      {"1.000000000", 0, "1"},
      {"0.000001", 6, "1"},
      {"0.000000000000000001", 18, "1"},
      {"123456789.123456789123456789", 18, "123456789123456789123456789"},
      {"12345678901234567890", 18, "12345678901234567890000000000000000000"},
      {"99999999999999999999.999999999999999999", 18, kMaxDigits},
      {"99999999999999999999999999999999999999", 0, kMaxDigits},
      {"00000000000000000000000000000000000000099999999999999999999999999999999999999", 0, kMaxDigits},
      {"99999999.999999999999999999999999999999", 30, kMaxDigits},
      {"0.000000000000000000000000000001", 30, "1"},
      {"1", 30, "1000000000000000000000000000000"},
      {"0", 1000, "0"},
      {"0.000", 1000, "0"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CAPTURE(c.decimals);
    const d::ParsedAmount parsed = d::parse_amount(c.text, c.decimals);
    CHECK(parsed.ok());
    CHECK(parsed.error == d::AmountError::none);
    CHECK(str(parsed.value) == c.expected);
  }
}

TEST_CASE("parse_amount rejects invalid input with the right error") {
  struct Case {
    std::string_view text;
    unsigned decimals;
    d::AmountError expected;
  };
  using E = d::AmountError;
  const Case cases[] = {
      {"", 6, E::empty},
      {"1e5", 6, E::invalid_format},
      {"1E5", 6, E::invalid_format},
      {"-1", 6, E::invalid_format},
      {"+1", 6, E::invalid_format},
      {" 1", 6, E::invalid_format},
      {"1 ", 6, E::invalid_format},
      {"1\n", 6, E::invalid_format},
      {"0x10", 6, E::invalid_format},
      {"1.", 6, E::invalid_format},
      {".5", 6, E::invalid_format},
      {".", 6, E::invalid_format},
      {"1..2", 6, E::invalid_format},
      {"1.2.3", 6, E::invalid_format},
      {"1,5", 6, E::invalid_format},
      {"1_000", 6, E::invalid_format},
      {"\xEF\xBC\x91", 6, E::invalid_format},  // U+FF11 FULLWIDTH DIGIT ONE
      {"\xD9\xA1", 6, E::invalid_format},      // U+0661 ARABIC-INDIC DIGIT ONE
      {"NaN", 6, E::invalid_format},
      {"Infinity", 6, E::invalid_format},
      {std::string_view("1\0", 2), 6, E::invalid_format},
      {"1.5", 0, E::too_many_decimals},
      {"1.0000001", 6, E::too_many_decimals},
      {"0.0000000000000000001", 18, E::too_many_decimals},
      {"1.001", 2, E::too_many_decimals},
      {"100000000000000000000000000000000000000", 0, E::too_large},  // kMaxAmount + 1
      {"100000000000000000000", 18, E::too_large},
      {"100000000000000000000.0", 18, E::too_large},
      {"99999999999999999999.9999999999999999999", 18, E::too_many_decimals},
      {"999999999999999999999999999999999999999999999999", 0, E::too_large},
      {"1", 38, E::too_large},
      {"1", 1000, E::too_large},
      {"1.x", 6, E::invalid_format},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CAPTURE(c.decimals);
    const d::ParsedAmount parsed = d::parse_amount(c.text, c.decimals);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.error == c.expected);
  }
}

TEST_CASE("parse_amount at the exact ceiling for every decimals 0..30") {
  for (unsigned decimals = 0; decimals <= 30; ++decimals) {
    CAPTURE(decimals);
    const std::string int_part(38 - decimals, '9');
    const std::string frac_part(decimals, '9');
    const std::string max_text = decimals == 0 ? int_part : int_part + "." + frac_part;
    const d::ParsedAmount at_max = d::parse_amount(max_text, decimals);
    REQUIRE(at_max.ok());
    CHECK(at_max.value == d::kMaxAmount);
    CHECK(d::format_amount(d::kMaxAmount, decimals) == max_text);

    std::string over(39 - decimals, '0');
    over.front() = '1';
    CHECK(d::parse_amount(over, decimals).error == d::AmountError::too_large);
  }
}

TEST_CASE("format_amount normalises") {
  struct Case {
    d::Amount value;
    unsigned decimals;
    std::string_view expected;
  };
  const Case cases[] = {
      {0, 0, "0"},
      {0, 6, "0"},
      {0, 18, "0"},
      {1, 0, "1"},
      {1500000, 6, "1.5"},
      {1000000, 6, "1"},
      {1, 18, "0.000000000000000001"},
      {1, 6, "0.000001"},
      {10, 6, "0.00001"},
      {123456, 6, "0.123456"},
      {1234567, 6, "1.234567"},
      {100, 2, "1"},
      {101, 2, "1.01"},
      {120, 2, "1.2"},
      {p10(18), 18, "1"},
      {p10(20) * 3, 18, "300"},
      {p10(30), 30, "1"},
      {1, 30, "0.000000000000000000000000000001"},
      {d::kMaxAmount, 0, "99999999999999999999999999999999999999"},
      {d::kMaxAmount, 18, "99999999999999999999.999999999999999999"},
      {d::kMaxAmount, 38, "0.99999999999999999999999999999999999999"},
      {1, 40, "0.0000000000000000000000000000000000000001"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expected);
    CAPTURE(c.decimals);
    CHECK(d::format_amount(c.value, c.decimals) == c.expected);
  }
}

TEST_CASE("format_amount and parse_amount round-trip") {
  const d::Amount values[] = {
      0,         1,           9,       10,          11,          999999,        1000000,          1000001,
      123456789, p10(18) - 1, p10(18), p10(18) + 1, p10(30) + 7, d::kMaxAmount, d::kMaxAmount - 1};
  for (unsigned decimals = 0; decimals <= 30; ++decimals) {
    for (d::Amount v : values) {
      CAPTURE(decimals);
      CAPTURE(str(v));
      const std::string text = d::format_amount(v, decimals);
      const d::ParsedAmount back = d::parse_amount(text, decimals);
      REQUIRE(back.ok());
      CHECK(back.value == v);
    }
  }
}

TEST_CASE("base-units storage form") {
  SUBCASE("round trip") {
    const d::Amount values[] = {0, 1, 10, 1234567890, p10(19), p10(37), d::kMaxAmount};
    for (d::Amount v : values) {
      CAPTURE(str(v));
      const auto back = d::from_base_units_string(d::to_base_units_string(v));
      REQUIRE(back.has_value());
      CHECK(*back == v);
    }
  }
  SUBCASE("known text") {
    CHECK(d::to_base_units_string(0) == "0");
    CHECK(d::to_base_units_string(1500000) == "1500000");
    CHECK(d::to_base_units_string(d::kMaxAmount) == kMaxDigits);
    CHECK(d::from_base_units_string("1500000") == d::Amount{1500000});
  }
  SUBCASE("strict rejection") {
    const std::string_view bad[] = {
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "01",
        "00",
        "1.0",
        "1e3",
        "0x1",
        "abc",
        "100000000000000000000000000000000000000",  // kMaxAmount + 1
        "340282366920938463463374607431768211456",  // 2^128
        "\xEF\xBC\x91",
    };
    for (std::string_view s : bad) {
      CAPTURE(s);
      CHECK_FALSE(d::from_base_units_string(s).has_value());
    }
  }
}

TEST_CASE("checked_add") {
  d::Amount out = 42;
  CHECK(d::checked_add(1, 2, out));
  CHECK(out == 3);
  CHECK(d::checked_add(0, 0, out));
  CHECK(out == 0);
  CHECK(d::checked_add(d::kMaxAmount - 1, 1, out));
  CHECK(out == d::kMaxAmount);
  CHECK(d::checked_add(0, d::kMaxAmount, out));
  CHECK(out == d::kMaxAmount);

  out = 42;
  CHECK_FALSE(d::checked_add(d::kMaxAmount, 1, out));
  CHECK_FALSE(d::checked_add(1, d::kMaxAmount, out));
  CHECK_FALSE(d::checked_add(d::kMaxAmount, d::kMaxAmount, out));
  CHECK_FALSE(d::checked_add(d::kMaxAmount + 1, 0, out));
  CHECK_FALSE(d::checked_add(0, d::kMaxAmount + 1, out));
  CHECK(out == 42);  // untouched on failure
}
