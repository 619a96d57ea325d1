// The assets repository and the ledger under it: assets (rows through kAssetRow, joined with their
// ledger entry), the per-address balances, the world's supply (minted / burned), sandbox grants,
// the ledger's totals and the application of a settlement's LedgerDelta.
#include <cassert>
#include <map>

#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::Amount;
using domain::ErrorCode;
using domain::make_error;
using domain::Page;
using domain::PageRequest;
using domain::Status;

Status Store::create_asset(const AssetRecord& a) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT 1 FROM assets WHERE account_id = ? AND chain = ? AND symbol = ?");
    st->bind(1, a.account_id).bind(2, a.chain).bind(3, a.symbol);
    if (st->step()) {
      return make_error(ErrorCode::asset_already_exists,
                        "Asset " + a.symbol + " on " + a.chain + " already added to this account");
    }
  }
  auto st = db().use(sql_once([] { return insert_sql("assets", kAssetRow); }));
  bind_row(kAssetRow, *st, a);
  st->run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AssetRecord> Store::find_asset(std::string_view client_id, std::string_view asset_id) {
  auto lock = guard();
  return find_row(db(), kAssetRow, sql_once([] { return select_assets(" WHERE a.asset_id = ? AND a.client_id = ?"); }),
                  asset_id, client_id);
}

Page<AssetRecord> Store::list_assets(std::string_view client_id, std::string_view account_id, const PageRequest& p) {
  auto lock = guard();
  if (account_id.empty()) {
    return fetch_page(
        db(), "SELECT COUNT(*) FROM assets WHERE client_id = ?",
        sql_once([] { return select_assets(" WHERE a.client_id = ? ORDER BY a.seq DESC LIMIT ? OFFSET ?"); }), 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, kAssetRow);
  }
  return fetch_page(
      db(), "SELECT COUNT(*) FROM assets WHERE account_id = ? AND client_id = ?", sql_once([] {
        return select_assets(" WHERE a.account_id = ? AND a.client_id = ? ORDER BY a.seq DESC LIMIT ? OFFSET ?");
      }),
      2, p, [&](Statement& s) { s.bind(1, account_id).bind(2, client_id); }, kAssetRow);
}

std::optional<std::string> Store::find_asset_owner(std::string_view asset_id) {
  auto lock = guard();
  auto st = db().use("SELECT client_id FROM assets WHERE asset_id = ?");
  st->bind(1, asset_id);
  if (!st->step()) return std::nullopt;
  return st->column_text(0);
}

Store::LedgerEntry Store::ledger_read(std::string_view chain, std::string_view address_key, std::string_view symbol) {
  auto st = db().use("SELECT balance, locked FROM balances WHERE chain = ? AND address_key = ? AND symbol = ?");
  st->bind(1, chain).bind(2, address_key).bind(3, symbol);
  if (!st->step()) return {};
  return {read_amount(*st, 0), read_amount(*st, 1)};
}

void Store::ledger_write(std::string_view chain, std::string_view address_key, std::string_view symbol,
                         const LedgerEntry& e) {
  const std::string balance = domain::to_base_units_string(e.balance);
  const std::string locked = domain::to_base_units_string(e.locked);
  // Nearly every write changes a row that exists: an UPDATE costs less than an upsert's failed
  // INSERT followed by its UPDATE. A new ledger entry is inserted.
  {
    auto st =
        db().use("UPDATE balances SET balance = ?4, locked = ?5 WHERE chain = ?1 AND address_key = ?2 AND symbol = ?3");
    st->bind(1, chain).bind(2, address_key).bind(3, symbol).bind(4, balance).bind(5, locked).run();
  }
  if (db().changes() > 0) return;
  auto st = db().use("INSERT INTO balances(chain, address_key, symbol, balance, locked) VALUES (?,?,?,?,?)");
  st->bind(1, chain).bind(2, address_key).bind(3, symbol).bind(4, balance).bind(5, locked).run();
}

void Store::supply_write(std::string_view chain, std::string_view symbol, Amount minted, Amount burned) {
  auto st = db().use(
      "INSERT INTO supply(chain, symbol, minted, burned) VALUES (?,?,?,?) "
      "ON CONFLICT(chain, symbol) DO UPDATE SET minted = excluded.minted, burned = excluded.burned");
  st->bind(1, chain)
      .bind(2, symbol)
      .bind(3, domain::to_base_units_string(minted))
      .bind(4, domain::to_base_units_string(burned))
      .run();
}

Status Store::set_asset_balance(std::string_view asset_id, Amount balance, std::int64_t /*now_ms*/) {
  auto lock = guard();
  WriteTransaction tx(db());
  std::string chain, address_key, symbol;
  {
    auto st = db().use("SELECT chain, address_key, symbol FROM assets WHERE asset_id = ?");
    st->bind(1, asset_id);
    if (!st->step()) return make_error(ErrorCode::not_found, "Asset not found");
    chain = st->column_text(0);
    address_key = st->column_text(1);
    symbol = st->column_text(2);
  }
  LedgerEntry e = ledger_get(chain, address_key, symbol);
  // A grant mints (or, when lowering, burns) the difference, keeping the invariant exact.
  if (balance >= e.balance) {
    supply_add(chain, symbol, balance - e.balance, 0);
  } else {
    supply_add(chain, symbol, 0, e.balance - balance);
  }
  e.balance = balance;
  ledger_put(chain, address_key, symbol, e);
  tx.commit();
  return domain::ok_status();
}

std::vector<Store::SupplyRow> Store::ledger_totals() {
  auto lock = guard();
  std::map<std::pair<std::string, std::string>, SupplyRow> rows;
  auto row = [&](const std::string& chain, const std::string& symbol) -> SupplyRow& {
    auto& r = rows[{chain, symbol}];
    r.chain = chain;
    r.symbol = symbol;
    return r;
  };
  {
    auto st = db().use("SELECT chain, symbol, balance, locked FROM balances");
    while (st->step()) {
      auto& r = row(st->column_text(0), st->column_text(1));
      domain::checked_add(r.balance, read_amount(*st, 2), r.balance);
      domain::checked_add(r.locked, read_amount(*st, 3), r.locked);
    }
  }
  {
    auto st = db().use("SELECT chain, symbol, minted, burned FROM supply");
    while (st->step()) {
      auto& r = row(st->column_text(0), st->column_text(1));
      r.minted = read_amount(*st, 2);
      r.burned = read_amount(*st, 3);
    }
  }
  std::vector<SupplyRow> out;
  for (auto& [k, v] : rows) out.push_back(v);
  return out;
}

void Store::apply_ledger_delta(const domain::LedgerDelta& delta) {
  assert(domain::is_balanced(delta));
  auto saturating_add = [](Amount a, Amount b) {
    Amount sum = 0;
    return domain::checked_add(a, b, sum) ? sum : domain::kMaxAmount;
  };
  for (const auto& d : delta.balances) {
    LedgerEntry e = ledger_get(d.chain, d.address_key, d.symbol);
    e.locked = e.locked >= d.locked_out ? e.locked - d.locked_out : 0;
    e.locked = saturating_add(e.locked, d.locked_in);
    e.balance = e.balance >= d.balance_out ? e.balance - d.balance_out : 0;
    e.balance = saturating_add(e.balance, d.balance_in);
    ledger_put(d.chain, d.address_key, d.symbol, e);
  }
  for (const auto& s : delta.supply) supply_add(s.chain, s.symbol, s.minted, s.burned);
}

}  // namespace paratro::store
