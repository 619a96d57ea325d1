// RAII over one SQLite connection: prepared statements cached by their SQL text and reset on scope
// exit, `BEGIN IMMEDIATE` write transactions, and the pragmas the emulator relies on (WAL,
// synchronous=NORMAL, busy_timeout, foreign keys). A Database is not thread-safe: its owner
// serialises access (see Store). Failures throw StoreError; Store turns them into internal_error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// SQLite's handles, declared rather than included: sqlite3.h stays inside store/ (DESIGN.md; the
// layering check holds it), while every layer above can still name a Database.
struct sqlite3;
struct sqlite3_stmt;

namespace paratro::store {

// `code` is SQLite's result code (SQLITE_BUSY, SQLITE_CORRUPT, ...; see sqlite3.h inside store/).
class StoreError : public std::runtime_error {
 public:
  StoreError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// A prepared statement owned by Database's cache. Use through StatementUse so it is always reset.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  // Text is bound without a copy: it must stay alive until the statement is reset (StatementUse's
  // end), which every caller's record fields, parameters and literals do. A temporary string is
  // copied (the overload for rvalues), since it dies before the statement steps.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::string&& value);
  Statement& bind_blob(int index, std::span<const std::uint8_t> value);
  Statement& bind_null(int index);

  // Advances; true while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  // The same text in place: valid until the next step, reset or column read of another type.
  std::string_view column_view(int index) const;
  std::vector<std::uint8_t> column_blob(int index) const;
  bool column_is_null(int index) const;

  void reset();
  // How often SQLite has prepared this statement again since it was made (a schema change, or a
  // bound value its query plan depends on).
  int reprepares() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Borrows a cached statement and resets it (clearing bindings) when it goes out of scope, so a
// statement never keeps a read transaction open.
class StatementUse {
 public:
  explicit StatementUse(Statement& s) : s_(s) {}
  ~StatementUse() { s_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

// A private in-memory copy of a whole database (schema and rows), made with SQLite's online backup.
// Immutable once made; Database::restore() copies it back. Not thread-safe to restore from two
// threads at once (Store serialises).
class DatabaseImage {
 public:
  explicit DatabaseImage(sqlite3* db) : db_(db) {}
  ~DatabaseImage();
  DatabaseImage(const DatabaseImage&) = delete;
  DatabaseImage& operator=(const DatabaseImage&) = delete;
  // Size of the copy in bytes (pages x page size).
  std::int64_t bytes() const;

 private:
  friend class Database;
  sqlite3* db_;
};

// Watches the changes of one read-write connection for the event stream (change_capture.hpp).
// Database forwards SQLite's update and rollback hooks to it and calls it around every top-level
// WriteTransaction commit; nested WriteTransactions report their savepoint rollbacks.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  virtual void on_row(int op, const char* table, std::int64_t rowid) = 0;  // SQLite's update hook
  virtual void on_rollback() = 0;                                          // a whole transaction
  virtual std::size_t mark() const = 0;                                    // before a savepoint
  virtual void rollback_to(std::size_t mark) = 0;                          // the savepoint rolled back
  virtual void before_commit() = 0;                                        // inside the transaction, just before COMMIT
  virtual void after_commit(bool committed) = 0;
};

class Database {
 public:
  enum class Mode { read_write, read_only };
  // Opens (creating if needed) `path`; ":memory:" gives a private in-memory database. A read_only
  // connection never writes (a WriteTransaction on it throws) and is meant for WAL snapshot reads
  // beside the one read-write connection.
  explicit Database(const std::string& path, Mode mode = Mode::read_write);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  // Runs one statement that returns no rows through the statement cache (for the hot BEGIN,
  // SAVEPOINT, RELEASE and COMMIT of the read and write paths).
  void run(std::string_view sql);
  // The cached statement for `sql`, prepared on first use.
  StatementUse use(std::string_view sql);
  std::int64_t changes() const;
  // The cached statements SQLite has prepared again since they were made, with their counts.
  std::vector<std::pair<std::string, int>> reprepared() const;
  std::string journal_mode();
  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  // True while a transaction (or savepoint) is open on this connection.
  bool in_transaction() const;

