// The two checks the route table applies before a handler (routes.hpp): the admin token of the
// control plane and the rate limit of an authenticated API caller.
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/crypto/hash.hpp"

namespace paratro::api {

using domain::ErrorCode;

std::optional<ApiResponse> check_rate_limit(Services& s, const Caller& c) {
  const std::int64_t retry_after = s.ops->rate_limiter.admit(c.client_id, c.rate_limit_per_second);
  if (retry_after == 0) return std::nullopt;
  auto res = error_response(ErrorCode::too_many_requests,
                            "Rate limit exceeded; retry after " + std::to_string(retry_after) + " s");
  res.headers.emplace_back("Retry-After", std::to_string(retry_after));
  res.client_id = c.client_id;
  return res;
}

std::optional<ApiResponse> check_admin(Services& s, const ApiRequest& r) {
  const std::string& expected = s.ops->admin_token;
  if (expected.empty()) return std::nullopt;
  std::string_view presented = r.admin_token;
  if (presented.empty()) presented = r.bearer_token().value_or(std::string_view{});
  if (presented.empty()) {
    return error_response(ErrorCode::unauthorized,
                          "The control plane needs the admin token (X-Admin-Token or Authorization: Bearer)");
  }
  if (!crypto::constant_time_equal(presented, expected))
    return error_response(ErrorCode::unauthorized, "Wrong admin token");
  return std::nullopt;
}

}  // namespace paratro::api
