// Implementation of the SQLite wrappers declared in database.hpp.
#include "emulator/store/database.hpp"

#include <sqlite3.h>

namespace paratro::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw StoreError(rc, msg);
}

// Process-wide SQLite settings, applied once before the first connection opens (sqlite3_config
// only works before SQLite initialises). Memory statistics off: with them on (the default) every
// sqlite3_malloc and sqlite3_free takes one global mutex, which every reader thread and the
// writer contend on; nothing here reads those statistics. If SQLite was already initialised by
// someone else in the process, the call fails harmlessly and the default stays.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string&& value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> value) {
  const int rc = sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string_view Statement::column_view(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string_view();
}

std::vector<std::uint8_t> Statement::column_blob(int index) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
  const int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>();
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::reprepares() const { return sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_REPREPARE, 0); }

Database::Database(const std::string& path, Mode mode) : path_(path), read_only_(mode == Mode::read_only) {
  configure_sqlite_once();
  const int flags = read_only_ ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(rc, "open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  // SQLite opens any file lazily; the first read tells whether it is a database at all.
  try {
    exec("SELECT count(*) FROM sqlite_master");
  } catch (const StoreError& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(e.code(), path +
                                   " is not a SQLite database (corrupt, or another kind of file): move it away or "
                                   "give --database a new file");
  }
  if (read_only_) return;  // the read-write connection already set the file up
  sqlite3_commit_hook(db_, &Database::on_commit, this);
  sqlite3_wal_hook(db_, &Database::on_wal, this);
  // WAL + synchronous=NORMAL: a commit reaches the OS before we answer, so a killed process loses
  // nothing it acknowledged; only a power cut can lose the last commits (documented in the README).
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA journal_size_limit=67108864");  // the WAL file shrinks back to 64 MiB after a checkpoint
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA temp_store=MEMORY");
  // The writer's page cache may grow to 24 MiB (SQLite's default is 2 MiB): a clock advance walks
  // every pending transaction several times, and with a large table the default cache re-reads
  // the same index and table pages from the file at every step. It grows only as pages are used;
  // 64 MiB advanced no faster and put the process at 82 MB with a million stored transactions.
  exec("PRAGMA cache_size=-24576");
}

Database::~Database() {
  cache_.clear();
  if (db_) sqlite3_close(db_);
}

int Database::on_commit(void* self) {
  auto* d = static_cast<Database*>(self);
  if (d->fail_commits_ <= 0) return 0;
  --d->fail_commits_;
  return 1;  // SQLite turns the COMMIT into a ROLLBACK and reports SQLITE_CONSTRAINT_COMMITHOOK
}

int Database::on_wal(void* self, sqlite3*, const char*, int pages) {
  auto* d = static_cast<Database*>(self);
  d->commits_.fetch_add(1, std::memory_order_release);  // the commit is complete: readers may see it
  // A WAL smaller than at the last try has started over: the next try is at the threshold again.
  if (pages < d->wal_pages_) d->next_checkpoint_at_ = 0;
  d->wal_pages_ = pages;
  if (d->wal_listener_) d->wal_listener_(pages);
  const std::int64_t at = d->next_checkpoint_at_ > 0 ? d->next_checkpoint_at_ : d->checkpoint_threshold_;
  if (d->checkpoint_threshold_ > 0 && pages >= at) {
    ++d->hook_checkpoints_;
    d->checkpoint_passive();
    d->next_checkpoint_at_ = d->wal_pages_ == 0 ? 0 : pages + d->checkpoint_threshold_;
  }
  return SQLITE_OK;
}

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

bool Database::checkpoint_passive() {
  if (before_checkpoint_) before_checkpoint_();
  int log = 0, done = 0;
  if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK && log == done) {
    wal_pages_ = 0;  // every frame is in the database: the next commit starts the WAL over
    next_checkpoint_at_ = 0;
    return true;
  }
  return false;
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw StoreError(rc, "exec: " + msg);
  }
}

void Database::run(std::string_view sql) { use(sql)->run(); }

StatementUse Database::use(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  }
  return StatementUse(*it->second);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

std::vector<std::pair<std::string, int>> Database::reprepared() const {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [sql, st] : cache_) {
    if (const int n = st->reprepares(); n > 0) out.emplace_back(sql, n);
  }
  return out;
}

std::string Database::journal_mode() {
  auto st = use("PRAGMA journal_mode");
  return st->step() ? st->column_text(0) : std::string();
}

WriteTransaction::WriteTransaction(Database& db) : db_(db), nested_(sqlite3_get_autocommit(db.db_) == 0) {
  if (db.read_only_) throw StoreError(SQLITE_READONLY, "write attempted on a read-only connection");
  if (nested_ && !db.nested_savepoints_) {
    unisolated_ = true;
    changes_at_start_ = sqlite3_total_changes64(db.db_);
    return;
  }
  if (nested_ && db_.observer_) mark_ = db_.observer_->mark();
  db_.run(nested_ ? "SAVEPOINT nested_write" : "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  if (unisolated_) {
    if (sqlite3_total_changes64(db_.db_) != changes_at_start_) db_.unisolated_failure_ = true;
    return;
  }
  if (nested_) {
    sqlite3_exec(db_.db_, "ROLLBACK TO nested_write; RELEASE nested_write", nullptr, nullptr, nullptr);
    if (db_.observer_) db_.observer_->rollback_to(mark_);
  } else {
    sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void WriteTransaction::commit() {
  if (unisolated_) {
    done_ = true;
    return;
  }
  if (nested_) {
    db_.run("RELEASE nested_write");
    done_ = true;
    return;
  }
  ChangeObserver* observer = db_.observer_;
  if (observer) observer->before_commit();
  try {
    db_.run("COMMIT");
  } catch (...) {
    if (observer) observer->after_commit(false);
    throw;
  }
  done_ = true;
  if (observer) observer->after_commit(true);
}

namespace {
void forward_update(void* self, int op, const char*, const char* table, sqlite3_int64 rowid) {
  static_cast<ChangeObserver*>(self)->on_row(op, table, rowid);
}
void forward_rollback(void* self) { static_cast<ChangeObserver*>(self)->on_rollback(); }
}  // namespace

void Database::set_change_observer(ChangeObserver* observer) {
  observer_ = observer;
  sqlite3_update_hook(db_, observer ? &forward_update : nullptr, observer);
  sqlite3_rollback_hook(db_, observer ? &forward_rollback : nullptr, observer);
}

namespace {

// Copies all of `from` into `to` in one backup step (the destination is written in one transaction).
void copy_database(sqlite3* from, sqlite3* to, sqlite3* report_on) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) fail(report_on, sqlite3_errcode(to), "backup");
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) fail(report_on, rc, "backup");
}

}  // namespace

DatabaseImage::~DatabaseImage() { sqlite3_close(db_); }

std::int64_t DatabaseImage::bytes() const {
  std::int64_t n = 0;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", -1, &st,
                         nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return n;
}

void Database::release_cache() { sqlite3_db_release_memory(db_); }

std::unique_ptr<DatabaseImage> Database::copy_out() {
  sqlite3* mem = nullptr;
  const int rc =
      sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto image = std::make_unique<DatabaseImage>(mem);  // owns `mem` even when the open failed
  if (rc != SQLITE_OK) fail(mem, rc, "open snapshot");
  copy_database(db_, mem, mem);
  return image;
}

void Database::restore(const DatabaseImage& image) {
  copy_database(image.db_, db_, db_);
  commits_.fetch_add(1, std::memory_order_release);  // a backup commits without the WAL hook
}

}  // namespace paratro::store
