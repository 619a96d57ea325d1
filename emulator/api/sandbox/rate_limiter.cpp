// Token buckets per client (see rate_limiter.hpp).
#include "emulator/api/sandbox/rate_limiter.hpp"

#include <algorithm>
#include <chrono>

namespace paratro::api {

namespace {
constexpr std::int64_t kMicro = 1'000'000;
}

std::int64_t TokenBucket::take(std::int64_t now_us, std::int64_t rate_per_second) {
  const std::int64_t capacity = rate_per_second * kMicro;
  if (rate != rate_per_second) {
    rate = rate_per_second;
    micro_tokens = capacity;
    last_us = now_us;
  }
  // Clamp the elapsed time so that elapsed x rate cannot overflow; a bucket idle that long is full.
  const std::int64_t elapsed = std::clamp<std::int64_t>(now_us - last_us, 0, 1'000'000'000);
  micro_tokens = std::min(capacity, micro_tokens + elapsed * rate);
  last_us = std::max(last_us, now_us);
  if (micro_tokens >= kMicro) {
    micro_tokens -= kMicro;
    return 0;
  }
  // Refill speed is `rate` micro-tokens per microsecond; round the wait up to whole seconds.
  const std::int64_t wait_us = (kMicro - micro_tokens + rate - 1) / rate;
  return std::max<std::int64_t>(1, (wait_us + kMicro - 1) / kMicro);
}

RateLimiter::RateLimiter(std::size_t max_clients, MicrosecondClock now_us)
    : max_clients_(std::max<std::size_t>(1, max_clients)), now_us_(std::move(now_us)) {
  if (!now_us_) {
    now_us_ = [] {
      return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

void RateLimiter::set_default_rate(std::int64_t per_second) {
  default_rate_.store(std::clamp<std::int64_t>(per_second, 0, kMaxRate), std::memory_order_relaxed);
}

std::int64_t RateLimiter::admit(std::string_view client_id, std::int64_t client_rate) {
  const std::int64_t rate = std::min(kMaxRate, client_rate > 0 ? client_rate : default_rate());
  if (rate <= 0) return 0;
  const std::int64_t now = now_us_();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(client_id);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) buckets_.clear();
    it = buckets_.emplace(std::string(client_id), TokenBucket{}).first;
  }
  return it->second.take(now, rate);
}

void RateLimiter::clear() {
  std::lock_guard lock(mu_);
  buckets_.clear();
}

std::size_t RateLimiter::size() {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace paratro::api
