// See banner.hpp.
#include "emulator/app/banner.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdio>

#include "emulator/api/handlers.hpp"
#include "emulator/app/start_policy.hpp"
#include "emulator/chain/virtual_clock.hpp"
#include "emulator/store/store.hpp"

namespace paratro::app {

namespace {

// printf into a std::string: the banner's columns are easiest to keep aligned in one format.
template <typename... Args>
void append(std::string& out, const char* format, Args... args) {
  char buf[1024];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  if (n > 0) out.append(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

}  // namespace

std::string banner_text(Emulator& e) {
  const Config& cfg = e.config();
  const bool v6 = boost::asio::ip::make_address(cfg.host).is_v6();
  const std::string host_for_url = v6 ? "[" + cfg.host + "]" : cfg.host;
  std::string out;
  append(out, "paratro-emulator %s listening on http://%s:%u\n", PARATRO_EMULATOR_VERSION, host_for_url.c_str(),
         static_cast<unsigned>(e.port()));
  append(out, "  API key:    %s\n", std::string(api::kDefaultApiKey).c_str());
  append(out, "  API secret: %s\n", std::string(api::kDefaultApiSecret).c_str());
  // Paths may be long: appended directly rather than through the fixed buffer.
  out += "  database:   " + cfg.database + " (journal " + e.store().journal_mode() + ")\n";
  out += "  clock:      " + clock_mode_text(e.clock().state()) + ", " + domain::format_rfc3339(e.clock().now_ms()) +
         " (" + clock_source_text(cfg, e.fresh_clock()) + ")\n";
  out += "  fixtures:   " + (cfg.fixtures.empty() ? std::string("none") : cfg.fixtures) + "\n";
  if (const auto c = e.store().find_client(api::kDefaultClientId)) {
    out += "  api:        version " + std::string(domain::api_version_name(c->api_version)) + " (" +
           (cfg.api_version ? "from --api-version" : "of the default client") + ")\n";
    if (!c->webhook_url.empty()) {
      out += "  webhooks:   " + c->webhook_url + " (secret " + c->webhook_secret + ")\n";
    }
  }
  return out;
}

}  // namespace paratro::app
