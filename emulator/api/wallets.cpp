// POST/GET /api/v1/wallets. A new wallet gets real key material (a secp256k1 key for EVM, Tron and
// Bitcoin accounts, an ed25519 key for Solana) and starts PROGRESSING/GENERATING until its simulated
// key generation ends.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {
constexpr std::size_t kMaxWalletName = 100;
constexpr std::size_t kMaxDescription = 500;
}  // namespace

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
  domain::WalletRecord w;
  w.wallet_id = domain::make_id("w_", now, s.rng);
  w.client_id = c.client_id;
  w.wallet_name = std::move(*name);
  w.description = desc;
  w.key_ready_at_ms = now + s.options.keygen_delay_ms;
  const bool ready = s.options.keygen_delay_ms <= 0;
  w.status = ready ? "ACTIVE" : "PROGRESSING";
  w.key_status = ready ? "ACTIVE" : "GENERATING";
  w.created_at_ms = now;
  w.updated_at_ms = now;

  const auto secp = crypto::generate_secp256k1(s.rng);
  const auto ed = crypto::generate_ed25519(s.rng);
  domain::WalletKeys keys{{secp.private_key.begin(), secp.private_key.end()}, {ed.seed.begin(), ed.seed.end()}};

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
