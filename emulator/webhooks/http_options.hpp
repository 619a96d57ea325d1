// What the webhook HTTP client is configured with and what one attempt yields: plain values, without
// Asio, so that the dispatcher's public header (and the API layer that includes it) stays free of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace paratro::webhooks {

struct HttpResult {
  int status = 0;               // 0 when no response arrived
  std::string error;            // transport error, or "" when a response arrived
  std::int64_t latency_ms = 0;  // wall time of the attempt
  std::int64_t retry_after_s = -1;
  std::string body_excerpt;  // the start of a non-2xx response body
};

struct HttpClientOptions {
  std::chrono::milliseconds timeout{10'000};
  bool verify_tls = true;
  std::size_t max_idle_per_endpoint = 64;
};

}  // namespace paratro::webhooks
