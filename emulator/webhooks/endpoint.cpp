// Webhook URL parsing; see endpoint.hpp.
#include "emulator/webhooks/endpoint.hpp"

#include <boost/url/parse.hpp>

namespace paratro::webhooks {

std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& error) {
  if (url.size() > 2048) {
    error = "url is longer than 2048 characters";
    return std::nullopt;
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    error = "url is not an absolute URL";
    return std::nullopt;
  }
  const auto& u = *parsed;
  Endpoint ep;
  const std::string scheme = u.scheme();
  if (scheme == "https") {
    ep.tls = true;
  } else if (scheme != "http") {
    error = "url must start with http:// or https://";
    return std::nullopt;
  }
  if (u.has_userinfo()) {
    error = "url must not contain user info";
    return std::nullopt;
  }
  // The host address drops the brackets of an IPv6 literal.
  ep.host = std::string(u.encoded_host_address());
  if (ep.host.empty()) {
    error = "url has no host";
    return std::nullopt;
  }
  ep.port = u.has_port() ? std::string(u.port()) : (ep.tls ? "443" : "80");
  if (u.has_port() && (ep.port.empty() || u.port_number() == 0)) {
    error = "url has an invalid port";
    return std::nullopt;
  }
  const std::string_view path = u.encoded_path();
  const std::string_view query = u.has_query() ? std::string_view(u.encoded_query()) : std::string_view();
  ep.target.reserve(path.size() + query.size() + 2);
  ep.target.append(path.empty() ? std::string_view("/") : path);
  if (u.has_query()) ep.target.append(1, '?').append(query);
  return ep;
}

}  // namespace paratro::webhooks
