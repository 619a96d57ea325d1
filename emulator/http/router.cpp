// Route table for the API (/api/v1) and the emulator's control plane (/_sandbox).
#include "emulator/http/router.hpp"

#include <array>
#include <string_view>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::http {

using api::ApiRequest;
using api::ApiResponse;
using api::error_response;
using domain::ErrorCode;

namespace {

using Segments = std::array<std::string_view, 6>;

// Splits "/a/b/c" into at most 6 segments; returns the count, or -1 if there are more.
int split_path(std::string_view path, Segments& out) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  int n = 0;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string_view::npos ? path.size() : j;
    if (n == static_cast<int>(out.size())) return -1;
    out[static_cast<std::size_t>(n++)] = path.substr(i, end - i);
    i = end;
  }
  return n;
}

ApiResponse not_found() { return error_response(ErrorCode::not_found, "No such route"); }
ApiResponse not_allowed(const ApiRequest& r) {
  return error_response(ErrorCode::method_not_allowed, "Method " + r.method + " is not allowed here");
}

using Collection = ApiResponse (*)(api::Services&, const ApiRequest&, const api::Caller&);
using Item = ApiResponse (*)(api::Services&, const api::Caller&, std::string_view);

struct Resource {
  std::string_view name;
  Collection create;  // POST /name (nullptr: not allowed)
  Collection list;    // GET /name
  Item get;           // GET /name/{id}
};

constexpr std::array<Resource, 5> kResources{{
    {"wallets", api::create_wallet, api::list_wallets, api::get_wallet},
    {"accounts", api::create_account, api::list_accounts, api::get_account},
    {"assets", api::create_asset, api::list_assets, api::get_asset},
    {"transactions", api::create_transaction, api::list_transactions, api::get_transaction},
    {"transfer", api::create_transfer, nullptr, nullptr},
}};

// /api/v1/x402/...: seg[2] == "x402".
ApiResponse route_x402(api::Services& s, const ApiRequest& r, const Segments& seg, int n) {
  const std::string_view what = n >= 4 ? seg[3] : std::string_view();
  const bool known = (n == 4 && (what == "sign" || what == "verify" || what == "settle" || what == "settlements")) ||
                     (n == 5 && (what == "sign" || what == "settle"));
  if (!known) return not_found();
  const bool post = n == 4 && what != "settlements";
  if (r.method != (post ? "POST" : "GET")) return not_allowed(r);
  auto caller = api::authenticate(s, r);
  if (!caller) return error_response(caller.error());
  if (auto limited = api::check_rate_limit(s, *caller)) return std::move(*limited);
  ApiResponse out;
  if (what == "sign" && domain::traits(caller->api_version).x402_sign_retired) {
    out = error_response(ErrorCode::endpoint_retired,
                         "This endpoint has been retired. Sign the ERC-3009 authorization with any EIP-712 signer.");
  } else if (n == 5) {
    out = what == "sign" ? api::x402_get_sign(s, *caller, seg[4]) : api::x402_get_settle(s, *caller, seg[4]);
  } else if (what == "sign") {
    out = api::x402_sign(s, r, *caller);
  } else if (what == "verify") {
    out = api::x402_verify(s, r, *caller);
  } else if (what == "settle") {
    out = api::x402_settle(s, r, *caller);
  } else {
    out = api::x402_list_settlements(s, r, *caller);
  }
  out.client_id = caller->client_id;
  return out;
}

ApiResponse route_api(api::Services& s, const ApiRequest& r, const Segments& seg, int n) {
  // seg[0] == "api", seg[1] == "v1"
  if (n == 4 && seg[2] == "auth" && seg[3] == "token") {
    return r.method == "POST" ? api::issue_token(s, r) : not_allowed(r);
  }
  if (n >= 3 && seg[2] == "x402") return route_x402(s, r, seg, n);
  if (n != 3 && n != 4) return not_found();
  const Resource* res = nullptr;
  for (const auto& candidate : kResources)
    if (candidate.name == seg[2]) res = &candidate;
  if (!res) return not_found();
  const bool is_item = n == 4;
  if (is_item && !res->get) return not_found();
  const bool allowed = is_item ? r.method == "GET"
                               : (r.method == "POST" && res->create) || (r.method == "GET" && res->list);
  if (!allowed) return not_allowed(r);

  auto caller = api::authenticate(s, r);
  if (!caller) return error_response(caller.error());
  if (auto limited = api::check_rate_limit(s, *caller)) return std::move(*limited);
  if (res->name == "transfer" && domain::traits(caller->api_version).transfer_retired) {
    ApiResponse retired = error_response(ErrorCode::endpoint_retired,
                                         "This endpoint has been retired. Use POST /api/v1/transactions (operation=TRANSFER).");
    retired.client_id = caller->client_id;
    return retired;
  }
  ApiResponse out = is_item ? res->get(s, *caller, seg[3])
                            : r.method == "POST" ? res->create(s, r, *caller) : res->list(s, r, *caller);
  out.client_id = caller->client_id;
  return out;
}

