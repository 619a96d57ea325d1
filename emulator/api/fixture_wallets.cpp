// The fixture loader's wallets (fixture_loader.hpp): wallets with pinned or derived keys, their
// accounts, assets with balances, and the history rows (finished transactions) of each asset.
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>

#include "emulator/api/fixture_loader.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/x402_typed_data.hpp"

namespace paratro::api::fixture_detail {

// History predates the first start: block heights run backwards before the chain table's epoch.
constexpr auto kHistory = chain::ChainTable::BeforeEpoch::extend;

void Loader::wallet(const Value& obj, const std::string& path, const std::string* client_id, std::int64_t max_wallets) {
  if (!obj.IsObject()) return error(path, "must be an object");
  ++out_.counts.wallets;
  known_fields(
      obj, path,
      {"wallet_id", "wallet_name", "description", "status", "key_ready_after", "key_seed", "created_at", "accounts"});
  std::optional<std::string> name, description, seed_hex;
  bool ok = get_string(obj, path, "wallet_name", name, true, kMaxWalletName);
  ok &= get_string(obj, path, "description", description, false, kMaxDescription);
  std::string status = "ACTIVE";
  ok &= get_enum(obj, path, "status", status, {"ACTIVE", "PROGRESSING"}, false);
  // How long a PROGRESSING wallet keeps generating keys after the load (default --keygen-delay-ms).
  std::int64_t key_ready_after = ctx_.keygen_delay_ms;
  std::optional<std::string> ready_text;
  ok &= get_string(obj, path, "key_ready_after", ready_text, false, 64);
  if (ready_text) {
    const auto d = domain::parse_duration_ms(*ready_text);
    if (!d || status != domain::to_string(domain::WalletStatus::progressing)) {
      error(path + ".key_ready_after",
            !d ? "must be an ISO 8601 duration such as PT2M" : "applies to a PROGRESSING wallet only");
      ok = false;
    } else {
      key_ready_after = *d;
    }
  }
  std::int64_t created = ctx_.now_ms;
  ok &= get_time(obj, path, "created_at", created, ctx_.now_ms, INT64_MIN, "client");
  std::string wallet_id;
  ok &= get_id(obj, path, "wallet_id", "w_", created, wallet_id);
  ok &= get_string(obj, path, "key_seed", seed_hex, false, 64);
  std::optional<domain::WalletKeys> keys;
  if (seed_hex) {
    const auto bytes = crypto::from_hex(*seed_hex);
    if (!bytes || bytes->size() != 32) {
      error(path + ".key_seed", "must be 64 hex characters (32 bytes)");
      ok = false;
    } else if (unique(key_seeds_, *seed_hex, path + ".key_seed", "key_seed (two wallets would share addresses)")) {
      keys = domain::wallet_keys_from_seed(std::span<const std::uint8_t, 32>(bytes->data(), 32));
      if (!keys) {
        error(path + ".key_seed", "does not give a valid secp256k1 key; choose another seed");
        ok = false;
      }
    } else {
      ok = false;
    }
  } else {
    keys = random_wallet_keys(ctx_.rng);
  }

  domain::WalletRecord w;
  if (ok && client_id) {
    w = wallet_record(*client_id, *name, description.value_or(""), wallet_id, created, 0);
    if (status == domain::to_string(domain::WalletStatus::progressing)) {
      // Key generation is still running at the load instant and ends `key_ready_after` later.
      w.status = domain::WalletStatus::progressing;
      w.key_status = domain::KeyStatus::generating;
      w.key_ready_at_ms = ctx_.now_ms + key_ready_after;
    }
    ok = store(path, [&] { return ctx_.store.create_wallet(w, *keys, max_wallets); });
  }
  const Value* accounts = get_array(obj, path, "accounts");
  if (!accounts) return;
  const bool stored = ok && client_id;
  for (rapidjson::SizeType i = 0; i < accounts->Size(); ++i) {
    account((*accounts)[i], path + ".accounts[" + std::to_string(i) + "]", stored ? &w : nullptr,
            keys ? &*keys : nullptr, seed_hex.has_value(), created);
  }
}

void Loader::account(const Value& obj, const std::string& path, const domain::WalletRecord* wallet,
                     const domain::WalletKeys* keys, bool pinned_keys, std::int64_t wallet_created) {
  if (!obj.IsObject()) return error(path, "must be an object");
  ++out_.counts.accounts;
  known_fields(obj, path, {"account_id", "chain", "label", "account_type", "address", "created_at", "assets"});
  std::optional<std::string> chain_name, label, account_type, address;
  bool ok = get_string(obj, path, "chain", chain_name, true, 64);
  const domain::ChainInfo* chain = nullptr;
  if (chain_name) {
    auto resolved = resolve_chain(*chain_name);
    if (resolved)
      chain = *resolved;
    else
      ok = fail(path + ".chain", resolved.error());
  }
  ok &= get_string(obj, path, "label", label, false, kMaxLabel);
  ok &= get_string(obj, path, "account_type", account_type, false, kMaxAccountType);
  ok &= get_string(obj, path, "address", address, false, kMaxAddress);
  std::int64_t created = wallet_created;
  ok &= get_time(obj, path, "created_at", created, wallet_created, wallet_created, "wallet");
  std::string account_id;
  ok &= get_id(obj, path, "account_id", "acc_", created, account_id);

  std::string derived;
  if (chain && keys) derived = domain::derive_address(chain->family, *keys);
  if (address && chain && keys) {
    if (!pinned_keys) {
      error(path + ".address", "can be pinned only together with the wallet's key_seed");
      ok = false;
    } else if (domain::address_key(chain->family, *address) != domain::address_key(chain->family, derived)) {
      error(path + ".address", "does not match the wallet's key_seed, which gives " + derived);
      ok = false;
    }
  }
  domain::AccountRecord a;
  if (ok && wallet && chain) {
    if (derived.empty()) {
      error(path, "the wallet's key material is unusable");
      ok = false;
    } else {
      a = account_record(*wallet, *chain, derived, account_type.value_or(""), label.value_or(""), account_id, created);
      ok = store(path, [&] { return ctx_.store.create_account(a); });
    }
  }
  const Value* assets = get_array(obj, path, "assets");
  if (!assets) return;
  for (rapidjson::SizeType i = 0; i < assets->Size(); ++i) {
    asset((*assets)[i], path + ".assets[" + std::to_string(i) + "]", ok && wallet ? &a : nullptr, chain, created);
  }
}

void Loader::asset(const Value& obj, const std::string& path, const domain::AccountRecord* account,
                   const domain::ChainInfo* account_chain, std::int64_t account_created) {
  if (!obj.IsObject()) return error(path, "must be an object");
  ++out_.counts.assets;
  known_fields(obj, path, {"asset_id", "symbol", "chain", "balance", "created_at", "transactions"});
  std::optional<std::string> symbol, chain_in, balance_text;
  bool ok = get_string(obj, path, "symbol", symbol, true, kMaxSymbol);
  ok &= get_string(obj, path, "chain", chain_in, false, 64);
  ok &= get_string(obj, path, "balance", balance_text, false, 64);
  std::int64_t created = account_created;
  ok &= get_time(obj, path, "created_at", created, account_created, account_created, "account");
  std::string asset_id;
  ok &= get_id(obj, path, "asset_id", "ast_", created, asset_id);

  std::optional<AssetKind> kind;
  if (symbol && account_chain) {
    auto chain = resolve_asset_chain(*account_chain, chain_in);
    if (!chain) {
      ok = fail(path + ".chain", chain.error());
    } else if (auto k = resolve_token(**chain, *symbol); k) {
      kind = *k;
    } else {
      ok = fail(path + ".symbol", k.error());
    }
  }
  domain::Amount balance = 0;
  if (kind && balance_text) {
    auto b = parse_amount_field("balance", *balance_text, kind->token.decimals, false);
    if (b)
      balance = *b;
    else
      ok = fail(path + ".balance", b.error());
  }
  if (ok && account && kind) {
    const auto a = asset_record(*account, *kind, asset_id, created);
    ok = store(path, [&] { return ctx_.store.create_asset(a); });
    // Assets of one address, chain and token share one ledger balance (e.g. USDT on polygon held
    // through a wallet's ethereum and polygon accounts); it may be given only once.
    const std::string ledger_key = std::string(kind->chain->name) + " " + account->address_key + " " + kind->symbol;
    if (ok && balance_text)
      ok = unique(ledger_keys_, ledger_key, path + ".balance", "balance of one address, chain and token");
    if (ok && balance > 0) {
      ok = store(path + ".balance", [&] { return ctx_.store.set_asset_balance(asset_id, balance, ctx_.now_ms); });
    }
  }
  const Value* txs = get_array(obj, path, "transactions");
  if (!txs) return;
  for (rapidjson::SizeType i = 0; i < txs->Size(); ++i) {
    transaction((*txs)[i], path + ".transactions[" + std::to_string(i) + "]", ok && account ? account : nullptr,
                ok && account ? &asset_id : nullptr, kind ? &*kind : nullptr, created);
  }
}

// A counterparty address of a history row: valid for the chain, as POST /transfer checks it.
bool Loader::counterparty(const std::string& path, const std::optional<std::string>& address, const AssetKind& kind) {
  if (!address || domain::is_valid_address(kind.chain->family, *address)) return true;
  error(path, "is not a valid " + std::string(kind.chain->name) + " address");
  return false;
}

void Loader::transaction(const Value& obj, const std::string& path, const domain::AccountRecord* account,
                         const std::string* asset_id, const AssetKind* kind, std::int64_t asset_created) {
  if (!obj.IsObject()) return error(path, "must be an object");
  ++out_.counts.transactions;
  known_fields(obj, path,
               {"tx_id", "direction", "status", "from_address", "to_address", "amount", "memo", "tx_hash",
                "block_number", "created_at"});
  std::string direction, status;
  bool ok = get_enum(obj, path, "direction", direction, {"OUTBOUND", "INBOUND"}, true);
  ok &= get_enum(obj, path, "status", status, {"CONFIRMED", "FAILED"}, true);
  std::optional<std::string> from, to, amount_text, memo, hash;
  ok &= get_string(obj, path, "from_address", from, false, kMaxAddress);
  ok &= get_string(obj, path, "to_address", to, false, kMaxAddress);
  ok &= get_string(obj, path, "amount", amount_text, true, 64);
  ok &= get_string(obj, path, "memo", memo, false, kMaxMemo);
  ok &= get_string(obj, path, "tx_hash", hash, false, 128);
  std::int64_t created = 0, block = 0;
  ok &= get_time(obj, path, "created_at", created, 0, asset_created, "asset", true);
  ok &= get_int(obj, path, "block_number", block, 1, INT64_MAX / 2);
  std::string tx_id;
  ok &= get_id(obj, path, "tx_id", "tx_", created, tx_id);
  if (!kind || direction.empty()) return;

  const auto family = kind->chain->family;
  const bool outbound = direction == domain::to_string(domain::TxDirection::outbound);
  const char* own_field = outbound ? "from_address" : "to_address";
  const char* other_field = outbound ? "to_address" : "from_address";
  std::optional<std::string>& own = outbound ? from : to;
  std::optional<std::string>& other = outbound ? to : from;
  if (!other) {
    error(path + "." + other_field, std::string("is required for an ") + direction + " transaction");
    ok = false;
  }
  ok &= counterparty(path + "." + other_field, other, *kind);
  if (own && account && domain::address_key(family, *own) != account->address_key) {
    error(path + "." + own_field, "must be the account's own address " + account->address);
    ok = false;
  }
  if (other && account && domain::address_key(family, *other) == account->address_key) {
    error(path, "from_address and to_address must differ");
    ok = false;
  }
  domain::Amount amount = 0;
  if (amount_text) {
    auto a = parse_amount_field("amount", *amount_text, kind->token.decimals, true);
    if (a)
      amount = *a;
    else
      ok = fail(path + ".amount", a.error());
  }
  if (hash && !domain::is_valid_tx_hash(family, *hash)) {
    error(path + ".tx_hash", "is not a " + std::string(kind->chain->name) + " transaction hash");
    ok = false;
  }
  const chain::ChainParams* params = ctx_.chains.find(kind->chain->name);
  if (!params) return error(path, "chain has no timing");
  const std::int64_t height_now = ctx_.chains.height_at(*params, ctx_.now_ms, kHistory);
  if (block > height_now) {
    error(path + ".block_number", "is beyond the chain's current height " + std::to_string(height_now));
    ok = false;
  }
  if (!ok || !account || !asset_id) return;

  domain::TransactionRecord t;
  t.tx_id = tx_id;
  t.asset_id = *asset_id;
  t.direction = outbound ? domain::TxDirection::outbound : domain::TxDirection::inbound;
  t.origin = outbound ? domain::TxOrigin::api : domain::TxOrigin::deposit;
  t.from_address = outbound ? account->address : *other;
  t.to_address = outbound ? *other : account->address;
  t.to_address_key = domain::address_key(family, t.to_address);
  t.token_symbol = kind->symbol;
  t.amount = amount;
  t.memo = memo.value_or("");
  const bool confirmed = status == domain::to_string(domain::TxStatus::confirmed);
  t.status = confirmed ? domain::TxStatus::confirmed : domain::TxStatus::failed;
  t.tx_hash = hash ? *hash : chain::make_tx_hash(family, ctx_.rng);
  t.block_number = block > 0 ? block : std::min(height_now, ctx_.chains.height_at(*params, created, kHistory) + 1);
  t.required_confirmations = params->confirmations;
  t.confirmations = confirmed ? params->confirmations : 1;
  // Finished when its last confirmation (or the failing block) was mined, and not after the load.
  const std::int64_t last_block = t.block_number + (confirmed ? params->confirmations - 1 : 1);
  const std::int64_t done = std::clamp(ctx_.chains.block_time(*params, last_block), created, ctx_.now_ms);
  t.created_at_ms = created;
  t.updated_at_ms = done;
  t.confirmed_at_ms = confirmed ? done : -1;
  if (!confirmed) t.failure_reason = "transaction reverted on-chain";
  history_.push_back({path, std::move(t)});
}

}  // namespace paratro::api::fixture_detail
