// When a failed webhook delivery is tried again. Delays are virtual time (advancing the sandbox
// clock releases due retries): after failed attempt n the next one waits base × factor^(n-1),
// capped, plus up to `jitter_percent` % more — jitter derived from the delivery id and attempt, so
// seeded runs repeat. A receiver's Retry-After (on 429 or 503) replaces the computed delay, capped.
// After `max_attempts` attempts the delivery is failed for good.
#pragma once

#include <cstdint>
#include <string_view>

namespace paratro::webhooks {

struct RetryPolicy {
  int max_attempts = 8;
  std::int64_t base_delay_ms = 5'000;
  std::int64_t factor = 3;
  std::int64_t max_delay_ms = 3'600'000;
  std::int64_t jitter_percent = 20;
};

// The delay before the attempt after failed attempt `attempt` (1-based). `retry_after_s` is the
// receiver's Retry-After in seconds, or -1 when it sent none.
std::int64_t retry_delay_ms(const RetryPolicy& policy, std::int64_t attempt, std::string_view delivery_id,
                            std::int64_t retry_after_s = -1);

// Seconds from a Retry-After header value (delta-seconds only); -1 when absent or not a number.
std::int64_t parse_retry_after(std::string_view value);

}  // namespace paratro::webhooks
