// POST/GET /api/v1/assets. Name, decimals, type and contract come from the token registry. An EVM
// account holds assets on any EVM chain (its address is the same on all of them), so `chain` is
// required there; for other accounts `chain` may be omitted and, if given, must be the account's.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
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
  if (auto st = check_length("account_id", *account_id, 36); !st) return error_response(st.error());
  if (auto st = check_length("symbol", *symbol_in, 20); !st) return error_response(st.error());
  const std::string symbol = ascii_upper(*symbol_in);
  if (!domain::is_supported_symbol(symbol)) return error_response(ErrorCode::invalid_parameter, "Unsupported symbol: " + *symbol_in);

  auto account = s.store.find_account(c.client_id, *account_id);
  if (!account) return error_response(ErrorCode::not_found, "Account not found");
  if (account->status != "ACTIVE") return error_response(ErrorCode::account_not_active, "Account is not in active state");
  const domain::ChainInfo* account_chain = domain::find_chain(account->chain);
  if (!account_chain) return error_response(ErrorCode::internal_error, "Account chain is not in the registry");

  const domain::ChainInfo* chain = account_chain;
  const std::string requested = chain_in->has_value() ? ascii_lower(**chain_in) : std::string();
  if (account_chain->family == domain::ChainFamily::evm) {
    if (requested.empty()) return error_response(ErrorCode::invalid_parameter, "chain is required for EVM accounts");
    chain = domain::find_chain(requested);
    if (!chain) return error_response(ErrorCode::invalid_parameter, "Unsupported chain: " + **chain_in);
    if (chain->family != domain::ChainFamily::evm) {
      return error_response(ErrorCode::invalid_parameter, "chain " + requested + " is not an EVM chain");
    }
  } else if (!requested.empty() && requested != account_chain->name) {
    return error_response(ErrorCode::invalid_parameter,
                          "chain " + requested + " does not match the account's chain " + account->chain);
  }
  const auto token = domain::find_token(symbol, chain->name);
  if (!token) {
    return error_response(ErrorCode::invalid_parameter, symbol + " is not available on " + std::string(chain->name));
  }

  const std::int64_t now = s.clock.now_ms();
  domain::AssetRecord a;
  a.asset_id = domain::make_id("ast_", now, s.rng);
  a.account_id = account->account_id;
  a.wallet_id = account->wallet_id;
  a.client_id = c.client_id;
  a.chain = std::string(chain->name);
  a.network = std::string(chain->network);
  a.address_key = account->address_key;
  a.symbol = symbol;
  a.name = std::string(token->name);
  a.contract_address = std::string(token->contract_address);
  a.decimals = static_cast<int>(token->decimals);
  a.asset_type = std::string(token->asset_type);
  a.created_at_ms = now;
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
