// The row descriptions of store/rows.hpp: the SQL they generate names the columns in the schema's
// order (a reorder would silently swap values of one type), and a record written through a
// description reads back field for field, enums, amounts and NULL times included.
#include <doctest/doctest.h>

#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace d = paratro::domain;
namespace s = paratro::store;

TEST_CASE("row descriptions generate the statements the schema expects") {
  CHECK(s::select_wallets(" WHERE wallet_id = ?") ==
        "SELECT wallet_id, client_id, wallet_name, description, status, key_status, key_ready_at_ms, created_at_ms, "
        "updated_at_ms FROM wallets WHERE wallet_id = ?");
  CHECK(s::insert_sql("wallets", s::kWalletRow, {"secp256k1_secret", "ed25519_seed"}) ==
        "INSERT INTO wallets(wallet_id, client_id, wallet_name, description, status, key_status, key_ready_at_ms, "
        "created_at_ms, updated_at_ms, secp256k1_secret, ed25519_seed) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  CHECK(s::select_assets(" WHERE a.asset_id = ?") ==
        "SELECT a.asset_id, a.account_id, a.wallet_id, a.client_id, a.chain, a.network, a.address_key, a.symbol, "
        "a.name, a.contract_address, a.decimals, a.asset_type, COALESCE(b.balance, '0'), COALESCE(b.locked, '0'), "
        "a.is_active, a.created_at_ms FROM assets a LEFT JOIN balances b ON b.chain = a.chain AND b.address_key = "
        "a.address_key AND b.symbol = a.symbol WHERE a.asset_id = ?");
  // An extra column given by an expression over the row's own parameters (param_of).
  static_assert(s::param_of(s::kWalletRow, "wallet_id") == 1 && s::param_of(s::kWalletRow, "client_id") == 2);
  CHECK(s::insert_sql("wallets", s::kWalletRow, {"secp256k1_secret", {"ed25519_seed", "upper(?2)"}}) ==
        "INSERT INTO wallets(wallet_id, client_id, wallet_name, description, status, key_status, key_ready_at_ms, "
        "created_at_ms, updated_at_ms, secp256k1_secret, ed25519_seed) VALUES (?,?,?,?,?,?,?,?,?,?,upper(?2))");
  CHECK(s::insert_sql("assets", s::kAssetRow) ==
        "INSERT INTO assets(asset_id, account_id, wallet_id, client_id, chain, network, address_key, symbol, name, "
        "contract_address, decimals, asset_type, balance, locked_balance, is_active, created_at_ms) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const std::string tx_select = s::select_transactions("");
  CHECK(tx_select.starts_with("SELECT tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type, "));
  CHECK(tx_select.ends_with("confirmed_at_ms, reference_id, operation, call_data FROM transactions"));
}

TEST_CASE("a transaction written through its description reads back field for field") {
  s::Store store(":memory:");
  d::ClientRecord c;
  c.client_id = c.client_name = "c1";
  c.api_key = "key_c1";
  c.status = d::ClientStatus::suspended;
  c.api_version = d::ApiVersion::v2026_09;
  REQUIRE(store.create_client(c).ok());
  const auto client = store.find_client("c1");
  REQUIRE(client);
  CHECK(client->status == d::ClientStatus::suspended);
  CHECK(client->api_version == d::ApiVersion::v2026_09);

  d::WalletRecord w;
  w.wallet_id = "w1";
  w.client_id = "c1";
  w.status = d::WalletStatus::active;
  w.key_status = d::KeyStatus::active;
  REQUIRE(store.create_wallet(w, {std::vector<std::uint8_t>(32, 1), std::vector<std::uint8_t>(32, 2)}, 5).ok());
  d::AccountRecord a;
  a.account_id = "acc1";
  a.wallet_id = "w1";
  a.client_id = "c1";
  a.chain = "ethereum";
  a.address = a.address_key = "0xabc";
  REQUIRE(store.create_account(a).ok());
  d::AssetRecord asset;
  asset.asset_id = "ast1";
  asset.account_id = "acc1";
  asset.wallet_id = "w1";
  asset.client_id = "c1";
  asset.chain = "ethereum";
  asset.address_key = "0xabc";
  asset.symbol = "USDT";
  asset.decimals = 6;
  asset.balance = 999;  // not stored: money lives in the ledger
  REQUIRE(store.create_asset(asset).ok());
  CHECK(store.find_asset("c1", "ast1")->balance == 0);

  for (const std::int64_t confirmed_at : {std::int64_t{-1}, std::int64_t{123}}) {
    CAPTURE(confirmed_at);
    d::TransactionRecord t;
    t.tx_id = confirmed_at < 0 ? "tx_failed" : "tx_done";
    t.asset_id = "ast1";
    t.transaction_type = d::TxType::x402_settle;
    t.direction = d::TxDirection::inbound;
    t.from_address = "0xfrom";
    t.to_address = "0xabc";
    t.to_address_key = "0xabc";
    t.token_symbol = "USDT";
    t.amount = d::kMaxAmount;
    t.memo = "m";
    t.status = confirmed_at < 0 ? d::TxStatus::failed : d::TxStatus::confirmed;
    t.tx_hash = "0xhash";
    t.block_number = 7;
    t.confirmations = 3;
    t.created_at_ms = 100;
    t.updated_at_ms = 200;
    t.outcome = d::TxOutcome::fail_onchain;
    t.required_confirmations = 12;
    t.origin = d::TxOrigin::deposit;
    t.failure_reason = "why";
    t.confirmed_at_ms = confirmed_at;
    t.reference_id = "ref-" + t.tx_id;  // unique per client
    t.operation = d::Operation::contract_call;
    t.call_data = "0x01";
    REQUIRE(store.insert_history_transaction(t).ok());
    const auto got = store.find_transaction_any(t.tx_id);
    REQUIRE(got);
    CHECK(got->client_id == "c1");
    CHECK(got->wallet_id == "w1");
    CHECK(got->account_id == "acc1");
    CHECK(got->chain == "ethereum");
    CHECK(got->decimals == 6);
    CHECK(got->transaction_type == t.transaction_type);
    CHECK(got->direction == t.direction);
    CHECK(got->from_address == t.from_address);
    CHECK(got->to_address == t.to_address);
    CHECK(got->to_address_key == t.to_address_key);
    CHECK(d::to_base_units_string(got->amount) == d::to_base_units_string(d::kMaxAmount));
    CHECK(got->memo == t.memo);
    CHECK(got->status == t.status);
    CHECK(got->tx_hash == t.tx_hash);
    CHECK(got->block_number == 7);
    CHECK(got->confirmations == 3);
    CHECK(got->created_at_ms == 100);
    CHECK(got->updated_at_ms == 200);
    CHECK(got->next_due_ms == -1);  // history is never scheduled (stored NULL)
    CHECK(got->outcome == t.outcome);
    CHECK(got->required_confirmations == 12);
    CHECK(got->origin == t.origin);
    CHECK(got->failure_reason == t.failure_reason);
    CHECK(got->confirmed_at_ms == confirmed_at);
    CHECK(got->reference_id == t.reference_id);
    CHECK(got->operation == t.operation);
    CHECK(got->call_data == t.call_data);
  }
}
