// Unit tests for the SQLite store: transfers, limits, tenancy, paging and idempotency keys.
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
#include "tests/unit/store/store_fixtures.hpp"

// Regression: with a reader holding an old snapshot, a passive checkpoint cannot finish, and the
// WAL hook used to start one (reading the WAL index and syncing the file) after every commit.
TEST_CASE("the WAL hook retries a blocked checkpoint only after the WAL grows by the threshold") {
  TempDir dir;
  const std::string path = dir.file("hook.db");
  s::Database db(path);
  db.exec("CREATE TABLE blobs (b BLOB)");
  db.set_checkpoint_threshold(8);
  s::Database reader(path, s::Database::Mode::read_only);
  reader.exec("BEGIN");
  {
    auto st = reader.use("SELECT COUNT(*) FROM blobs");
    REQUIRE(st->step());  // the read transaction now pins its snapshot
  }
  const std::vector<std::uint8_t> page(3000, 7);
  const int commits = 200;
  for (int i = 0; i < commits; ++i) {
    auto st = db.use("INSERT INTO blobs VALUES (?)");
    st->bind_blob(1, page).run();
  }
  const auto pages = db.wal_pages();
  CAPTURE(pages);
  CHECK(pages > 8 * 10);                          // the checkpoint could not empty the WAL
  CHECK(db.hook_checkpoints() >= pages / 12);     // still tried as the WAL grew (a commit adds ~3 pages) ...
  CHECK(db.hook_checkpoints() <= pages / 8 + 1);  // ... once per threshold, not per commit
  CHECK(db.hook_checkpoints() < commits / 2);
  reader.exec("COMMIT");
}

