// Test support for the store tests: records to insert (clients, wallets, accounts, assets,
// transactions), a seeded store, the recorded migrations.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/store/database.hpp"
#include "emulator/store/migrations.hpp"
#include "emulator/store/store.hpp"
#include "tests/unit/support/temp_dir.hpp"

namespace d = paratro::domain;
namespace s = paratro::store;
namespace fs = std::filesystem;
using paratro::testing::TempDir;

namespace {

// prefix + n, built by appending (GCC 12 at -O3 warns falsely on `"literal" + std::string`).
inline std::string numbered(std::string_view prefix, long long n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

// A fresh directory under the system temp dir, removed (with any WAL/SHM files) on scope exit.

inline std::string units(d::Amount v) { return d::to_base_units_string(v); }

inline constexpr std::string_view kAddr1 = "0x1111111111111111111111111111111111111111";
inline constexpr std::string_view kAddr2 = "0x2222222222222222222222222222222222222222";

inline d::ClientRecord make_client(const std::string& id, std::int64_t max_wallets = 5) {
  d::ClientRecord c;
  c.client_id = id;
  c.client_name = id;
  c.api_key = id;
  c.api_key.insert(0, "key_");
  c.secret_salt = "salt";
  c.secret_hash = "hash";
  c.max_wallets = max_wallets;
  c.created_at_ms = 1000;
  return c;
}

inline d::WalletRecord make_wallet(const std::string& id, const std::string& client, std::int64_t at_ms = 1000) {
  d::WalletRecord w;
  w.wallet_id = id;
  w.client_id = client;
  w.wallet_name = id;
  w.status = d::WalletStatus::active;
  w.key_status = d::KeyStatus::active;
  w.key_ready_at_ms = at_ms;
  w.created_at_ms = at_ms;
  w.updated_at_ms = at_ms;
  return w;
}

inline d::WalletKeys make_keys() {
  return d::WalletKeys{std::vector<std::uint8_t>(32, 0x11), std::vector<std::uint8_t>(32, 0x22)};
}

d::AccountRecord make_account(const std::string& id, const std::string& wallet, const std::string& client,
                              std::string_view address) {
  d::AccountRecord a;
  a.account_id = id;
  a.wallet_id = wallet;
  a.client_id = client;
  a.chain = "ethereum";
  a.network = "mainnet";
  a.address = std::string(address);
  a.address_key = std::string(address);
  a.address_type = "EOA";
  a.account_type = "DEPOSIT";
  a.label = "main";
  a.created_at_ms = 1000;
  return a;
}

inline d::AssetRecord make_asset(const std::string& id, const d::AccountRecord& acc, std::string symbol = "USDT") {
  d::AssetRecord a;
  a.asset_id = id;
  a.account_id = acc.account_id;
  a.wallet_id = acc.wallet_id;
  a.client_id = acc.client_id;
  a.chain = acc.chain;
  a.network = acc.network;
  a.address_key = acc.address_key;
  a.symbol = std::move(symbol);
  a.name = "Tether USD";
  a.contract_address = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
  a.decimals = 6;
  a.asset_type = "ERC20";
  a.created_at_ms = 1000;
  return a;
}

// One client "c1" with an active wallet, an ethereum account and a USDT asset holding `balance`
// base units; a second client "c2" with nothing.
struct Seeded {
  explicit Seeded(const std::string& path = ":memory:", d::Amount balance = 1000) : store(path) {
    REQUIRE(store.create_client(make_client("c1")).ok());
    REQUIRE(store.create_client(make_client("c2")).ok());
    REQUIRE(store.create_wallet(make_wallet("w1", "c1"), make_keys(), 5).ok());
    account = make_account("acc1", "w1", "c1", kAddr1);
    REQUIRE(store.create_account(account).ok());
    REQUIRE(store.create_asset(make_asset("ast1", account)).ok());
    REQUIRE(store.set_asset_balance("ast1", balance, 1000).ok());
  }
  s::Store store;
  d::AccountRecord account;
};

inline  // `amount` must parse (domain::parse_transfer_amount), except "0", which the handler refuses and
        // is built here directly so the store's own refusal of zero is tested too.
    d::TransferCommand
    transfer_request(const std::string& amount, std::string client = "c1") {
  d::TransferCommand r;
  r.client_id = std::move(client);
  r.from_address_key = std::string(kAddr1);
  r.chain = "ethereum";
  r.token_symbol = "USDT";
  if (amount != "0") {
    auto parsed = d::parse_transfer_amount(amount);
    REQUIRE(parsed.ok());
    r.amount = *parsed;
  }
  r.to_address = std::string(kAddr2);
  r.to_address_key = std::string(kAddr2);
  r.memo = "invoice 7";
  return r;
}

inline d::TransactionRecord new_tx(const std::string& id, std::int64_t at_ms = 5000) {
  d::TransactionRecord t;
  t.tx_id = id;
  t.created_at_ms = at_ms;
  t.updated_at_ms = at_ms;
  t.next_due_ms = at_ms + 2000;
  return t;
}

inline std::vector<std::pair<int, std::string>> recorded_migrations(s::Database& db) {
  std::vector<std::pair<int, std::string>> out;
  auto st = db.use("SELECT version, name FROM schema_migrations ORDER BY version");
  while (st->step()) out.emplace_back(static_cast<int>(st->column_int(0)), st->column_text(1));
  return out;
}

}  // namespace
