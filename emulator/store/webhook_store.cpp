// The webhook outbox: events written inside the transaction that changes a transaction, deliveries
// claimed and settled by the dispatcher, and the queries behind /_sandbox/webhooks/*. Part of Store
// (see store.hpp); every method takes mu_ like the rest.
#include "emulator/domain/webhook_event.hpp"
#include "emulator/store/row_codec.hpp"
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::DeliveryStatus;

namespace {

// A delivery state as SQL binds it: the states are spelled only in record_enums.hpp.
std::string_view state(DeliveryStatus s) { return domain::to_string(s); }

// 'pending' as an SQL literal, for statements the partial index webhook_deliveries_due serves.
// SQLite checks a partial index's WHERE against the query's with the values bound at the time;
// when a bound parameter takes part, it marks the statement to be prepared again whenever that
// parameter is bound, i.e. at every use.
std::string pending_sql() { return std::string("'").append(state(DeliveryStatus::pending)).append("'"); }

#define DELIVERY_COLUMNS                                                                                     \
  "d.delivery_id, d.event_id, d.client_id, d.tx_id, e.event_type, d.status, d.attempts, d.next_attempt_ms, " \
  "d.last_status_code, d.last_error, d.last_latency_ms, d.last_attempt_at_ms, d.last_url, d.created_at_ms, " \
  "d.updated_at_ms"

Store::WebhookDelivery read_delivery(Statement& s) {
  Store::WebhookDelivery d;
  d.delivery_id = s.column_text(0);
  d.event_id = s.column_text(1);
  d.client_id = s.column_text(2);
  d.tx_id = s.column_text(3);
  d.event_type = s.column_text(4);
  d.status = read_enum<DeliveryStatus>(s, 5);
  d.attempts = s.column_int(6);
  d.next_attempt_ms = s.column_int(7);
  d.last_status_code = s.column_int(8);
  d.last_error = s.column_text(9);
  d.last_latency_ms = s.column_int(10);
  d.last_attempt_at_ms = s.column_int(11);
  d.last_url = s.column_text(12);
  d.created_at_ms = s.column_int(13);
  d.updated_at_ms = s.column_int(14);
  return d;
}

#define EVENT_COLUMNS "event_id, client_id, tx_id, event_type, body, created_at_ms"

Store::WebhookEvent read_event(Statement& s) {
  Store::WebhookEvent e;
  e.event_id = s.column_text(0);
  e.client_id = s.column_text(1);
  e.tx_id = s.column_text(2);
  e.event_type = s.column_text(3);
  e.body = s.column_text(4);
  e.created_at_ms = s.column_int(5);
  return e;
}

// WHERE clause and bindings of a filter. Each combination of filters is one cached statement, so
// the cache stays small (at most 2^5 shapes per query).
struct Where {
  std::string sql;
  std::vector<std::string> values;
  void add(std::string_view column, const std::string& value) {
    if (value.empty()) return;
    sql += values.empty() ? " WHERE " : " AND ";
    sql.append(column).append(" = ?");
    values.push_back(value);
  }
  void bind(Statement& st) const {
    for (std::size_t i = 0; i < values.size(); ++i) st.bind(static_cast<int>(i + 1), values[i]);
  }
};

// The rows of `select` (which must end in "LIMIT ?") filtered by `w`, and how many match in all.
template <class Row>
std::pair<std::vector<Row>, std::int64_t> filtered_rows(Database& db, const std::string& count,
                                                        const std::string& select, const Where& w, int limit,
                                                        Row (*read)(Statement&)) {
  std::pair<std::vector<Row>, std::int64_t> out{{}, 0};
  {
    auto st = db.use(count);
    w.bind(*st);
    if (st->step()) out.second = st->column_int(0);
  }
  auto st = db.use(select);
  w.bind(*st);
  st->bind(static_cast<int>(w.values.size() + 1), static_cast<std::int64_t>(limit));
  while (st->step()) out.first.push_back(read(*st));
  return out;
}

}  // namespace

