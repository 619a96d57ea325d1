// Idempotency-Key for create endpoints (POST /api/v1/transactions; /x402/settle reuses it): the
// first 2xx answer under (client, key) is kept for 24 hours of virtual time and replayed, byte for
// byte and always with HTTP 200, to every later request with that key, without running the handler
// again. Answers other than 2xx are not kept, so a retry runs again. Bounded: at most
// kMaxIdempotencyKeys kept answers (expired ones are pruned first, then the oldest are evicted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/request.hpp"

namespace paratro::api {

inline constexpr std::int64_t kIdempotencyTtlMs = 24LL * 60 * 60 * 1000;
inline constexpr std::int64_t kMaxIdempotencyKeys = 10'000;
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// Runs `handle` for a request of `c` on `route` (its template, kept with the answer), honouring
// the request's Idempotency-Key. Without the header it just runs `handle`. With one: a key that is
// not 1-255 printable ASCII characters is invalid_parameter; a kept answer is replayed (HTTP 200,
// header `Idempotent-Replayed: true`, ApiResponse::idempotent_replay set); otherwise `handle` runs
// and a 2xx answer is kept. Lookup, `handle` and keeping run as one store write batch: requests
// with the same key are serialised, so concurrent ones create one transaction and all get its
// bytes, and the key commits together with what `handle` wrote.
ApiResponse with_idempotency(Services& s, const ApiRequest& r, const Caller& c, std::string_view route,
                             const std::function<ApiResponse()>& handle);

}  // namespace paratro::api
