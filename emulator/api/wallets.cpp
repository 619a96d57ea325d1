// POST/GET /api/v1/wallets. A new wallet gets real key material (a secp256k1 key for EVM, Tron and
// Bitcoin accounts, an ed25519 key for Solana) and starts PROGRESSING/GENERATING until its simulated
// key generation ends.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse create_wallet(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto name = required_string(*body, "wallet_name");
  if (!name) return error_response(name.error());
  auto description = optional_string(*body, "description");
  if (!description) return error_response(description.error());
  const std::string desc = description->value_or("");
  if (auto st = check_length("wallet_name", *name, kMaxWalletName); !st) return error_response(st.error());
  if (auto st = check_length("description", desc, kMaxDescription); !st) return error_response(st.error());

  const std::int64_t now = s.clock.now_ms();
  const auto w = wallet_record(c.client_id, std::move(*name), desc, domain::make_id("w_", now, s.rng), now,
                               s.options.keygen_delay_ms);
  const auto keys = random_wallet_keys(s.rng);
  if (auto st = s.store.create_wallet(w, keys, c.max_wallets); !st) return error_response(st.error());
  return one_response(w, write_wallet);
}

ApiResponse get_wallet(Services& s, const Caller& c, std::string_view id) {
  auto w = s.store.find_wallet(c.client_id, id);
  if (!w) return error_response(ErrorCode::not_found, "Wallet not found");
  return one_response(*w, write_wallet);
}

ApiResponse list_wallets(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  return page_response(s.store.list_wallets(c.client_id, *page), write_wallet);
}

}  // namespace paratro::api