void Store::set_webhook_every_confirmation(bool on) {
  auto lock = guard();
  every_confirmation_ = on;
}

void Store::emit_events(std::optional<domain::TxStatus> old_status, std::int64_t old_confirmations,
                        const domain::TransactionRecord& now) {
  // Most lifecycle steps change nothing an event reports on: skip the client lookup for them.
  const bool status_changed = now.status != old_status;
  if (!status_changed && !(every_confirmation_ && now.confirmations > old_confirmations)) return;
  // What is sent, and how it looks, follows the receiving client's API version.
  const auto version = webhook_version(now.client_id);
  if (!version) return;  // no endpoint, no events
  const domain::VersionTraits& traits = domain::traits(*version);
  const auto types = domain::events_for_change(old_status, old_confirmations, now, every_confirmation_, traits);
  for (auto type : types) {
    WebhookEvent e;
    e.event_id = domain::make_event_id(now.tx_id, type, now.confirmations);
    e.client_id = now.client_id;
    e.tx_id = now.tx_id;
    e.event_type = std::string(domain::event_type_name(type));
    e.created_at_ms = now.updated_at_ms;
    e.body = domain::render_event_body(now, type, e.event_id, now.updated_at_ms, traits);
    auto st = db().use("INSERT OR IGNORE INTO webhook_events(" EVENT_COLUMNS ") VALUES (?,?,?,?,?,?)");
    st->bind(1, e.event_id).bind(2, e.client_id).bind(3, e.tx_id).bind(4, e.event_type).bind(5, e.body);
    st->bind(6, e.created_at_ms).run();
    if (db().changes() == 0) continue;  // the same change again (e.g. a replayed step): already queued
    insert_delivery(e, now.updated_at_ms);
  }
}

Store::WebhookDelivery Store::insert_delivery(const WebhookEvent& e, std::int64_t now_ms) {
  std::int64_t n = 1;
  {
    auto st = db().use("SELECT COUNT(*) FROM webhook_deliveries WHERE event_id = ?");
    st->bind(1, e.event_id);
    if (st->step()) n = st->column_int(0) + 1;
  }
  WebhookDelivery d;
  d.delivery_id = domain::make_delivery_id(e.event_id, n);
  d.event_id = e.event_id;
  d.client_id = e.client_id;
  d.tx_id = e.tx_id;
  d.event_type = e.event_type;
  d.status = DeliveryStatus::pending;
  d.next_attempt_ms = now_ms;
  d.created_at_ms = d.updated_at_ms = now_ms;
  auto st = db().use(
      "INSERT INTO webhook_deliveries(delivery_id, event_id, client_id, tx_id, status, next_attempt_ms, "
      "created_at_ms, updated_at_ms) VALUES (?,?,?,?,?,?,?,?)");
  st->bind(1, d.delivery_id).bind(2, d.event_id).bind(3, d.client_id).bind(4, d.tx_id).bind(5, state(d.status));
  st->bind(6, now_ms).bind(7, now_ms).bind(8, now_ms).run();
  return d;
}

std::pair<std::vector<Store::WebhookEvent>, std::int64_t> Store::list_webhook_events(const WebhookFilter& f) {
  auto lock = guard();
  Where w;
  w.add("client_id", f.client_id);
  w.add("tx_id", f.tx_id);
  w.add("event_id", f.event_id);
  w.add("event_type", f.event_type);
  return filtered_rows(db(), "SELECT COUNT(*) FROM webhook_events" + w.sql,
                       "SELECT " EVENT_COLUMNS " FROM webhook_events" + w.sql + " ORDER BY seq DESC LIMIT ?", w,
                       f.limit, read_event);
}

