// Unit tests for Store::ReadScope's kept snapshots: a pooled read connection keeps its read
// transaction open between scopes only while nothing has been committed, so a read never misses a
// write that completed before it began, and idle snapshots never hold a checkpoint back.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>

#include "emulator/store/store.hpp"
#include "emulator/store/writer.hpp"
#include "tests/unit/store/store_fixtures.hpp"

namespace {

bool wallet_visible(s::Store& store, const std::string& id) {
  s::Store::ReadScope scope(store);
  return store.find_wallet("c1", id).has_value();
}

}  // namespace

TEST_CASE("a read after a commit sees it, though the pooled connection kept its snapshot") {
  TempDir dir;
  s::Store store(dir.file("scope.db"));
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  REQUIRE(store.create_wallet(make_wallet("w1", "c1"), make_keys(), 10).ok());
  CHECK(wallet_visible(store, "w1"));
  CHECK(!wallet_visible(store, "w2"));  // the idle connection now holds a snapshot without w2
  REQUIRE(store.create_wallet(make_wallet("w2", "c1"), make_keys(), 10).ok());
  CHECK(wallet_visible(store, "w2"));
  CHECK(wallet_visible(store, "w2"));  // and again on the kept snapshot

  SUBCASE("a restore (a backup, which commits without the WAL hook) is seen too") {
    const auto image = store.snapshot();
    REQUIRE(store.create_wallet(make_wallet("w3", "c1"), make_keys(), 10).ok());
    CHECK(wallet_visible(store, "w3"));
    store.restore(*image);
    CHECK(!wallet_visible(store, "w3"));
    CHECK(wallet_visible(store, "w2"));
  }
}

TEST_CASE("an idle kept snapshot does not keep the writer's checkpoint from emptying the WAL") {
  TempDir dir;
  s::Store store(dir.file("ckpt.db"));
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  s::Writer writer(store);
  writer.start();
  CHECK(!wallet_visible(store, "w1"));  // leaves an idle connection with an open snapshot
  std::promise<bool> done;
  bool created = false;
  REQUIRE(writer.submit(
      s::Writer::Kind::batched,
      [&store, &created] { created = store.create_wallet(make_wallet("w1", "c1"), make_keys(), 10).ok(); },
      [&done](bool committed) { done.set_value(committed); }));
  REQUIRE(done.get_future().get());
  REQUIRE(created);
  // The writer checkpoints once it has been quiet for a moment; only a checkpoint that copied every
  // frame (no reader left on an older snapshot) brings the WAL back to 0 pages.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer.stats().wal_pages != 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(writer.stats().wal_pages == 0);
  CHECK(writer.stats().checkpoints >= 1);
  writer.stop();
  CHECK(wallet_visible(store, "w1"));
}
