// PUT /_sandbox/clients/{id}/rate-limit: a client's own requests-per-second limit (0 removes it,
// leaving the --rate-limit default). The limiter lives in Services::ops (rate_limiter.hpp).
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse sandbox_set_rate_limit(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"requests_per_second"}); !st) return error_response(st.error());
  auto rps = optional_int(*body, "requests_per_second", 0, RateLimiter::kMaxRate);
  if (!rps) return error_response(rps.error());
  if (!*rps)
    return error_response(ErrorCode::invalid_parameter,
                          "requests_per_second is required (0 removes the client's own limit)");
  if (auto st = s.store.set_client_rate_limit(client_id, **rps); !st) return error_response(st.error());
  // Cached tokens carry a copy of the client record; drop them so the new limit applies at once.
  s.tokens->clear();
  JsonWriter w;
  w.begin_object()
      .field("client_id", client_id)
      .field("requests_per_second", **rps)
      .field("default_requests_per_second", s.ops->rate_limiter.default_rate())
      .field("effective_requests_per_second", **rps > 0 ? **rps : s.ops->rate_limiter.default_rate())
      .end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
