// The rows of the route table (see routes.hpp): one line per route. Templates name
// every variable segment `{id}`, the `route` label the metrics have always used. `bind<handler>` adapts a
// handler of any of the usual signatures to the table's Handler; a row whose handler needs a fixed
// argument uses a lambda.
#include <type_traits>

#include "emulator/api/handlers.hpp"
#include "emulator/api/routes.hpp"

namespace paratro::api {

namespace {

using R = const ApiRequest&;
using Id = std::string_view;

// Calls F with the arguments its signature asks for, from the richest form to the plainest.
template <auto F>
ApiResponse bind(const Call& c) {
  using Fn = decltype(F);
  Services& s = c.services;
  if constexpr (std::is_invocable_v<Fn, Services&, R, const Caller&>) {
    return F(s, c.request, *c.caller);
  } else if constexpr (std::is_invocable_v<Fn, Services&, const Caller&, Id>) {
    return F(s, *c.caller, c.ids[0]);
  } else if constexpr (std::is_invocable_v<Fn, Services&, R, Id, Id>) {
    return F(s, c.request, c.ids[0], c.ids[1]);
  } else if constexpr (std::is_invocable_v<Fn, Services&, R, Id>) {
    return F(s, c.request, c.ids[0]);
  } else if constexpr (std::is_invocable_v<Fn, Services&, R>) {
    return F(s, c.request);
  } else if constexpr (std::is_invocable_v<Fn, Services&, Id>) {
    return F(s, c.ids[0]);
  } else {
    return F(s);
  }
}

constexpr std::string_view kConfirm = "confirm", kFail = "fail", kRelease = "release";
template <const std::string_view& Action>
ApiResponse transaction_action(const Call& c) {
  return sandbox_transaction_action(c.services, c.ids[0], Action);
}

ApiResponse page_redirect(const Call&) { return redirect_to_ui(); }
ApiResponse page_index(const Call&) { return sandbox_ui_asset({}); }
ApiResponse page_asset(const Call& c) { return sandbox_ui_asset(c.ids[0]); }

// GET .../content verifies and settles a payment when the request carries one.
Access content_access(const ApiRequest& r) { return r.x_payment ? Access::write : Access::read; }

constexpr unsigned kApi = kApiToken | kRateLimit;
constexpr unsigned kAdmin = kAdminToken;
constexpr Access kRead = Access::read;
constexpr Access kWrite = Access::write;
constexpr Access kAlone = Access::exclusive;
constexpr auto kTransferRetired = &domain::VersionTraits::transfer_retired;
constexpr auto kSignRetired = &domain::VersionTraits::x402_sign_retired;
constexpr std::string_view kUseTransactions =
    "This endpoint has been retired. Use POST /api/v1/transactions (operation=TRANSFER).";
constexpr std::string_view kUseAnySigner =
    "This endpoint has been retired. Sign the ERC-3009 authorization with any EIP-712 signer.";

// POST /auth/token and /x402/verify only read the database; so does every GET but the paid
// content with a payment. Control-plane writes of in-memory state count as writes.
const Route kRoutes[] = {
    {"POST", "/api/v1/auth/token", kNoNeed, kRead, bind<issue_token>},
    {"POST", "/api/v1/wallets", kApi, kWrite, bind<create_wallet>},
    {"GET", "/api/v1/wallets", kApi, kRead, bind<list_wallets>},
    {"GET", "/api/v1/wallets/{id}", kApi, kRead, bind<get_wallet>},
    {"POST", "/api/v1/accounts", kApi, kWrite, bind<create_account>},
    {"GET", "/api/v1/accounts", kApi, kRead, bind<list_accounts>},
    {"GET", "/api/v1/accounts/{id}", kApi, kRead, bind<get_account>},
    {"POST", "/api/v1/assets", kApi, kWrite, bind<create_asset>},
    {"GET", "/api/v1/assets", kApi, kRead, bind<list_assets>},
    {"GET", "/api/v1/assets/{id}", kApi, kRead, bind<get_asset>},
    {"POST", "/api/v1/transfer", kApi, kWrite, bind<create_transfer>, kTransferRetired, kUseTransactions},
    {"POST", "/api/v1/transactions", kApi, kWrite, bind<create_transaction>},
    {"GET", "/api/v1/transactions", kApi, kRead, bind<list_transactions>},
    {"GET", "/api/v1/transactions/{id}", kApi, kRead, bind<get_transaction>},
    {"POST", "/api/v1/x402/sign", kApi, kWrite, bind<x402_sign>, kSignRetired, kUseAnySigner},
    {"GET", "/api/v1/x402/sign/{id}", kApi, kRead, bind<x402_get_sign>, kSignRetired, kUseAnySigner},
    {"POST", "/api/v1/x402/verify", kApi, kRead, bind<x402_verify>},
    {"POST", "/api/v1/x402/settle", kApi, kWrite, bind<x402_settle>},
    {"GET", "/api/v1/x402/settle/{id}", kApi, kRead, bind<x402_get_settle>},
    {"GET", "/api/v1/x402/settlements", kApi, kRead, bind<x402_list_settlements>},
    {"GET", "/_sandbox/health", kAdmin, kRead, bind<sandbox_health>},
    {"POST", "/_sandbox/clients", kAdmin, kWrite, bind<sandbox_create_client>},
    {"GET", "/_sandbox/clients", kAdmin, kRead, bind<sandbox_list_clients>},
    {"PUT", "/_sandbox/clients/{id}/rate-limit", kAdmin, kWrite, bind<sandbox_set_rate_limit>},
    {"GET", "/_sandbox/clients/{id}/api-version", kAdmin, kRead, bind<sandbox_client_api_version>},
    {"PUT", "/_sandbox/clients/{id}/api-version", kAdmin, kWrite, bind<sandbox_client_api_version>},
    {"GET", "/_sandbox/clients/{id}/operations-policy", kAdmin, kRead, bind<sandbox_client_operations_policy>},
    {"PUT", "/_sandbox/clients/{id}/operations-policy", kAdmin, kWrite, bind<sandbox_client_operations_policy>},
    {"POST", "/_sandbox/assets/{id}/balance", kAdmin, kWrite, bind<sandbox_set_balance>},
    {"GET", "/_sandbox/clock", kAdmin, kRead, bind<sandbox_clock>},
    {"PUT", "/_sandbox/clock", kAdmin, kAlone, bind<sandbox_set_clock>},
    {"POST", "/_sandbox/clock/advance", kAdmin, kAlone, bind<sandbox_advance_clock>},
    {"POST", "/_sandbox/deposits", kAdmin, kWrite, bind<sandbox_create_deposit>},
    {"GET", "/_sandbox/ledger", kAdmin, kRead, bind<sandbox_ledger>},
    {"POST", "/_sandbox/transactions/{id}/confirm", kAdmin, kWrite, transaction_action<kConfirm>},
    {"POST", "/_sandbox/transactions/{id}/fail", kAdmin, kWrite, transaction_action<kFail>},
    {"POST", "/_sandbox/transactions/{id}/release", kAdmin, kWrite, transaction_action<kRelease>},
    {"POST", "/_sandbox/faults", kAdmin, kWrite, bind<sandbox_create_fault>},
    {"GET", "/_sandbox/faults", kAdmin, kRead, bind<sandbox_list_faults>},
    {"DELETE", "/_sandbox/faults", kAdmin, kWrite, bind<sandbox_delete_faults>},
    {"DELETE", "/_sandbox/faults/{id}", kAdmin, kWrite, bind<sandbox_delete_fault>},
    {"GET", "/_sandbox/requests", kAdmin, kRead, bind<sandbox_list_requests>},
    {"DELETE", "/_sandbox/requests", kAdmin, kWrite, bind<sandbox_delete_requests>},
    {"GET", "/_sandbox/requests/config", kAdmin, kRead, bind<sandbox_journal_config>},
    {"PUT", "/_sandbox/requests/config", kAdmin, kWrite, bind<sandbox_journal_config>},
    {"GET", "/_sandbox/metrics", kAdmin, kRead, bind<sandbox_metrics>},
    {"GET", "/_sandbox/events", kAdmin, kRead, bind<sandbox_events>},
    {"GET", "/_sandbox/clients/{id}/wallets", kAdmin, kRead, bind<sandbox_client_wallets>},
    {"GET", "/_sandbox/transactions", kAdmin, kRead, bind<sandbox_list_transactions>},
    {"GET", "/_sandbox/transactions/{id}", kAdmin, kRead, bind<sandbox_transaction_view>},
    {"GET", "/", kPage, kRead, page_redirect},
    {"GET", "/_sandbox/ui", kPage, kRead, page_index},
    {"GET", "/_sandbox/ui/{file}", kPage, kRead, page_asset},
    // The writer's own controls do not go through it (they pause and resume it).
    {"GET", "/_sandbox/storage", kAdmin, kRead, bind<sandbox_storage>},
    {"POST", "/_sandbox/storage", kAdmin, kRead, bind<sandbox_storage>},
    {"GET", "/_sandbox/clients/{id}/webhook", kAdmin, kRead, bind<sandbox_webhook_config>},
    {"PUT", "/_sandbox/clients/{id}/webhook", kAdmin, kWrite, bind<sandbox_webhook_config>},
    {"GET", "/_sandbox/clients/{id}/security-factors", kAdmin, kRead, bind<sandbox_security_factors>},
    {"POST", "/_sandbox/clients/{id}/security-factors", kAdmin, kWrite, bind<sandbox_security_factors>},
    // Before .../{id}: the first template that matches wins.
    {"GET", "/_sandbox/clients/{id}/security-factors/settings", kAdmin, kRead, bind<sandbox_security_settings>},
    {"PUT", "/_sandbox/clients/{id}/security-factors/settings", kAdmin, kWrite, bind<sandbox_security_settings>},
    {"GET", "/_sandbox/clients/{id}/security-factors/{id}", kAdmin, kRead, bind<sandbox_security_factor>},
    {"PUT", "/_sandbox/clients/{id}/security-factors/{id}", kAdmin, kWrite, bind<sandbox_security_factor>},
    {"DELETE", "/_sandbox/clients/{id}/security-factors/{id}", kAdmin, kWrite, bind<sandbox_security_factor>},
    {"PUT", "/_sandbox/clients/{id}/security-factors/{id}/status", kAdmin, kWrite, bind<sandbox_security_factor>},
    {"GET", "/_sandbox/webhooks/events", kAdmin, kRead, bind<sandbox_webhook_events>},
    {"GET", "/_sandbox/webhooks/events/{id}", kAdmin, kRead, bind<sandbox_webhook_event>},
    {"POST", "/_sandbox/webhooks/events/{id}/redeliver", kAdmin, kWrite, bind<sandbox_redeliver_event>},
    {"GET", "/_sandbox/webhooks/deliveries", kAdmin, kRead, bind<sandbox_webhook_deliveries>},
    {"POST", "/_sandbox/webhooks/test", kAdmin, kWrite, bind<sandbox_webhook_test>},
    {"POST", "/_sandbox/reset", kAdmin, kAlone, bind<sandbox_reset>},
    {"POST", "/_sandbox/snapshots", kAdmin, kAlone, bind<sandbox_create_snapshot>},
    {"GET", "/_sandbox/snapshots", kAdmin, kRead, bind<sandbox_list_snapshots>},
    {"DELETE", "/_sandbox/snapshots/{id}", kAdmin, kWrite, bind<sandbox_delete_snapshot>},
    {"POST", "/_sandbox/snapshots/{id}/restore", kAdmin, kAlone, bind<sandbox_restore_snapshot>},
    {"GET", "/_sandbox/openapi.yaml", kAdmin, kRead, bind<sandbox_openapi>},
    {"POST", "/_sandbox/x402/resources", kAdmin, kWrite, bind<sandbox_create_x402_resource>},
    {"GET", "/_sandbox/x402/resources", kAdmin, kRead, bind<sandbox_list_x402_resources>},
    {"GET",
     "/_sandbox/x402/resources/{id}/content",
     kAdmin,
     kRead,
     bind<sandbox_x402_resource_content>,
     nullptr,
     {},
     content_access},
};

}  // namespace

std::span<const Route> routes() { return kRoutes; }

}  // namespace paratro::api
