// Unit tests for the fixture loader (api/fixture.cpp): a valid fixture lands in the store with its
// pinned ids, addresses, balances and history; each kind of broken fixture is reported at its exact
// JSON path and leaves the store empty; and the store's images (snapshots) and nested write batches
// the loader and the reset controls build on.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "emulator/api/fixture.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/amount.hpp"
#include "emulator/store/store.hpp"

namespace a = paratro::api;
namespace d = paratro::domain;
namespace s = paratro::store;

namespace {

constexpr std::int64_t kNow = 1767225600000LL;  // 2026-01-01T00:00:00Z

// A small valid fixture; tests break it by replacing one piece of text.
const std::string kBase = R"({
  "version": 1,
  "clients": [{
    "client_id": "c_test", "client_name": "Test Co", "api_key": "pk_test", "api_secret": "sk_test",
    "max_wallets": 2, "webhook": {"url": "http://127.0.0.1:9/hook", "secret": "whsec_fixture_1"},
    "wallets": [{
      "wallet_id": "w_main", "wallet_name": "Main", "created_at": "-P10D",
      "key_seed": "0101010101010101010101010101010101010101010101010101010101010101",
      "accounts": [{
        "account_id": "acc_eth", "chain": "ethereum", "label": "hot",
        "assets": [{
          "asset_id": "ast_usdt", "symbol": "USDT", "chain": "ethereum", "balance": "1500.25",
          "transactions": [{
            "tx_id": "tx_in", "direction": "INBOUND", "status": "CONFIRMED",
            "from_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7", "amount": "2000", "created_at": "-P5D"
          }, {
            "tx_id": "tx_out", "direction": "OUTBOUND", "status": "FAILED",
            "to_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7", "amount": "0.5", "created_at": "2025-12-30T10:00:00Z"
          }]
        }]
      }, {
        "account_id": "acc_sol", "chain": "solana",
        "assets": [{"asset_id": "ast_sol", "symbol": "SOL", "balance": "3"}]
      }]
    }]
  }]
})";

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
  return text;
}

struct Loaded {
  s::Store store{":memory:"};
  paratro::crypto::SeededRandom rng{7};
  paratro::chain::ChainTable chains;
  a::FixtureResult result;

  explicit Loaded(const std::string& text) {
    chains.set_epoch(kNow);
    result = a::load_fixture({store, rng, chains, kNow, 3000, 100, paratro::domain::kDefaultApiVersion}, text);
  }
};

}  // namespace

TEST_CASE("a valid fixture loads with its pinned ids, balances and history") {
  Loaded l(kBase);
  REQUIRE_MESSAGE(l.result.ok(),
                  (l.result.errors.empty() ? "" : l.result.errors[0].path + ": " + l.result.errors[0].message));
  CHECK(a::describe(l.result.counts) == "1 clients, 1 wallets, 2 accounts, 2 assets, 2 transactions");

  const auto client = l.store.find_client("c_test");
  REQUIRE(client);
  CHECK(client->api_key == "pk_test");
  CHECK(client->max_wallets == 2);
  CHECK(client->webhook_url == "http://127.0.0.1:9/hook");
  CHECK(client->webhook_secret == "whsec_fixture_1");
  CHECK(client->secret_hash != "sk_test");  // only a salted hash is kept

  const auto wallet = l.store.find_wallet("c_test", "w_main");
  REQUIRE(wallet);
  CHECK(wallet->status == d::WalletStatus::active);
  CHECK(wallet->created_at_ms == kNow - 10LL * 86400 * 1000);

  const auto asset = l.store.find_asset("c_test", "ast_usdt");
  REQUIRE(asset);
  CHECK(asset->balance == d::Amount(1500250000));  // 1500.25 USDT, 6 decimals
  CHECK(asset->created_at_ms == wallet->created_at_ms);

  const auto in = l.store.find_transaction("c_test", "tx_in");
  REQUIRE(in);
  CHECK(in->status == d::TxStatus::confirmed);
  CHECK(in->direction == d::TxDirection::inbound);
  CHECK(in->account_id == "acc_eth");
  CHECK(in->amount == d::Amount(2000000000));
  CHECK(in->tx_hash.size() == 66);
  CHECK(in->block_number > 0);
  CHECK(in->confirmations == 12);
  CHECK(in->next_due_ms == -1);
  const auto out = l.store.find_transaction("c_test", "tx_out");
  REQUIRE(out);
  CHECK(out->status == d::TxStatus::failed);
  CHECK(out->from_address == l.store.find_account("c_test", "acc_eth")->address);

  // History is a record only: the ledger holds exactly the fixture's balance, all of it minted.
  for (const auto& row : l.store.ledger_totals()) {
    if (row.symbol == "USDT") CHECK(row.minted == d::Amount(1500250000));
  }
  CHECK(l.store.get_setting(a::kFixtureSetting) == a::fixture_digest(kBase));
}