TEST_CASE("create_transfer refusals change nothing") {
  struct Case {
    const char* name;
    std::string amount;
    std::string client;
    std::string symbol;
    d::ErrorCode code;
  };
  const Case cases[] = {
      {"more than the balance", "0.001001", "c1", "USDT", d::ErrorCode::insufficient_balance},
      {"far more than the balance", "1000000", "c1", "USDT", d::ErrorCode::insufficient_balance},
      {"zero", "0", "c1", "USDT", d::ErrorCode::invalid_parameter},
      {"too many decimals", "0.0000001", "c1", "USDT", d::ErrorCode::invalid_parameter},

      {"unknown token", "0.0001", "c1", "USDC", d::ErrorCode::not_found},
      {"another client's address", "0.0001", "c2", "USDT", d::ErrorCode::not_found},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Seeded seeded;
    auto req = transfer_request(c.amount, c.client);
    req.token_symbol = c.symbol;
    const auto r = seeded.store.create_transfer(req, new_tx("tx1"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    const auto asset = seeded.store.find_asset("c1", "ast1");
    REQUIRE(asset.has_value());
    CHECK(units(asset->balance) == "1000");
    CHECK(units(asset->locked_balance) == "0");
    CHECK(seeded.store.counts().transactions == 0);
    CHECK_FALSE(seeded.store.find_transaction_any("tx1").has_value());
  }
}

TEST_CASE("create_transfer moves the amount from balance to locked and inserts a PENDING transaction") {
  struct Case {
    std::string amount;
    std::string moved;  // base units
    std::string left;
  };
  const Case cases[] = {
      {"0.0004", "400", "600"}, {"0.000001", "1", "999"}, {"0.001", "1000", "0"},  // the whole balance
  };
  for (const auto& c : cases) {
    CAPTURE(c.amount);
    Seeded seeded;
    const auto r = seeded.store.create_transfer(transfer_request(c.amount), new_tx("tx1", 5000));
    REQUIRE(r.ok());
    CHECK(r->status == d::TxStatus::pending);
    CHECK(units(r->amount) == c.moved);

    const auto asset = seeded.store.find_asset("c1", "ast1");
    REQUIRE(asset.has_value());
    CHECK(units(asset->balance) == c.left);
    CHECK(units(asset->locked_balance) == c.moved);

    const auto stored = seeded.store.find_transaction("c1", "tx1");
    REQUIRE(stored.has_value());
    CHECK(stored->status == d::TxStatus::pending);
    CHECK(stored->direction == d::TxDirection::outbound);
    CHECK(units(stored->amount) == c.moved);
    CHECK(stored->decimals == 6);
    CHECK(stored->asset_id == "ast1");
    CHECK(stored->account_id == "acc1");
    CHECK(stored->wallet_id == "w1");
    CHECK(stored->from_address == kAddr1);
    CHECK(stored->to_address == kAddr2);
    CHECK(stored->token_symbol == "USDT");
    CHECK(stored->memo == "invoice 7");
    CHECK(stored->created_at_ms == 5000);
    CHECK(stored->next_due_ms == 7000);
    CHECK(seeded.store.counts().transactions == 1);
  }
}

TEST_CASE("a second transfer sees the balance the first left") {
  Seeded seeded;
  REQUIRE(seeded.store.create_transfer(transfer_request("0.0006"), new_tx("tx1")).ok());
  const auto r = seeded.store.create_transfer(transfer_request("0.0005"), new_tx("tx2"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == d::ErrorCode::insufficient_balance);
  REQUIRE(seeded.store.create_transfer(transfer_request("0.0004"), new_tx("tx3")).ok());
  const auto asset = seeded.store.find_asset("c1", "ast1");
  REQUIRE(asset.has_value());
  CHECK(units(asset->balance) == "0");
  CHECK(units(asset->locked_balance) == "1000");
  CHECK(seeded.store.counts().transactions == 2);
}

TEST_CASE("create_wallet stops at max_wallets") {
  s::Store store(":memory:");
  REQUIRE(store.create_client(make_client("c1", 2)).ok());
  REQUIRE(store.create_client(make_client("c2", 2)).ok());
  CHECK(store.create_wallet(make_wallet("w1", "c1"), make_keys(), 2).ok());
  CHECK(store.create_wallet(make_wallet("w2", "c1"), make_keys(), 2).ok());
  const auto third = store.create_wallet(make_wallet("w3", "c1"), make_keys(), 2);
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().code == d::ErrorCode::wallet_limit_reached);
  CHECK_FALSE(store.find_wallet("c1", "w3").has_value());
  CHECK(store.counts().wallets == 2);
  // The limit is per client.
  CHECK(store.create_wallet(make_wallet("w4", "c2"), make_keys(), 2).ok());
  CHECK(store.counts().wallets == 3);
}

TEST_CASE("create_asset refuses a second asset of the same symbol on an account") {
  Seeded seeded;
  const auto dup = seeded.store.create_asset(make_asset("ast2", seeded.account, "USDT"));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == d::ErrorCode::asset_already_exists);
  CHECK_FALSE(seeded.store.find_asset("c1", "ast2").has_value());
  CHECK(seeded.store.counts().assets == 1);
  // Another symbol on the same account is fine.
  CHECK(seeded.store.create_asset(make_asset("ast3", seeded.account, "USDC")).ok());
  CHECK(seeded.store.counts().assets == 2);
}

TEST_CASE("another client's rows are not found") {
  Seeded seeded;
  REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx("tx1")).ok());
  auto& st = seeded.store;

  CHECK(st.find_wallet("c1", "w1").has_value());
  CHECK(st.find_account("c1", "acc1").has_value());
  CHECK(st.find_asset("c1", "ast1").has_value());
  CHECK(st.find_transaction("c1", "tx1").has_value());

  for (std::string_view other : {"c2", "nobody", ""}) {
    CAPTURE(other);
    CHECK_FALSE(st.find_wallet(other, "w1").has_value());
    CHECK_FALSE(st.find_account(other, "acc1").has_value());
    CHECK_FALSE(st.find_asset(other, "ast1").has_value());
    CHECK_FALSE(st.find_transaction(other, "tx1").has_value());
    CHECK(st.list_wallets(other, {}).total == 0);
    CHECK(st.list_accounts(other, "", {}).total == 0);
    CHECK(st.list_accounts(other, "w1", {}).total == 0);
    CHECK(st.list_assets(other, "", {}).total == 0);
    CHECK(st.list_assets(other, "acc1", {}).total == 0);
    CHECK(st.list_transactions(other, {}, {}).total == 0);
  }
  // c2 cannot create an account in c1's wallet either.
  const auto acc = st.create_account(make_account("acc9", "w1", "c2", kAddr2));
  REQUIRE_FALSE(acc.ok());
  CHECK(acc.error().code == d::ErrorCode::not_found);
}

TEST_CASE("list_wallets pages newest first") {
  s::Store store(":memory:");
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(store.create_wallet(make_wallet(numbered("w", i), "c1", 1000 + i), make_keys(), 10).ok());
  }
  struct Case {
    std::int64_t page, size;
    std::vector<std::string> ids;
    bool has_more;
  };
  const Case cases[] = {
      {1, 2, {"w5", "w4"}, true},
      {2, 2, {"w3", "w2"}, true},
      {3, 2, {"w1"}, false},
      {4, 2, {}, false},
      {1, 5, {"w5", "w4", "w3", "w2", "w1"}, false},
      {1, 4, {"w5", "w4", "w3", "w2"}, true},
      {1, 100, {"w5", "w4", "w3", "w2", "w1"}, false},
      {5, 1, {"w1"}, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.page);
    CAPTURE(c.size);
    const auto page = store.list_wallets("c1", d::PageRequest{c.page, c.size});
    CHECK(page.total == 5);
    CHECK(page.has_more == c.has_more);
    std::vector<std::string> ids;
    for (const auto& w : page.items) ids.push_back(w.wallet_id);
    CHECK(ids == c.ids);
  }
}

