// Unit tests for the writer's savepoint-free batches (store/writer.hpp): a batch of replayable
// writes runs without savepoints; when one of them throws, or ends an inner transaction
// uncommitted after changing rows, the whole batch is rolled back and run again with a savepoint
// each, so each write's failure undoes only itself. Writes are queued while the writer is paused,
// so they make one batch whatever the threads' timing.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "emulator/store/store.hpp"
#include "emulator/store/writer.hpp"
#include "tests/unit/store/store_fixtures.hpp"

namespace {

enum class Ending { ok, undone_after_write, refused_before_write, throws_after_write };

// One queued write: creates wallet `id` of c1 and ends as `ending` says; counts its runs.
struct Write {
  std::string id;
  Ending ending = Ending::ok;
  bool replayable = true;
  std::atomic<int> runs{0};
  std::promise<bool> committed;
};

void submit(s::Writer& writer, s::Store& store, Write& w) {
  auto work = [&store, &w] {
    ++w.runs;
    const auto st = store.write_batch([&]() -> d::Status {
      if (w.ending == Ending::refused_before_write) return d::make_error(d::ErrorCode::invalid_parameter, "no");
      if (auto made = store.create_wallet(make_wallet(w.id, "c1"), make_keys(), 10); !made) return made;
      if (w.ending == Ending::throws_after_write) throw std::runtime_error("failed after its write");
      if (w.ending == Ending::undone_after_write) return d::make_error(d::ErrorCode::invalid_parameter, "undo");
      return d::ok_status();
    });
    (void)st;
  };
  REQUIRE(writer.submit(
      s::Writer::Kind::batched, work, [&w](bool c) { w.committed.set_value(c); }, w.replayable));
}

struct Run {
  s::WriterStats stats;
  std::vector<bool> committed;
  std::vector<bool> stored;
  std::vector<int> runs;  // how often each write's work ran
};

// Queues `writes` as one batch on a fresh store and writer; what came of each.
Run run_batch(std::vector<std::unique_ptr<Write>>& writes) {
  TempDir dir;
  s::Store store(dir.file("writer.db"));
  REQUIRE(store.create_client(make_client("c1", 10)).ok());
  s::Writer writer(store);
  writer.start();
  writer.set_paused(true);
  for (auto& w : writes) submit(writer, store, *w);
  writer.set_paused(false);
  Run out;
  for (auto& w : writes) out.committed.push_back(w->committed.get_future().get());
  writer.stop();
  out.stats = writer.stats();
  for (auto& w : writes) {
    out.stored.push_back(store.find_wallet("c1", w->id).has_value());
    out.runs.push_back(w->runs.load());
  }
  return out;
}

std::vector<std::unique_ptr<Write>> writes(std::vector<Ending> endings, bool replayable = true) {
  std::vector<std::unique_ptr<Write>> out;
  for (std::size_t i = 0; i < endings.size(); ++i) {
    out.push_back(std::make_unique<Write>());
    out.back()->id = numbered("w", static_cast<long long>(i + 1));
    out.back()->ending = endings[i];
    out.back()->replayable = replayable;
  }
  return out;
}

}  // namespace

TEST_CASE("a batch of replayable writes that all succeed commits once, each write run once") {
  auto ws = writes({Ending::ok, Ending::ok, Ending::ok});
  const Run r = run_batch(ws);
  CHECK(r.stats.batches == 1);
  CHECK(r.stats.largest_batch == 3);
  CHECK(r.stats.savepoint_free_batches == 1);
  CHECK(r.stats.rerun_batches == 0);
  CHECK(r.committed == std::vector<bool>{true, true, true});
  CHECK(r.stored == std::vector<bool>{true, true, true});
  CHECK(r.runs == std::vector<int>(ws.size(), 1));
}

TEST_CASE("a business error found before any write keeps the batch savepoint-free") {
  auto ws = writes({Ending::ok, Ending::refused_before_write, Ending::ok});
  const Run r = run_batch(ws);
  CHECK(r.stats.savepoint_free_batches == 1);
  CHECK(r.stats.rerun_batches == 0);
  CHECK(r.committed == std::vector<bool>{true, true, true});
  CHECK(r.stored == std::vector<bool>{true, false, true});
  CHECK(r.runs == std::vector<int>(ws.size(), 1));
}

TEST_CASE("a write undone after changing rows makes the batch run again, a savepoint each") {
  auto ws = writes({Ending::ok, Ending::undone_after_write, Ending::ok});
  const Run r = run_batch(ws);
  CHECK(r.stats.batches == 1);
  CHECK(r.stats.savepoint_free_batches == 0);
  CHECK(r.stats.rerun_batches == 1);
  // Its own transaction undid only its wallet; the others are stored once, though they ran twice
  // (the one after it only once in the first run: that run stopped at the failure).
  CHECK(r.committed == std::vector<bool>{true, true, true});
  CHECK(r.stored == std::vector<bool>{true, false, true});
  CHECK(r.runs == std::vector<int>{2, 2, 1});
}

TEST_CASE("a write that throws after changing rows fails alone; the batch runs again") {
  auto ws = writes({Ending::ok, Ending::throws_after_write, Ending::ok});
  const Run r = run_batch(ws);
  CHECK(r.stats.rerun_batches == 1);
  CHECK(r.stats.failed_commits == 0);
  CHECK(r.committed == std::vector<bool>{true, false, true});
  CHECK(r.stored == std::vector<bool>{true, false, true});
  CHECK(r.runs == std::vector<int>{2, 2, 1});
}

TEST_CASE("a batch holding a write that may not run twice uses savepoints from the start") {
  auto ws = writes({Ending::ok, Ending::undone_after_write, Ending::throws_after_write, Ending::ok},
                   /*replayable=*/false);
  const Run r = run_batch(ws);
  CHECK(r.stats.savepoint_free_batches == 0);
  CHECK(r.stats.rerun_batches == 0);
  CHECK(r.committed == std::vector<bool>{true, true, false, true});
  CHECK(r.stored == std::vector<bool>{true, false, false, true});
  CHECK(r.runs == std::vector<int>(ws.size(), 1));
}

TEST_CASE("in a mixed batch the replayable writes go first, savepoint-free; the others run once") {
  auto ws = writes({Ending::ok, Ending::undone_after_write, Ending::ok, Ending::throws_after_write});
  ws[1]->replayable = false;  // undone by its own savepoint
  ws[3]->replayable = false;  // fails alone, inside its savepoint
  const Run r = run_batch(ws);
  CHECK(r.stats.savepoint_free_batches == 1);
  CHECK(r.stats.rerun_batches == 0);
  CHECK(r.committed == std::vector<bool>{true, true, true, false});
  CHECK(r.stored == std::vector<bool>{true, false, true, false});
  CHECK(r.runs == std::vector<int>(ws.size(), 1));
}

TEST_CASE("when a replayable write of a mixed batch fails, the others have not run yet and run once") {
  auto ws = writes({Ending::ok, Ending::ok, Ending::undone_after_write, Ending::ok});
  ws[1]->replayable = false;
  const Run r = run_batch(ws);
  CHECK(r.stats.savepoint_free_batches == 0);
  CHECK(r.stats.rerun_batches == 1);
  CHECK(r.committed == std::vector<bool>{true, true, true, true});
  CHECK(r.stored == std::vector<bool>{true, true, false, true});
  // The write that is not replayable ran only with savepoints; the last not in the first run, which
  // stopped at the failure before it.
  CHECK(r.runs == std::vector<int>{2, 1, 2, 1});
}