TEST_CASE("a key_seed gives the same addresses in every load, and a pinned address must match") {
  Loaded first(kBase), second(kBase);
  const auto x = first.store.find_account("c_test", "acc_sol");
  const auto y = second.store.find_account("c_test", "acc_sol");
  REQUIRE(x);
  REQUIRE(y);
  CHECK(x->address == y->address);

  Loaded pinned(replaced(kBase, R"("chain": "solana",)", R"("chain": "solana", "address": ")" + x->address + R"(",)"));
  CHECK(pinned.result.ok());
  Loaded wrong(
      replaced(kBase, R"("chain": "solana",)", R"("chain": "solana", "address": "11111111111111111111111111111111",)"));
  REQUIRE(wrong.result.errors.size() == 1);
  CHECK(wrong.result.errors[0].path == "$.clients[0].wallets[0].accounts[1].address");
  CHECK(wrong.result.errors[0].message.find(x->address) != std::string::npos);
}

TEST_CASE("broken fixtures are reported at the offending path and load nothing") {
  struct Case {
    std::string_view from, to, path, message;
  };
  std::string long_name = R"("wallet_name": ")";
  long_name.append(101, 'x').append("\"");
  const Case cases[] = {
      {R"("chain": "solana")", R"("chain": "dogecoin")", "$.clients[0].wallets[0].accounts[1].chain",
       "Unsupported chain: dogecoin"},
      {R"("balance": "1500.25")", R"("balance": "1.1234567")", "$.clients[0].wallets[0].accounts[0].assets[0].balance",
       "more decimal places"},
      {R"("symbol": "SOL")", R"("symbol": "USDC")", "$.clients[0].wallets[0].accounts[1].assets[0].symbol",
       "USDC is not available on solana"},
      {R"("symbol": "USDT", "chain": "ethereum")", R"("symbol": "USDT")",
       "$.clients[0].wallets[0].accounts[0].assets[0].chain", "chain is required for EVM accounts"},
      {R"("account_id": "acc_sol", "chain": "solana")", R"("account_id": "acc_sol", "chain": "ethereum")",
       "$.clients[0].wallets[0].accounts[1]", "already has an account on ethereum"},
      {R"("asset_id": "ast_sol")", R"("asset_id": "ast_usdt")",
       "$.clients[0].wallets[0].accounts[1].assets[0].asset_id",
       "duplicate id (also at $.clients[0].wallets[0].accounts[0].assets[0].asset_id)"},
      {R"("wallet_id": "w_main")", R"("wallet_id": "main")", "$.clients[0].wallets[0].wallet_id",
       "must start with \"w_\""},
      {R"("wallet_name": "Main")", long_name, "$.clients[0].wallets[0].wallet_name",
       "wallet_name must be at most 100 characters"},
      {R"("max_wallets": 2)", R"("max_wallets": 0)", "$.clients[0].wallets[0]", "Maximum wallet count exceeded"},
      {R"("amount": "2000")", R"("amount": "0")",
       "$.clients[0].wallets[0].accounts[0].assets[0].transactions[0].amount", "amount must be greater than 0"},
      {R"("from_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7")",
       R"("from_address": "0xdac17f958d2ee523a2206206994597C13D831ec7")",
       "$.clients[0].wallets[0].accounts[0].assets[0].transactions[0].from_address", "is not a valid ethereum address"},
      {R"("created_at": "-P5D")", R"("created_at": "-P20D")",
       "$.clients[0].wallets[0].accounts[0].assets[0].transactions[0].created_at", "is before the asset's created_at"},
      {R"("created_at": "2025-12-30T10:00:00Z")", R"("created_at": "2026-02-01T00:00:00Z")",
       "$.clients[0].wallets[0].accounts[0].assets[0].transactions[1].created_at", "is in the future"},
      {R"("status": "FAILED")", R"("status": "PENDING")",
       "$.clients[0].wallets[0].accounts[0].assets[0].transactions[1].status", "must be one of CONFIRMED, FAILED"},
      {R"("label": "hot")", R"("lable": "hot")", "$.clients[0].wallets[0].accounts[0].lable", "unknown field"},
      {R"("wallet_name": "Main", "created_at": "-P10D")",
       R"("wallet_name": "Main", "status": "PROGRESSING", "created_at": "-P10D")",
       "$.clients[0].wallets[0].accounts[0]", "Wallet is not in active state"},
      {R"("key_seed": "0101)", R"("key_seed": "zz01)", "$.clients[0].wallets[0].key_seed", "must be 64 hex characters"},
      {R"("url": "http://127.0.0.1:9/hook")", R"("url": "ftp://example.com")", "$.clients[0].webhook.url",
       "webhook url: url must start with http:// or https://"},
      {R"("secret": "whsec_fixture_1")", R"("secret": "hunter2")", "$.clients[0].webhook.secret",
       "webhook secret must be whsec_ followed by 8 to 122 characters"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    Loaded l(replaced(kBase, c.from, c.to));
    REQUIRE(!l.result.ok());
    bool found = false;
    for (const auto& e : l.result.errors) {
      if (e.path == c.path && e.message.find(c.message) != std::string::npos) found = true;
    }
    if (!found) {
      for (const auto& e : l.result.errors) MESSAGE(e.path << ": " << e.message);
    }
    CHECK(found);
    const auto counts = l.store.counts();
    CHECK(counts.clients + counts.wallets + counts.accounts + counts.assets + counts.transactions == 0);
    CHECK(!l.store.get_setting(a::kFixtureSetting));
  }
}

