// The retry schedule of webhook deliveries; see retry_policy.hpp.
#include "emulator/webhooks/retry_policy.hpp"

#include <algorithm>
#include <string>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/number.hpp"

namespace paratro::webhooks {

std::int64_t retry_delay_ms(const RetryPolicy& p, std::int64_t attempt, std::string_view delivery_id,
                            std::int64_t retry_after_s) {
  if (retry_after_s >= 0) return std::min(retry_after_s * 1000, p.max_delay_ms);
  std::int64_t delay = p.base_delay_ms;
  for (std::int64_t i = 1; i < attempt && delay < p.max_delay_ms; ++i) delay *= p.factor;
  delay = std::min(delay, p.max_delay_ms);
  if (p.jitter_percent <= 0) return delay;
  std::string material(delivery_id);
  material.append("/").append(std::to_string(attempt));
  const auto digest = crypto::sha256(material);
  const std::uint32_t r = (std::uint32_t{digest[0]} << 8) | digest[1];  // 0..65535
  return delay + delay * p.jitter_percent * static_cast<std::int64_t>(r) / (100 * 65536);
}

std::int64_t parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::int64_t s = 0;
  return domain::parse_digits(value, s) ? s : -1;
}

}  // namespace paratro::webhooks
