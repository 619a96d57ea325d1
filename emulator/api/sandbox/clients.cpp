// The /_sandbox control plane for clients and balances: create further API clients (the key and
// secret are returned once; only a salted hash of the secret is kept), set an asset's balance
// directly (the way Anvil's setBalance does), and the health summary (version, uptime, clock, database,
// row counts).
#include <array>
#include <chrono>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse sandbox_create_client(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body, /*allow_empty=*/true);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"name", "max_wallets", "api_version"}); !st)
    return error_response(st.error());
  auto name = optional_string(*body, "name");
  if (!name) return error_response(name.error());
  if (*name && (*name)->empty())
    return error_response(ErrorCode::invalid_parameter, "name must not be empty (omit it for the default)");
  auto max_wallets = optional_int(*body, "max_wallets", 0, kMaxMaxWallets);
  if (!max_wallets) return error_response(max_wallets.error());
  if (auto st = check_length("name", name->value_or(""), kMaxClientName); !st) return error_response(st.error());
  auto version = optional_api_version(*body);
  if (!version) return error_response(version.error());

  const std::int64_t now = s.clock.now_ms();
  std::array<std::uint8_t, 24> secret_bytes{};
  std::array<std::uint8_t, 16> key_bytes{};
  s.rng.fill(secret_bytes);
  s.rng.fill(key_bytes);
  const std::string secret = "sk_sandbox_" + crypto::to_hex(secret_bytes);
  auto c = client_record(domain::make_id("c_", now, s.rng), name->value_or("Sandbox client"),
                         "pk_sandbox_" + crypto::to_hex(key_bytes), secret,
                         max_wallets->value_or(s.options.default_max_wallets), now, s.rng);
  c.api_version = version->value_or(s.options.default_api_version);
  if (auto st = s.store.create_client(c); !st) return error_response(st.error());

  JsonWriter w;
  w.begin_object()
      .field("client_id", c.client_id)
      .field("client_name", c.client_name)
      .field("api_key", c.api_key)
      .field("api_secret", secret)
      .field("status", domain::to_string(c.status))
      .field("subscription_tier", c.subscription_tier)
      .field("max_wallets", c.max_wallets)
      .field("api_version", domain::api_version_name(c.api_version))
      .field("created_at", domain::format_rfc3339(now))
      .end_object();
  return json_response(201, w.take());
}

ApiResponse sandbox_client_api_version(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto client = s.store.find_client(client_id);
  if (!client) return error_response(ErrorCode::not_found, "Client not found");
  if (r.method == "PUT") {
    auto body = parse_object(r.body);
    if (!body) return error_response(body.error());
    if (auto st = check_known_fields(*body, {"api_version"}); !st) return error_response(st.error());
    auto version = optional_api_version(*body);
    if (!version) return error_response(version.error());
    if (!*version) return error_response(ErrorCode::invalid_parameter, "api_version is required");
    if (auto st = s.store.set_client_api_version(client_id, **version); !st) return error_response(st.error());
    // Cached tokens carry a copy of the client record; drop them so the new version applies at once.
    s.tokens->clear();
    client->api_version = **version;
  }
  JsonWriter w;
  w.begin_object()
      .field("client_id", client->client_id)
      .field("api_version", domain::api_version_name(client->api_version))
      .field("default_api_version", domain::api_version_name(s.options.default_api_version))
      .end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_set_balance(Services& s, const ApiRequest& r, std::string_view asset_id) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"balance"}); !st) return error_response(st.error());
  auto balance = required_string(*body, "balance");
  if (!balance) return error_response(balance.error());
  auto client_id = s.store.find_asset_owner(asset_id);
  if (!client_id) return error_response(ErrorCode::not_found, "Asset not found");
  auto asset = s.store.find_asset(*client_id, asset_id);
  if (!asset) return error_response(ErrorCode::not_found, "Asset not found");
  const auto parsed = domain::parse_amount(*balance, static_cast<unsigned>(asset->decimals));
  if (!parsed.ok())
    return error_response(ErrorCode::invalid_parameter, "balance must be a decimal string within the asset's decimals");
  if (auto st = s.store.set_asset_balance(asset_id, parsed.value, s.clock.now_ms()); !st)
    return error_response(st.error());
  asset->balance = parsed.value;
  return one_response(*asset, write_asset);
}

ApiResponse sandbox_health(Services& s) {
  const auto counts = s.store.counts();
  const auto clock = s.scheduler.clock().state();
  const std::int64_t now = s.clock.now_ms();
  const auto uptime = std::chrono::steady_clock::now() - s.ops->started;
  JsonWriter w;
  w.begin_object()
      .field("status", "ok")
      .field("version", PARATRO_EMULATOR_VERSION)
      .field("uptime_ms",
             static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(uptime).count()))
      .field("time", domain::format_rfc3339(now))
      .key("clock")
      .begin_object()
      .field("time", domain::format_rfc3339(now))
      .field("now_ms", now)
      .field("mode", clock.manual ? "manual" : "running")
      .key("speed")
      .real(clock.speed)
      .end_object()
      .key("database")
      .begin_object()
      .field("path", s.store.path())
      .field("journal_mode", s.store.journal_mode())
      .end_object();
  write_counts(w, counts);
  w.end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
