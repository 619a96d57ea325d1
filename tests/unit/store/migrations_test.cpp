// Unit tests for store/migrations and opening databases: numbering, recording, older and newer
// databases, the journal mode and persistence.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/store/database.hpp"
#include "emulator/store/migrations.hpp"
#include "emulator/store/store.hpp"
#include "tests/unit/store/store_fixtures.hpp"

// Parallel branches reserve migration numbers (issue 9: 006, 007, 008), so a branch may have a gap;
// the runner applies whatever is above the recorded version, in order.
TEST_CASE("embedded migrations are numbered from 1, strictly increasing") {
  const auto& ms = s::embedded_migrations();
  REQUIRE(ms.size() >= 2);
  CHECK(ms[0].version == 1);
  for (std::size_t i = 0; i < ms.size(); ++i) {
    CAPTURE(i);
    if (i > 0) CHECK(ms[i].version > ms[i - 1].version);
    CHECK_FALSE(ms[i].name.empty());
    CHECK_FALSE(ms[i].sql.empty());
  }
}

TEST_CASE("migrations are recorded in schema_migrations and run once") {
  const auto& all = s::embedded_migrations();
  SUBCASE("all at once, then none") {
    s::Database db(":memory:");
    CHECK(s::apply_migrations(db, all) == static_cast<int>(all.size()));
    const auto rec = recorded_migrations(db);
    REQUIRE(rec.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      CAPTURE(i);
      CHECK(rec[i].first == all[i].version);
      CHECK(rec[i].second == all[i].name);
    }
    CHECK(s::apply_migrations(db, all) == 0);
    CHECK(recorded_migrations(db).size() == all.size());
  }
  SUBCASE("the first, then the rest") {
    s::Database db(":memory:");
    CHECK(s::apply_migrations(db, {all[0]}) == 1);
    CHECK(recorded_migrations(db).size() == 1);
    CHECK(s::apply_migrations(db, all) == static_cast<int>(all.size()) - 1);
    CHECK(recorded_migrations(db).size() == all.size());
    CHECK(s::apply_migrations(db, all) == 0);
  }
}

TEST_CASE("a database written with only migration 1 opens in this build") {
  TempDir dir;
  const std::string path = dir.file("v1.db");
  {
    s::Database db(path);
    REQUIRE(s::apply_migrations(db, {s::embedded_migrations()[0]}) == 1);
    db.exec(
        "INSERT INTO clients(client_id, client_name, api_key, secret_salt, secret_hash, status, subscription_tier,"
        " max_wallets, created_at_ms) VALUES ('c1', 'old', 'key_c1', 'salt', 'hash', 'ACTIVE', 'SANDBOX', 5, 100)");
    db.exec(
        "INSERT INTO wallets(wallet_id, client_id, wallet_name, description, status, key_status, secp256k1_secret,"
        " ed25519_seed, key_ready_at_ms, created_at_ms, updated_at_ms)"
        " VALUES ('w1', 'c1', 'old wallet', '', 'ACTIVE', 'ACTIVE', x'11', x'22', 100, 100, 100)");
    db.exec(
        "INSERT INTO accounts(account_id, wallet_id, client_id, chain, network, address, address_key, address_type,"
        " account_type, label, status, created_at_ms) VALUES ('acc1', 'w1', 'c1', 'ethereum', 'mainnet',"
        " '0x1111111111111111111111111111111111111111', '0x1111111111111111111111111111111111111111', 'EOA',"
        " 'DEPOSIT', 'main', 'ACTIVE', 100)");
    db.exec(
        "INSERT INTO assets(asset_id, account_id, wallet_id, client_id, chain, network, address_key, symbol, name,"
        " contract_address, decimals, asset_type, balance, locked_balance, is_active, created_at_ms)"
        " VALUES ('ast1', 'acc1', 'w1', 'c1', 'ethereum', 'mainnet', '0x1111111111111111111111111111111111111111',"
        " 'USDT', 'Tether USD', '0xdAC17F958D2ee523a2206206994597C13D831ec7', 6, 'ERC20',"
        " '123456789012345678901234567890', '250', 1, 100)");
    db.exec(
        "INSERT INTO transactions(tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type,"
        " direction, from_address, to_address, token_symbol, amount, decimals, memo, status, tx_hash, block_number,"
        " confirmations, created_at_ms, updated_at_ms) VALUES ('tx1', 'w1', 'acc1', 'ast1', 'c1', 'ethereum',"
        " 'TRANSFER', 'OUTBOUND', '0x1111111111111111111111111111111111111111',"
        " '0x2222222222222222222222222222222222222222', 'USDT', '250', 6, '', 'PENDING', '', 0, 0, 100, 150)");
  }

  s::Store store(path);
  const auto client = store.find_client("c1");
  REQUIRE(client.has_value());
  CHECK(client->client_name == "old");
  CHECK(client->max_wallets == 5);
  const auto wallet = store.find_wallet("c1", "w1");
  REQUIRE(wallet.has_value());
  CHECK(wallet->wallet_name == "old wallet");
  CHECK(store.find_account("c1", "acc1").has_value());

  // The balance moved into the ledger and is served from there.
  const auto asset = store.find_asset("c1", "ast1");
  REQUIRE(asset.has_value());
  CHECK(units(asset->balance) == "123456789012345678901234567890");
  CHECK(units(asset->locked_balance) == "250");

  // A version-1 transfer is picked up by the scheduler at its last update.
  const auto tx = store.find_transaction("c1", "tx1");
  REQUIRE(tx.has_value());
  CHECK(tx->status == d::TxStatus::pending);
  CHECK(tx->next_due_ms == 150);
  const auto due = store.due_transactions(150, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].tx_id == "tx1");

  const auto c = store.counts();
  CHECK(c.clients == 1);
  CHECK(c.wallets == 1);
  CHECK(c.accounts == 1);
  CHECK(c.assets == 1);
  CHECK(c.transactions == 1);
}

