// The transactions repository: inserts and lifecycle updates, lookups, the list pages (ranks of
// migrations 005 and 009), the due queue of the simulated chain, history and deposits. Rows through
// kTransactionRow (rows.hpp).
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::ErrorCode;
using domain::make_error;
using domain::Page;
using domain::PageRequest;
using domain::Status;

Status Store::check_reference_id(std::string_view client_id, std::string_view reference_id) {
  if (reference_id.empty()) return domain::ok_status();
  auto st = db().use("SELECT 1 FROM transactions WHERE client_id = ? AND reference_id = ?");
  st->bind(1, client_id).bind(2, reference_id);
  if (st->step()) {
    return make_error(ErrorCode::invalid_parameter, "Duplicate reference_id: this reference has already been used");
  }
  return domain::ok_status();
}

// The row goes in with its 1-based position in each of the four lists: one more than the list's
// length, which is its highest rank (migration 009), read by the INSERT itself with one index seek
// per list inside the caller's write transaction, so a rolled-back insert leaves no gap.
void Store::insert_transaction(const TransactionRecord& t) {
  auto st = db().use(sql_once([] {
    // "(SELECT IFNULL(MAX(rank), 0) + 1 FROM transactions WHERE a = ?N [AND b = ?M])", N and M the
    // parameters the row's own columns a and b are bound to.
    const auto next = [](std::string_view rank, std::string_view a, std::string_view b = {}) {
      std::string out("(SELECT IFNULL(MAX(");
      out.append(rank).append("), 0) + 1 FROM transactions WHERE ");
      out.append(a).append(" = ?").append(std::to_string(param_of(kTransactionRow, a)));
      if (!b.empty()) out.append(" AND ").append(b).append(" = ?").append(std::to_string(param_of(kTransactionRow, b)));
      return out.append(")");
    };
    const std::string client = next("client_rank", "client_id");
    const std::string wallet = next("wallet_rank", "wallet_id");
    const std::string account = next("account_rank", "account_id");
    const std::string chain = next("chain_rank", "client_id", "chain");
    return insert_sql(
        "transactions", kTransactionRow,
        {{"client_rank", client}, {"wallet_rank", wallet}, {"account_rank", account}, {"chain_rank", chain}});
  }));
  bind_row(kTransactionRow, *st, t);
  st->run();
}

void Store::update_transaction(const TransactionRecord& t, std::int64_t seq) {
  static constexpr std::string_view kSet =
      "UPDATE transactions SET status = ?, tx_hash = ?, block_number = ?, confirmations = ?, updated_at_ms = ?, "
      "next_due_ms = ?, outcome = ?, failure_reason = ?, confirmed_at_ms = ?, required_confirmations = ? ";
  // By row number when the caller has it (the scheduler's due rows): one b-tree seek fewer.
  auto st = db().use(seq > 0 ? sql_once([] { return std::string(kSet) + "WHERE seq = ? AND tx_id = ?"; })
                             : sql_once([] { return std::string(kSet) + "WHERE tx_id = ?"; }));
  st->bind(1, to_string(t.status))
      .bind(2, t.tx_hash)
      .bind(3, t.block_number)
      .bind(4, t.confirmations)
      .bind(5, t.updated_at_ms);
  if (t.next_due_ms < 0)
    st->bind_null(6);
  else
    st->bind(6, t.next_due_ms);
  st->bind(7, to_string(t.outcome)).bind(8, t.failure_reason);
  if (t.confirmed_at_ms < 0)
    st->bind_null(9);
  else
    st->bind(9, t.confirmed_at_ms);
  st->bind(10, t.required_confirmations);
  if (seq > 0) st->bind(11, seq);
  st->bind(seq > 0 ? 12 : 11, t.tx_id).run();
}

Status Store::insert_history_transaction(TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT wallet_id, account_id, client_id, chain, decimals FROM assets WHERE asset_id = ?");
    st->bind(1, t.asset_id);
    if (!st->step()) return make_error(ErrorCode::not_found, "Asset not found");
    t.wallet_id = st->column_text(0);
    t.account_id = st->column_text(1);
    t.client_id = st->column_text(2);
    t.chain = st->column_text(3);
    t.decimals = static_cast<int>(st->column_int(4));
  }
  {
    auto st = db().use("SELECT 1 FROM transactions WHERE tx_id = ?");
    st->bind(1, t.tx_id);
    if (st->step()) return make_error(ErrorCode::conflict, "a transaction with this tx_id already exists");
  }
  t.next_due_ms = -1;
  insert_transaction(t);
  tx.commit();
  return domain::ok_status();
}

std::optional<TransactionRecord> Store::find_transaction(std::string_view client_id, std::string_view tx_id) {
  auto lock = guard();
  return find_row(db(), kTransactionRow,
                  sql_once([] { return select_transactions(" WHERE tx_id = ? AND client_id = ?"); }), tx_id, client_id);
}