ApiResponse route_webhooks(api::Services& s, const ApiRequest& r, const Segments& seg, int n) {
  // seg[0] == "_sandbox", seg[1] == "webhooks"
  const bool get = r.method == "GET";
  if (n == 3 && seg[2] == "events") return get ? api::sandbox_webhook_events(s, r) : not_allowed(r);
  if (n == 3 && seg[2] == "deliveries") return get ? api::sandbox_webhook_deliveries(s, r) : not_allowed(r);
  if (n == 3 && seg[2] == "test") return r.method == "POST" ? api::sandbox_webhook_test(s, r) : not_allowed(r);
  if (n == 4 && seg[2] == "events") return get ? api::sandbox_webhook_event(s, seg[3]) : not_allowed(r);
  if (n == 5 && seg[2] == "events" && seg[4] == "redeliver") {
    return r.method == "POST" ? api::sandbox_redeliver_event(s, seg[3]) : not_allowed(r);
  }
  return not_found();
}

ApiResponse route_security_factors(api::Services& s, const ApiRequest& r, const Segments& seg, int n) {
  // seg[0] == "_sandbox", seg[1] == "clients", seg[3] == "security-factors"
  const std::string_view client = seg[2];
  if (n == 4) return r.method == "GET" || r.method == "POST" ? api::sandbox_security_factors(s, r, client) : not_allowed(r);
  if (n == 5 && seg[4] == "settings") {
    return r.method == "GET" || r.method == "PUT" ? api::sandbox_security_settings(s, r, client) : not_allowed(r);
  }
  if (n == 5) {
    const bool allowed = r.method == "GET" || r.method == "PUT" || r.method == "DELETE";
    return allowed ? api::sandbox_security_factor(s, r, client, seg[4]) : not_allowed(r);
  }
  if (n == 6 && seg[5] == "status") return r.method == "PUT" ? api::sandbox_security_factor(s, r, client, seg[4]) : not_allowed(r);
  return not_found();
}

