// The input rules of the API's resources, shared by the handlers and the fixture loader so that a
// fixture can never create what the API would refuse: field limits, chain and token resolution,
// and amounts at an asset's precision. Each check returns the same error value (code and message)
// a handler answers with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/crypto/random.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::api {

// Field limits in characters (README "Lengths").
inline constexpr std::size_t kMaxWalletName = 100;
inline constexpr std::size_t kMaxDescription = 500;
inline constexpr std::size_t kMaxLabel = 100;
inline constexpr std::size_t kMaxAccountType = 32;
inline constexpr std::size_t kMaxId = 36;
inline constexpr std::size_t kMaxSymbol = 20;
inline constexpr std::size_t kMaxAddress = 255;
inline constexpr std::size_t kMaxMemo = 100;
inline constexpr std::size_t kMaxClientName = 100;
inline constexpr std::size_t kMaxFactorReason = 500;
inline constexpr std::int64_t kMaxMaxWallets = 1'000'000;

// A chain named by a client (any case): invalid_parameter "Unsupported chain: X" when unknown.
domain::Result<const domain::ChainInfo*> resolve_chain(std::string_view name);

// The address key of a security factor's `address` on `chain`: invalid_address unless the address
// is valid there (the check POST /transfer applies to a destination).
domain::Result<std::string> security_factor_address_key(const domain::ChainInfo& chain, std::string_view address);

struct AssetKind {
  const domain::ChainInfo* chain;  // the chain the asset lives on
  domain::TokenInfo token;
  std::string symbol;  // upper case
};

// What POST /assets decides from the account's chain, the requested symbol and the optional
// requested chain: EVM accounts must name an EVM chain, other accounts may omit it or repeat their
// own; the token must exist on that chain. invalid_parameter otherwise.
domain::Result<AssetKind> resolve_asset(const domain::ChainInfo& account_chain, std::string_view symbol_in,
                                        const std::optional<std::string>& chain_in);
// The two halves of resolve_asset: the chain an asset of the account may live on, and the token
// `symbol_in` on that chain.
domain::Result<const domain::ChainInfo*> resolve_asset_chain(const domain::ChainInfo& account_chain,
                                                             const std::optional<std::string>& chain_in);
domain::Result<AssetKind> resolve_token(const domain::ChainInfo& chain, std::string_view symbol_in);

// A balance or amount text at `decimals` places: invalid_parameter naming `field` on bad syntax,
// too many decimals or a value above the ceiling; with `positive`, zero is refused too.
domain::Result<domain::Amount> parse_amount_field(std::string_view field, std::string_view text, unsigned decimals,
                                                  bool positive);

// A new wallet of `client_id`: PROGRESSING/GENERATING until `keygen_delay_ms` after `now_ms`, or
// ACTIVE/ACTIVE at once when the delay is 0.
domain::WalletRecord wallet_record(const std::string& client_id, std::string name, std::string description,
                                   std::string wallet_id, std::int64_t now_ms, std::int64_t keygen_delay_ms);
// Fresh key material from `rng`: a secp256k1 secret (EVM, Tron, Bitcoin) and an ed25519 seed (Solana).
domain::WalletKeys random_wallet_keys(crypto::RandomSource& rng);

// The records POST /accounts and POST /assets store, from their already validated parts.
domain::AccountRecord account_record(const domain::WalletRecord& wallet, const domain::ChainInfo& chain,
                                     const std::string& address, std::string account_type, std::string label,
                                     std::string account_id, std::int64_t now_ms);
domain::AssetRecord asset_record(const domain::AccountRecord& account, const AssetKind& kind, std::string asset_id,
                                 std::int64_t now_ms);

}  // namespace paratro::api