Page<TransactionRecord> Store::list_transactions(std::string_view client_id, const TransactionFilter& f,
                                                 const PageRequest& p) {
  auto lock = guard();
  const int filters = int(!f.wallet_id.empty()) + int(!f.account_id.empty()) + int(!f.chain.empty());
  if (filters > 1) {
    // Combined filters: counted and paged by scanning the most selective list's index.
    constexpr std::string_view where =
        " WHERE client_id = ?1 AND (?2 = '' OR wallet_id = ?2) AND (?3 = '' OR account_id = ?3)"
        " AND (?4 = '' OR chain = ?4)";
    const std::string count_sql = std::string("SELECT COUNT(*) FROM transactions").append(where);
    const std::string page_sql = select_transactions(where).append(" ORDER BY seq DESC LIMIT ?5 OFFSET ?6");
    return fetch_page(
        db(), count_sql, page_sql, 4, p,
        [&](Statement& s) { s.bind(1, client_id).bind(2, f.wallet_id).bind(3, f.account_id).bind(4, f.chain); },
        kTransactionRow);
  }
  // One list (migration 005): its length is its highest rank (migration 009) and page P is a seek on
  // its rank. A wallet or account of another client has no list here (its rows are that client's).
  struct List {
    std::string_view key;             // ?4 of both statements ("" for the client's whole list: none)
    const char* owned_sql = nullptr;  // nullptr: the caller's own list
    const char* total_sql = nullptr;  // ?1 client_id, ?4 key
    std::string_view page_sql;        // ?1 client_id, ?2 highest rank, ?3 limit, ?4 key
  };
  List list;
  if (!f.wallet_id.empty()) {
    list = {f.wallet_id, "SELECT 1 FROM wallets WHERE wallet_id = ?1 AND client_id = ?2",
            "SELECT MAX(wallet_rank) FROM transactions WHERE wallet_id = ?4", sql_once([] {
              return select_transactions(
                  " WHERE wallet_id = ?4 AND client_id = ?1 AND wallet_rank <= ?2"
                  " ORDER BY wallet_rank DESC LIMIT ?3");
            })};
  } else if (!f.account_id.empty()) {
    list = {f.account_id, "SELECT 1 FROM accounts WHERE account_id = ?1 AND client_id = ?2",
            "SELECT MAX(account_rank) FROM transactions WHERE account_id = ?4", sql_once([] {
              return select_transactions(
                  " WHERE account_id = ?4 AND client_id = ?1 AND account_rank <= ?2"
                  " ORDER BY account_rank DESC LIMIT ?3");
            })};
  } else if (!f.chain.empty()) {
    list = {f.chain, nullptr, "SELECT MAX(chain_rank) FROM transactions WHERE client_id = ?1 AND chain = ?4",
            sql_once([] {
              return select_transactions(
                  " WHERE client_id = ?1 AND chain = ?4 AND chain_rank <= ?2"
                  " ORDER BY chain_rank DESC LIMIT ?3");
            })};
  } else {
    list = {
        "", nullptr, "SELECT MAX(client_rank) FROM transactions WHERE client_id = ?1", sql_once([] {
          return select_transactions(" WHERE client_id = ?1 AND client_rank <= ?2 ORDER BY client_rank DESC LIMIT ?3");
        })};
  }
  Page<TransactionRecord> page;
  if (list.owned_sql) {
    auto st = db().use(list.owned_sql);
    st->bind(1, list.key).bind(2, client_id);
    if (!st->step()) return page;
  }
  {
    auto st = db().use(list.total_sql);
    st->bind(1, client_id);
    if (!list.key.empty()) st->bind(4, list.key);
    if (st->step()) page.total = st->column_int(0);  // an empty list (NULL) reads 0
  }
  const std::int64_t top = page.total - offset_of(p);
  if (top > 0) {
    auto st = db().use(list.page_sql);
    st->bind(1, client_id).bind(2, top).bind(3, p.page_size);
    if (!list.key.empty()) st->bind(4, list.key);
    while (st->step()) page.items.push_back(read_row(kTransactionRow, *st));
  }
  page.has_more = offset_of(p) + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
}

std::vector<TransactionRecord> Store::due_transactions(std::int64_t until_ms, int limit,
                                                       std::vector<std::int64_t>* seqs) {
  auto lock = guard();
  std::vector<TransactionRecord> out;
  // The row's columns, then its seq (column kTransactionRow.size()).
  auto st = db().use(sql_once([] {
    return select_sql(kTransactionRow, ", seq FROM transactions",
                      " WHERE next_due_ms IS NOT NULL AND next_due_ms <= ? ORDER BY next_due_ms, seq LIMIT ?");
  }));
  st->bind(1, until_ms).bind(2, limit);
  if (seqs) seqs->clear();
  while (st->step()) {
    out.push_back(read_row(kTransactionRow, *st));
    if (seqs) seqs->push_back(st->column_int(static_cast<int>(kTransactionRow.size())));
  }
  return out;
}

std::int64_t Store::next_due_ms() {
  auto lock = guard();
  auto st = db().use(
      "SELECT MIN(d) FROM (SELECT MIN(next_due_ms) AS d FROM transactions WHERE next_due_ms IS NOT NULL "
      "UNION ALL SELECT MIN(key_ready_at_ms) FROM wallets WHERE status = 'PROGRESSING' "
      "UNION ALL SELECT MIN(expires_at_ms) FROM x402_settlements WHERE expires_at_ms IS NOT NULL)");
  if (!st->step() || st->column_is_null(0)) return -1;
  return st->column_int(0);
}

domain::Status Store::create_deposit(TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    const auto owner = owner_of(t.to_address_key, t.chain);
    if (!owner) return make_error(ErrorCode::not_found, "No account of the emulator holds this address");
    const auto& acc = *owner;
    t.client_id = acc.client_id;
    t.wallet_id = acc.wallet_id;
    t.account_id = acc.account_id;
    t.to_address = acc.address;
  }
  {
    auto st = db().use("SELECT asset_id FROM assets WHERE account_id = ? AND chain = ? AND symbol = ?");
    st->bind(1, t.account_id).bind(2, t.chain).bind(3, t.token_symbol);
    if (st->step()) t.asset_id = st->column_text(0);
  }
  insert_transaction(t);
  tx.commit();
  return domain::ok_status();
}

std::optional<TransactionRecord> Store::find_transaction_any(std::string_view tx_id) {
  auto lock = guard();
  return find_row(db(), kTransactionRow, sql_once([] { return select_transactions(" WHERE tx_id = ?"); }), tx_id);
}

}  // namespace paratro::store
