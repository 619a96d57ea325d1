// Implementation of writer.hpp.
#include "emulator/store/writer.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <exception>
#include <numeric>
#include <vector>

#include "emulator/store/change_capture.hpp"
#include "emulator/store/checkpointer.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {
namespace {

// Reports on stderr: the writer sits below the HTTP layer's logger, and a write that fails is rare
// and worth a line whatever the log level.
void report(const char* what, const char* detail) { std::fprintf(stderr, "writer: %s: %s\n", what, detail); }

// Undoes what is open after a failure; a rollback that fails in turn leaves nothing more to do.
void rollback_quietly(Database& db, const char* sql) {
  if (!db.in_transaction()) return;
  try {
    db.exec(sql);
  } catch (const std::exception&) {
  }
}

void complete(Writer::Done& done, bool committed) {
  if (!done) return;
  try {
    done(committed);
  } catch (const std::exception& e) {
    report("completion failed", e.what());
  }
}

}  // namespace

Writer::Writer(Store& store, WriterOptions options) : store_(store), options_(options) {
  stats_.capacity = options_.capacity;
}

Writer::~Writer() { stop(); }

void Writer::start() {
  // Lock order everywhere: the store's mutex before the writer's (run_batch, run_exclusive), never
  // the other way round.
  {
    std::lock_guard db_lock(store_.mu_);
    store_.db_.set_checkpoint_threshold(static_cast<int>(options_.wal_pages_max));
    if (!checkpointer_ && options_.wal_pages_background > 0 && !store_.in_memory() &&
        store_.db_.journal_mode() == "wal") {
      auto c = std::make_unique<Checkpointer>(store_.db_.path(), options_.wal_pages_background,
                                              [this] { store_.readers_.end_snapshots(); });
      store_.db_.set_wal_listener([p = c.get()](std::int64_t pages) { p->note_wal_pages(pages); });
      std::lock_guard lock(mu_);  // stats() reads it under mu_ alone
      checkpointer_ = std::move(c);
    }
  }
  std::lock_guard lock(mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  // The thread's top level: each operation's failure is handled where it happens (rolled back,
  // completed as not committed); anything that still escapes the loop (a checkpoint's I/O error,
  // an allocation failure) is reported and the loop resumes, so queued work keeps being served.
  thread_ = std::thread([this] {
    for (;;) {
      try {
        loop();
        return;
      } catch (const std::exception& e) {
        report("loop failed, serving on", e.what());
      }
    }
  });
  thread_id_ = thread_.get_id();
}

void Writer::stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::unique_ptr<Checkpointer> checkpointer;
  {
    std::lock_guard db_lock(store_.mu_);
    std::lock_guard lock(mu_);
    if (checkpointer_) {
      stats_.background_checkpoints = checkpointer_->completed();
      store_.db_.set_wal_listener({});
      checkpointer = std::move(checkpointer_);
    }
    running_ = false;
    thread_id_ = {};
  }
  checkpointer.reset();  // joins its thread, with no lock held
}

bool Writer::submit(Kind kind, Work work, Done done, bool replayable) {
  {
    std::lock_guard lock(mu_);
    if (client_ops_ >= options_.capacity) {
      ++stats_.refused;
      return false;
    }
    ++client_ops_;
    queue_.push_back(Op{kind, std::move(work), std::move(done), true, replayable});
  }
  cv_.notify_one();
  return true;
}

void Writer::submit_internal(Kind kind, Work work, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Op{kind, std::move(work), std::move(done), false});
  }
  cv_.notify_one();
}

void Writer::set_change_builder(ChangeBuilder build, std::size_t per_op_max, ChangeGate gate) {
  std::lock_guard db_lock(store_.mu_);
  capture_.reset();
  if (build) capture_ = std::make_unique<ChangeCapture>(store_.db_, std::move(build), per_op_max, std::move(gate));
}

void Writer::set_tick(std::chrono::milliseconds period, Work tick) {
  std::lock_guard lock(mu_);
  tick_period_ = period;
  tick_ = std::move(tick);
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  WriterStats s = stats_;
  if (checkpointer_) s.background_checkpoints = checkpointer_->completed();
  s.queued = client_ops_;  // client writes waiting (internal work is not counted)
  s.paused = paused_;
  return s;
}

void Writer::set_paused(bool paused) {
  {
    std::lock_guard lock(mu_);
    paused_ = paused;
  }
  cv_.notify_all();
}

void Writer::fail_next_commits(int n) {
  std::lock_guard lock(mu_);
  fail_commits_ = n;
}