std::pair<std::vector<Store::WebhookDelivery>, std::int64_t> Store::list_webhook_deliveries(const WebhookFilter& f) {
  auto lock = guard();
  Where w;
  w.add("d.client_id", f.client_id);
  w.add("d.tx_id", f.tx_id);
  w.add("d.event_id", f.event_id);
  w.add("e.event_type", f.event_type);
  w.add("d.status", f.status ? std::string(state(*f.status)) : std::string());
  const std::string from = " FROM webhook_deliveries d JOIN webhook_events e ON e.event_id = d.event_id";
  return filtered_rows(db(), "SELECT COUNT(*)" + from + w.sql,
                       "SELECT " DELIVERY_COLUMNS + from + w.sql + " ORDER BY d.seq DESC LIMIT ?", w, f.limit,
                       read_delivery);
}

std::optional<Store::WebhookEvent> Store::find_webhook_event(std::string_view event_id) {
  auto lock = guard();
  auto st = db().use("SELECT " EVENT_COLUMNS " FROM webhook_events WHERE event_id = ?");
  st->bind(1, event_id);
  if (!st->step()) return std::nullopt;
  return read_event(*st);
}

std::optional<Store::WebhookDelivery> Store::find_webhook_delivery(std::string_view delivery_id) {
  auto lock = guard();
  auto st =
      db().use("SELECT " DELIVERY_COLUMNS
               " FROM webhook_deliveries d JOIN webhook_events e ON e.event_id = d.event_id WHERE d.delivery_id = ?");
  st->bind(1, delivery_id);
  if (!st->step()) return std::nullopt;
  return read_delivery(*st);
}

