// Read-only queries behind the dashboard's control endpoints (/_sandbox/clients, .../wallets,
// /_sandbox/transactions): they read across clients, which the API's own lookups never do. Part of
// Store (see store.hpp); every method takes mu_ like the rest and stays an index seek or a bounded
// scan, so the dashboard never holds the store for long.
#include "emulator/store/store.hpp"

namespace paratro::store {

std::vector<std::string> Store::list_client_ids(int limit) {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  auto st = db_.use("SELECT client_id FROM clients ORDER BY seq LIMIT ?");
  st->bind(1, limit);
  while (st->step()) ids.push_back(st->column_text(0));
  return ids;
}

Store::ClientCounts Store::client_counts(std::string_view client_id) {
  std::lock_guard lock(mu_);
  ClientCounts c;
  // Each an index range on client_id; transactions: the client's highest list rank (migration 009).
  const std::pair<const char*, std::int64_t*> queries[] = {
      {"SELECT COUNT(*) FROM wallets WHERE client_id = ?", &c.wallets},
      {"SELECT COUNT(*) FROM accounts WHERE client_id = ?", &c.accounts},
      {"SELECT COUNT(*) FROM assets WHERE client_id = ?", &c.assets},
      {"SELECT COALESCE(MAX(client_rank), 0) FROM transactions WHERE client_id = ?", &c.transactions},
  };
  for (const auto& [sql, out] : queries) {
    auto st = db_.use(sql);
    st->bind(1, client_id);
    if (st->step()) *out = st->column_int(0);
  }
  return c;
}

Store::TxIdPage Store::list_transaction_ids(std::string_view client_id, std::string_view status,
                                            const domain::PageRequest& p) {
  std::lock_guard lock(mu_);
  TxIdPage page;
  const std::int64_t offset = (p.page - 1) * p.page_size;
  if (status.empty()) {
    // One client's list: its highest rank (migration 009); every client's: seq is dense (below).
    auto count = client_id.empty()
                     ? db_.use("SELECT COALESCE(MAX(seq), 0) FROM transactions")
                     : db_.use("SELECT COALESCE(MAX(client_rank), 0) FROM transactions WHERE client_id = ?1");
    if (!client_id.empty()) count->bind(1, client_id);
    if (count->step()) page.total = count->column_int(0);
  }
  if (client_id.empty() && status.empty()) {
    // Every client's list: rows are never deleted (reset and restore replace the database), so seq
    // is dense and page P is a seek below MAX(seq) - offset instead of an OFFSET scan.
    auto st = db_.use(
        "SELECT tx_id FROM transactions WHERE seq <= (SELECT MAX(seq) FROM transactions) - ?1"
        " ORDER BY seq DESC LIMIT ?2");
    st->bind(1, offset).bind(2, p.page_size);
    while (st->step()) page.ids.push_back(st->column_text(0));
    page.has_more = offset + static_cast<std::int64_t>(page.ids.size()) < page.total;
    return page;
  }
  // One row beyond the page tells whether another page follows.
  auto st = db_.use(
      "SELECT tx_id FROM transactions WHERE (?1 = '' OR client_id = ?1) AND (?2 = '' OR status = ?2)"
      " ORDER BY seq DESC LIMIT ?3 OFFSET ?4");
  st->bind(1, client_id).bind(2, status).bind(3, p.page_size + 1).bind(4, offset);
  while (st->step()) page.ids.push_back(st->column_text(0));
  if (static_cast<std::int64_t>(page.ids.size()) > p.page_size) {
    page.ids.pop_back();
    page.has_more = true;
  }
  return page;
}

}  // namespace paratro::store
