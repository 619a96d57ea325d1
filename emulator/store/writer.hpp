// The single writer: one thread owns the store's read-write connection and drains a bounded queue
// of write operations with group commit. It takes what is queued (up to `batch_max`), opens one
// BEGIN IMMEDIATE, runs each operation inside its own SAVEPOINT (an operation that throws rolls back
// only itself), COMMITs once, and only then completes each operation — so whoever answers a client
// from a completion knows the change is in the database file. A failed COMMIT completes every
// operation of its batch as not committed, and nothing of the batch is visible.
//
// With a file database in WAL mode a background checkpointer (checkpointer.hpp) copies the WAL into
// the database file beside the writer from `wal_pages_background` pages on, so that the writer's own
// checkpoint at `wal_pages_max` has little left to copy and sustained load keeps a short p99.
//
// Savepoint-free batches: a SAVEPOINT makes SQLite copy every page an operation changes into a
// sub-journal first (a dozen 4 KiB pages per transfer), a fifth of the writer's time per write. A
// batch's replayable operations (client writes that change nothing but the database: the public
// API's) therefore run first, without savepoints, nested WriteTransactions included; then its other
// operations, a SAVEPOINT each, in the same transaction. If a replayable operation throws, or ends a
// WriteTransaction uncommitted after changing rows, everything is rolled back and the whole batch
// runs again the way described above, in queue order, a SAVEPOINT each (counted in
// `rerun_batches`): the outcome is the same, each operation's failure undoing only itself, and an
// operation that is not replayable still runs once. Within a batch the replayable operations thus
// go before the others (all of them were queued concurrently).
//
// Exclusive operations (reset, restore, snapshots, clock advance, the scheduler's tick) run alone,
// outside any batch transaction, and manage their own transactions. Checkpoints never run inside a
// commit: automatic checkpoints are off and the writer runs a passive checkpoint once no client work
// has come for 50 ms; a commit that leaves the WAL over `wal_pages_max` pages checkpoints at once
// (the connection's WAL hook), which bounds the WAL during a long advance or sustained load.
//
// Bounds: `capacity` queued operations from clients; submit() refuses the next one (the caller
// answers 503 with Retry-After). Internal operations (the scheduler, the webhook dispatcher) are not
// refused: each of those producers keeps its own work bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "emulator/store/row_change.hpp"

namespace paratro::store {

class Store;
class ChangeCapture;
class Checkpointer;

struct WriterOptions {
  std::size_t capacity = 8192;         // queued client operations before submit() refuses
  std::size_t batch_max = 256;         // operations per group commit
  std::int64_t wal_pages_max = 16384;  // checkpoint after a commit leaves the WAL larger (64 MiB)
  // The background checkpointer (checkpointer.hpp) starts copying at this WAL size; 0: no
  // background checkpointer (the writer checkpoints alone, as before).
  std::int64_t wal_pages_background = 4096;
};

struct WriterStats {
  std::int64_t batches = 0;                 // group commits attempted
  std::int64_t operations = 0;              // operations completed (committed or not)
  std::int64_t largest_batch = 0;           // most operations in one commit
  std::int64_t failed_commits = 0;          // COMMITs that failed (their batches were rolled back)
  std::int64_t last_failed_batch = 0;       // client operations in the most recent failed batch
  std::int64_t savepoint_free_batches = 0;  // batches that ran through without savepoints
  std::int64_t rerun_batches = 0;           // savepoint-free batches run again with a savepoint each
  std::int64_t refused = 0;                 // submit() calls refused because the queue was full
  std::int64_t checkpoints = 0;             // passive checkpoints run by the writer while idle
  std::int64_t background_checkpoints = 0;  // completed by the background checkpointer
  std::size_t queued = 0;                   // client operations waiting right now
  std::size_t capacity = 0;
  bool paused = false;
  std::int64_t wal_pages = 0;  // WAL size after the last commit or checkpoint
};

class Writer {
 public:
  enum class Kind { batched, exclusive };
  using Work = std::function<void()>;
  // Called on the writer thread after the operation's fate is known: `committed` is true when its
  // changes are in the database file, false when its work threw or its batch's COMMIT failed.
  using Done = std::function<void(bool committed)>;

  Writer(Store& store, WriterOptions options = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Starts the thread. Before start() (and after stop()) nothing runs; submissions wait.
  void start();
  // Finishes every queued operation, then joins the thread. Idempotent.
  void stop();

  // Queues a client operation; false (nothing queued, `done` not called) when the queue is full.
  // `replayable`: the work changes nothing but the database and may run again after a rollback
  // (see savepoint-free batches above).
  [[nodiscard]] bool submit(Kind kind, Work work, Done done, bool replayable = false);
  // Queues an internal operation; never refused.
  void submit_internal(Kind kind, Work work, Done done = {});
  // Publishes every commit's changes through `build` (see change_capture.hpp): batches are built
  // whole, one exclusive operation resolves at most `per_op_max` changes. Call before start().
  // `gate` (optional) is asked per commit first; false skips the commit's changes unread.
  void set_change_builder(ChangeBuilder build, std::size_t per_op_max, ChangeGate gate = {});
  // Runs `tick` as an exclusive operation every `period` (the simulated chain's catch-up).
  void set_tick(std::chrono::milliseconds period, Work tick);

  bool on_writer_thread() const { return std::this_thread::get_id() == thread_id_; }
  WriterStats stats() const;
  // Test hook (POST /_sandbox/storage): while paused the writer takes no new work once the current
  // operation is done; submissions queue (and are refused past `capacity`) until resumed.
  void set_paused(bool paused);
  // Test hook (POST /_sandbox/storage): the COMMITs of the next `n` batches that hold client work
  // fail (internal work alone, such as the webhook dispatcher's claims, does not use them up).
  void fail_next_commits(int n);

 private:
  struct Op {
    Kind kind;
    Work work;
    Done done;
    bool client = false;
    bool replayable = false;
  };
  void loop();
  void run_batch(std::deque<Op>& batch);
  bool run_without_savepoints(std::deque<Op>& batch, std::vector<char>& ok, const std::vector<std::size_t>& order,
                              std::size_t n);
  void run_with_savepoints(std::deque<Op>& batch, std::vector<char>& ok, const std::vector<std::size_t>& order,
                           std::size_t from);
  void run_exclusive(Op& op);
  void maybe_checkpoint(bool quiet);

  Store& store_;
  WriterOptions options_;
  std::unique_ptr<ChangeCapture> capture_;  // null: no event stream
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;
  std::size_t client_ops_ = 0;  // queued operations that came through submit()
  bool stopping_ = false;
  bool paused_ = false;
  bool running_ = false;
  std::chrono::milliseconds tick_period_{0};
  Work tick_;
  std::chrono::steady_clock::time_point last_client_{};      // when client work was last taken
  std::chrono::steady_clock::time_point next_checkpoint_{};  // no idle checkpoint before this
  int fail_commits_ = 0;                                     // batches with client work whose COMMIT is made to fail
  WriterStats stats_;
  std::unique_ptr<Checkpointer> checkpointer_;  // null: in-memory, not WAL, or turned off
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace paratro::store
