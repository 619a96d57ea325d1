// Repository operations over the schema in schema/*.sql; see store.hpp for the contracts.
#include "emulator/store/store.hpp"

#include <cassert>
#include <map>

#include "emulator/domain/chain_address.hpp"
#include "emulator/store/migrations.hpp"
#include "emulator/store/row_codec.hpp"

namespace paratro::store {

using domain::AccountRecord;
using domain::Amount;
using domain::AssetRecord;
using domain::ClientRecord;
using domain::ErrorCode;
using domain::make_error;
using domain::Page;
using domain::PageRequest;
using domain::Status;
using domain::TransactionRecord;
using domain::WalletRecord;

namespace {

constexpr std::string_view kClientColumns =
    "client_id, client_name, api_key, secret_salt, secret_hash, status, subscription_tier, max_wallets, "
    "created_at_ms, webhook_url, webhook_secret, rate_limit_per_second, api_version, operations_policy";

ClientRecord read_client(Statement& s) {
  ClientRecord c;
  c.client_id = s.column_text(0);
  c.client_name = s.column_text(1);
  c.api_key = s.column_text(2);
  c.secret_salt = s.column_text(3);
  c.secret_hash = s.column_text(4);
  c.status = read_enum<domain::ClientStatus>(s, 5);
  c.subscription_tier = s.column_text(6);
  c.max_wallets = s.column_int(7);
  c.created_at_ms = s.column_int(8);
  c.webhook_url = s.column_text(9);
  c.webhook_secret = s.column_text(10);
  c.rate_limit_per_second = s.column_int(11);
  c.api_version = domain::parse_api_version(s.column_text(12)).value_or(domain::kDefaultApiVersion);
  c.operations_policy = s.column_text(13);
  return c;
}

#define WALLET_COLUMNS \
  "wallet_id, client_id, wallet_name, description, status, key_status, key_ready_at_ms, created_at_ms, updated_at_ms"

WalletRecord read_wallet(Statement& s) {
  WalletRecord w;
  w.wallet_id = s.column_text(0);
  w.client_id = s.column_text(1);
  w.wallet_name = s.column_text(2);
  w.description = s.column_text(3);
  w.status = read_enum<domain::WalletStatus>(s, 4);
  w.key_status = read_enum<domain::KeyStatus>(s, 5);
  w.key_ready_at_ms = s.column_int(6);
  w.created_at_ms = s.column_int(7);
  w.updated_at_ms = s.column_int(8);
  return w;
}

#define ACCOUNT_COLUMNS                                                                                  \
  "account_id, wallet_id, client_id, chain, network, address, address_key, address_type, account_type, " \
  "label, status, created_at_ms"

AccountRecord read_account(Statement& s) {
  AccountRecord a;
  a.account_id = s.column_text(0);
  a.wallet_id = s.column_text(1);
  a.client_id = s.column_text(2);
  a.chain = s.column_text(3);
  a.network = s.column_text(4);
  a.address = s.column_text(5);
  a.address_key = s.column_text(6);
  a.address_type = s.column_text(7);
  a.account_type = s.column_text(8);
  a.label = s.column_text(9);
  a.status = read_enum<domain::AccountStatus>(s, 10);
  a.created_at_ms = s.column_int(11);
  return a;
}

// Balances come from the ledger (`balances`), joined on (chain, address, symbol).
#define ASSET_COLUMNS                                                                                 \
  "a.asset_id, a.account_id, a.wallet_id, a.client_id, a.chain, a.network, a.address_key, a.symbol, " \
  "a.name, a.contract_address, a.decimals, a.asset_type, COALESCE(b.balance, '0'), "                  \
  "COALESCE(b.locked, '0'), a.is_active, a.created_at_ms"
#define ASSET_FROM                                                                                   \
  " FROM assets a LEFT JOIN balances b ON b.chain = a.chain AND b.address_key = a.address_key AND " \
  "b.symbol = a.symbol"

AssetRecord read_asset(Statement& s) {
  AssetRecord a;
  a.asset_id = s.column_text(0);
  a.account_id = s.column_text(1);
  a.wallet_id = s.column_text(2);
  a.client_id = s.column_text(3);
  a.chain = s.column_text(4);
  a.network = s.column_text(5);
  a.address_key = s.column_text(6);
  a.symbol = s.column_text(7);
  a.name = s.column_text(8);
  a.contract_address = s.column_text(9);
  a.decimals = static_cast<int>(s.column_int(10));
  a.asset_type = s.column_text(11);
  a.balance = read_amount(s, 12);
  a.locked_balance = read_amount(s, 13);
  a.is_active = s.column_int(14) != 0;
  a.created_at_ms = s.column_int(15);
  return a;
}

#define TX_COLUMNS                                                                                       \
  "tx_id, wallet_id, account_id, asset_id, client_id, chain, transaction_type, direction, from_address, " \
  "to_address, token_symbol, amount, decimals, memo, status, tx_hash, block_number, confirmations, "     \
  "created_at_ms, updated_at_ms, next_due_ms, outcome, required_confirmations, origin, twin_of, "      \
  "to_address_key, failure_reason, confirmed_at_ms, reference_id, operation, call_data"

TransactionRecord read_tx(Statement& s) {
  TransactionRecord t;
  t.tx_id = s.column_text(0);
  t.wallet_id = s.column_text(1);
  t.account_id = s.column_text(2);
  t.asset_id = s.column_text(3);
  t.client_id = s.column_text(4);
  t.chain = s.column_text(5);
  t.transaction_type = read_enum<domain::TxType>(s, 6);
  t.direction = read_enum<domain::TxDirection>(s, 7);
  t.from_address = s.column_text(8);
  t.to_address = s.column_text(9);
  t.token_symbol = s.column_text(10);
  t.amount = read_amount(s, 11);
  t.decimals = static_cast<int>(s.column_int(12));
  t.memo = s.column_text(13);
  t.status = read_enum<domain::TxStatus>(s, 14);
  t.tx_hash = s.column_text(15);
  t.block_number = s.column_int(16);
  t.confirmations = s.column_int(17);
  t.created_at_ms = s.column_int(18);
  t.updated_at_ms = s.column_int(19);
  t.next_due_ms = s.column_is_null(20) ? -1 : s.column_int(20);
  t.outcome = read_enum<domain::TxOutcome>(s, 21);
  t.required_confirmations = s.column_int(22);
  t.origin = read_enum<domain::TxOrigin>(s, 23);
  t.twin_of = s.column_text(24);
  t.to_address_key = s.column_text(25);
  t.failure_reason = s.column_text(26);
  t.confirmed_at_ms = s.column_is_null(27) ? -1 : s.column_int(27);
  t.reference_id = s.column_text(28);
  t.operation = s.column_text(29);
  t.call_data = s.column_text(30);
  return t;
}

std::int64_t offset_of(const PageRequest& p) { return (p.page - 1) * p.page_size; }

// Runs a COUNT(*) query and a page query bound with the same leading parameters.
template <typename T, typename Bind, typename Read>
Page<T> fetch_page(Database& db, std::string_view count_sql, std::string_view page_sql, int nparams,
                   const PageRequest& p, Bind bind, Read read) {
  Page<T> page;
  {
    auto st = db.use(count_sql);
    bind(*st);
    if (st->step()) page.total = st->column_int(0);
  }
  auto st = db.use(page_sql);
  bind(*st);
  st->bind(nparams + 1, p.page_size).bind(nparams + 2, offset_of(p));
  while (st->step()) page.items.push_back(read(*st));
  page.has_more = offset_of(p) + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
}

}  // namespace

Store::Store(const std::string& path) : db_(path) { apply_migrations(db_, embedded_migrations()); }

Store::~Store() = default;

namespace {
// The read scope this thread is in, if any (one at a time: nested scopes do nothing).
struct ThreadRead {
  const Store* store = nullptr;
  Database* conn = nullptr;
};
thread_local ThreadRead t_read;
}  // namespace

Store::ReadScope::ReadScope(Store& store) {
  if (store.in_memory() || t_read.store) return;
  {
    std::lock_guard lock(store.readers_mu_);
    if (!store.idle_readers_.empty()) {
      conn_ = store.idle_readers_.back().release();
      store.idle_readers_.pop_back();
    }
  }
  try {
    if (!conn_) conn_ = new Database(store.db_.path(), Database::Mode::read_only);
    conn_->run("BEGIN");
  } catch (...) {
    delete conn_;
    throw;
  }
  store_ = &store;
  t_read = {store_, conn_};
}

Store::ReadScope::~ReadScope() {
  if (!store_) return;
  t_read = {};
  std::unique_ptr<Database> conn(conn_);
  try {
    conn->run("COMMIT");
  } catch (const StoreError&) {
    return;  // a connection in an unknown state is not reused
  }
  std::lock_guard lock(store_->readers_mu_);
  store_->idle_readers_.push_back(std::move(conn));
}

Database& Store::db() { return t_read.store == this ? *t_read.conn : db_; }

std::unique_lock<std::recursive_mutex> Store::guard() {
  if (t_read.store == this) return std::unique_lock<std::recursive_mutex>(mu_, std::defer_lock);
  return std::unique_lock<std::recursive_mutex>(mu_);
}

Status Store::write_batch(const std::function<Status()>& fn) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = fn();
  if (st) tx.commit();
  return st;
}