void Writer::loop() {
  using clock = std::chrono::steady_clock;
  auto next_tick = clock::now();
  std::deque<Op> batch;
  for (;;) {
    Op exclusive{Kind::exclusive, {}, {}, false};
    bool have_exclusive = false;
    bool run_tick = false;
    bool checkpoint = false;
    {
      std::unique_lock lock(mu_);
      const auto wake = [&] { return stopping_ || (!paused_ && !queue_.empty()); };
      // A dirty WAL is checkpointed once no client work has come for a moment (the scheduler's
      // ticks and the dispatcher's polls do not count), never between back-to-back batches.
      auto deadline = clock::now() + std::chrono::hours(1);
      if (tick_period_.count() > 0) deadline = std::min(deadline, next_tick);
      const bool dirty = stats_.wal_pages > 0 && !store_.in_memory();
      // Not before 50 ms without client work, nor sooner than 100 ms after the last attempt (a
      // reader can keep a passive checkpoint from finishing).
      const auto quiet_at = std::max(last_client_ + std::chrono::milliseconds(50), next_checkpoint_);
      if (dirty) deadline = std::min(deadline, std::max(quiet_at, clock::now() + std::chrono::milliseconds(1)));
      cv_.wait_until(lock, deadline, wake);
      checkpoint = dirty && clock::now() >= quiet_at;
      if (stopping_ && queue_.empty()) break;
      if (tick_period_.count() > 0 && !paused_ && clock::now() >= next_tick) {
        run_tick = true;
        next_tick = clock::now() + tick_period_;
      } else if (queue_.empty() || (paused_ && !stopping_)) {
      } else if (queue_.front().kind == Kind::exclusive) {
        exclusive = std::move(queue_.front());
        queue_.pop_front();
        have_exclusive = true;
        if (exclusive.client) --client_ops_, last_client_ = clock::now();
      } else {
        while (!queue_.empty() && queue_.front().kind == Kind::batched && batch.size() < options_.batch_max) {
          if (queue_.front().client) --client_ops_, last_client_ = clock::now();
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (run_tick) {
      Op op{Kind::exclusive, tick_, {}, false};
      run_exclusive(op);
    } else if (have_exclusive) {
      run_exclusive(exclusive);
    } else if (!batch.empty()) {
      run_batch(batch);
      batch.clear();
    }
    if (checkpoint) next_checkpoint_ = clock::now() + std::chrono::milliseconds(100);
    maybe_checkpoint(checkpoint);
  }
  maybe_checkpoint(true);
}

void Writer::run_batch(std::deque<Op>& batch) {
  std::vector<char> ok(batch.size(), 0);
  bool committed = false;
  std::int64_t client_ops = 0;
  // Replayable writes first (in queue order), then the rest (in queue order): the first group may
  // have to run twice, the second must run once, so it runs only after the first went through.
  std::vector<std::size_t> order;
  order.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    client_ops += batch[i].client ? 1 : 0;
    if (batch[i].replayable) order.push_back(i);
  }
  const std::size_t replayable = order.size();
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (!batch[i].replayable) order.push_back(i);
  bool inject_failure = false;  // POST /_sandbox/storage: only batches holding client work count
  {
    std::lock_guard lock(mu_);
    if (fail_commits_ > 0 && client_ops > 0) {
      --fail_commits_;
      inject_failure = true;
    }
  }
  {
    std::lock_guard db_lock(store_.mu_);
    Database& db = store_.db_;
    if (capture_) capture_->begin_op(false);
    bool rerun = false;
    bool savepoint_free = false;
    try {
      savepoint_free = replayable > 0 && run_without_savepoints(batch, ok, order, replayable);
      if (savepoint_free) {
        run_with_savepoints(batch, ok, order, replayable);  // the others, in the same transaction
      } else {
        rerun = replayable > 0;
        std::iota(order.begin(), order.end(), std::size_t{0});  // queue order, as if never tried
        run_with_savepoints(batch, ok, order, 0);
      }
      if (db.in_transaction()) {
        if (inject_failure) db.fail_next_commits(1);
        if (capture_) capture_->before_commit();
        db.run("COMMIT");
      }
      committed = true;
    } catch (const std::exception& e) {
      report("commit failed", e.what());
      rollback_quietly(db, "ROLLBACK");
    }
    // Events of the batch go out after its COMMIT and before its completions answer the clients.
    if (capture_) capture_->after_commit(committed);
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.savepoint_free_batches += savepoint_free ? 1 : 0;
    stats_.rerun_batches += rerun ? 1 : 0;
    stats_.operations += static_cast<std::int64_t>(batch.size());
    stats_.largest_batch = std::max<std::int64_t>(stats_.largest_batch, static_cast<std::int64_t>(batch.size()));
    if (!committed) {
      ++stats_.failed_commits;
      stats_.last_failed_batch = client_ops;
    }
    stats_.wal_pages = db.wal_pages();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) complete(batch[i].done, committed && ok[i]);
}

// The replayable writes order[0, n) in one transaction with no savepoints (writer.hpp). True:
// each ran through and the transaction is open. False: one failed; everything is rolled back (its
// captured changes too) and `ok` cleared, for the whole batch to run again with savepoints.
bool Writer::run_without_savepoints(std::deque<Op>& batch, std::vector<char>& ok, const std::vector<std::size_t>& order,
                                    std::size_t n) {
  Database& db = store_.db_;
  const std::size_t mark = capture_ ? capture_->mark() : 0;
  db.run("BEGIN IMMEDIATE");
  db.set_nested_savepoints(false);
  bool clean = true;
  for (std::size_t pos = 0; pos < n && clean; ++pos) {
    const std::size_t i = order[pos];
    try {
      batch[i].work();
      clean = !db.take_unisolated_failure() && db.in_transaction();
    } catch (...) {
      clean = false;  // reported when it fails again, inside its own savepoint
    }
    ok[i] = clean ? 1 : 0;
  }
  db.set_nested_savepoints(true);
  (void)db.take_unisolated_failure();
  if (clean) return true;
  rollback_quietly(db, "ROLLBACK");
  if (capture_) capture_->rollback_to(mark);
  std::fill(ok.begin(), ok.end(), 0);
  return false;
}

// The writes order[from, end) in the open transaction (one is begun when none is), a SAVEPOINT
// each: a write that throws rolls back only itself. If SQLite rolled the whole transaction back
// (an I/O error, a full disk), the writes before lost their work, those of order[0, from) too:
// they are marked failed and the rest go on in a new transaction.
void Writer::run_with_savepoints(std::deque<Op>& batch, std::vector<char>& ok, const std::vector<std::size_t>& order,
                                 std::size_t from) {
  Database& db = store_.db_;
  std::size_t first_live = 0;  // positions before this one were lost with a transaction SQLite rolled back
  if (!db.in_transaction()) db.run("BEGIN IMMEDIATE");
  for (std::size_t pos = from; pos < order.size(); ++pos) {
    const std::size_t i = order[pos];
    if (!db.in_transaction()) {  // an earlier failure made SQLite roll the whole batch back
      for (std::size_t j = first_live; j < pos; ++j) ok[order[j]] = 0;
      first_live = pos;
      db.run("BEGIN IMMEDIATE");
    }
    const std::size_t mark = capture_ ? capture_->mark() : 0;
    db.run("SAVEPOINT op");
    try {
      batch[i].work();
      db.run("RELEASE op");
      ok[i] = 1;
    } catch (const std::exception& e) {
      report("operation failed", e.what());
      rollback_quietly(db, "ROLLBACK TO op; RELEASE op");
      if (capture_) capture_->rollback_to(mark);
    }
  }
  if (!db.in_transaction()) {
    for (std::size_t j = first_live; j < order.size(); ++j) ok[order[j]] = 0;
  }
}

void Writer::run_exclusive(Op& op) {
  bool ok = false;
  {
    std::lock_guard db_lock(store_.mu_);
    if (capture_) capture_->begin_op(true);
    try {
      op.work();
      ok = true;
    } catch (const std::exception& e) {
      report("exclusive operation failed", e.what());
    }
    if (capture_) capture_->end_op();
    assert(!store_.db_.in_transaction());  // exclusive work closes what it opens
    std::lock_guard lock(mu_);
    stats_.operations += 1;
    stats_.wal_pages = store_.db_.wal_pages();
  }
  complete(op.done, ok);
}

void Writer::maybe_checkpoint(bool quiet) {
  if (!quiet) return;  // past wal_pages_max the connection's WAL hook checkpoints on its own
  std::lock_guard db_lock(store_.mu_);
  Database& db = store_.db_;
  if (store_.in_memory() || db.wal_pages() == 0) return;
  db.checkpoint_passive();
  std::lock_guard lock(mu_);
  ++stats_.checkpoints;
  stats_.wal_pages = db.wal_pages();
}

}  // namespace paratro::store
