// Unit tests for the SQLite store: migrations, opening older/newer databases, WAL, transfers, limits, tenancy, paging.
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

namespace d = paratro::domain;
namespace s = paratro::store;
namespace fs = std::filesystem;

namespace {

// prefix + n, built by appending (GCC 12 at -O3 warns falsely on `"literal" + std::string`).
std::string numbered(std::string_view prefix, long long n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

// A fresh directory under the system temp dir, removed (with any WAL/SHM files) on scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    std::string name = numbered("paratro-store-test-", rd());
    name += numbered("-", rd());
    path_ = fs::temp_directory_path() / name;
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string units(d::Amount v) { return d::to_base_units_string(v); }

constexpr std::string_view kAddr1 = "0x1111111111111111111111111111111111111111";
constexpr std::string_view kAddr2 = "0x2222222222222222222222222222222222222222";

d::ClientRecord make_client(const std::string& id, std::int64_t max_wallets = 5) {
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

d::WalletRecord make_wallet(const std::string& id, const std::string& client, std::int64_t at_ms = 1000) {
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

d::WalletKeys make_keys() {
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

d::AssetRecord make_asset(const std::string& id, const d::AccountRecord& acc, std::string symbol = "USDT") {
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

// `amount` must parse (domain::parse_transfer_amount), except "0", which the handler refuses and
// is built here directly so the store's own refusal of zero is tested too.
d::TransferCommand transfer_request(const std::string& amount, std::string client = "c1") {
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

d::TransactionRecord new_tx(const std::string& id, std::int64_t at_ms = 5000) {
  d::TransactionRecord t;
  t.tx_id = id;
  t.created_at_ms = at_ms;
  t.updated_at_ms = at_ms;
  t.next_due_ms = at_ms + 2000;
  return t;
}

std::vector<std::pair<int, std::string>> recorded_migrations(s::Database& db) {
  std::vector<std::pair<int, std::string>> out;
  auto st = db.use("SELECT version, name FROM schema_migrations ORDER BY version");
  while (st->step()) out.emplace_back(static_cast<int>(st->column_int(0)), st->column_text(1));
  return out;
}

}  // namespace

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
      {"0.0004", "400", "600"},
      {"0.000001", "1", "999"},
      {"0.001", "1000", "0"},  // the whole balance
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
      db.exec("INSERT INTO transactions(tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type,"
              " direction, from_address, to_address, token_symbol, amount, decimals, memo, status, tx_hash,"
              " block_number, confirmations, created_at_ms, updated_at_ms) VALUES ('" +
              numbered("tx", i) + "', '" + wallet + "', 'acc_" + wallet + "_" + chain + "', 'ast', '" + client +
              "', '" + chain + "', 'TRANSFER', 'OUTBOUND', 'a', 'b', 'USDT', '1', 6, '', 'CONFIRMED', '', 0, 0, " +
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
}

// The counter-and-rank lists against the plain definition (filter, newest first, page by page), for
// every single filter and page size, with transfers added through the store after the migration.
TEST_CASE("rank lists equal the filtered table, newest first, on every page") {
  Seeded seeded{":memory:", 1'000'000};
  for (int i = 1; i <= 23; ++i) {
    REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx(numbered("tx", i), 5000 + i)).ok());
  }
  for (const s::TransactionFilter& f : {s::TransactionFilter{}, s::TransactionFilter{"w1", "", ""},
                                         s::TransactionFilter{"", "acc1", ""}, s::TransactionFilter{"", "", "ethereum"}}) {
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
