// Fault rule storage and the per-request decision (see fault_rules.hpp).
#include "emulator/api/sandbox/fault_rules.hpp"

#include <algorithm>

#include "emulator/api/path_pattern.hpp"
#include "emulator/domain/engine_error.hpp"

namespace paratro::api {

domain::Result<FaultRule> FaultRules::add(FaultRuleSpec spec, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (rules_.size() >= kMaxRules) {
    std::erase_if(rules_, [](const FaultRule& r) { return r.remaining() && *r.remaining() <= 0; });
  }
  if (rules_.size() >= kMaxRules) {
    return domain::make_error(domain::ErrorCode::conflict,
                              "At most " + std::to_string(kMaxRules) + " fault rules; delete some first");
  }
  FaultRule rule;
  rule.id = "flt_" + std::to_string(next_id_++);
  rule.spec = std::move(spec);
  // Defaults are resolved here, so a listed rule shows what it will answer with.
  if (rule.spec.error && rule.spec.message.empty()) rule.spec.message = default_fault_message(rule.spec, rule.id);
  if (rule.spec.error == domain::ErrorCode::too_many_requests && !rule.spec.retry_after_s) rule.spec.retry_after_s = 1;
  rule.created_at_ms = now_ms;
  rules_.push_back(rule);
  size_.store(rules_.size(), std::memory_order_release);
  return rule;
}

std::vector<FaultRule> FaultRules::list() {
  std::lock_guard lock(mu_);
  return rules_;
}

bool FaultRules::remove(std::string_view id) {
  std::lock_guard lock(mu_);
  const auto n = std::erase_if(rules_, [&](const FaultRule& r) { return r.id == id; });
  size_.store(rules_.size(), std::memory_order_release);
  return n > 0;
}

std::size_t FaultRules::clear() {
  std::lock_guard lock(mu_);
  const std::size_t n = rules_.size();
  rules_.clear();
  size_.store(0, std::memory_order_release);
  return n;
}

FaultDecision FaultRules::decide(std::string_view method, std::string_view path, crypto::RandomSource& rng) {
  FaultDecision d;
  if (size_.load(std::memory_order_acquire) == 0) return d;
  std::lock_guard lock(mu_);
  for (auto& r : rules_) {
    if (!r.spec.method.empty() && r.spec.method != method) continue;
    if (!path_matches(r.spec.path, path)) continue;
    ++r.matched;
    if (auto left = r.remaining(); left && *left <= 0) continue;
    if (r.spec.probability < 1.0) {
      // 53 random bits -> a uniform double in [0, 1).
      const double draw = static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53;
      if (!(draw < r.spec.probability)) continue;
    }
    ++r.fired;
    d.delay_ms = std::min(kMaxLatencyMs, d.delay_ms + r.spec.latency_ms);
    if (r.spec.error) {
      d.error = r.spec.error;
      d.message = r.spec.message;
      d.retry_after_s = r.spec.retry_after_s;
      d.rule_id = r.id;
      break;
    }
  }
  return d;
}

std::string default_fault_message(const FaultRuleSpec& spec, std::string_view rule_id) {
  if (spec.error == domain::ErrorCode::service_unavailable && (spec.method.empty() || spec.method == "POST") &&
      spec.path == "/api/v1/transactions") {
    return std::string(domain::kChainRpcUnavailable);
  }
  return "Injected fault (rule " + std::string(rule_id) + ")";
}

}  // namespace paratro::api
