// The write connection's cached statements stay prepared: the paths that run on every request or
// every poll do not make SQLite parse and plan their statement again at each use (which a bound
// value deciding whether a partial index applies does, silently, at ~50 µs a time).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/unit/store/store_fixtures.hpp"

TEST_CASE("hot statements are prepared once, not at every use") {
  Seeded seeded(":memory:", 1000000);
  s::Store& store = seeded.store;
  // Start-up changed the schema (migrations), which re-prepares what existed then; count from here.
  std::map<std::string, int> before;
  for (const auto& [sql, n] : store.reprepared_statements()) before[sql] = n;
  for (int i = 0; i < 30; ++i) {
    CAPTURE(i);
    const std::string id = numbered("tx", i);
    REQUIRE(store.create_transfer(transfer_request("0.000001"), new_tx(id, 5000 + i)).ok());
    CHECK(store.find_transaction("c1", id).has_value());
    CHECK(store.due_transactions(10'000, 100).size() == static_cast<std::size_t>(i + 1));
    // The webhook dispatcher's poll (every 20 ms) and its next-due probe: nothing is pending here.
    CHECK(store.claim_due_deliveries(10'000, 10, {}).empty());
    CHECK(store.claim_due_deliveries(10'000, 10, {"c2"}).empty());
    CHECK(store.next_delivery_due_ms() == -1);
    CHECK(store.activate_due_wallets(10'000) == 0);
  }
  int again = 0;
  for (const auto& statement : store.reprepared_statements()) {
    const std::string& sql = statement.first;  // a plain name: CAPTURE cannot take a structured binding
    CAPTURE(sql);
    CHECK(statement.second == before[sql]);
    again += statement.second - before[sql];
  }
  CHECK(again == 0);
}
