// The responses kept for Idempotency-Key (table idempotency_keys): looked up and saved inside the
// write batch of the request they belong to, so the key and the rows the request created commit
// together. Part of Store (see store.hpp); every method takes mu_ like the rest.
#include "emulator/store/store.hpp"

namespace paratro::store {

std::optional<Store::IdempotentResponse> Store::find_idempotent_response(std::string_view client_id,
                                                                         std::string_view key, std::int64_t now_ms) {
  auto lock = guard();
  auto st = db().use(
      "SELECT route, status, body, created_at_ms, expires_at_ms FROM idempotency_keys "
      "WHERE client_id = ? AND idem_key = ? AND expires_at_ms > ?");
  st->bind(1, client_id).bind(2, key).bind(3, now_ms);
  if (!st->step()) return std::nullopt;
  IdempotentResponse r;
  r.route = st->column_text(0);
  r.status = static_cast<int>(st->column_int(1));
  r.body = st->column_text(2);
  r.created_at_ms = st->column_int(3);
  r.expires_at_ms = st->column_int(4);
  return r;
}

void Store::save_idempotent_response(std::string_view client_id, std::string_view key, const IdempotentResponse& r,
                                     std::int64_t now_ms, std::int64_t max_rows) {
  auto lock = guard();
  WriteTransaction tx(db());
  db().use("DELETE FROM idempotency_keys WHERE expires_at_ms <= ?")->bind(1, now_ms).run();
  std::int64_t rows = 0;
  {
    auto st = db().use("SELECT COUNT(*) FROM idempotency_keys");
    if (st->step()) rows = st->column_int(0);
  }
  if (rows >= max_rows) {
    // Every key lives equally long, so the earliest expiry is the oldest key.
    auto st = db().use(
        "DELETE FROM idempotency_keys WHERE (client_id, idem_key) IN "
        "(SELECT client_id, idem_key FROM idempotency_keys ORDER BY expires_at_ms, created_at_ms LIMIT ?)");
    st->bind(1, rows - max_rows + 1).run();
  }
  auto st = db().use(
      "INSERT OR REPLACE INTO idempotency_keys(client_id, idem_key, route, status, body, created_at_ms, expires_at_ms) "
      "VALUES (?,?,?,?,?,?,?)");
  st->bind(1, client_id)
      .bind(2, key)
      .bind(3, r.route)
      .bind(4, static_cast<std::int64_t>(r.status))
      .bind(5, r.body)
      .bind(6, r.created_at_ms)
      .bind(7, r.expires_at_ms)
      .run();
  tx.commit();
}

}  // namespace paratro::store
