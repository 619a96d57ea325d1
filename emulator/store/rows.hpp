// The row descriptions of the core tables (clients, wallets, accounts, assets, transactions): the
// only place their columns are listed. Every SELECT of one of these tables reads the row through
// its description (row_description.hpp), every INSERT is built from it. Also the paging helper the
// repositories share.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/domain/model.hpp"
#include "emulator/store/row_description.hpp"

namespace paratro::store {

using domain::AccountRecord;
using domain::AssetRecord;
using domain::ClientRecord;
using domain::TransactionRecord;
using domain::WalletRecord;

inline constexpr std::array<Column<ClientRecord>, 14> kClientRow{{
    col<&ClientRecord::client_id>("client_id"),
    col<&ClientRecord::client_name>("client_name"),
    col<&ClientRecord::api_key>("api_key"),
    col<&ClientRecord::secret_salt>("secret_salt"),
    col<&ClientRecord::secret_hash>("secret_hash"),
    col<&ClientRecord::status>("status"),
    col<&ClientRecord::subscription_tier>("subscription_tier"),
    col<&ClientRecord::max_wallets>("max_wallets"),
    col<&ClientRecord::created_at_ms>("created_at_ms"),
    col<&ClientRecord::webhook_url>("webhook_url"),
    col<&ClientRecord::webhook_secret>("webhook_secret"),
    col<&ClientRecord::rate_limit_per_second>("rate_limit_per_second"),
    col<&ClientRecord::api_version>("api_version"),
    col<&ClientRecord::operations_policy>("operations_policy"),
}};

inline constexpr std::array<Column<WalletRecord>, 9> kWalletRow{{
    col<&WalletRecord::wallet_id>("wallet_id"),
    col<&WalletRecord::client_id>("client_id"),
    col<&WalletRecord::wallet_name>("wallet_name"),
    col<&WalletRecord::description>("description"),
    col<&WalletRecord::status>("status"),
    col<&WalletRecord::key_status>("key_status"),
    col<&WalletRecord::key_ready_at_ms>("key_ready_at_ms"),
    col<&WalletRecord::created_at_ms>("created_at_ms"),
    col<&WalletRecord::updated_at_ms>("updated_at_ms"),
}};

inline constexpr std::array<Column<AccountRecord>, 12> kAccountRow{{
    col<&AccountRecord::account_id>("account_id"),
    col<&AccountRecord::wallet_id>("wallet_id"),
    col<&AccountRecord::client_id>("client_id"),
    col<&AccountRecord::chain>("chain"),
    col<&AccountRecord::network>("network"),
    col<&AccountRecord::address>("address"),
    col<&AccountRecord::address_key>("address_key"),
    col<&AccountRecord::address_type>("address_type"),
    col<&AccountRecord::account_type>("account_type"),
    col<&AccountRecord::label>("label"),
    col<&AccountRecord::status>("status"),
    col<&AccountRecord::created_at_ms>("created_at_ms"),
}};

// The assets table's own balance columns are legacy: money lives in the ledger (`balances`), which
// every SELECT joins (kAssetFrom); an INSERT stores "0" there.
struct LegacyZeroBalance {
  static domain::Amount read(const Statement& s, int i) { return read_amount(s, i); }
  static void bind(Statement& s, int i, domain::Amount) { s.bind(i, std::string_view("0")); }
};
inline constexpr std::array<Column<AssetRecord>, 16> kAssetRow{{
    col<&AssetRecord::asset_id>("asset_id"),
    col<&AssetRecord::account_id>("account_id"),
    col<&AssetRecord::wallet_id>("wallet_id"),
    col<&AssetRecord::client_id>("client_id"),
    col<&AssetRecord::chain>("chain"),
    col<&AssetRecord::network>("network"),
    col<&AssetRecord::address_key>("address_key"),
    col<&AssetRecord::symbol>("symbol"),
    col<&AssetRecord::name>("name"),
    col<&AssetRecord::contract_address>("contract_address"),
    col<&AssetRecord::decimals>("decimals"),
    col<&AssetRecord::asset_type>("asset_type"),
    col<&AssetRecord::balance, LegacyZeroBalance>("balance", "COALESCE(b.balance, '0')"),
    col<&AssetRecord::locked_balance, LegacyZeroBalance>("locked_balance", "COALESCE(b.locked, '0')"),
    col<&AssetRecord::is_active>("is_active"),
    col<&AssetRecord::created_at_ms>("created_at_ms"),
}};
inline constexpr std::string_view kAssetFrom =
    " FROM assets a LEFT JOIN balances b ON b.chain = a.chain AND b.address_key = a.address_key AND "
    "b.symbol = a.symbol";

inline constexpr std::array<Column<TransactionRecord>, 31> kTransactionRow{{
    col<&TransactionRecord::tx_id>("tx_id"),
    col<&TransactionRecord::wallet_id>("wallet_id"),
    col<&TransactionRecord::account_id>("account_id"),
    col<&TransactionRecord::asset_id>("asset_id"),
    col<&TransactionRecord::client_id>("client_id"),
    col<&TransactionRecord::chain>("chain"),
    col<&TransactionRecord::transaction_type>("transaction_type"),
    col<&TransactionRecord::direction>("direction"),
    col<&TransactionRecord::from_address>("from_address"),
    col<&TransactionRecord::to_address>("to_address"),
    col<&TransactionRecord::token_symbol>("token_symbol"),
    col<&TransactionRecord::amount>("amount"),
    col<&TransactionRecord::decimals>("decimals"),
    col<&TransactionRecord::memo>("memo"),
    col<&TransactionRecord::status>("status"),
    col<&TransactionRecord::tx_hash>("tx_hash"),
    col<&TransactionRecord::block_number>("block_number"),
    col<&TransactionRecord::confirmations>("confirmations"),
    col<&TransactionRecord::created_at_ms>("created_at_ms"),
    col<&TransactionRecord::updated_at_ms>("updated_at_ms"),
    col<&TransactionRecord::next_due_ms, OptionalMs>("next_due_ms"),
    col<&TransactionRecord::outcome>("outcome"),
    col<&TransactionRecord::required_confirmations>("required_confirmations"),
    col<&TransactionRecord::origin>("origin"),
    col<&TransactionRecord::twin_of>("twin_of"),
    col<&TransactionRecord::to_address_key>("to_address_key"),
    col<&TransactionRecord::failure_reason>("failure_reason"),
    col<&TransactionRecord::confirmed_at_ms, OptionalMs>("confirmed_at_ms"),
    col<&TransactionRecord::reference_id>("reference_id"),
    col<&TransactionRecord::operation>("operation"),
    col<&TransactionRecord::call_data>("call_data"),
}};

// The SQL `make` builds, built once per call site (each lambda is its own type, so its own static):
// statements are looked up by text in the connection's cache, and this keeps the text's
// construction off the hot path.
template <typename Make>
const std::string& sql_once(Make make) {
  static const std::string sql = make();
  return sql;
}

// "SELECT <row's columns> FROM <from>" followed by `rest`.
template <typename R, std::size_t N>
std::string select_sql(const std::array<Column<R>, N>& row, std::string_view from, std::string_view rest,
                       std::string_view alias = {}) {
  return std::string("SELECT ").append(select_list(row, alias)).append(from).append(rest);
}
inline std::string select_clients(std::string_view rest) { return select_sql(kClientRow, " FROM clients", rest); }
inline std::string select_wallets(std::string_view rest) { return select_sql(kWalletRow, " FROM wallets", rest); }
inline std::string select_accounts(std::string_view rest) { return select_sql(kAccountRow, " FROM accounts", rest); }
inline std::string select_assets(std::string_view rest) { return select_sql(kAssetRow, kAssetFrom, rest, "a."); }
inline std::string select_transactions(std::string_view rest) {
  return select_sql(kTransactionRow, " FROM transactions", rest);
}

// The record of the first row `sql` returns with `args` bound to parameters 1..n, if any.
template <typename R, std::size_t N, typename... Args>
std::optional<R> find_row(Database& db, const std::array<Column<R>, N>& row, std::string_view sql,
                          const Args&... args) {
  auto st = db.use(sql);
  int i = 0;
  (st->bind(++i, args), ...);
  if (!st->step()) return std::nullopt;
  return read_row(row, *st);
}

// The rows before page `p`.
inline std::int64_t offset_of(const domain::PageRequest& p) { return (p.page - 1) * p.page_size; }

// Runs a COUNT(*) query and a page query bound with the same leading parameters (`nparams` of
// them); the page query's last two parameters are LIMIT and OFFSET.
template <typename R, std::size_t N, typename Bind>
domain::Page<R> fetch_page(Database& db, std::string_view count_sql, std::string_view page_sql, int nparams,
                           const domain::PageRequest& p, Bind bind, const std::array<Column<R>, N>& row) {
  const std::int64_t offset = offset_of(p);
  domain::Page<R> page;
  {
    auto st = db.use(count_sql);
    bind(*st);
    if (st->step()) page.total = st->column_int(0);
  }
  auto st = db.use(page_sql);
  bind(*st);
  st->bind(nparams + 1, p.page_size).bind(nparams + 2, offset);
  while (st->step()) page.items.push_back(read_row(row, *st));
  page.has_more = offset + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
}

}  // namespace paratro::store