std::shared_ptr<const DatabaseImage> Store::snapshot() {
  auto lock = guard();
  return db_.copy_out();
}

void Store::restore(const DatabaseImage& image) {
  auto lock = guard();
  db_.restore(image);
}

std::string Store::journal_mode() {
  auto lock = guard();
  return db().journal_mode();
}

std::string Store::get_or_create_setting(std::string_view key, const std::function<std::string()>& make) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT value FROM settings WHERE key = ?");
    st->bind(1, key);
    if (st->step()) {
      auto blob = st->column_blob(0);
      return std::string(blob.begin(), blob.end());
    }
  }
  std::string value = make();
  auto st = db().use("INSERT INTO settings(key, value) VALUES (?, ?)");
  st->bind(1, key).bind_blob(2, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}).run();
  tx.commit();
  return value;
}

std::optional<ClientRecord> Store::find_client_by_key(std::string_view api_key) {
  auto lock = guard();
  auto st = db().use(std::string("SELECT ").append(kClientColumns).append(" FROM clients WHERE api_key = ?"));
  st->bind(1, api_key);
  if (!st->step()) return std::nullopt;
  return read_client(*st);
}

std::optional<ClientRecord> Store::find_client(std::string_view client_id) {
  auto lock = guard();
  auto st = db().use(std::string("SELECT ").append(kClientColumns).append(" FROM clients WHERE client_id = ?"));
  st->bind(1, client_id);
  if (!st->step()) return std::nullopt;
  return read_client(*st);
}