TEST_CASE("list_transactions pages newest first and filters") {
  Seeded seeded;
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx(numbered("tx", i), 5000 + i)).ok());
  }
  const auto all = seeded.store.list_transactions("c1", {}, {1, 2});
  CHECK(all.total == 3);
  CHECK(all.has_more);
  REQUIRE(all.items.size() == 2);
  CHECK(all.items[0].tx_id == "tx3");
  CHECK(all.items[1].tx_id == "tx2");
  const auto rest = seeded.store.list_transactions("c1", {}, {2, 2});
  CHECK_FALSE(rest.has_more);
  REQUIRE(rest.items.size() == 1);
  CHECK(rest.items[0].tx_id == "tx1");

  CHECK(seeded.store.list_transactions("c1", {"w1", "", ""}, {}).total == 3);
  CHECK(seeded.store.list_transactions("c1", {"", "acc1", "ethereum"}, {}).total == 3);
  CHECK(seeded.store.list_transactions("c1", {"", "", "bsc"}, {}).total == 0);
  CHECK(seeded.store.list_transactions("c1", {"w9", "", ""}, {}).total == 0);
}

// Migration 005: a database with transactions written before it gets their list ranks and the list
// counters, and lists page the same way afterwards.
TEST_CASE("list ranks are back-filled for transactions written before migration 005") {
  TempDir dir;
  const std::string path = dir.file("v4.db");
  const auto& all = s::embedded_migrations();
  {
    s::Database db(path);
    REQUIRE(s::apply_migrations(db, {all[0], all[1], all[2], all[3]}) == 4);
    for (const char* id : {"c1", "c2"}) {
      db.exec(std::string("INSERT INTO clients(client_id, client_name, api_key, secret_salt, secret_hash, status,"
                          " subscription_tier, max_wallets, created_at_ms) VALUES ('") +
              id + "', 'n', 'key_" + id + "', 's', 'h', 'ACTIVE', 'SANDBOX', 5, 1)");
    }
    for (const char* row : {"'w1', 'c1'", "'w2', 'c1'", "'w3', 'c2'"}) {
      db.exec(std::string("INSERT INTO wallets(wallet_id, client_id, wallet_name, description, status, key_status,"
                          " secp256k1_secret, ed25519_seed, key_ready_at_ms, created_at_ms, updated_at_ms) VALUES (") +
              row + ", 'w', '', 'ACTIVE', 'ACTIVE', x'11', x'22', 1, 1, 1)");
    }
    // Two clients, c1 with two wallets; rows interleaved across clients, wallets and chains.
    for (int i = 1; i <= 12; ++i) {
      const std::string client = i % 3 == 0 ? "c2" : "c1";
      const std::string wallet = client == "c2" ? "w3" : (i % 2 ? "w1" : "w2");
      const std::string chain = i % 4 == 0 ? "tron" : "ethereum";
      db.exec(
          "INSERT INTO transactions(tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type,"
          " direction, from_address, to_address, token_symbol, amount, decimals, memo, status, tx_hash,"
          " block_number, confirmations, created_at_ms, updated_at_ms) VALUES ('" +
          numbered("tx", i) + "', '" + wallet + "', 'acc_" + wallet + "_" + chain + "', 'ast', '" + client + "', '" +
          chain + "', 'TRANSFER', 'OUTBOUND', 'a', 'b', 'USDT', '1', 6, '', 'CONFIRMED', '', 0, 0, " +
          std::to_string(i) + ", " + std::to_string(i) + ")");
    }
  }
  s::Store store(path);
  const auto ids = [](const d::Page<d::TransactionRecord>& p) {
    std::vector<std::string> out;
    for (const auto& t : p.items) out.push_back(t.tx_id);
    return out;
  };
  const auto c1 = store.list_transactions("c1", {}, {1, 100});
  CHECK(c1.total == 8);
  CHECK(ids(c1) == std::vector<std::string>{"tx11", "tx10", "tx8", "tx7", "tx5", "tx4", "tx2", "tx1"});
  const auto w2 = store.list_transactions("c1", {"w2", "", ""}, {1, 2});
  CHECK(w2.total == 4);
  CHECK(w2.has_more);
  CHECK(ids(w2) == std::vector<std::string>{"tx10", "tx8"});
  CHECK(ids(store.list_transactions("c1", {"w2", "", ""}, {2, 2})) == std::vector<std::string>{"tx4", "tx2"});
  const auto tron = store.list_transactions("c1", {"", "", "tron"}, {1, 100});
  CHECK(ids(tron) == std::vector<std::string>{"tx8", "tx4"});
  CHECK(store.list_transactions("c2", {}, {1, 100}).total == 4);
  // A wallet of another client lists nothing, whatever its counter says.
  CHECK(store.list_transactions("c2", {"w1", "", ""}, {1, 100}).total == 0);
  // Migration 008 dropped the trigger that kept them (the store assigns ranks from now on) and 009
  // the counters (a list's length is its highest rank).
  s::Database check(path);
  auto left = check.use("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' OR name = 'list_counters'");
  REQUIRE(left->step());
  CHECK(left->column_int(0) == 0);
  // The sandbox's per-client count reads the same highest rank.
  CHECK(store.client_counts("c1").transactions == 8);
  CHECK(store.client_counts("c2").transactions == 4);
}

