// A webhook URL taken apart for the delivery client: scheme, host, port and request target.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paratro::webhooks {

struct Endpoint {
  bool tls = false;
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
  std::string key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

// nullopt and a reason in `error` unless `url` is an absolute http:// or https:// URL with a host
// and no user info or fragment, at most 2048 characters.
std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& error);

}  // namespace paratro::webhooks
