// Store::apply_tx_updates keeps a batch's balances and supply in memory and writes them back before
// its commit (store/step_batch.hpp): several settlements of one address in one batch must leave the
// same rows as applying them one by one, and writes after the batch must see what it wrote.
#include "tests/unit/store/store_fixtures.hpp"

namespace {

s::Store::TxUpdate settled(s::Store& store, const std::string& tx_id, bool confirm) {
  auto t = store.find_transaction_any(tx_id);
  REQUIRE(t.has_value());
  s::Store::TxUpdate u;
  u.prev_known = true;
  u.prev_status = t->status;
  u.prev_confirmations = t->confirmations;
  u.tx = std::move(*t);
  u.tx.status = confirm ? d::TxStatus::confirmed : d::TxStatus::failed;
  u.tx.next_due_ms = -1;
  u.tx.updated_at_ms = 9000;
  u.settle = confirm ? d::Settlement::confirm : d::Settlement::fail;
  return u;
}

s::SupplyRow usdt(s::Store& store) {
  for (const auto& r : store.ledger_totals()) {
    if (r.chain == "ethereum" && r.symbol == "USDT") return r;
  }
  FAIL("no USDT row in the ledger");
  return {};
}

}  // namespace

TEST_CASE("one batch settling several transfers of one address leaves the rows one-by-one would") {
  for (const bool one_batch : {true, false}) {
    CAPTURE(one_batch);
    Seeded seeded(":memory:", 1000);
    for (int i = 1; i <= 3; ++i) {
      REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx(numbered("tx", i), 5000 + i)).ok());
    }
    REQUIRE(usdt(seeded.store).locked == 300);
    std::vector<s::Store::TxUpdate> updates{settled(seeded.store, "tx1", true), settled(seeded.store, "tx2", false),
                                            settled(seeded.store, "tx3", true)};
    if (one_batch) {
      seeded.store.apply_tx_updates(updates);
    } else {
      for (const auto& u : updates) seeded.store.apply_tx_updates({u});
    }
    const auto row = usdt(seeded.store);
    CHECK(units(row.balance) == "800");  // 700 left after the locks, 100 refunded by the failed one
    CHECK(row.locked == 0);
    CHECK(row.minted == 1000);
    CHECK(row.burned == 200);  // two sends to an address the emulator does not hold
    CHECK(row.minted - row.burned == row.balance + row.locked);
    CHECK(seeded.store.find_transaction_any("tx2")->status == d::TxStatus::failed);
    CHECK(seeded.store.find_transaction_any("tx3")->status == d::TxStatus::confirmed);
  }
}

TEST_CASE("after a batch, a sandbox grant reads and writes the committed rows") {
  Seeded seeded(":memory:", 1000);
  REQUIRE(seeded.store.create_transfer(transfer_request("0.0001"), new_tx("tx1")).ok());
  seeded.store.apply_tx_updates({settled(seeded.store, "tx1", true)});
  const auto after = usdt(seeded.store);
  CHECK(after.balance == 900);
  CHECK(after.locked == 0);
  CHECK(after.burned == 100);
  // The grant mints the difference from the balance the batch wrote back (900 -> 5000).
  REQUIRE(seeded.store.set_asset_balance("ast1", 5000, 10000).ok());
  const auto granted = usdt(seeded.store);
  CHECK(granted.balance == 5000);
  CHECK(granted.minted == 1000 + 4100);
  CHECK(granted.minted - granted.burned == granted.balance + granted.locked);
}

TEST_CASE("one batch reaching the chain twins the transfers to an owned address and only those") {
  // The batch looks each destination's owner up once (step_batch.hpp): the answers for an owned and
  // a foreign address, interleaved, must not be mixed up.
  Seeded seeded(":memory:", 1000);
  REQUIRE(seeded.store.create_wallet(make_wallet("w2", "c2"), make_keys(), 5).ok());
  const auto receiver = make_account("acc2", "w2", "c2", kAddr2);
  REQUIRE(seeded.store.create_account(receiver).ok());
  REQUIRE(seeded.store.create_asset(make_asset("ast2", receiver)).ok());
  constexpr std::string_view kForeign = "0x3333333333333333333333333333333333333333";
  std::vector<s::Store::TxUpdate> updates;
  for (int i = 1; i <= 4; ++i) {
    auto request = transfer_request("0.0001");
    if (i % 2 == 1) request.to_address = request.to_address_key = std::string(kForeign);
    const std::string id = numbered("tx", i);
    REQUIRE(seeded.store.create_transfer(request, new_tx(id, 5000 + i)).ok());
    auto u = settled(seeded.store, id, true);
    u.tx.block_number = 100;
    u.twin_id = "in_" + id;
    updates.push_back(std::move(u));
  }
  seeded.store.apply_tx_updates(updates);
  for (int i = 1; i <= 4; ++i) {
    CAPTURE(i);
    const auto twin = seeded.store.find_transaction_any("in_" + numbered("tx", i));
    REQUIRE(twin.has_value() == (i % 2 == 0));
    if (twin) {
      CHECK(twin->client_id == "c2");
      CHECK(twin->account_id == "acc2");
      CHECK(twin->twin_of == numbered("tx", i));
      CHECK(twin->status == d::TxStatus::confirmed);
    }
  }
  const auto row = usdt(seeded.store);
  CHECK(row.burned == 200);  // the two foreign sends; the owned ones moved to c2
  CHECK(row.minted - row.burned == row.balance + row.locked);
}
