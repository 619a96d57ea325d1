// Implementation of rules.hpp.
#include "emulator/api/rules.hpp"

#include "emulator/api/params.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/domain/chain_address.hpp"

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;

domain::Result<const domain::ChainInfo*> resolve_chain(std::string_view name) {
  const domain::ChainInfo* chain = domain::find_chain(ascii_lower(std::string(name)));
  if (!chain) return make_error(ErrorCode::invalid_parameter, "Unsupported chain: " + std::string(name));
  return chain;
}

domain::Result<std::string> security_factor_address_key(const domain::ChainInfo& chain, std::string_view address) {
  if (!domain::is_valid_address(chain.family, address)) {
    return make_error(ErrorCode::invalid_address, "address is not a valid " + std::string(chain.name) + " address");
  }
  return domain::address_key(chain.family, address);
}

domain::Result<const domain::ChainInfo*> resolve_asset_chain(const domain::ChainInfo& account_chain,
                                                             const std::optional<std::string>& chain_in) {
  const std::string requested = chain_in ? ascii_lower(*chain_in) : std::string();
  if (account_chain.family == domain::ChainFamily::evm) {
    if (requested.empty()) return make_error(ErrorCode::invalid_parameter, "chain is required for EVM accounts");
    const domain::ChainInfo* chain = domain::find_chain(requested);
    if (!chain) return make_error(ErrorCode::invalid_parameter, "Unsupported chain: " + *chain_in);
    if (chain->family != domain::ChainFamily::evm) {
      return make_error(ErrorCode::invalid_parameter, "chain " + requested + " is not an EVM chain");
    }
    return chain;
  }
  if (!requested.empty() && requested != account_chain.name) {
    return make_error(ErrorCode::invalid_parameter,
                      "chain " + requested + " does not match the account's chain " + std::string(account_chain.name));
  }
  return &account_chain;
}

domain::Result<AssetKind> resolve_token(const domain::ChainInfo& chain, std::string_view symbol_in) {
  std::string symbol = ascii_upper(std::string(symbol_in));
  if (!domain::is_supported_symbol(symbol)) {
    return make_error(ErrorCode::invalid_parameter, "Unsupported symbol: " + std::string(symbol_in));
  }
  const auto token = domain::find_token(symbol, chain.name);
  if (!token) {
    return make_error(ErrorCode::invalid_parameter, symbol + " is not available on " + std::string(chain.name));
  }
  return AssetKind{&chain, *token, std::move(symbol)};
}

domain::Result<AssetKind> resolve_asset(const domain::ChainInfo& account_chain, std::string_view symbol_in,
                                        const std::optional<std::string>& chain_in) {
  auto chain = resolve_asset_chain(account_chain, chain_in);
  if (!chain) return chain.error();
  return resolve_token(**chain, symbol_in);
}

domain::Result<domain::Amount> parse_amount_field(std::string_view field, std::string_view text, unsigned decimals,
                                                  bool positive) {
  const auto parsed = domain::parse_amount(text, decimals);
  const std::string name(field);
  switch (parsed.error) {
    case domain::AmountError::none:
      break;
    case domain::AmountError::too_many_decimals:
      return make_error(ErrorCode::invalid_parameter,
                        name + " has more decimal places than the asset supports (" + std::to_string(decimals) + ")");
    case domain::AmountError::too_large:
      return make_error(ErrorCode::invalid_parameter, name + " exceeds the supported ceiling (10^38 - 1 base units)");
    default:
      return make_error(ErrorCode::invalid_parameter, name + " must be a decimal string such as \"1.5\"");
  }
  if (positive && parsed.value == 0) return make_error(ErrorCode::invalid_parameter, name + " must be greater than 0");
  return parsed.value;
}

domain::WalletRecord wallet_record(const std::string& client_id, std::string name, std::string description,
                                   std::string wallet_id, std::int64_t now_ms, std::int64_t keygen_delay_ms) {
  domain::WalletRecord w;
  w.wallet_id = std::move(wallet_id);
  w.client_id = client_id;
  w.wallet_name = std::move(name);
  w.description = std::move(description);
  w.key_ready_at_ms = now_ms + keygen_delay_ms;
  const bool ready = keygen_delay_ms <= 0;
  w.status = ready ? domain::WalletStatus::active : domain::WalletStatus::progressing;
  w.key_status = ready ? domain::KeyStatus::active : domain::KeyStatus::generating;
  w.created_at_ms = now_ms;
  w.updated_at_ms = now_ms;
  return w;
}

domain::WalletKeys random_wallet_keys(crypto::RandomSource& rng) {
  const auto secp = crypto::generate_secp256k1(rng);
  const auto ed = crypto::generate_ed25519(rng);
  return {{secp.private_key.begin(), secp.private_key.end()}, {ed.seed.begin(), ed.seed.end()}};
}

domain::AccountRecord account_record(const domain::WalletRecord& wallet, const domain::ChainInfo& chain,
                                     const std::string& address, std::string account_type, std::string label,
                                     std::string account_id, std::int64_t now_ms) {
  domain::AccountRecord a;
  a.account_id = std::move(account_id);
  a.wallet_id = wallet.wallet_id;
  a.client_id = wallet.client_id;
  a.chain = std::string(chain.name);
  a.network = std::string(chain.network);
  a.address = address;
  a.address_key = domain::address_key(chain.family, address);
  a.address_type = std::string(domain::address_type(chain.family));
  a.account_type = std::move(account_type);
  a.label = std::move(label);
  a.created_at_ms = now_ms;
  return a;
}

domain::AssetRecord asset_record(const domain::AccountRecord& account, const AssetKind& kind, std::string asset_id,
                                 std::int64_t now_ms) {
  domain::AssetRecord a;
  a.asset_id = std::move(asset_id);
  a.account_id = account.account_id;
  a.wallet_id = account.wallet_id;
  a.client_id = account.client_id;
  a.chain = std::string(kind.chain->name);
  a.network = std::string(kind.chain->network);
  a.address_key = account.address_key;
  a.symbol = kind.symbol;
  a.name = std::string(kind.token.name);
  a.contract_address = std::string(kind.token.contract_address);
  a.decimals = static_cast<int>(kind.token.decimals);
  a.asset_type = std::string(kind.token.asset_type);
  a.created_at_ms = now_ms;
  return a;
}

}  // namespace paratro::api
