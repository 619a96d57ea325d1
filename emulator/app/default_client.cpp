// See default_client.hpp.
#include "emulator/app/default_client.hpp"

#include <cstdio>
#include <string>

#include "emulator/api/handlers.hpp"

namespace paratro::app {

namespace {

void apply_webhook_flags(api::Services& s, Config& cfg) {
  if (cfg.webhook_url.empty() && cfg.webhook_secret.empty()) return;
  const auto current = s.store.find_client(api::kDefaultClientId);
  if (!current) return;
  const std::string url = cfg.webhook_url.empty() ? current->webhook_url : cfg.webhook_url;
  std::string secret = cfg.webhook_secret.empty() ? current->webhook_secret : cfg.webhook_secret;
  if (secret.empty()) {
    secret = api::new_webhook_secret(s.rng);
    cfg.webhook_secret = secret;  // the same generated secret after every reset
  }
  if (auto st = s.store.set_client_webhook(api::kDefaultClientId, url, secret); !st) {
    std::fprintf(stderr, "paratro-emulator: cannot set the default client's webhook: %s\n", st.error().message.c_str());
  }
}

void apply_version_flag(api::Services& s, const Config& cfg) {
  if (cfg.api_version) (void)s.store.set_client_api_version(api::kDefaultClientId, *cfg.api_version);
}

}  // namespace

void apply_default_client_flags(api::Services& services, Config& cfg) {
  auto apply = [&services, &cfg] {
    apply_webhook_flags(services, cfg);
    apply_version_flag(services, cfg);
  };
  apply();
  services.reset_hooks.push_back(apply);
}

}  // namespace paratro::app