Status Store::create_client(const ClientRecord& c) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT 1 FROM clients WHERE client_id = ? OR api_key = ?");
    st->bind(1, c.client_id).bind(2, c.api_key);
    if (st->step()) return make_error(ErrorCode::conflict, "a client with this client_id or api_key already exists");
  }
  auto st = db().use(std::string("INSERT INTO clients(").append(kClientColumns).append(") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  st->bind(1, c.client_id)
      .bind(2, c.client_name)
      .bind(3, c.api_key)
      .bind(4, c.secret_salt)
      .bind(5, c.secret_hash)
      .bind(6, to_string(c.status))
      .bind(7, c.subscription_tier)
      .bind(8, c.max_wallets)
      .bind(9, c.created_at_ms)
      .bind(10, c.webhook_url)
      .bind(11, c.webhook_secret)
      .bind(12, c.rate_limit_per_second)
      .bind(13, domain::api_version_name(c.api_version))
      .bind(14, c.operations_policy)
      .run();
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

Status Store::check_reference_id(std::string_view client_id, std::string_view reference_id) {
  if (reference_id.empty()) return domain::ok_status();
  auto st = db().use("SELECT 1 FROM transactions WHERE client_id = ? AND reference_id = ?");
  st->bind(1, client_id).bind(2, reference_id);
  if (st->step()) {
    return make_error(ErrorCode::invalid_parameter, "Duplicate reference_id: this reference has already been used");
  }
  return domain::ok_status();
}

Status Store::create_wallet(const WalletRecord& w, const domain::WalletKeys& keys, std::int64_t max_wallets) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT COUNT(*) FROM wallets WHERE client_id = ?");
    st->bind(1, w.client_id);
    st->step();
    if (st->column_int(0) >= max_wallets) {
      return make_error(ErrorCode::wallet_limit_reached,
                        "Maximum wallet count exceeded (max_wallets = " + std::to_string(max_wallets) + ")");
    }
  }
  auto st = db().use(
      "INSERT INTO wallets(" WALLET_COLUMNS ", secp256k1_secret, ed25519_seed) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  st->bind(1, w.wallet_id)
      .bind(2, w.client_id)
      .bind(3, w.wallet_name)
      .bind(4, w.description)
      .bind(5, to_string(w.status))
      .bind(6, to_string(w.key_status))
      .bind(7, w.key_ready_at_ms)
      .bind(8, w.created_at_ms)
      .bind(9, w.updated_at_ms)
      .bind_blob(10, keys.secp256k1_secret)
      .bind_blob(11, keys.ed25519_seed)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<WalletRecord> Store::find_wallet(std::string_view client_id, std::string_view wallet_id) {
  auto lock = guard();
  auto st = db().use("SELECT " WALLET_COLUMNS " FROM wallets WHERE wallet_id = ? AND client_id = ?");
  st->bind(1, wallet_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_wallet(*st);
}

std::optional<domain::WalletKeys> Store::wallet_keys(std::string_view wallet_id) {
  auto lock = guard();
  auto st = db().use("SELECT secp256k1_secret, ed25519_seed FROM wallets WHERE wallet_id = ?");
  st->bind(1, wallet_id);
  if (!st->step()) return std::nullopt;
  return domain::WalletKeys{st->column_blob(0), st->column_blob(1)};
}

Page<WalletRecord> Store::list_wallets(std::string_view client_id, const PageRequest& p) {
  auto lock = guard();
  return fetch_page<WalletRecord>(
      db(), "SELECT COUNT(*) FROM wallets WHERE client_id = ?",
      "SELECT " WALLET_COLUMNS " FROM wallets WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", 1, p,
      [&](Statement& s) { s.bind(1, client_id); }, read_wallet);
}

int Store::activate_due_wallets(std::int64_t now_ms) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use(
      "UPDATE wallets SET status = 'ACTIVE', key_status = 'ACTIVE', updated_at_ms = key_ready_at_ms "
      "WHERE status = 'PROGRESSING' AND key_ready_at_ms <= ?");
  st->bind(1, now_ms).run();
  const int n = static_cast<int>(db().changes());
  tx.commit();
  return n;
}

Status Store::create_account(const AccountRecord& a) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT status FROM wallets WHERE wallet_id = ? AND client_id = ?");
    st->bind(1, a.wallet_id).bind(2, a.client_id);
    if (!st->step()) return make_error(ErrorCode::not_found, "Wallet not found");
    if (read_enum<domain::WalletStatus>(*st, 0) != domain::WalletStatus::active) {
      return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state (key generation still running)");
    }
  }
  {
    auto st = db().use("SELECT account_id FROM accounts WHERE wallet_id = ? AND chain = ?");
    st->bind(1, a.wallet_id).bind(2, a.chain);
    if (st->step()) {
      return make_error(ErrorCode::conflict,
                        "Wallet already has an account on " + a.chain + " (" + st->column_text(0) + ")");
    }
  }
  auto st = db().use("INSERT INTO accounts(" ACCOUNT_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  st->bind(1, a.account_id)
      .bind(2, a.wallet_id)
      .bind(3, a.client_id)
      .bind(4, a.chain)
      .bind(5, a.network)
      .bind(6, a.address)
      .bind(7, a.address_key)
      .bind(8, a.address_type)
      .bind(9, a.account_type)
      .bind(10, a.label)
      .bind(11, to_string(a.status))
      .bind(12, a.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AccountRecord> Store::find_account(std::string_view client_id, std::string_view account_id) {
  auto lock = guard();
  auto st = db().use("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE account_id = ? AND client_id = ?");
  st->bind(1, account_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_account(*st);
}

Page<AccountRecord> Store::list_accounts(std::string_view client_id, std::string_view wallet_id,
                                         const PageRequest& p) {
  auto lock = guard();
  if (wallet_id.empty()) {
    return fetch_page<AccountRecord>(
        db(), "SELECT COUNT(*) FROM accounts WHERE client_id = ?",
        "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, read_account);
  }
  return fetch_page<AccountRecord>(
      db(), "SELECT COUNT(*) FROM accounts WHERE wallet_id = ? AND client_id = ?",
      "SELECT " ACCOUNT_COLUMNS
      " FROM accounts WHERE wallet_id = ? AND client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
      2, p, [&](Statement& s) { s.bind(1, wallet_id).bind(2, client_id); }, read_account);
}

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
  auto st = db().use(
      "INSERT INTO assets(asset_id, account_id, wallet_id, client_id, chain, network, address_key, symbol, name, "
      "contract_address, decimals, asset_type, balance, locked_balance, is_active, created_at_ms) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'0','0',?,?)");
  st->bind(1, a.asset_id)
      .bind(2, a.account_id)
      .bind(3, a.wallet_id)
      .bind(4, a.client_id)
      .bind(5, a.chain)
      .bind(6, a.network)
      .bind(7, a.address_key)
      .bind(8, a.symbol)
      .bind(9, a.name)
      .bind(10, a.contract_address)
      .bind(11, a.decimals)
      .bind(12, a.asset_type)
      .bind(13, a.is_active ? 1 : 0)
      .bind(14, a.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AssetRecord> Store::find_asset(std::string_view client_id, std::string_view asset_id) {
  auto lock = guard();
  auto st = db().use("SELECT " ASSET_COLUMNS ASSET_FROM " WHERE a.asset_id = ? AND a.client_id = ?");
  st->bind(1, asset_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_asset(*st);
}

Page<AssetRecord> Store::list_assets(std::string_view client_id, std::string_view account_id,
                                     const PageRequest& p) {
  auto lock = guard();
  if (account_id.empty()) {
    return fetch_page<AssetRecord>(
        db(), "SELECT COUNT(*) FROM assets WHERE client_id = ?",
        "SELECT " ASSET_COLUMNS ASSET_FROM " WHERE a.client_id = ? ORDER BY a.seq DESC LIMIT ? OFFSET ?", 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, read_asset);
  }
  return fetch_page<AssetRecord>(
      db(), "SELECT COUNT(*) FROM assets WHERE account_id = ? AND client_id = ?",
      "SELECT " ASSET_COLUMNS ASSET_FROM
      " WHERE a.account_id = ? AND a.client_id = ? ORDER BY a.seq DESC LIMIT ? OFFSET ?",
      2, p, [&](Statement& s) { s.bind(1, account_id).bind(2, client_id); }, read_asset);
}

std::optional<std::string> Store::find_asset_owner(std::string_view asset_id) {
  auto lock = guard();
  auto st = db().use("SELECT client_id FROM assets WHERE asset_id = ?");
  st->bind(1, asset_id);
  if (!st->step()) return std::nullopt;
  return st->column_text(0);
}

// ---- ledger primitives (caller holds mu_ and an open write transaction)

Store::LedgerEntry Store::ledger_get(std::string_view chain, std::string_view address_key, std::string_view symbol) {
  auto st = db().use("SELECT balance, locked FROM balances WHERE chain = ? AND address_key = ? AND symbol = ?");
  st->bind(1, chain).bind(2, address_key).bind(3, symbol);
  if (!st->step()) return {};
  return {read_amount(*st, 0), read_amount(*st, 1)};
}

void Store::ledger_put(std::string_view chain, std::string_view address_key, std::string_view symbol,
                       const LedgerEntry& e) {
  auto st = db().use(
      "INSERT INTO balances(chain, address_key, symbol, balance, locked) VALUES (?,?,?,?,?) "
      "ON CONFLICT(chain, address_key, symbol) DO UPDATE SET balance = excluded.balance, locked = excluded.locked");
  st->bind(1, chain)
      .bind(2, address_key)
      .bind(3, symbol)
      .bind(4, domain::to_base_units_string(e.balance))
      .bind(5, domain::to_base_units_string(e.locked))
      .run();
}

void Store::supply_add(std::string_view chain, std::string_view symbol, Amount minted, Amount burned) {
  Amount m = 0, b = 0;
  {
    auto st = db().use("SELECT minted, burned FROM supply WHERE chain = ? AND symbol = ?");
    st->bind(1, chain).bind(2, symbol);
    if (st->step()) {
      m = read_amount(*st, 0);
      b = read_amount(*st, 1);
    }
  }
  // The world's totals are bounded by the per-balance ceiling times the rows; saturate rather than
  // wrap so a runaway sandbox grant cannot corrupt the books.
  if (!domain::checked_add(m, minted, m)) m = domain::kMaxAmount;
  if (!domain::checked_add(b, burned, b)) b = domain::kMaxAmount;
  auto st = db().use(
      "INSERT INTO supply(chain, symbol, minted, burned) VALUES (?,?,?,?) "
      "ON CONFLICT(chain, symbol) DO UPDATE SET minted = excluded.minted, burned = excluded.burned");
  st->bind(1, chain).bind(2, symbol).bind(3, domain::to_base_units_string(m)).bind(4, domain::to_base_units_string(b)).run();
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

void Store::insert_transaction(const TransactionRecord& t) {
  auto st = db().use("INSERT INTO transactions(" TX_COLUMNS
                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st->bind(1, t.tx_id)
      .bind(2, t.wallet_id)
      .bind(3, t.account_id)
      .bind(4, t.asset_id)
      .bind(5, t.client_id)
      .bind(6, t.chain)
      .bind(7, to_string(t.transaction_type))
      .bind(8, to_string(t.direction))
      .bind(9, t.from_address)
      .bind(10, t.to_address)
      .bind(11, t.token_symbol)
      .bind(12, domain::to_base_units_string(t.amount))
      .bind(13, t.decimals)
      .bind(14, t.memo)
      .bind(15, to_string(t.status))
      .bind(16, t.tx_hash)
      .bind(17, t.block_number)
      .bind(18, t.confirmations)
      .bind(19, t.created_at_ms)
      .bind(20, t.updated_at_ms);
  if (t.next_due_ms < 0) st->bind_null(21); else st->bind(21, t.next_due_ms);
  st->bind(22, to_string(t.outcome))
      .bind(23, t.required_confirmations)
      .bind(24, to_string(t.origin))
      .bind(25, t.twin_of)
      .bind(26, t.to_address_key)
      .bind(27, t.failure_reason);
  if (t.confirmed_at_ms < 0) st->bind_null(28); else st->bind(28, t.confirmed_at_ms);
  st->bind(29, t.reference_id).bind(30, t.operation).bind(31, t.call_data);
  st->run();
}

domain::Result<TransactionRecord> Store::create_transfer(const domain::TransferCommand& r, TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  if (auto st = check_reference_id(r.client_id, t.reference_id); !st) return st.error();
  std::optional<AssetRecord> asset;
  {
    auto st = db().use("SELECT " ASSET_COLUMNS ASSET_FROM
                      " WHERE a.client_id = ? AND a.address_key = ? AND a.chain = ? AND a.symbol = ?");
    st->bind(1, r.client_id).bind(2, r.from_address_key).bind(3, r.chain).bind(4, r.token_symbol);
    if (st->step()) asset = read_asset(*st);
  }
  if (!asset) {
    return make_error(ErrorCode::not_found, "No asset found for the given from_address, chain and token_symbol");
  }
  // The asset row carries its ledger entry (ASSET_FROM joins balances), read in this transaction.
  domain::TransferSource src;
  src.asset_active = asset->is_active;
  src.symbol = asset->symbol;
  src.decimals = asset->decimals;
  src.balance = asset->balance;
  src.locked = asset->locked_balance;
  std::string from_address;
  {
    auto st = db().use(
        "SELECT w.status, a.status, a.address FROM accounts a JOIN wallets w ON w.wallet_id = a.wallet_id "
        "WHERE a.account_id = ?");
    st->bind(1, asset->account_id);
    if (!st->step()) return make_error(ErrorCode::internal_error, "asset without account");
    src.wallet_status = read_enum<domain::WalletStatus>(*st, 0);
    src.account_status = read_enum<domain::AccountStatus>(*st, 1);
    from_address = st->column_text(2);
  }
  // The client's blacklist (and whitelist, when it requires one); only consulted by the decision
  // once the source is known to be usable, so read it only then.
  if (src.wallet_status == domain::WalletStatus::active && src.account_status == domain::AccountStatus::active &&
      src.asset_active) {
    src.destination = check_destination(r.client_id, r.chain, r.to_address, r.to_address_key);
  }
  const auto admitted = domain::admit_transfer(r.amount, src);
  if (!admitted) return admitted.error();
  ledger_put(asset->chain, asset->address_key, asset->symbol, {admitted->balance_after, admitted->locked_after});
  t.wallet_id = asset->wallet_id;
  t.account_id = asset->account_id;
  t.asset_id = asset->asset_id;
  t.client_id = r.client_id;
  t.chain = r.chain;
  t.from_address = from_address;
  t.to_address = r.to_address;
  t.to_address_key = r.to_address_key;
  t.token_symbol = asset->symbol;
  t.amount = admitted->amount;
  t.decimals = asset->decimals;
  t.memo = r.memo;
  insert_transaction(t);
  tx.commit();
  return t;
}

domain::Result<TransactionRecord> Store::create_operation_call(const OperationCallRequest& r, TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  if (auto st = check_reference_id(r.client_id, t.reference_id); !st) return st.error();
  // The caller's account holding `key` (its wallet and account must be ACTIVE).
  auto own_account = [&](const std::string& key, std::string_view field) -> domain::Result<std::string> {
    auto st = db().use(
        "SELECT a.address, w.status, a.status FROM accounts a JOIN wallets w ON w.wallet_id = a.wallet_id "
        "WHERE a.client_id = ? AND a.address_key = ? ORDER BY (a.chain = ?) DESC, a.seq LIMIT 1");
    st->bind(1, r.client_id).bind(2, key).bind(3, r.chain);
    if (!st->step()) return make_error(ErrorCode::not_found, std::string(field) + " is not an account of this client");
    if (read_enum<domain::WalletStatus>(*st, 1) != domain::WalletStatus::active) {
      return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
    }
    if (read_enum<domain::AccountStatus>(*st, 2) != domain::AccountStatus::active) {
      return make_error(ErrorCode::account_not_active, "Account is not in active state");
    }
    return st->column_text(0);
  };
  auto asset_of = [&](const std::string& key, const std::string& symbol) -> std::optional<AssetRecord> {
    auto st = db().use("SELECT " ASSET_COLUMNS ASSET_FROM
                      " WHERE a.client_id = ? AND a.address_key = ? AND a.chain = ? AND a.symbol = ?");
    st->bind(1, r.client_id).bind(2, key).bind(3, r.chain).bind(4, symbol);
    if (!st->step()) return std::nullopt;
    return read_asset(*st);
  };
  auto from_address = own_account(r.from_address_key, "from_address");
  if (!from_address) return from_address.error();
  const auto paid = asset_of(r.from_address_key, r.out_symbol);
  if (!paid || !paid->is_active) {
    return make_error(ErrorCode::not_found, "no asset registered for token " + r.out_token + " on " + r.chain);
  }
  if (auto receiver = own_account(r.receive_address_key, "receive_address"); !receiver) return receiver.error();
  if (!asset_of(r.receive_address_key, r.in_symbol)) {
    return make_error(ErrorCode::not_found, "no asset registered for token " + r.in_token + " on " + r.chain +
                                                " at receive_address");
  }
  // The counterparty the call pays is a destination like a transfer's: the client's blacklist (and
  // whitelist, when it requires one) applies before anything is written.
  if (auto st = check_destination(r.client_id, r.chain, r.to_address, r.to_address_key); !st) return st.error();

  t.wallet_id = paid->wallet_id;
  t.account_id = paid->account_id;
  t.asset_id = paid->asset_id;
  t.client_id = r.client_id;
  t.chain = r.chain;
  t.from_address = *from_address;
  t.to_address = r.to_address;
  t.to_address_key = r.to_address_key;
  t.token_symbol = paid->symbol;
  t.amount = r.out_amount;
  t.decimals = paid->decimals;
  if (r.engine_rejects) {
    // Refused by the engine after the row was written (the reference_id stays used); nothing moved.
    t.status = domain::TxStatus::failed;
    t.failure_reason = "MPC signing failed";
    t.next_due_ms = -1;
    t.tx_hash.clear();
    insert_transaction(t);
    tx.commit();
    return t;
  }
  LedgerEntry e = ledger_get(paid->chain, paid->address_key, paid->symbol);
  if (r.out_amount > e.balance) return make_error(ErrorCode::insufficient_balance, "Insufficient balance");
  Amount locked = 0;
  if (!domain::checked_add(e.locked, r.out_amount, locked)) {
    return make_error(ErrorCode::invalid_parameter, "amount exceeds the supported ceiling");
  }
  e.balance -= r.out_amount;
  e.locked = locked;
  ledger_put(paid->chain, paid->address_key, paid->symbol, e);
  insert_transaction(t);
  auto st = db().use("INSERT INTO operation_legs(tx_id, chain, address_key, symbol, amount) VALUES (?,?,?,?,?)");
  st->bind(1, t.tx_id)
      .bind(2, r.chain)
      .bind(3, r.receive_address_key)
      .bind(4, r.in_symbol)
      .bind(5, domain::to_base_units_string(r.in_amount))
      .run();
  tx.commit();
  return t;
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
  auto st = db().use("SELECT " TX_COLUMNS " FROM transactions WHERE tx_id = ? AND client_id = ?");
  st->bind(1, tx_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_tx(*st);
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
    const std::string page_sql = std::string("SELECT " TX_COLUMNS " FROM transactions")
                                     .append(where)
                                     .append(" ORDER BY seq DESC LIMIT ?5 OFFSET ?6");
    return fetch_page<TransactionRecord>(
        db(), count_sql, page_sql, 4, p,
        [&](Statement& s) { s.bind(1, client_id).bind(2, f.wallet_id).bind(3, f.account_id).bind(4, f.chain); },
        read_tx);
  }
  // One list (migration 005): its length is a counter and page P is a seek on its rank. A wallet or
  // account of another client has no list here (its rows are that client's).
  struct List {
    std::string_view scope;
    std::string id;         // the list's key in list_counters
    std::string_view key;   // ?4 of page_sql ("" for the client's whole list)
    const char* owned_sql;  // nullptr: the caller's own list
    const char* page_sql;   // ?1 client_id, ?2 highest rank, ?3 limit, ?4 key
  };
  const List list =
      !f.wallet_id.empty()
          ? List{"wallet", f.wallet_id, f.wallet_id, "SELECT 1 FROM wallets WHERE wallet_id = ?1 AND client_id = ?2",
                 "SELECT " TX_COLUMNS " FROM transactions WHERE wallet_id = ?4 AND client_id = ?1 AND wallet_rank <= ?2"
                 " ORDER BY wallet_rank DESC LIMIT ?3"}
      : !f.account_id.empty()
          ? List{"account", f.account_id, f.account_id,
                 "SELECT 1 FROM accounts WHERE account_id = ?1 AND client_id = ?2",
                 "SELECT " TX_COLUMNS " FROM transactions WHERE account_id = ?4 AND client_id = ?1 AND account_rank <= ?2"
                 " ORDER BY account_rank DESC LIMIT ?3"}
      : !f.chain.empty()
          ? List{"chain", std::string(client_id).append("/").append(f.chain), f.chain, nullptr,
                 "SELECT " TX_COLUMNS " FROM transactions WHERE client_id = ?1 AND chain = ?4 AND chain_rank <= ?2"
                 " ORDER BY chain_rank DESC LIMIT ?3"}
          : List{"client", std::string(client_id), "", nullptr,
                 "SELECT " TX_COLUMNS " FROM transactions WHERE client_id = ?1 AND client_rank <= ?2"
                 " ORDER BY client_rank DESC LIMIT ?3"};
  Page<TransactionRecord> page;
  if (list.owned_sql) {
    auto st = db().use(list.owned_sql);
    st->bind(1, list.id).bind(2, client_id);
    if (!st->step()) return page;
  }
  {
    auto st = db().use("SELECT n FROM list_counters WHERE scope = ? AND id = ?");
    st->bind(1, list.scope).bind(2, list.id);
    if (st->step()) page.total = st->column_int(0);
  }
  const std::int64_t top = page.total - offset_of(p);
  if (top > 0) {
    auto st = db().use(list.page_sql);
    st->bind(1, client_id).bind(2, top).bind(3, p.page_size);
    if (!list.key.empty()) st->bind(4, list.key);
    while (st->step()) page.items.push_back(read_tx(*st));
  }
  page.has_more = offset_of(p) + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
}

Counts Store::counts() {
  auto lock = guard();
  Counts c;
  auto st = db().use(
      "SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM wallets), (SELECT COUNT(*) FROM accounts),"
      " (SELECT COUNT(*) FROM assets), (SELECT COUNT(*) FROM transactions),"
      " (SELECT COUNT(*) FROM transactions WHERE status NOT IN ('CONFIRMED', 'FAILED'))");
  if (st->step()) {
    c.clients = st->column_int(0);
    c.wallets = st->column_int(1);
    c.accounts = st->column_int(2);
    c.assets = st->column_int(3);
    c.transactions = st->column_int(4);
    c.pending_transactions = st->column_int(5);
  }
  return c;
}

}  // namespace paratro::store

namespace paratro::store {

using domain::Amount;
using domain::ErrorCode;
using domain::make_error;
using domain::TransactionRecord;

std::vector<TransactionRecord> Store::due_transactions(std::int64_t until_ms, int limit) {
  auto lock = guard();
  std::vector<TransactionRecord> out;
  auto st = db().use("SELECT " TX_COLUMNS
                    " FROM transactions WHERE next_due_ms IS NOT NULL AND next_due_ms <= ? "
                    "ORDER BY next_due_ms, seq LIMIT ?");
  st->bind(1, until_ms).bind(2, limit);
  while (st->step()) out.push_back(read_tx(*st));
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

void Store::update_transaction(const TransactionRecord& t) {
  auto st = db().use(
      "UPDATE transactions SET status = ?, tx_hash = ?, block_number = ?, confirmations = ?, updated_at_ms = ?, "
      "next_due_ms = ?, outcome = ?, failure_reason = ?, confirmed_at_ms = ?, required_confirmations = ? "
      "WHERE tx_id = ?");
  st->bind(1, to_string(t.status)).bind(2, t.tx_hash).bind(3, t.block_number).bind(4, t.confirmations).bind(5, t.updated_at_ms);
  if (t.next_due_ms < 0) st->bind_null(6); else st->bind(6, t.next_due_ms);
  st->bind(7, to_string(t.outcome)).bind(8, t.failure_reason);
  if (t.confirmed_at_ms < 0) st->bind_null(9); else st->bind(9, t.confirmed_at_ms);
  st->bind(10, t.required_confirmations).bind(11, t.tx_id).run();
}

std::optional<domain::IncomingLeg> Store::incoming_leg(std::string_view tx_id) {
  auto st = db().use("SELECT chain, address_key, symbol, amount FROM operation_legs WHERE tx_id = ?");
  st->bind(1, tx_id);
  if (!st->step()) return std::nullopt;  // a plain transfer
  return domain::IncomingLeg{st->column_text(0), st->column_text(1), st->column_text(2), read_amount(*st, 3)};
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

void Store::apply_one(const TxUpdate& u) {
  const TransactionRecord& t = u.tx;
  std::optional<domain::TxStatus> old_status;
  std::int64_t old_confirmations = 0;
  {
    auto st = db().use("SELECT status, confirmations FROM transactions WHERE tx_id = ?");
    st->bind(1, t.tx_id);
    if (st->step()) {
      old_status = read_enum<domain::TxStatus>(*st, 0);
      old_confirmations = st->column_int(1);
    }
  }
  update_transaction(t);
  if (t.origin == domain::TxOrigin::x402) {
    apply_x402_step(u);
    return;
  }
  emit_events(old_status, old_confirmations, t);
  const bool outbound = t.origin == domain::TxOrigin::api;

  // The inbound twin of a transfer to an owned address: created when the transfer reaches the chain,
  // afterwards kept in step with it.
  std::optional<TransactionRecord> twin;
  if (outbound) {
    auto st = db().use("SELECT " TX_COLUMNS " FROM transactions WHERE twin_of = ? AND twin_of <> ''");
    st->bind(1, t.tx_id);
    if (st->step()) twin = read_tx(*st);
  }
  if (outbound && !twin && domain::on_chain(t) && !u.twin_id.empty()) {
    if (auto receiver = owner_of(t.to_address_key, t.chain)) {
      std::string asset_id;
      {
        auto st = db().use("SELECT asset_id FROM assets WHERE account_id = ? AND chain = ? AND symbol = ?");
        st->bind(1, receiver->account_id).bind(2, t.chain).bind(3, t.token_symbol);
        if (st->step()) asset_id = st->column_text(0);
      }
      TransactionRecord in = domain::make_inbound_twin(t, *receiver, u.twin_id, std::move(asset_id));
      insert_transaction(in);
      emit_events(std::nullopt, 0, in);
      twin = in;
    }
  }
  if (twin && (twin->status != t.status || twin->confirmations != t.confirmations)) {
    TransactionRecord m = *twin;
    m.status = t.status;
    m.tx_hash = t.tx_hash;
    m.block_number = t.block_number;
    m.confirmations = t.confirmations;
    m.updated_at_ms = t.updated_at_ms;
    m.confirmed_at_ms = t.confirmed_at_ms;
    m.failure_reason = t.failure_reason;
    m.required_confirmations = t.required_confirmations;
    update_transaction(m);
    emit_events(twin->status, twin->confirmations, m);
  }

  if (u.settle == Settlement::none) return;
  // The domain decides what the settlement moves; the store reads the inputs and applies it.
  std::optional<domain::IncomingLeg> leg;
  if (outbound && u.settle == Settlement::confirm) leg = incoming_leg(t.tx_id);
  apply_ledger_delta(domain::settle_transaction(t, u.settle, domain::address_key_of(t.from_address, t.chain),
                                                twin.has_value(), leg));
}

void Store::apply_tx_updates(const std::vector<TxUpdate>& updates) {
  if (updates.empty()) return;
  auto lock = guard();
  WriteTransaction tx(db());
  for (const auto& u : updates) apply_one(u);
  tx.commit();
}

std::optional<domain::AccountRecord> Store::owner_of(std::string_view address_key, std::string_view prefer_chain) {
  auto st = db().use("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE address_key = ? ORDER BY (chain = ?) DESC, seq LIMIT 1");
  st->bind(1, address_key).bind(2, prefer_chain);
  if (!st->step()) return std::nullopt;
  return read_account(*st);
}

std::optional<domain::AccountRecord> Store::find_owned_account(std::string_view address_key, std::string_view prefer_chain) {
  auto lock = guard();
  return owner_of(address_key, prefer_chain);
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
  auto st = db().use("SELECT " TX_COLUMNS " FROM transactions WHERE tx_id = ?");
  st->bind(1, tx_id);
  if (!st->step()) return std::nullopt;
  return read_tx(*st);
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

std::optional<std::string> Store::get_setting(std::string_view key) {
  auto lock = guard();
  auto st = db().use("SELECT value FROM settings WHERE key = ?");
  st->bind(1, key);
  if (!st->step()) return std::nullopt;
  auto blob = st->column_blob(0);
  return std::string(blob.begin(), blob.end());
}

std::vector<std::pair<std::string, std::string>> Store::all_settings() {
  auto lock = guard();
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db().use("SELECT key, value FROM settings ORDER BY key");
  while (st->step()) {
    auto blob = st->column_blob(1);
    out.emplace_back(st->column_text(0), std::string(blob.begin(), blob.end()));
  }
  return out;
}

void Store::put_setting(std::string_view key, std::string_view value) {
  auto lock = guard();
  WriteTransaction tx(db());
  auto st = db().use("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st->bind(1, key).bind_blob(2, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}).run();
  tx.commit();
}

}  // namespace paratro::store
