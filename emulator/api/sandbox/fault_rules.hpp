// Fault and latency injection for testing clients' retry logic: rules that match /api/v1 requests
// by method and path pattern (path_pattern.hpp) and either answer an error of the contract's table
// instead of handling the request, or hold the request for a while before handling it (or both:
// a slow error). A rule fires on every match, on the next `count` matches, or with `probability`
// (drawn from the injected RandomSource, so a seeded run repeats its decisions); count and
// probability combine ("at most N times, each with p").
//
// Evaluation per request, in creation order: every firing latency-only rule adds its delay; the
// first firing error rule answers (its own latency added) and ends the walk. Bounded: at most
// kMaxRules rules; adding one more first drops rules whose count is used up, and is a conflict if
// none is. Thread-safe; with no rules a request costs one atomic load.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/crypto/random.hpp"
#include "emulator/domain/error.hpp"

namespace paratro::api {

struct FaultRuleSpec {
  std::string method;  // upper case; "" matches any method
  std::string path = "/api/v1/**";
  std::optional<domain::ErrorCode> error;  // none: a latency-only rule
  std::string message;                     // the error body's message
  std::int64_t latency_ms = 0;
  std::optional<std::int64_t> count;          // fire at most this many times (>= 1); none: unlimited
  double probability = 1.0;                   // chance of firing on a match, 0..1
  std::optional<std::int64_t> retry_after_s;  // Retry-After header; 429 always sends one (default 1)
};

struct FaultRule {
  std::string id;  // flt_<n>
  FaultRuleSpec spec;
  std::int64_t matched = 0;  // requests whose method and path matched
  std::int64_t fired = 0;    // of those, how many the rule acted on
  std::int64_t created_at_ms = 0;

  // How many more times it may fire, or none when unlimited.
  std::optional<std::int64_t> remaining() const {
    if (!spec.count) return std::nullopt;
    return *spec.count - fired;
  }
};

struct FaultDecision {
  std::int64_t delay_ms = 0;
  std::optional<domain::ErrorCode> error;
  std::string message;
  std::optional<std::int64_t> retry_after_s;
  std::string rule_id;  // the rule that answered the error
};

// The message of an injected error whose rule sets none, resolved when the rule is added (so a
// listed rule shows what it answers): "Injected fault (rule flt_N)", except a 503 rule aimed at
// POST /api/v1/transactions (method POST or any, path exactly that route), which answers the
// gateway's own "Chain RPC unavailable; cannot verify request" (a refusal before anything is
// written, as the injected fault is) so that SDKs classify it as they would the real one.
std::string default_fault_message(const FaultRuleSpec& spec, std::string_view rule_id);

class FaultRules {
 public:
  static constexpr std::size_t kMaxRules = 100;
  static constexpr std::int64_t kMaxLatencyMs = 30'000;

  // Adds a rule (the spec is assumed validated) with the next id. conflict when full.
  domain::Result<FaultRule> add(FaultRuleSpec spec, std::int64_t now_ms);
  std::vector<FaultRule> list();
  // false if no rule has that id.
  bool remove(std::string_view id);
  // Removes every rule; returns how many there were.
  std::size_t clear();

  // What to do with a request; counts the matches and firings.
  FaultDecision decide(std::string_view method, std::string_view path, crypto::RandomSource& rng);

 private:
  std::atomic<std::size_t> size_{0};
  std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::uint64_t next_id_ = 1;
};

}  // namespace paratro::api
