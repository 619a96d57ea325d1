// libFuzzer target: amounts as clients send them (domain/amount). The first byte picks the asset's
// decimals (0..38); the rest is the text. Properties: a parsed amount formats back to text that
// parses to the same value, never above kMaxAmount; base-unit strings round-trip exactly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/operation_call.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace d = paratro::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned decimals = data[0] % 39;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const d::ParsedAmount parsed = d::parse_amount(text, decimals);
  if (parsed.ok()) {
    FUZZ_CHECK(parsed.value <= d::kMaxAmount);
    const std::string formatted = d::format_amount(parsed.value, decimals);
    const d::ParsedAmount again = d::parse_amount(formatted, decimals);
    FUZZ_CHECK(again.ok() && again.value == parsed.value);
  }

  if (const auto units = d::from_base_units_string(text)) {
    FUZZ_CHECK(*units <= d::kMaxAmount);
    FUZZ_CHECK(d::to_base_units_string(*units) == text);
  }
  if (auto units = d::parse_base_units("amount", text); units) FUZZ_CHECK(d::to_base_units_string(*units) == text);
  return 0;
}