// The counter-and-rank lists against the plain definition (filter, newest first, page by page), for
// every single filter and page size, with transfers added through the store after the migration.
TEST_CASE("rank lists equal the filtered table, newest first, on every page") {
  Seeded seeded{":memory:", 1'000'000};
  for (int i = 1; i <= 23; ++i) {
    REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx(numbered("tx", i), 5000 + i)).ok());
  }
  for (const s::TransactionFilter& f :
       {s::TransactionFilter{}, s::TransactionFilter{"w1", "", ""}, s::TransactionFilter{"", "acc1", ""},
        s::TransactionFilter{"", "", "ethereum"}}) {
    for (std::int64_t size : {1, 5, 7, 23, 100}) {
      CAPTURE(f.wallet_id);
      CAPTURE(f.account_id);
      CAPTURE(f.chain);
      CAPTURE(size);
      int expected = 23;
      for (std::int64_t page = 1; page <= 25; ++page) {
        const auto got = seeded.store.list_transactions("c1", f, {page, size});
        CHECK(got.total == 23);
        for (const auto& t : got.items) CHECK(t.tx_id == numbered("tx", expected--));
        CHECK(got.has_more == (expected > 0));
        if (got.items.empty()) break;
      }
      CHECK(expected == 0);
    }
  }
}

TEST_CASE("idempotency keys: kept until they expire, per client, bounded with the oldest evicted") {
  s::Store store(":memory:");
  auto keep = [&](std::string_view client, std::string_view key, std::int64_t now, std::int64_t max_rows) {
    s::Store::IdempotentResponse r{"/api/v1/transactions", 200, numbered("{\"n\":", now) + "}", now, now + 100};
    store.save_idempotent_response(client, key, r, now, max_rows);
  };
  keep("c1", "k", 0, 10);
  SUBCASE("found before its expiry, not at it, and only for its client") {
    const auto found = store.find_idempotent_response("c1", "k", 99);
    REQUIRE(found.has_value());
    CHECK(found->body == "{\"n\":0}");
    CHECK(found->status == 200);
    CHECK(found->route == "/api/v1/transactions");
    CHECK(found->expires_at_ms == 100);
    CHECK_FALSE(store.find_idempotent_response("c1", "k", 100).has_value());
    CHECK_FALSE(store.find_idempotent_response("c2", "k", 50).has_value());
  }
  SUBCASE("an expired key is replaced") {
    keep("c1", "k", 150, 10);
    const auto found = store.find_idempotent_response("c1", "k", 160);
    REQUIRE(found.has_value());
    CHECK(found->body == "{\"n\":150}");
  }
  SUBCASE("at the cap the oldest keys make room") {
    keep("c1", "k2", 1, 3);
    keep("c2", "k", 2, 3);
    keep("c2", "k4", 3, 3);  // the fourth: c1/k (the oldest) goes
    CHECK_FALSE(store.find_idempotent_response("c1", "k", 4).has_value());
    for (const auto& kept : {std::pair{"c1", "k2"}, {"c2", "k"}, {"c2", "k4"}}) {
      const char* key = kept.second;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
      CAPTURE(key);
      CHECK(store.find_idempotent_response(kept.first, key, 4).has_value());
    }
  }
  SUBCASE("expired keys are pruned before anything is evicted") {
    keep("c1", "k2", 1, 2);
    keep("c1", "k3", 120, 2);  // k (expired at 100) and k2 (at 101) are pruned, nothing evicted
    CHECK(store.find_idempotent_response("c1", "k3", 121).has_value());
    keep("c1", "k4", 121, 2);
    CHECK(store.find_idempotent_response("c1", "k3", 122).has_value());
    CHECK(store.find_idempotent_response("c1", "k4", 122).has_value());
  }
}