TEST_CASE("every error of a fixture is listed, and malformed JSON names line and column") {
  std::string text = replaced(kBase, R"("chain": "solana")", R"("chain": "dogecoin")");
  text = replaced(text, R"("amount": "2000")", R"("amount": "-1")");
  Loaded two(text);
  CHECK(two.result.errors.size() == 2);

  Loaded bad("{\n  \"clients\": [\n    {,\n  ]\n}");
  REQUIRE(bad.result.errors.size() == 1);
  CHECK(bad.result.errors[0].path == "$");
  CHECK(bad.result.errors[0].message.find("line 3, column 6") != std::string::npos);

  Loaded not_object("[]");
  REQUIRE(not_object.result.errors.size() == 1);
  CHECK(not_object.result.errors[0].message == "a fixture must be a JSON object");
}

TEST_CASE("a database image restores rows and keeps cached statements usable") {
  s::Store store(":memory:");
  store.put_setting("k", "before");
  const auto image = store.snapshot();
  CHECK(image->bytes() > 0);
  store.put_setting("k", "after");
  store.put_setting("other", "x");
  CHECK(store.get_setting("k") == "after");  // the cached SELECT is prepared now
  store.restore(*image);
  CHECK(store.get_setting("k") == "before");
  CHECK(!store.get_setting("other"));
  store.put_setting("k", "again");
  CHECK(store.get_setting("k") == "again");
}

TEST_CASE("a write batch commits only as a whole, and a failing inner write undoes only itself") {
  s::Store store(":memory:");
  auto st = store.write_batch([&]() -> d::Status {
    store.put_setting("a", "1");
    return d::make_error(d::ErrorCode::conflict, "no");
  });
  CHECK(!st);
  CHECK(!store.get_setting("a"));

  d::ClientRecord c;
  c.client_id = "c_1";
  c.client_name = "one";
  c.api_key = "pk_1";
  c.max_wallets = 1;
  st = store.write_batch([&]() -> d::Status {
    CHECK(store.create_client(c));
    CHECK(!store.create_client(c));  // conflict: rolled back to its savepoint, the batch goes on
    store.put_setting("b", "2");
    return d::ok_status();
  });
  CHECK(st);
  CHECK(store.counts().clients == 1);
  CHECK(store.get_setting("b") == "2");
}
