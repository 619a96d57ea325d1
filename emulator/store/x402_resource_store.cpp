// The paid resources of x402 (table x402_resources, schema/007): create, find, list. Part of Store
// (see store.hpp); every method takes mu_ like the rest.
#include "emulator/store/amount_column.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::X402ResourceRecord;

namespace {

#define RESOURCE_COLUMNS \
  "resource_id, client_id, chain, network, pay_to, amount, description, mime_type, content, created_at_ms"

X402ResourceRecord read_resource(const Statement& s) {
  X402ResourceRecord r;
  r.resource_id = s.column_text(0);
  r.client_id = s.column_text(1);
  r.chain = s.column_text(2);
  r.network = s.column_text(3);
  r.pay_to = s.column_text(4);
  r.amount = amount_column(s, 5);
  r.description = s.column_text(6);
  r.mime_type = s.column_text(7);
  r.content = s.column_text(8);
  r.created_at_ms = s.column_int(9);
  return r;
}

}  // namespace

domain::Status Store::create_x402_resource(const X402ResourceRecord& r) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use("INSERT INTO x402_resources(" RESOURCE_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?)");
  st->bind(1, r.resource_id)
      .bind(2, r.client_id)
      .bind(3, r.chain)
      .bind(4, r.network)
      .bind(5, r.pay_to)
      .bind(6, domain::to_base_units_string(r.amount))
      .bind(7, r.description)
      .bind(8, r.mime_type)
      .bind(9, r.content)
      .bind(10, r.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<X402ResourceRecord> Store::find_x402_resource(std::string_view resource_id) {
  auto lock = guard();
  auto st = db().use("SELECT " RESOURCE_COLUMNS " FROM x402_resources WHERE resource_id = ?");
  st->bind(1, resource_id);
  if (!st->step()) return std::nullopt;
  return read_resource(*st);
}

std::vector<X402ResourceRecord> Store::list_x402_resources() {
  auto lock = guard();
  std::vector<X402ResourceRecord> out;
  auto st = db().use("SELECT " RESOURCE_COLUMNS " FROM x402_resources ORDER BY seq");
  while (st->step()) out.push_back(read_resource(*st));
  return out;
}

}  // namespace paratro::store
