// Implementation of change_capture.hpp.
#include "emulator/store/change_capture.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <unordered_map>

namespace paratro::store {
namespace {

constexpr const char* kBalanceTable = "event_balance_changes";

struct Watched {
  const char* table;
  RowChange::Kind kind;
  const char* resolve_sql;  // the row's id and client by rowid
};

constexpr Watched kWatched[] = {
    {"wallets", RowChange::Kind::wallet, "SELECT wallet_id, client_id FROM main.wallets WHERE rowid = ?"},
    {"accounts", RowChange::Kind::account, "SELECT account_id, client_id FROM main.accounts WHERE rowid = ?"},
    {"assets", RowChange::Kind::asset, "SELECT asset_id, client_id FROM main.assets WHERE rowid = ?"},
    {"transactions", RowChange::Kind::transaction, "SELECT tx_id, client_id FROM main.transactions WHERE rowid = ?"},
    {"webhook_events", RowChange::Kind::webhook_event,
     "SELECT event_id, client_id FROM main.webhook_events WHERE rowid = ?"},
    {"webhook_deliveries", RowChange::Kind::webhook_delivery,
     // Claims (queued, sending) and new deliveries are not attempts: only rows an attempt finished.
     "SELECT delivery_id, client_id FROM main.webhook_deliveries WHERE rowid = ? AND attempts > 0 "
     "AND status NOT IN ('queued', 'sending')"},
    // A changed balance: every asset showing it (the same address can be held by several clients).
    {kBalanceTable, RowChange::Kind::balance,
     "SELECT a.asset_id, a.client_id FROM temp.event_balance_changes b JOIN main.accounts c "
     "ON c.address_key = b.address_key JOIN main.assets a ON a.account_id = c.account_id "
     "AND a.chain = b.chain AND a.symbol = b.symbol WHERE b.rowid = ?"},
};

}  // namespace

ChangeCapture::ChangeCapture(Database& db, ChangeBuilder build, std::size_t per_op_max, ChangeGate gate)
    : db_(db), build_(std::move(build)), gate_(std::move(gate)), per_op_max_(per_op_max) {
  db_.exec(
      "CREATE TEMP TABLE IF NOT EXISTS event_balance_changes(chain TEXT, address_key TEXT, symbol TEXT);"
      "CREATE TEMP TRIGGER IF NOT EXISTS event_balance_inserted AFTER INSERT ON main.balances BEGIN "
      "INSERT INTO event_balance_changes VALUES (NEW.chain, NEW.address_key, NEW.symbol); END;"
      "CREATE TEMP TRIGGER IF NOT EXISTS event_balance_updated AFTER UPDATE ON main.balances BEGIN "
      "INSERT INTO event_balance_changes VALUES (NEW.chain, NEW.address_key, NEW.symbol); END;");
  db_.set_change_observer(this);
  budget_ = std::numeric_limits<std::size_t>::max();
}

ChangeCapture::~ChangeCapture() {
  if (db_.change_observer() == this) db_.set_change_observer(nullptr);
}

void ChangeCapture::begin_op(bool exclusive) {
  budget_ = exclusive ? per_op_max_ : std::numeric_limits<std::size_t>::max();
  skipped_ = 0;
}

void ChangeCapture::end_op() {
  if (!pending_.empty() && !db_.in_transaction()) {  // statements that ran in autocommit mode
    harvest();
    after_commit(true);
  }
  if (skipped_ > 0) {
    try {
      if (auto publish = build_({}, skipped_)) publish();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "events: %s\n", e.what());
    }
  }
  skipped_ = 0;
  budget_ = std::numeric_limits<std::size_t>::max();
}

void ChangeCapture::on_row(int op, const char* table, std::int64_t rowid) {
  if (op == SQLITE_DELETE) return;  // nothing the stream shows disappears row by row
  for (const auto& w : kWatched) {
    if (std::strcmp(table, w.table) == 0) {
      pending_.push_back(Record{w.kind, rowid, op == SQLITE_INSERT});
      return;
    }
  }
}

void ChangeCapture::rollback_to(std::size_t mark) {
  if (mark < pending_.size()) pending_.resize(mark);
}

void ChangeCapture::before_commit() { harvest(); }

void ChangeCapture::after_commit(bool committed) {
  std::vector<std::function<void()>> staged;
  staged.swap(staged_);
  pending_.clear();
  if (!committed) return;
  for (auto& publish : staged) {
    try {
      publish();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "events: %s\n", e.what());
    }
  }
}

void ChangeCapture::harvest() {
  if (pending_.empty()) return;
  std::vector<Record> records;
  records.swap(pending_);
  if (gate_ && !gate_()) {
    for (const auto& r : records) {
      if (r.kind == RowChange::Kind::balance) {
        db_.run("DELETE FROM temp.event_balance_changes");
        break;
      }
    }
    pending_.clear();
    return;
  }
  // One change per row and commit, in the order rows were first touched; the row is read as it
  // commits (several updates of one row in one commit show as its final state).
  std::unordered_map<std::int64_t, std::size_t> seen;
  std::vector<Record> unique;
  unique.reserve(records.size());
  for (const auto& r : records) {
    const std::int64_t key = r.rowid * 8 + static_cast<std::int64_t>(r.kind);
    auto [it, fresh] = seen.emplace(key, unique.size());
    if (fresh) {
      unique.push_back(r);
    } else {
      unique[it->second].inserted = unique[it->second].inserted || r.inserted;
    }
  }
  std::vector<RowChange> changes;
  try {
    for (const auto& r : unique) {
      if (budget_ == 0) {
        ++skipped_;
        continue;
      }
      --budget_;
      resolve(r, changes);
    }
    if (!unique.empty()) db_.run("DELETE FROM temp.event_balance_changes");
    if (!changes.empty()) {
      if (auto publish = build_(changes, 0)) staged_.push_back(std::move(publish));
    }
  } catch (const std::exception& e) {
    // The stream misses these changes; the write itself must not fail because of it.
    std::fprintf(stderr, "events: changes not published: %s\n", e.what());
  }
  pending_.clear();  // the DELETE above is not a change to report
}

void ChangeCapture::resolve(const Record& r, std::vector<RowChange>& out) {
  for (const auto& w : kWatched) {
    if (w.kind != r.kind) continue;
    auto st = db_.use(w.resolve_sql);
    st->bind(1, r.rowid);
    while (st->step()) out.push_back(RowChange{r.kind, r.inserted, st->column_text(0), st->column_text(1)});
    return;
  }
}

}  // namespace paratro::store
