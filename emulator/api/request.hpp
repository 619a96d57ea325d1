// The transport-neutral request and response every API handler works on. http/ fills ApiRequest
// from the wire and sends ApiResponse back; handlers never see a socket, so unit tests call them
// directly.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paratro::api {

struct ApiResponse;

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query, e.g. "/api/v1/wallets/w_..."
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string authorization;
  std::string api_key;
  std::string api_secret;
  std::string admin_token;                     // X-Admin-Token (control plane)
  std::optional<std::string> idempotency_key;  // Idempotency-Key, when sent (even empty)
  std::string body;
  std::optional<std::string> x_payment;      // X-PAYMENT (x402 paid resources), when sent
  std::optional<std::string> last_event_id;  // Last-Event-ID (GET /_sandbox/events), when sent
  // The rate limiter's verdict, decided once per request: a write the writer runs a second time
  // (store/writer.hpp, savepoint-free batches) is not charged twice. Set by api::dispatch.
  mutable bool rate_checked = false;
  mutable std::shared_ptr<const ApiResponse> rate_refusal;  // the 429, when refused

  // The token of an `Authorization: Bearer <token>` header (the scheme in any case), or nullopt when
  // the header is absent, uses another scheme or has an empty token. The one Bearer parser: API
  // tokens and the control plane's admin token both use it.
  std::optional<std::string_view> bearer_token() const {
    constexpr std::string_view kScheme = "bearer ";
    const std::string_view header = authorization;
    if (header.size() <= kScheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
      const char c = header[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) return std::nullopt;
    }
    return header.substr(kScheme.size());
  }

  // The first value of a query parameter, or nullptr.
  const std::string* query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return &v;
    return nullptr;
  }
};

// A response body that keeps coming after the headers (the Server-Sent Events of
// GET /_sandbox/events). The session writes the headers, calls open() once, then on every wake
// takes what is ready with next() and writes it, one write at a time, on the connection's strand.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // `wake` may be called from any thread, must be cheap and never blocks; the stream calls it when
  // next() has something new or the stream has ended. The stream keeps it until close().
  virtual void open(std::function<void()> wake) = 0;
  // Appends what is ready to `out` (possibly nothing); false once the stream has ended, and the
  // session then closes the connection without writing more.
  virtual bool next(std::string& out) = 0;
  // True once the stream has ended (e.g. dropped as too slow); checked while a write is outstanding.
  virtual bool ended() const = 0;
  // The connection is gone or closing; called once, after which wake is never called again.
  virtual void close() = 0;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;
  std::string client_id;           // the authenticated caller, if any (for the request journal); not sent
  bool idempotent_replay = false;  // answered from the Idempotency-Key store (for the journal); not sent
  // When set, `body` is ignored: the headers go out with Content-Type from `headers`, no length, and
  // the stream's chunks follow until it ends or the client goes; the connection then closes.
  std::shared_ptr<ResponseStream> stream;
};

}  // namespace paratro::api
