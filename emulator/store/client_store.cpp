// The clients repository: lookups by key and id, creation, and the settings a client carries
// (webhook, rate limit, API version, operations policy). Rows through kClientRow (rows.hpp).
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::ErrorCode;
using domain::make_error;
using domain::Status;

std::optional<ClientRecord> Store::find_client_by_key(std::string_view api_key) {
  auto lock = guard();
  return find_row(db(), kClientRow, sql_once([] { return select_clients(" WHERE api_key = ?"); }), api_key);
}

std::optional<ClientRecord> Store::find_client(std::string_view client_id) {
  auto lock = guard();
  return find_row(db(), kClientRow, sql_once([] { return select_clients(" WHERE client_id = ?"); }), client_id);
}

Status Store::create_client(const ClientRecord& c) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT 1 FROM clients WHERE client_id = ? OR api_key = ?");
    st->bind(1, c.client_id).bind(2, c.api_key);
    if (st->step()) return make_error(ErrorCode::conflict, "a client with this client_id or api_key already exists");
  }
  auto st = db().use(sql_once([] { return insert_sql("clients", kClientRow); }));
  bind_row(kClientRow, *st, c);
  st->run();
  tx.commit();
  return domain::ok_status();
}

Status Store::update_client(std::string_view sql, const std::function<void(Statement&)>& bind) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use(sql);
  bind(*st);
  st->run();
  if (db().changes() == 0) return make_error(ErrorCode::not_found, "Client not found");
  tx.commit();
  return domain::ok_status();
}

Status Store::set_client_webhook(std::string_view client_id, std::string_view url, std::string_view secret) {
  return update_client("UPDATE clients SET webhook_url = ?1, webhook_secret = ?2 WHERE client_id = ?3",
                       [&](Statement& st) { st.bind(1, url).bind(2, secret).bind(3, client_id); });
}

Status Store::set_client_rate_limit(std::string_view client_id, std::int64_t per_second) {
  return update_client("UPDATE clients SET rate_limit_per_second = ?1 WHERE client_id = ?2",
                       [&](Statement& st) { st.bind(1, per_second).bind(2, client_id); });
}

Status Store::set_client_api_version(std::string_view client_id, domain::ApiVersion version) {
  return update_client("UPDATE clients SET api_version = ?1 WHERE client_id = ?2",
                       [&](Statement& st) { st.bind(1, domain::api_version_name(version)).bind(2, client_id); });
}

Status Store::set_client_operations_policy(std::string_view client_id, std::string_view policy) {
  return update_client("UPDATE clients SET operations_policy = ?1 WHERE client_id = ?2",
                       [&](Statement& st) { st.bind(1, policy).bind(2, client_id); });
}

}  // namespace paratro::store
