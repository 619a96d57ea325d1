// Security factors (address whitelists and blacklists) and a client's require_whitelist switch,
// plus the destination check create_transfer runs inside its transaction. Part of Store (see
// store.hpp); every method takes mu_ like the rest.
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::ErrorCode;
using domain::make_error;
using domain::SecurityFactorRecord;

namespace {

using Rec = SecurityFactorRecord;
constexpr std::array<Column<Rec>, 11> kFactorRow{{
    col<&Rec::factor_id>("factor_id"),
    col<&Rec::client_id>("client_id"),
    col<&Rec::factor_type>("factor_type"),
    col<&Rec::chain>("chain"),
    col<&Rec::address>("address"),
    col<&Rec::address_key>("address_key"),
    col<&Rec::label>("label"),
    col<&Rec::reason>("reason"),
    col<&Rec::status>("status"),
    col<&Rec::created_at_ms>("created_at_ms"),
    col<&Rec::updated_at_ms>("updated_at_ms"),
}};

std::string select_factors(std::string_view rest) { return select_sql(kFactorRow, " FROM security_factors", rest); }

}  // namespace

domain::Status Store::add_security_factor(const SecurityFactorRecord& f) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT 1 FROM clients WHERE client_id = ?");
    st->bind(1, f.client_id);
    if (!st->step()) return make_error(ErrorCode::not_found, "Client not found");
  }
  {
    auto st = db().use("SELECT COUNT(*) FROM security_factors WHERE client_id = ?");
    st->bind(1, f.client_id);
    if (st->step() && st->column_int(0) >= kMaxSecurityFactorsPerClient) {
      return make_error(ErrorCode::invalid_parameter, "a client can have at most " +
                                                          std::to_string(kMaxSecurityFactorsPerClient) +
                                                          " security factors; delete some first");
    }
  }
  {
    auto st = db().use(
        "SELECT factor_id FROM security_factors WHERE client_id = ? AND chain = ? AND address_key = ? AND "
        "factor_type = ?");
    st->bind(1, f.client_id).bind(2, f.chain).bind(3, f.address_key).bind(4, domain::to_string(f.factor_type));
    if (st->step()) {
      return make_error(ErrorCode::conflict,
                        "the client already has a " + std::string(domain::to_string(f.factor_type)) +
                            " entry for this address on " + f.chain + " (" + st->column_text(0) + ")");
    }
  }
  {
    auto st = db().use("SELECT 1 FROM security_factors WHERE factor_id = ?");
    st->bind(1, f.factor_id);
    if (st->step()) return make_error(ErrorCode::conflict, "a security factor with this factor_id already exists");
  }
  auto st = db().use(sql_once([] { return insert_sql("security_factors", kFactorRow); }));
  bind_row(kFactorRow, *st, f);
  st->run();
  tx.commit();
  return domain::ok_status();
}

std::vector<SecurityFactorRecord> Store::list_security_factors(std::string_view client_id,
                                                               const SecurityFactorFilter& f) {
  auto lock = guard();
  std::vector<SecurityFactorRecord> out;
  auto st = db().use(sql_once([] {
    return select_factors(
        " WHERE client_id = ?1 AND (?2 = '' OR chain = ?2) AND (?3 = '' OR factor_type = ?3) AND (?4 = '' OR "
        "status = ?4) ORDER BY seq LIMIT ?5");
  }));
  // "" (no filter, never a stored value) and not an empty view: a null pointer would bind NULL.
  constexpr std::string_view kAll = "";
  st->bind(1, client_id).bind(2, f.chain);
  st->bind(3, f.factor_type ? domain::to_string(*f.factor_type) : kAll);
  st->bind(4, f.status ? domain::to_string(*f.status) : kAll);
  st->bind(5, kMaxSecurityFactorsPerClient);
  while (st->step()) out.push_back(read_row(kFactorRow, *st));
  return out;
}

std::optional<SecurityFactorRecord> Store::find_security_factor(std::string_view client_id,
                                                                std::string_view factor_id) {
  auto lock = guard();
  return find_row(db(), kFactorRow, sql_once([] { return select_factors(" WHERE factor_id = ? AND client_id = ?"); }),
                  factor_id, client_id);
}

domain::Result<SecurityFactorRecord> Store::set_security_factor_status(std::string_view client_id,
                                                                       std::string_view factor_id,
                                                                       domain::FactorStatus status,
                                                                       std::int64_t now_ms) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto found = find_security_factor(client_id, factor_id);
  if (!found) return make_error(ErrorCode::not_found, "Security factor not found");
  if (found->status != status) {
    auto st = db().use("UPDATE security_factors SET status = ?, updated_at_ms = ? WHERE factor_id = ?");
    st->bind(1, domain::to_string(status)).bind(2, now_ms).bind(3, factor_id).run();
    found->status = status;
    found->updated_at_ms = now_ms;
  }
  tx.commit();
  return *found;
}

domain::Status Store::delete_security_factor(std::string_view client_id, std::string_view factor_id) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use("DELETE FROM security_factors WHERE factor_id = ? AND client_id = ?");
  st->bind(1, factor_id).bind(2, client_id).run();
  if (db().changes() == 0) return make_error(ErrorCode::not_found, "Security factor not found");
  tx.commit();
  return domain::ok_status();
}

std::optional<bool> Store::require_whitelist(std::string_view client_id) {
  auto lock = guard();
  auto st = db().use("SELECT require_whitelist FROM clients WHERE client_id = ?");
  st->bind(1, client_id);
  if (!st->step()) return std::nullopt;
  return st->column_int(0) != 0;
}

domain::Status Store::set_require_whitelist(std::string_view client_id, bool on) {
  return update_client("UPDATE clients SET require_whitelist = ?1 WHERE client_id = ?2",
                       [&](Statement& st) { st.bind(1, std::int64_t{on ? 1 : 0}).bind(2, client_id); });
}

domain::Status Store::check_destination(std::string_view client_id, std::string_view chain, std::string_view address,
                                        std::string_view address_key) {
  // The client's whitelist requirement and the address's active factors, in one statement: one
  // row per factor, or one row with no factor.
  domain::DestinationFactors f;
  bool require = false;
  auto st = db().use(
      "SELECT c.require_whitelist, f.factor_type FROM clients c LEFT JOIN security_factors f ON f.client_id = "
      "c.client_id AND f.chain = ?2 AND f.address_key = ?3 AND f.status = ?4 WHERE c.client_id = ?1");
  st->bind(1, client_id).bind(2, chain).bind(3, address_key).bind(4, domain::to_string(domain::FactorStatus::active));
  while (st->step()) {
    require = st->column_int(0) != 0;
    if (!st->column_is_null(1)) f = domain::with_factor(f, read_enum<domain::FactorType>(*st, 1));
  }
  return domain::admit_destination(f, require, chain, address);
}

}  // namespace paratro::store
