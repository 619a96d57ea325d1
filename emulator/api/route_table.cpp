// The list behind route_templates() (see route_table.hpp).
#include "emulator/api/route_table.hpp"

#include <array>

#include "emulator/api/path_pattern.hpp"

namespace paratro::api {

namespace {

constexpr std::array<std::string_view, 57> kTemplates{{
    "/api/v1/auth/token",
    "/api/v1/wallets",
    "/api/v1/wallets/{id}",
    "/api/v1/accounts",
    "/api/v1/accounts/{id}",
    "/api/v1/assets",
    "/api/v1/assets/{id}",
    "/api/v1/transfer",
    "/api/v1/transactions",
    "/api/v1/transactions/{id}",
    "/api/v1/x402/sign",
    "/api/v1/x402/sign/{id}",
    "/api/v1/x402/verify",
    "/api/v1/x402/settle",
    "/api/v1/x402/settle/{id}",
    "/api/v1/x402/settlements",
    "/_sandbox/health",
    "/_sandbox/clients",
    "/_sandbox/clients/{id}/rate-limit",
    "/_sandbox/clients/{id}/api-version",
    "/_sandbox/clients/{id}/operations-policy",
    "/_sandbox/assets/{id}/balance",
    "/_sandbox/clock",
    "/_sandbox/clock/advance",
    "/_sandbox/deposits",
    "/_sandbox/ledger",
    "/_sandbox/transactions/{id}/confirm",
    "/_sandbox/transactions/{id}/fail",
    "/_sandbox/transactions/{id}/release",
    "/_sandbox/faults",
    "/_sandbox/faults/{id}",
    "/_sandbox/requests",
    "/_sandbox/requests/config",
    "/_sandbox/metrics",
    "/_sandbox/clients/{id}/webhook",
    "/_sandbox/clients/{id}/security-factors",
    "/_sandbox/clients/{id}/security-factors/settings",  // before {id}: the first match wins
    "/_sandbox/clients/{id}/security-factors/{id}",
    "/_sandbox/clients/{id}/security-factors/{id}/status",
    "/_sandbox/webhooks/events",
    "/_sandbox/webhooks/events/{id}",
    "/_sandbox/webhooks/events/{id}/redeliver",
    "/_sandbox/webhooks/deliveries",
    "/_sandbox/webhooks/test",
    "/_sandbox/reset",
    "/_sandbox/snapshots",
    "/_sandbox/snapshots/{id}",
    "/_sandbox/snapshots/{id}/restore",
    "/_sandbox/openapi.yaml",
    "/_sandbox/x402/resources",
    "/_sandbox/x402/resources/{id}/content",
    "/_sandbox/clients/{id}/wallets",
    "/_sandbox/transactions",
    "/_sandbox/transactions/{id}",
    "/_sandbox/ui",
    "/_sandbox/ui/{id}",
    "/",
}};

}  // namespace

std::span<const std::string_view> route_templates() { return kTemplates; }

int match_route(std::string_view path) {
  for (std::size_t i = 0; i < kTemplates.size(); ++i)
    if (path_matches(kTemplates[i], path)) return static_cast<int>(i);
  return -1;
}

}  // namespace paratro::api