ApiResponse route_sandbox(api::Services& s, const ApiRequest& r, const Segments& seg, int n) {
  if (n == 2 && seg[1] == "clients") {
    if (r.method == "GET") return api::sandbox_list_clients(s);
    return r.method == "POST" ? api::sandbox_create_client(s, r) : not_allowed(r);
  }
  if (n == 4 && seg[1] == "clients" && seg[3] == "wallets") return r.method == "GET" ? api::sandbox_client_wallets(s, seg[2]) : not_allowed(r);
  if (n == 2 && seg[1] == "transactions") return r.method == "GET" ? api::sandbox_list_transactions(s, r) : not_allowed(r);
  if (n == 3 && seg[1] == "transactions") return r.method == "GET" ? api::sandbox_transaction_view(s, seg[2]) : not_allowed(r);
  if (n == 2 && seg[1] == "health") return r.method == "GET" ? api::sandbox_health(s) : not_allowed(r);
  if (n == 2 && seg[1] == "clock") {
    if (r.method == "PUT") return api::sandbox_set_clock(s, r);
    return r.method == "GET" ? api::sandbox_clock(s) : not_allowed(r);
  }
  if (n == 3 && seg[1] == "clock" && seg[2] == "advance") {
    return r.method == "POST" ? api::sandbox_advance_clock(s, r) : not_allowed(r);
  }
  if (n == 2 && seg[1] == "deposits") return r.method == "POST" ? api::sandbox_create_deposit(s, r) : not_allowed(r);
  if (n == 2 && seg[1] == "openapi.yaml") return r.method == "GET" ? api::sandbox_openapi(s, r) : not_allowed(r);
  if (n == 2 && seg[1] == "ledger") return r.method == "GET" ? api::sandbox_ledger(s) : not_allowed(r);
  if (n == 4 && seg[1] == "transactions" && (seg[3] == "confirm" || seg[3] == "fail" || seg[3] == "release")) {
    return r.method == "POST" ? api::sandbox_transaction_action(s, seg[2], seg[3]) : not_allowed(r);
  }
  if (n == 2 && seg[1] == "reset") return r.method == "POST" ? api::sandbox_reset(s) : not_allowed(r);
  if (n == 2 && seg[1] == "snapshots") {
    if (r.method == "POST") return api::sandbox_create_snapshot(s, r);
    return r.method == "GET" ? api::sandbox_list_snapshots(s) : not_allowed(r);
  }
  if (n == 3 && seg[1] == "snapshots") return r.method == "DELETE" ? api::sandbox_delete_snapshot(s, seg[2]) : not_allowed(r);
  if (n == 4 && seg[1] == "snapshots" && seg[3] == "restore") {
    return r.method == "POST" ? api::sandbox_restore_snapshot(s, seg[2]) : not_allowed(r);
  }
  if (n == 4 && seg[1] == "assets" && seg[3] == "balance") {
    return r.method == "POST" ? api::sandbox_set_balance(s, r, seg[2]) : not_allowed(r);
  }
  if (n == 4 && seg[1] == "clients" && seg[3] == "operations-policy") {
    return r.method == "GET" || r.method == "PUT" ? api::sandbox_client_operations_policy(s, r, seg[2]) : not_allowed(r);
  }
  if (n == 4 && seg[1] == "clients" && seg[3] == "api-version") {
    return r.method == "GET" || r.method == "PUT" ? api::sandbox_client_api_version(s, r, seg[2]) : not_allowed(r);
  }
  if (n == 4 && seg[1] == "clients" && seg[3] == "webhook") {
    return r.method == "GET" || r.method == "PUT" ? api::sandbox_webhook_config(s, r, seg[2]) : not_allowed(r);
  }
  if (n >= 3 && seg[1] == "webhooks") return route_webhooks(s, r, seg, n);
  if (n >= 4 && seg[1] == "clients" && seg[3] == "security-factors") return route_security_factors(s, r, seg, n);
  if (n == 4 && seg[1] == "clients" && seg[3] == "rate-limit") {
    return r.method == "PUT" ? api::sandbox_set_rate_limit(s, r, seg[2]) : not_allowed(r);
  }
  if (n == 2 && seg[1] == "faults") {
    if (r.method == "POST") return api::sandbox_create_fault(s, r);
    if (r.method == "GET") return api::sandbox_list_faults(s);
    return r.method == "DELETE" ? api::sandbox_delete_faults(s) : not_allowed(r);
  }
  if (n == 3 && seg[1] == "faults") return r.method == "DELETE" ? api::sandbox_delete_fault(s, seg[2]) : not_allowed(r);
  if (n == 2 && seg[1] == "requests") {
    if (r.method == "GET") return api::sandbox_list_requests(s, r);
    return r.method == "DELETE" ? api::sandbox_delete_requests(s) : not_allowed(r);
  }
  if (n == 3 && seg[1] == "requests" && seg[2] == "config") {
    return r.method == "GET" || r.method == "PUT" ? api::sandbox_journal_config(s, r) : not_allowed(r);
  }
  if (n == 2 && seg[1] == "metrics") return r.method == "GET" ? api::sandbox_metrics(s) : not_allowed(r);
  if (n == 3 && seg[1] == "x402" && seg[2] == "resources") {
    if (r.method == "POST") return api::sandbox_create_x402_resource(s, r);
    return r.method == "GET" ? api::sandbox_list_x402_resources(s) : not_allowed(r);
  }
  if (n == 5 && seg[1] == "x402" && seg[2] == "resources" && seg[4] == "content") {
    return r.method == "GET" ? api::sandbox_x402_resource_content(s, r, seg[3]) : not_allowed(r);
  }
  return not_found();
}

}  // namespace

ApiResponse route(api::Services& s, const ApiRequest& r) {
  Segments seg{};
  const int n = split_path(r.path, seg);
  if (n >= 2 && seg[0] == "api" && seg[1] == "v1") return route_api(s, r, seg, n);
  if (n == 0) return r.method == "GET" ? api::redirect_to_ui() : not_found();
  if (n >= 2 && n <= 3 && seg[0] == "_sandbox" && seg[1] == "ui") {
    return r.method == "GET" ? api::sandbox_ui_asset(n == 3 ? seg[2] : std::string_view()) : not_allowed(r);
  }
  if (n >= 1 && seg[0] == "_sandbox") {
    if (auto denied = api::check_admin(s, r)) return std::move(*denied);
    return route_sandbox(s, r, seg, n);
  }
  return not_found();
}

}  // namespace paratro::http
