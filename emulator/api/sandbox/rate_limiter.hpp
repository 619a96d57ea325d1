// Per-client rate limiting like the gateway's `too_many_requests`: a token bucket per client that
// holds up to N tokens (the burst) and refills at N tokens per second, N being the client's own
// limit (`rate_limit_per_second`) or else the `--rate-limit` default; 0 means unlimited. Time is
// real monotonic time (steady_clock), not the virtual clock: a limit is about how fast a client
// calls, and freezing the virtual clock must not freeze the refill.
//
// Bounded: at most `max_clients` buckets; when a new client would exceed that, all buckets are
// dropped and every client starts again with a full burst (as after a reset). Thread-safe; a
// request from a client with no limit takes no lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace paratro::api {

// One client's bucket. Tokens are counted in millionths so refills need no floating point.
struct TokenBucket {
  std::int64_t rate = 0;          // tokens per second and burst size; 0: not yet initialised
  std::int64_t micro_tokens = 0;  // available tokens x 1'000'000
  std::int64_t last_us = 0;       // time of the last refill

  // Refills for the time since the last call, then takes one token. Returns 0 when the request
  // may pass, otherwise the whole seconds until a token is available (>= 1, for Retry-After).
  // A change of `rate` starts the bucket over, full at the new rate.
  std::int64_t take(std::int64_t now_us, std::int64_t rate_per_second);
};

class RateLimiter {
 public:
  using MicrosecondClock = std::function<std::int64_t()>;
  static constexpr std::int64_t kMaxRate = 1'000'000;

  // `now_us` defaults to steady_clock; tests pass their own.
  explicit RateLimiter(std::size_t max_clients = 10'000, MicrosecondClock now_us = {});

  // Replaces the time source (unit tests driving a limiter they do not construct). Not
  // thread-safe: call before the first admit().
  void set_clock(MicrosecondClock now_us) { now_us_ = std::move(now_us); }

  // The limit of clients without their own (the --rate-limit flag); 0 turns it off.
  void set_default_rate(std::int64_t per_second);
  std::int64_t default_rate() const { return default_rate_.load(std::memory_order_relaxed); }

  // Admits one request of `client_id`, whose own limit is `client_rate` (0: use the default).
  // Returns 0 when admitted, else the Retry-After in seconds.
  std::int64_t admit(std::string_view client_id, std::int64_t client_rate);

  // Forgets every bucket (reset hook; a changed limit).
  void clear();
  std::size_t size();

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::atomic<std::int64_t> default_rate_{0};
  std::size_t max_clients_;
  MicrosecondClock now_us_;
  std::mutex mu_;
  std::unordered_map<std::string, TokenBucket, Hash, std::equal_to<>> buckets_;
};

}  // namespace paratro::api
