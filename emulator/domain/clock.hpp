// The clock every timestamp and due time reads. Injected so that tests and the simulated chain can
// replace wall time; all values are milliseconds since the Unix epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paratro::domain {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
};

// RFC 3339 in UTC with second precision, e.g. "2026-01-15T10:40:00Z".
std::string format_rfc3339(std::int64_t unix_ms);

// The same text held in place, for writing straight into a response: a list page writes two per
// row, and a std::string of 20 characters is one allocation each.
struct Rfc3339 {
  char text[32];
  std::size_t size;
  operator std::string_view() const { return {text, size}; }  // NOLINT: used where text is expected
};
Rfc3339 rfc3339(std::int64_t unix_ms);

}  // namespace paratro::domain