  // Checkpoints. SQLite's own automatic checkpoint is replaced by this connection's WAL hook: after
  // a commit that leaves the WAL at `pages` or more, the hook runs a passive checkpoint (1,000 by
  // default, as SQLite's; 0 never). The writer raises it so that checkpoints normally run while it
  // is idle (checkpoint_passive()), the hook only bounding a WAL that grows without pause. When
  // readers keep a checkpoint from finishing, the hook tries again only after the WAL has grown by
  // another `pages`, never on every commit (each try reads the WAL index and syncs the file).
  // wal_pages() is the WAL's size in pages after the last commit or checkpoint.
  void set_checkpoint_threshold(int pages) { checkpoint_threshold_ = pages; }
  // True when every frame of the WAL is then in the database file.
  bool checkpoint_passive();
  // Frees the page cache's unused pages (sqlite3_db_release_memory); they are read again on demand.
  void release_cache();
  std::int64_t wal_pages() const { return wal_pages_; }
  // How many checkpoints the WAL hook has started (for tests and /_sandbox/storage).
  std::int64_t hook_checkpoints() const { return hook_checkpoints_; }
  // Test hook: the next `n` COMMITs of this connection fail (SQLite rolls them back, as it does when
  // a commit cannot be written). See POST /_sandbox/storage.
  void fail_next_commits(int n) { fail_commits_ = n; }
  int pending_commit_failures() const { return fail_commits_; }

  // While off (the writer's savepoint-free batches, writer.hpp), a WriteTransaction inside an open
  // transaction opens no SAVEPOINT of its own: one that ends without commit() after changing rows
  // cannot undo them, so it records that (take_unisolated_failure), and the writer rolls the whole
  // batch back and runs it again with a savepoint per operation. One that changed nothing (a
  // business error found before any write) needs no undo.
  void set_nested_savepoints(bool on) { nested_savepoints_ = on; }
  // True (once) if such a WriteTransaction ended uncommitted after changing rows since the last call.
  bool take_unisolated_failure() { return std::exchange(unisolated_failure_, false); }

  // Installs (or, with nullptr, removes) the observer of this connection's changes. The observer
  // must outlive the connection or be removed first.
  void set_change_observer(ChangeObserver* observer);
  ChangeObserver* change_observer() const { return observer_; }

  // How many times this (read-write) connection has made new contents visible to readers: bumped
  // after every commit (from SQLite's WAL hook, which runs once the commit is complete) and after
  // restore(). A reader whose snapshot was taken after it read a value still sees everything while
  // the value is unchanged (Store::ReadScope keeps snapshots open on that basis). Any thread.
  std::uint64_t commits() const { return commits_.load(std::memory_order_acquire); }
  // Runs just before every checkpoint this connection attempts (Store ends its idle readers'
  // snapshots there, which would otherwise keep the checkpoint from finishing).
  void set_before_checkpoint(std::function<void()> fn) { before_checkpoint_ = std::move(fn); }
  // Told the WAL's size in pages after every commit of this connection (from its WAL hook, before
  // the hook's own checkpoint; on the committing thread). The Writer feeds its background
  // checkpointer from here, so the commits inside a long exclusive operation count too.
  void set_wal_listener(std::function<void(std::int64_t)> fn) { wal_listener_ = std::move(fn); }

  // Copies the whole database into a new in-memory image. Must not run inside a transaction.
  std::unique_ptr<DatabaseImage> copy_out();
  // Replaces the whole database with `image` in one step (readers see the old or the new contents).
  // Cached statements stay usable: the copy bumps the schema cookie, so SQLite re-prepares them.
  void restore(const DatabaseImage& image);

 private:
  friend class WriteTransaction;
  static int on_commit(void* self);
  static int on_wal(void* self, sqlite3*, const char*, int pages);
  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
  std::int64_t wal_pages_ = 0;
  int checkpoint_threshold_ = 1000;
  std::int64_t hook_checkpoints_ = 0;
  std::int64_t next_checkpoint_at_ = 0;  // WAL size (pages) at which the hook tries next; 0: the threshold
  int fail_commits_ = 0;
  bool nested_savepoints_ = true;
  bool unisolated_failure_ = false;
  ChangeObserver* observer_ = nullptr;
  std::atomic<std::uint64_t> commits_{0};
  std::function<void()> before_checkpoint_;
  std::function<void(std::int64_t)> wal_listener_;
  // Declared after db_ so statements are finalised before the connection closes.
  // Looked up by the SQL text without copying it into a std::string (use() runs a dozen times per
  // lifecycle step).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() ran. Inside an open
// transaction it nests as a SAVEPOINT instead, so several repository operations can form one
// transaction (Store::write_batch) while a failing inner one still undoes only its own writes.
class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
  bool nested_ = false;
  bool unisolated_ = false;            // nested without a SAVEPOINT (Database::set_nested_savepoints)
  std::int64_t changes_at_start_ = 0;  // the connection's total changes when an unisolated one began
  std::size_t mark_ = 0;               // the change observer's position when a nested transaction began
};

}  // namespace paratro::store
