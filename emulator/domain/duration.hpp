// Durations for the clock controls: a number of seconds ("90", "1.5") or an ISO 8601 duration
// ("PT90S", "PT1H30M", "P2DT3H", "PT0.25S"), to whole milliseconds. Years and months are refused
// (their length is ambiguous).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace paratro::domain {

std::optional<std::int64_t> parse_duration_ms(std::string_view text);
// Parses "2026-01-15T10:40:00Z" (UTC, optional fractional seconds) to Unix milliseconds.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace paratro::domain
