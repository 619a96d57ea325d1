// The Store's core: opening and migrating the database, the read scopes and their pooled read-only
// connections, the write lock, batches, snapshots, settings and counts. The repositories of each
// table family live in their own files (client_store, wallet_store, asset_store, transaction_store,
// transfer_store, ...); see store.hpp for the contracts.
#include "emulator/store/store.hpp"

#include "emulator/store/migrations.hpp"
#include "emulator/store/rows.hpp"
#include "emulator/store/step_batch.hpp"

namespace paratro::store {

using domain::Status;

Store::Store(const std::string& path) : db_(path) {
  apply_migrations(db_, embedded_migrations());
  readers_.keep_snapshots = !in_memory() && db_.journal_mode() == "wal";
  db_.set_before_checkpoint([this] { readers_.end_snapshots(); });
}

Store::~Store() = default;

namespace {
// The read scope this thread is in, if any (one at a time: nested scopes do nothing).
struct ThreadRead {
  const Store* store = nullptr;
  Database* conn = nullptr;
};
thread_local ThreadRead t_read;
}  // namespace

Store::ReadScope::ReadScope(Store& store) {
  if (store.in_memory() || t_read.store) return;
  ReaderPool::Reader reader = store.readers_.take();
  if (!reader.conn) reader.conn = std::make_unique<Database>(store.db_.path(), Database::Mode::read_only);
  // Read before BEGIN: the snapshot (taken at the first read after BEGIN) then holds at least every
  // commit counted here. An open snapshot is reused only while nothing has been committed since.
  const std::uint64_t now = store.db_.commits();
  if (!(reader.open && reader.seen == now && reader.conn->in_transaction())) {
    if (reader.conn->in_transaction()) reader.conn->run("COMMIT");
    reader.conn->run("BEGIN");
    reader.seen = now;
  }
  conn_ = reader.conn.release();
  seen_ = reader.seen;
  store_ = &store;
  t_read = {store_, conn_};
}

Store::ReadScope::~ReadScope() {
  if (!store_) return;
  t_read = {};
  ReaderPool::Reader reader{std::unique_ptr<Database>(conn_), seen_, true};
  if (!store_->readers_.keep_snapshots || store_->db_.commits() != seen_) {
    try {
      reader.conn->run("COMMIT");
    } catch (const StoreError&) {
      return;  // a connection in an unknown state is not reused
    }
    reader.open = false;
  }
  store_->readers_.give(std::move(reader));
}

ReaderPool::Reader ReaderPool::take() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return {};
  Reader reader = std::move(idle_.back());
  idle_.pop_back();
  return reader;
}

void ReaderPool::give(Reader reader) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(reader));
}

void ReaderPool::end_snapshots() {
  std::lock_guard lock(mu_);
  for (auto& reader : idle_) {
    if (!reader.open) continue;
    reader.open = false;
    try {
      if (reader.conn->in_transaction()) reader.conn->run("COMMIT");
    } catch (const StoreError&) {
      reader.conn.reset();  // dropped below: a connection in an unknown state is not reused
    }
  }
  std::erase_if(idle_, [](const Reader& r) { return !r.conn; });
}

Database& Store::db() { return t_read.store == this ? *t_read.conn : db_; }

std::unique_lock<std::recursive_mutex> Store::guard() {
  if (t_read.store == this) return std::unique_lock<std::recursive_mutex>(mu_, std::defer_lock);
  return std::unique_lock<std::recursive_mutex>(mu_);
}

Status Store::write_batch(const std::function<Status()>& fn) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = fn();
  if (st) tx.commit();
  return st;
}

std::shared_ptr<const DatabaseImage> Store::snapshot() {
  auto lock = guard();
  return db_.copy_out();
}

void Store::restore(const DatabaseImage& image) {
  auto lock = guard();
  db_.restore(image);
}

void Store::release_cache() {
  auto lock = guard();
  db_.release_cache();
}

std::vector<std::pair<std::string, int>> Store::reprepared_statements() {
  auto lock = guard();
  return db_.reprepared();
}

std::string Store::journal_mode() {
  auto lock = guard();
  return db().journal_mode();
}

std::string Store::get_or_create_setting(std::string_view key, const std::function<std::string()>& make) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT value FROM settings WHERE key = ?");
    st->bind(1, key);
    if (st->step()) {
      auto blob = st->column_blob(0);
      return std::string(blob.begin(), blob.end());
    }
  }
  std::string value = make();
  auto st = db().use("INSERT INTO settings(key, value) VALUES (?, ?)");
  st->bind(1, key).bind_blob(2, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}).run();
  tx.commit();
  return value;
}

std::optional<std::string> Store::get_setting(std::string_view key) {
  auto lock = guard();
  auto st = db().use("SELECT value FROM settings WHERE key = ?");
  st->bind(1, key);
  if (!st->step()) return std::nullopt;
  auto blob = st->column_blob(0);
  return std::string(blob.begin(), blob.end());
}

std::vector<std::pair<std::string, std::string>> Store::all_settings() {
  auto lock = guard();
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db().use("SELECT key, value FROM settings ORDER BY key");
  while (st->step()) {
    auto blob = st->column_blob(1);
    out.emplace_back(st->column_text(0), std::string(blob.begin(), blob.end()));
  }
  return out;
}

void Store::put_setting(std::string_view key, std::string_view value) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st =
      db().use("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st->bind(1, key).bind_blob(2, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}).run();
  tx.commit();
}

Counts Store::counts() {
  auto lock = guard();
  Counts c;
  auto st = db().use(
      "SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM wallets), (SELECT COUNT(*) FROM accounts),"
      " (SELECT COUNT(*) FROM assets), (SELECT COUNT(*) FROM transactions),"
      " (SELECT COUNT(*) FROM transactions WHERE status NOT IN ('CONFIRMED', 'FAILED'))");
  if (st->step()) {
    c.clients = st->column_int(0);
    c.wallets = st->column_int(1);
    c.accounts = st->column_int(2);
    c.assets = st->column_int(3);
    c.transactions = st->column_int(4);
    c.pending_transactions = st->column_int(5);
  }
  return c;
}

}  // namespace paratro::store
