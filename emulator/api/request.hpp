// The transport-neutral request and response every API handler works on. http/ fills ApiRequest
// from the wire and sends ApiResponse back; handlers never see a socket, so unit tests call them
// directly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paratro::api {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query, e.g. "/api/v1/wallets/w_..."
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string authorization;
  std::string api_key;
  std::string api_secret;
  std::string admin_token;  // X-Admin-Token (control plane)
  std::optional<std::string> idempotency_key;  // Idempotency-Key, when sent (even empty)
  std::string body;
  std::optional<std::string> x_payment;  // X-PAYMENT (x402 paid resources), when sent

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

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;
  std::string client_id;  // the authenticated caller, if any (for the request journal); not sent
  bool idempotent_replay = false;  // answered from the Idempotency-Key store (for the journal); not sent
};

}  // namespace paratro::api
