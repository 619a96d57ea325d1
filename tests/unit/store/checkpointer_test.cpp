// Unit tests for the background checkpointer: it copies the WAL beside a connection that keeps
// committing, only from its threshold on, never past a reader's snapshot, and once it has copied
// every frame the writing connection's next transaction starts the WAL over.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "emulator/store/checkpointer.hpp"
#include "emulator/store/database.hpp"
#include "emulator/store/store.hpp"
#include "emulator/store/writer.hpp"
#include "tests/unit/store/store_fixtures.hpp"

namespace {

// Commits `n` transactions of one row each through `db`.
void commit_rows(s::Database& db, int n) {
  for (int i = 0; i < n; ++i) {
    s::WriteTransaction tx(db);
    db.run("INSERT INTO t(v) VALUES (randomblob(3000))");
    tx.commit();
  }
}

// Waits until `pred` holds (a thread's result, not a time: the limit only ends a hung test).
template <typename Pred>
bool eventually(Pred pred) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Creates wallet w1 of c1 through the writer; true once it is committed.
bool wallet_created_through(s::Writer& writer, s::Store& store) {
  std::promise<bool> done;
  bool created = false;  // set on the writer thread, read after its completion
  const bool queued = writer.submit(
      s::Writer::Kind::batched,
      [&store, &created] { created = store.create_wallet(make_wallet("w1", "c1"), make_keys(), 10).ok(); },
      [&done](bool committed) { done.set_value(committed); });
  return queued && done.get_future().get() && created;
}

// The nice value of each of this process's threads (/proc/self/task/*/stat, field 19).
std::vector<int> thread_nice_values() {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // After the command name in parentheses: state is field 3, nice field 19.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i < 19 && rest >> field; ++i) {
    }
    int nice_value = 0;
    if (rest >> nice_value) out.push_back(nice_value);
  }
  return out;
}

}  // namespace

TEST_CASE("the background checkpointer runs ten steps nicer than the thread that made it") {
  TempDir dir;
  const std::string path = dir.file("nice.db");
  s::Database db(path);
  const int own = getpriority(PRIO_PROCESS, 0);  // this thread's nice value
  const int lowered = std::min(own + 10, 19);
  const auto initial = thread_nice_values();
  const auto before = std::count(initial.begin(), initial.end(), lowered);
  {
    s::Checkpointer ckpt(path, 20, {});  // returns once its thread runs at its priority
    const auto values = thread_nice_values();
    CHECK(std::count(values.begin(), values.end(), lowered) == before + 1);
  }
  const auto after = thread_nice_values();
  CHECK(std::count(after.begin(), after.end(), lowered) == before);  // joined
}

TEST_CASE("the background checkpointer empties the WAL beside the writer, from its threshold on") {
  TempDir dir;
  const std::string path = dir.file("bg.db");
  s::Database db(path);
  db.set_checkpoint_threshold(0);  // the writing connection never checkpoints on its own here
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
  std::atomic<int> befores{0};
  s::Checkpointer ckpt(path, 20, [&befores] { ++befores; });

  commit_rows(db, 3);
  const auto small = db.wal_pages();
  REQUIRE(small > 0);
  REQUIRE(small < 20);
  ckpt.note_wal_pages(small);  // below the threshold: nothing to do
  CHECK(ckpt.attempted() == 0);

  commit_rows(db, 20);
  const auto large = db.wal_pages();
  REQUIRE(large >= 20);
  ckpt.note_wal_pages(large);
  REQUIRE(eventually([&] { return ckpt.completed() == 1; }));
  CHECK(ckpt.attempted() == 1);
  CHECK(befores.load() == 1);  // idle readers were asked to let go first

  // Every frame is in the database file: the next commit starts the WAL over.
  commit_rows(db, 1);
  CHECK(db.wal_pages() < small);
  auto st = db.use("SELECT count(*) FROM t");
  REQUIRE(st->step());
  CHECK(st->column_int(0) == 24);
}

TEST_CASE("a reader's snapshot holds the background checkpoint back until a larger WAL is reported") {
  TempDir dir;
  const std::string path = dir.file("held.db");
  s::Database db(path);
  db.set_checkpoint_threshold(0);
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
  commit_rows(db, 1);
  s::Checkpointer ckpt(path, 10, {});

  s::Database reader(path, s::Database::Mode::read_only);
  reader.run("BEGIN");
  {
    auto st = reader.use("SELECT count(*) FROM t");
    REQUIRE(st->step());
    CHECK(st->column_int(0) == 1);
  }
  commit_rows(db, 10);  // frames the reader's snapshot does not include: they cannot be copied yet
  const auto held = db.wal_pages();
  ckpt.note_wal_pages(held);
  REQUIRE(eventually([&] { return ckpt.attempted() == 1; }));
  CHECK(ckpt.completed() == 0);
  ckpt.note_wal_pages(held);  // the same size again: no new attempt
  reader.run("COMMIT");
  commit_rows(db, 1);
  const auto grown = db.wal_pages();
  REQUIRE(grown > held);  // the WAL could not start over while the frames were not copied
  ckpt.note_wal_pages(grown);
  REQUIRE(eventually([&] { return ckpt.completed() == 1; }));
  CHECK(ckpt.attempted() == 2);
  commit_rows(db, 1);
  CHECK(db.wal_pages() < held);
}

TEST_CASE("the writer of a file database reports its WAL to a background checkpointer") {
  TempDir dir;
  s::Store store(dir.file("writer.db"));
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  s::WriterOptions options;
  options.wal_pages_background = 1;  // any commit is enough
  s::Writer writer(store, options);
  writer.start();
  REQUIRE(wallet_created_through(writer, store));
  REQUIRE(eventually([&] { return writer.stats().background_checkpoints >= 1; }));
  writer.stop();
  CHECK(writer.stats().background_checkpoints >= 1);  // still reported once stopped
}

TEST_CASE("an in-memory store has no background checkpointer") {
  s::Store store(":memory:");
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  s::WriterOptions options;
  options.wal_pages_background = 1;
  s::Writer writer(store, options);
  writer.start();
  REQUIRE(wallet_created_through(writer, store));
  writer.stop();
  CHECK(writer.stats().background_checkpoints == 0);
}
