// POST/GET /api/v1/accounts. The address is derived from the wallet's keys for the chain's family,
// so every EVM chain of one wallet shares one EIP-55 address; `network` comes from the registry.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse create_account(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto wallet_id = required_string(*body, "wallet_id");
  if (!wallet_id) return error_response(wallet_id.error());
  auto chain_name = required_string(*body, "chain");
  if (!chain_name) return error_response(chain_name.error());
  auto account_type = optional_string(*body, "account_type");
  if (!account_type) return error_response(account_type.error());
  auto label = optional_string(*body, "label");
  if (!label) return error_response(label.error());
  if (auto st = check_length("wallet_id", *wallet_id, kMaxId); !st) return error_response(st.error());
  if (auto st = check_length("label", label->value_or(""), kMaxLabel); !st) return error_response(st.error());
  if (auto st = check_length("account_type", account_type->value_or(""), kMaxAccountType); !st) {
    return error_response(st.error());
  }
  auto resolved = resolve_chain(*chain_name);
  if (!resolved) return error_response(resolved.error());
  const domain::ChainInfo* chain = *resolved;

  auto wallet = s.store.find_wallet(c.client_id, *wallet_id);
  if (!wallet) return error_response(ErrorCode::not_found, "Wallet not found");
  if (wallet->status != domain::WalletStatus::active) {
    return error_response(ErrorCode::wallet_not_active, "Wallet is not in active state (key generation still running)");
  }
  auto keys = s.store.wallet_keys(wallet->wallet_id);
  const std::string address = keys ? domain::derive_address(chain->family, *keys) : std::string();
  if (address.empty()) return error_response(ErrorCode::internal_error, "Wallet key material is unusable");

  const std::int64_t now = s.clock.now_ms();
  const auto a = account_record(*wallet, *chain, address, account_type->value_or(""), label->value_or(""),
                                domain::make_id("acc_", now, s.rng), now);
  if (auto st = s.store.create_account(a); !st) return error_response(st.error());
  return one_response(a, write_account);
}

ApiResponse get_account(Services& s, const Caller& c, std::string_view id) {
  auto a = s.store.find_account(c.client_id, id);
  if (!a) return error_response(ErrorCode::not_found, "Account not found");
  return one_response(*a, write_account);
}

ApiResponse list_accounts(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  const std::string* wallet_id = r.query_param("wallet_id");
  return page_response(s.store.list_accounts(c.client_id, wallet_id ? *wallet_id : "", *page), write_account);
}

}  // namespace paratro::api