// Migration 011 ranks the wallets already there, per client in the order they were made; the list
// (newest first, its total the highest rank) and the wallet limit then read those ranks, and a new
// wallet takes the next one.
TEST_CASE("wallets written before migration 011 get their list ranks") {
  TempDir dir;
  const std::string path = dir.file("v10.db");
  {
    s::Database db(path);
    std::vector<s::Migration> before;
    for (const auto& m : s::embedded_migrations())
      if (m.version < 11) before.push_back(m);
    s::apply_migrations(db, before);
    for (const char* c : {"c1", "c2"}) {
      db.exec(std::string("INSERT INTO clients(client_id, client_name, api_key, secret_salt, secret_hash, status,"
                          " subscription_tier, max_wallets, created_at_ms) VALUES ('")
                  .append(c)
                  .append("', 'old', 'key_")
                  .append(c)
                  .append("', 'salt', 'hash', 'ACTIVE', 'SANDBOX', 4, 100)"));
    }
    // Interleaved: c1 w1, c2 w2, c1 w3, c1 w4, c2 w5.
    for (const auto& [w, c] : std::vector<std::pair<std::string, std::string>>{
             {"w1", "c1"}, {"w2", "c2"}, {"w3", "c1"}, {"w4", "c1"}, {"w5", "c2"}}) {
      db.exec(
          "INSERT INTO wallets(wallet_id, client_id, wallet_name, description, status, key_status,"
          " secp256k1_secret, ed25519_seed, key_ready_at_ms, created_at_ms, updated_at_ms) VALUES ('" +
          w + "', '" + c + "', 'old', '', 'ACTIVE', 'ACTIVE', x'11', x'22', 100, 100, 100)");
    }
  }
  s::Store store(path);
  auto ids = [&](const std::string& client, std::int64_t page, std::int64_t size) {
    const auto p = store.list_wallets(client, d::PageRequest{page, size});
    std::vector<std::string> out;
    for (const auto& w : p.items) out.push_back(w.wallet_id);
    return std::make_tuple(p.total, p.has_more, out);
  };
  CHECK(ids("c1", 1, 2) == std::make_tuple(std::int64_t{3}, true, std::vector<std::string>{"w4", "w3"}));
  CHECK(ids("c1", 2, 2) == std::make_tuple(std::int64_t{3}, false, std::vector<std::string>{"w1"}));
  CHECK(ids("c1", 3, 2) == std::make_tuple(std::int64_t{3}, false, std::vector<std::string>{}));
  CHECK(ids("c2", 1, 10) == std::make_tuple(std::int64_t{2}, false, std::vector<std::string>{"w5", "w2"}));
  // The limit (4) counts the migrated wallets; the new one is c1's fourth, newest in its list.
  REQUIRE(store.create_wallet(make_wallet("w6", "c1"), make_keys(), 4).ok());
  CHECK(ids("c1", 1, 10) == std::make_tuple(std::int64_t{4}, false, std::vector<std::string>{"w6", "w4", "w3", "w1"}));
  const auto refused = store.create_wallet(make_wallet("w7", "c1"), make_keys(), 4);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == d::ErrorCode::wallet_limit_reached);
  CHECK(std::get<0>(ids("c2", 1, 10)) == 2);
}

