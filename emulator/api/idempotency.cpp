// Idempotency-Key handling (see idempotency.hpp).
#include "emulator/api/idempotency.hpp"

#include <optional>
#include <string>

#include "emulator/api/json.hpp"

namespace paratro::api {

namespace {

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (unsigned char ch : key)
    if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}

ApiResponse replay(const store::Store::IdempotentResponse& kept) {
  ApiResponse out = json_response(200, kept.body);
  out.headers.emplace_back("Idempotent-Replayed", "true");
  out.idempotent_replay = true;
  return out;
}

}  // namespace

ApiResponse with_idempotency(Services& s, const ApiRequest& r, const Caller& c, std::string_view route,
                             const std::function<ApiResponse()>& handle) {
  if (!r.idempotency_key) return handle();
  const std::string& key = *r.idempotency_key;
  if (!valid_key(key)) {
    return error_response(
        domain::ErrorCode::invalid_parameter,
        "Idempotency-Key must be 1 to " + std::to_string(kMaxIdempotencyKeyLength) + " printable ASCII characters");
  }
  std::optional<ApiResponse> out;
  // One write batch holds the store for lookup, handler and keeping: a second request with the same
  // key waits here and then finds the first one's answer.
  auto st = s.store.write_batch([&]() -> domain::Status {
    const std::int64_t now = s.clock.now_ms();
    if (auto kept = s.store.find_idempotent_response(c.client_id, key, now)) {
      out = replay(*kept);
      return domain::ok_status();
    }
    out = handle();
    if (out->status >= 200 && out->status < 300) {
      store::Store::IdempotentResponse keep{std::string(route), out->status, out->body, now, now + kIdempotencyTtlMs};
      s.store.save_idempotent_response(c.client_id, key, keep, now, kMaxIdempotencyKeys);
    }
    return domain::ok_status();
  });
  if (!st) return error_response(st.error());
  return std::move(*out);
}

}  // namespace paratro::api