std::vector<Store::DeliveryJob> Store::claim_due_deliveries(std::int64_t now_ms, int limit,
                                                            const std::vector<std::string>& skip_clients) {
  std::vector<DeliveryJob> jobs;
  if (limit <= 0) return jobs;
  auto lock = guard();
  // The status is written into the SQL, not bound: the due index is partial (status = 'pending'),
  // and a bound value that decides whether a partial index applies makes SQLite prepare the
  // statement again at every use (see pending_sql).
  std::string sql =
      "SELECT d.delivery_id, d.event_id, d.client_id, e.body, c.webhook_url, c.webhook_secret, d.attempts, "
      "e.event_type "
      "FROM webhook_deliveries d JOIN webhook_events e ON e.event_id = d.event_id "
      "LEFT JOIN clients c ON c.client_id = d.client_id "
      "WHERE d.status = ";
  sql.append(pending_sql()).append(" AND d.next_attempt_ms <= ?");
  if (!skip_clients.empty()) {
    sql += " AND d.client_id NOT IN (";
    for (std::size_t i = 0; i < skip_clients.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY d.next_attempt_ms, d.seq LIMIT ?";
  {
    // One cached statement per skip-list length; the dispatcher caps that length.
    auto cached = db().use(sql);
    Statement& st = *cached;
    int i = 1;
    st.bind(i++, now_ms);
    for (const auto& c : skip_clients) st.bind(i++, c);
    st.bind(i, static_cast<std::int64_t>(limit));
    while (st.step()) {
      DeliveryJob j;
      j.delivery_id = st.column_text(0);
      j.event_id = st.column_text(1);
      j.client_id = st.column_text(2);
      j.body = st.column_text(3);
      j.url = st.column_text(4);
      j.secret = st.column_text(5);
      j.attempts = st.column_int(6);
      j.event_type = st.column_text(7);
      jobs.push_back(std::move(j));
    }
  }
  if (jobs.empty()) return jobs;  // the usual idle poll: no write transaction at all
  // Still under mu_, so nothing changed these rows since the read.
  WriteTransaction tx(db());
  for (const auto& j : jobs) {
    auto st = db().use("UPDATE webhook_deliveries SET status = ? WHERE delivery_id = ?");
    st->bind(1, state(DeliveryStatus::queued)).bind(2, j.delivery_id).run();
  }
  tx.commit();
  return jobs;
}

int Store::release_claimed_deliveries() {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use("UPDATE webhook_deliveries SET status = ? WHERE status IN (?, ?)");
  st->bind(1, state(DeliveryStatus::pending)).bind(2, state(DeliveryStatus::queued));
  st->bind(3, state(DeliveryStatus::sending)).run();
  const auto n = static_cast<int>(db().changes());
  tx.commit();
  return n;
}

void Store::record_delivery_progress(const std::vector<std::string>& launched,
                                     const std::vector<DeliveryOutcome>& outcomes) {
  if (launched.empty() && outcomes.empty()) return;
  auto lock = guard();
  WriteTransaction tx(db());
  for (const auto& id : launched) {
    auto st = db().use("UPDATE webhook_deliveries SET status = ? WHERE delivery_id = ? AND status = ?");
    st->bind(1, state(DeliveryStatus::sending)).bind(2, id).bind(3, state(DeliveryStatus::queued)).run();
  }
  for (const auto& o : outcomes) {
    auto st = db().use(
        "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_ms = ?, "
        "last_status_code = ?, last_error = ?, last_latency_ms = ?, last_attempt_at_ms = ?, last_url = ?, "
        "updated_at_ms = ? WHERE delivery_id = ?");
    st->bind(1, state(o.status)).bind(2, o.next_attempt_ms).bind(3, o.status_code).bind(4, o.error);
    st->bind(5, o.latency_ms).bind(6, o.attempted_at_ms).bind(7, o.url).bind(8, o.attempted_at_ms);
    st->bind(9, o.delivery_id).run();
  }
  tx.commit();
}

domain::Result<Store::WebhookDelivery> Store::redeliver_webhook_event(std::string_view event_id, std::int64_t now_ms) {
  auto lock = guard();
  WriteTransaction tx(db());
  WebhookEvent e;
  {
    auto st = db().use("SELECT " EVENT_COLUMNS " FROM webhook_events WHERE event_id = ?");
    st->bind(1, event_id);
    if (!st->step()) return domain::make_error(domain::ErrorCode::not_found, "Webhook event not found");
    e = read_event(*st);
  }
  WebhookDelivery d = insert_delivery(e, now_ms);
  tx.commit();
  return d;
}

Store::WebhookDelivery Store::insert_webhook_event(const WebhookEvent& e, std::int64_t now_ms) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use("INSERT INTO webhook_events(" EVENT_COLUMNS ") VALUES (?,?,?,?,?,?)");
  st->bind(1, e.event_id).bind(2, e.client_id).bind(3, e.tx_id).bind(4, e.event_type).bind(5, e.body);
  st->bind(6, e.created_at_ms).run();
  WebhookDelivery d = insert_delivery(e, now_ms);
  tx.commit();
  return d;
}

std::int64_t Store::prune_webhook_events(std::int64_t keep) {
  auto lock = guard();
  std::int64_t cutoff = -1;
  {
    auto st = db().use("SELECT seq FROM webhook_events ORDER BY seq DESC LIMIT 1 OFFSET ?");
    st->bind(1, keep);
    if (!st->step()) return 0;
    cutoff = st->column_int(0);
  }
  WriteTransaction tx(db());
  {
    auto st = db().use(
        "DELETE FROM webhook_events WHERE seq <= ? AND event_id NOT IN "
        "(SELECT event_id FROM webhook_deliveries WHERE status IN (?, ?, ?))");
    st->bind(1, cutoff).bind(2, state(DeliveryStatus::pending)).bind(3, state(DeliveryStatus::queued));
    st->bind(4, state(DeliveryStatus::sending)).run();
  }
  const std::int64_t n = db().changes();
  if (n > 0) {
    auto st = db().use(
        "DELETE FROM webhook_deliveries WHERE NOT EXISTS "
        "(SELECT 1 FROM webhook_events e WHERE e.event_id = webhook_deliveries.event_id)");
    st->run();
  }
  tx.commit();
  return n;
}

std::int64_t Store::next_delivery_due_ms() {
  auto lock = guard();
  auto st = db().use(sql_once([] {
    return std::string("SELECT MIN(next_attempt_ms) FROM webhook_deliveries WHERE status = ").append(pending_sql());
  }));
  if (!st->step() || st->column_is_null(0)) return -1;
  return st->column_int(0);
}

}  // namespace paratro::store
