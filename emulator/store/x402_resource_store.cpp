// The paid resources of x402 (table x402_resources, schema/007): create, find, list. Part of Store
// (see store.hpp); every method takes mu_ like the rest.
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::X402ResourceRecord;

namespace {

using Rec = X402ResourceRecord;
constexpr std::array<Column<Rec>, 10> kResourceRow{{
    col<&Rec::resource_id>("resource_id"),
    col<&Rec::client_id>("client_id"),
    col<&Rec::chain>("chain"),
    col<&Rec::network>("network"),
    col<&Rec::pay_to>("pay_to"),
    col<&Rec::amount>("amount"),
    col<&Rec::description>("description"),
    col<&Rec::mime_type>("mime_type"),
    col<&Rec::content>("content"),
    col<&Rec::created_at_ms>("created_at_ms"),
}};

std::string select_resources(std::string_view rest) { return select_sql(kResourceRow, " FROM x402_resources", rest); }

}  // namespace

domain::Status Store::create_x402_resource(const X402ResourceRecord& r) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use(sql_once([] { return insert_sql("x402_resources", kResourceRow); }));
  bind_row(kResourceRow, *st, r);
  st->run();
  tx.commit();
  return domain::ok_status();
}

std::optional<X402ResourceRecord> Store::find_x402_resource(std::string_view resource_id) {
  auto lock = guard();
  return find_row(db(), kResourceRow, sql_once([] { return select_resources(" WHERE resource_id = ?"); }), resource_id);
}

std::vector<X402ResourceRecord> Store::list_x402_resources() {
  auto lock = guard();
  std::vector<X402ResourceRecord> out;
  auto st = db().use(sql_once([] { return select_resources(" ORDER BY seq"); }));
  while (st->step()) out.push_back(read_row(kResourceRow, *st));
  return out;
}

}  // namespace paratro::store
