// The clock every timestamp and due time reads. Injected so that tests and the simulated chain can
// replace wall time; all values are milliseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace paratro::domain