TEST_CASE("a database from a newer build is refused") {
  TempDir dir;
  const std::string path = dir.file("future.db");
  const int newest = s::embedded_migrations().back().version;
  {
    s::Database db(path);
    s::apply_migrations(db, s::embedded_migrations());
    auto st = db.use("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'from the future', 0)");
    st->bind(1, newest + 1).run();
  }
  CHECK_THROWS_AS(s::Store{path}, s::StoreError);
  s::Database db(path);
  CHECK_THROWS_AS(s::apply_migrations(db, s::embedded_migrations()), s::StoreError);
  // Refusing changed nothing.
  CHECK(recorded_migrations(db).back().first == newest + 1);
}

TEST_CASE("journal mode and persistence") {
  SUBCASE("a file uses WAL and keeps its rows across opens") {
    TempDir dir;
    const std::string path = dir.file("wal.db");
    {
      Seeded seeded(path, 4242);
      CHECK(seeded.store.journal_mode() == "wal");
      CHECK(seeded.store.path() == path);
    }
    s::Store reopened(path);
    CHECK(reopened.journal_mode() == "wal");
    const auto asset = reopened.find_asset("c1", "ast1");
    REQUIRE(asset.has_value());
    CHECK(units(asset->balance) == "4242");
  }
  SUBCASE(":memory: is private to its Store") {
    Seeded seeded;
    CHECK(seeded.store.journal_mode() == "memory");
    s::Store other(":memory:");
    CHECK(other.counts().clients == 0);
    CHECK(seeded.store.counts().clients == 2);
  }
}

// The statements a lifecycle step runs once per step must seek, whatever the table's size: a scan
// there makes an advance quadratic (migration 010 found one on x402_settlements).
TEST_CASE("the per-step statements of the simulated chain seek rather than scan") {
  s::Database db(":memory:");
  s::apply_migrations(db, s::embedded_migrations());
  for (const char* sql : {
           "UPDATE x402_settlements SET status = 'X', updated_at_ms = 1 WHERE tx_id = 'a' OR settle_tx_id = 'a'",
           "UPDATE x402_settlements SET locked = '0' WHERE tx_id = 'a'",
           "SELECT * FROM transactions WHERE twin_of = 'a' AND twin_of <> ''",
           "SELECT * FROM transactions WHERE next_due_ms IS NOT NULL AND next_due_ms <= 5 ORDER BY next_due_ms, seq",
           "SELECT MAX(client_rank) FROM transactions WHERE client_id = 'c'",
           "SELECT MAX(chain_rank) FROM transactions WHERE client_id = 'c' AND chain = 'ethereum'",
           "SELECT IFNULL(MAX(client_rank), 0) FROM wallets WHERE client_id = 'c'",
           "SELECT * FROM wallets WHERE client_id = 'c' AND client_rank <= 40 ORDER BY client_rank DESC LIMIT 20",
       }) {
    CAPTURE(sql);
    auto plan = db.use(std::string("EXPLAIN QUERY PLAN ") + sql);
    int rows = 0;
    while (plan->step()) {
      ++rows;
      const std::string detail = plan->column_text(3);
      CAPTURE(detail);
      CHECK(detail.rfind("SCAN", 0) != 0);
      CHECK(detail.find("TEMP B-TREE") == std::string::npos);
    }
    CHECK(rows > 0);
  }
}
