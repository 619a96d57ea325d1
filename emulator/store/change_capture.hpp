// What the event stream hangs off: the rows each commit of the writer's connection changed. SQLite's
// update hook records (table, rowid) as statements run; a savepoint or transaction that rolls back
// drops its records; just before COMMIT the records are resolved on the write connection (inside the
// transaction, so they see exactly what commits) into RowChanges and handed to a builder, whose
// result runs only once the COMMIT succeeded (a failed COMMIT drops it). Balances live in a
// WITHOUT ROWID table, which the update hook does not report, so a TEMP trigger on this connection
// copies the key of each changed balance into a temp table that is read and emptied at each commit.
//
// The store knows nothing of events: the builder is a callback that returns what to run after the
// commit. Bound: one exclusive operation (a long clock advance) resolves at most `per_op_max`
// changes; the rest are only counted and reported once, at the end of the operation, as `skipped`.
// Not thread-safe: used on the writer thread with the store's lock held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "emulator/store/database.hpp"
#include "emulator/store/row_change.hpp"

namespace paratro::store {

class ChangeCapture final : public ChangeObserver {
 public:
  // Installs itself on `db` (the store's read-write connection) and creates the temp trigger.
  ChangeCapture(Database& db, ChangeBuilder build, std::size_t per_op_max, ChangeGate gate = {});
  ~ChangeCapture() override;
  ChangeCapture(const ChangeCapture&) = delete;
  ChangeCapture& operator=(const ChangeCapture&) = delete;

  // Around each operation the writer runs: an exclusive one gets the per-operation bound, a batch
  // none (its size is bounded by the writer). end_op() resolves and publishes what statements
  // outside any transaction changed, and reports what the bound left out.
  void begin_op(bool exclusive);
  void end_op();

  void on_row(int op, const char* table, std::int64_t rowid) override;
  void on_rollback() override { pending_.clear(); }
  std::size_t mark() const override { return pending_.size(); }
  void rollback_to(std::size_t mark) override;
  void before_commit() override;
  void after_commit(bool committed) override;

 private:
  struct Record {
    RowChange::Kind kind;
    std::int64_t rowid;
    bool inserted;
  };
  void harvest();
  void resolve(const Record& r, std::vector<RowChange>& out);

  Database& db_;
  ChangeBuilder build_;
  ChangeGate gate_;
  std::size_t per_op_max_;
  std::size_t budget_ = 0;  // changes this operation may still resolve
  std::int64_t skipped_ = 0;
  std::vector<Record> pending_;
  std::vector<std::function<void()>> staged_;  // to run after the COMMIT
};

}  // namespace paratro::store
