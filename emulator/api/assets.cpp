// POST/GET /api/v1/assets. Name, decimals, type and contract come from the token registry. An EVM
// account holds assets on any EVM chain (its address is the same on all of them), so `chain` is
// required there; for other accounts `chain` may be omitted and, if given, must be the account's.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse create_asset(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto account_id = required_string(*body, "account_id");
  if (!account_id) return error_response(account_id.error());
  auto symbol_in = required_string(*body, "symbol");
  if (!symbol_in) return error_response(symbol_in.error());
  auto chain_in = optional_string(*body, "chain");
  if (!chain_in) return error_response(chain_in.error());
  if (auto st = check_length("account_id", *account_id, kMaxId); !st) return error_response(st.error());
  if (auto st = check_length("symbol", *symbol_in, kMaxSymbol); !st) return error_response(st.error());
  // An unknown symbol is reported before the account is looked up.
  if (!domain::is_supported_symbol(ascii_upper(*symbol_in))) {
    return error_response(ErrorCode::invalid_parameter, "Unsupported symbol: " + *symbol_in);
  }

  auto account = s.store.find_account(c.client_id, *account_id);
  if (!account) return error_response(ErrorCode::not_found, "Account not found");
  if (account->status != domain::AccountStatus::active)
    return error_response(ErrorCode::account_not_active, "Account is not in active state");
  const domain::ChainInfo* account_chain = domain::find_chain(account->chain);
  if (!account_chain) return error_response(ErrorCode::internal_error, "Account chain is not in the registry");
  auto kind = resolve_asset(*account_chain, *symbol_in, *chain_in);
  if (!kind) return error_response(kind.error());
  const std::int64_t now = s.clock.now_ms();
  const auto a = asset_record(*account, *kind, domain::make_id("ast_", now, s.rng), now);
  if (auto st = s.store.create_asset(a); !st) return error_response(st.error());
  // Re-read: the ledger may already hold funds sent to this address before the asset existed.
  auto stored = s.store.find_asset(c.client_id, a.asset_id);
  return one_response(stored ? *stored : a, write_asset);
}

ApiResponse get_asset(Services& s, const Caller& c, std::string_view id) {
  auto a = s.store.find_asset(c.client_id, id);
  if (!a) return error_response(ErrorCode::not_found, "Asset not found");
  return one_response(*a, write_asset);
}

ApiResponse list_assets(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  const std::string* account_id = r.query_param("account_id");
  return page_response(s.store.list_assets(c.client_id, account_id ? *account_id : "", *page), write_asset);
}

}  // namespace paratro::api
