// Repository operations over the schema in schema/*.sql; see store.hpp for the contracts.
#include "emulator/store/store.hpp"

#include "emulator/store/migrations.hpp"

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
    "created_at_ms";

ClientRecord read_client(Statement& s) {
  ClientRecord c;
  c.client_id = s.column_text(0);
  c.client_name = s.column_text(1);
  c.api_key = s.column_text(2);
  c.secret_salt = s.column_text(3);
  c.secret_hash = s.column_text(4);
  c.status = s.column_text(5);
  c.subscription_tier = s.column_text(6);
  c.max_wallets = s.column_int(7);
  c.created_at_ms = s.column_int(8);
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
  w.status = s.column_text(4);
  w.key_status = s.column_text(5);
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
  a.status = s.column_text(10);
  a.created_at_ms = s.column_int(11);
  return a;
}

#define ASSET_COLUMNS                                                                                  \
  "asset_id, account_id, wallet_id, client_id, chain, network, address_key, symbol, name, "          \
  "contract_address, decimals, asset_type, balance, locked_balance, is_active, created_at_ms"

Amount read_amount(Statement& s, int col) {
  // Stored amounts were written by us from validated values; a bad one means a corrupt database.
  auto v = domain::from_base_units_string(s.column_text(col));
  if (!v) throw StoreError(SQLITE_CORRUPT, "stored amount is not an integer: " + s.column_text(col));
  return *v;
}

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
  "created_at_ms, updated_at_ms"

TransactionRecord read_tx(Statement& s) {
  TransactionRecord t;
  t.tx_id = s.column_text(0);
  t.wallet_id = s.column_text(1);
  t.account_id = s.column_text(2);
  t.asset_id = s.column_text(3);
  t.client_id = s.column_text(4);
  t.chain = s.column_text(5);
  t.transaction_type = s.column_text(6);
  t.direction = s.column_text(7);
  t.from_address = s.column_text(8);
  t.to_address = s.column_text(9);
  t.token_symbol = s.column_text(10);
  t.amount = read_amount(s, 11);
  t.decimals = static_cast<int>(s.column_int(12));
  t.memo = s.column_text(13);
  t.status = s.column_text(14);
  t.tx_hash = s.column_text(15);
  t.block_number = s.column_int(16);
  t.confirmations = s.column_int(17);
  t.created_at_ms = s.column_int(18);
  t.updated_at_ms = s.column_int(19);
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

std::string Store::journal_mode() {
  std::lock_guard lock(mu_);
  return db_.journal_mode();
}

std::string Store::get_or_create_setting(std::string_view key, const std::function<std::string()>& make) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  {
    auto st = db_.use("SELECT value FROM settings WHERE key = ?");
    st->bind(1, key);
    if (st->step()) {
      auto blob = st->column_blob(0);
      return std::string(blob.begin(), blob.end());
    }
  }
  std::string value = make();
  auto st = db_.use("INSERT INTO settings(key, value) VALUES (?, ?)");
  st->bind(1, key).bind_blob(2, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}).run();
  tx.commit();
  return value;
}

std::optional<ClientRecord> Store::find_client_by_key(std::string_view api_key) {
  std::lock_guard lock(mu_);
  auto st = db_.use(std::string("SELECT ").append(kClientColumns).append(" FROM clients WHERE api_key = ?"));
  st->bind(1, api_key);
  if (!st->step()) return std::nullopt;
  return read_client(*st);
}

std::optional<ClientRecord> Store::find_client(std::string_view client_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use(std::string("SELECT ").append(kClientColumns).append(" FROM clients WHERE client_id = ?"));
  st->bind(1, client_id);
  if (!st->step()) return std::nullopt;
  return read_client(*st);
}

Status Store::create_client(const ClientRecord& c) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  {
    auto st = db_.use("SELECT 1 FROM clients WHERE client_id = ? OR api_key = ?");
    st->bind(1, c.client_id).bind(2, c.api_key);
    if (st->step()) return make_error(ErrorCode::conflict, "a client with this client_id or api_key already exists");
  }
  auto st = db_.use(std::string("INSERT INTO clients(").append(kClientColumns).append(") VALUES (?,?,?,?,?,?,?,?,?)"));
  st->bind(1, c.client_id)
      .bind(2, c.client_name)
      .bind(3, c.api_key)
      .bind(4, c.secret_salt)
      .bind(5, c.secret_hash)
      .bind(6, c.status)
      .bind(7, c.subscription_tier)
      .bind(8, c.max_wallets)
      .bind(9, c.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

Status Store::create_wallet(const WalletRecord& w, const domain::WalletKeys& keys, std::int64_t max_wallets) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  {
    auto st = db_.use("SELECT COUNT(*) FROM wallets WHERE client_id = ?");
    st->bind(1, w.client_id);
    st->step();
    if (st->column_int(0) >= max_wallets) {
      return make_error(ErrorCode::wallet_limit_reached,
                        "Maximum wallet count exceeded (max_wallets = " + std::to_string(max_wallets) + ")");
    }
  }
  auto st = db_.use(
      "INSERT INTO wallets(" WALLET_COLUMNS ", secp256k1_secret, ed25519_seed) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  st->bind(1, w.wallet_id)
      .bind(2, w.client_id)
      .bind(3, w.wallet_name)
      .bind(4, w.description)
      .bind(5, w.status)
      .bind(6, w.key_status)
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
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT " WALLET_COLUMNS " FROM wallets WHERE wallet_id = ? AND client_id = ?");
  st->bind(1, wallet_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_wallet(*st);
}

std::optional<domain::WalletKeys> Store::wallet_keys(std::string_view wallet_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT secp256k1_secret, ed25519_seed FROM wallets WHERE wallet_id = ?");
  st->bind(1, wallet_id);
  if (!st->step()) return std::nullopt;
  return domain::WalletKeys{st->column_blob(0), st->column_blob(1)};
}

Page<WalletRecord> Store::list_wallets(std::string_view client_id, const PageRequest& p) {
  std::lock_guard lock(mu_);
  return fetch_page<WalletRecord>(
      db_, "SELECT COUNT(*) FROM wallets WHERE client_id = ?",
      "SELECT " WALLET_COLUMNS " FROM wallets WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", 1, p,
      [&](Statement& s) { s.bind(1, client_id); }, read_wallet);
}

int Store::activate_due_wallets(std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  auto st = db_.use(
      "UPDATE wallets SET status = 'ACTIVE', key_status = 'ACTIVE', updated_at_ms = key_ready_at_ms "
      "WHERE status = 'PROGRESSING' AND key_ready_at_ms <= ?");
  st->bind(1, now_ms).run();
  const int n = static_cast<int>(db_.changes());
  tx.commit();
  return n;
}

Status Store::create_account(const AccountRecord& a) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  {
    auto st = db_.use("SELECT status FROM wallets WHERE wallet_id = ? AND client_id = ?");
    st->bind(1, a.wallet_id).bind(2, a.client_id);
    if (!st->step()) return make_error(ErrorCode::not_found, "Wallet not found");
    if (st->column_text(0) != "ACTIVE") {
      return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state (key generation still running)");
    }
  }
  {
    auto st = db_.use("SELECT account_id FROM accounts WHERE wallet_id = ? AND chain = ?");
    st->bind(1, a.wallet_id).bind(2, a.chain);
    if (st->step()) {
      return make_error(ErrorCode::conflict,
                        "Wallet already has an account on " + a.chain + " (" + st->column_text(0) + ")");
    }
  }
  auto st = db_.use("INSERT INTO accounts(" ACCOUNT_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
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
      .bind(11, a.status)
      .bind(12, a.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AccountRecord> Store::find_account(std::string_view client_id, std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE account_id = ? AND client_id = ?");
  st->bind(1, account_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_account(*st);
}

Page<AccountRecord> Store::list_accounts(std::string_view client_id, std::string_view wallet_id,
                                         const PageRequest& p) {
  std::lock_guard lock(mu_);
  if (wallet_id.empty()) {
    return fetch_page<AccountRecord>(
        db_, "SELECT COUNT(*) FROM accounts WHERE client_id = ?",
        "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, read_account);
  }
  return fetch_page<AccountRecord>(
      db_, "SELECT COUNT(*) FROM accounts WHERE wallet_id = ? AND client_id = ?",
      "SELECT " ACCOUNT_COLUMNS
      " FROM accounts WHERE wallet_id = ? AND client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
      2, p, [&](Statement& s) { s.bind(1, wallet_id).bind(2, client_id); }, read_account);
}

Status Store::create_asset(const AssetRecord& a) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  {
    auto st = db_.use("SELECT 1 FROM assets WHERE account_id = ? AND chain = ? AND symbol = ?");
    st->bind(1, a.account_id).bind(2, a.chain).bind(3, a.symbol);
    if (st->step()) {
      return make_error(ErrorCode::asset_already_exists,
                        "Asset " + a.symbol + " on " + a.chain + " already added to this account");
    }
  }
  auto st = db_.use("INSERT INTO assets(" ASSET_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
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
      .bind(13, domain::to_base_units_string(a.balance))
      .bind(14, domain::to_base_units_string(a.locked_balance))
      .bind(15, a.is_active ? 1 : 0)
      .bind(16, a.created_at_ms)
      .run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AssetRecord> Store::find_asset(std::string_view client_id, std::string_view asset_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT " ASSET_COLUMNS " FROM assets WHERE asset_id = ? AND client_id = ?");
  st->bind(1, asset_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_asset(*st);
}

Page<AssetRecord> Store::list_assets(std::string_view client_id, std::string_view account_id,
                                     const PageRequest& p) {
  std::lock_guard lock(mu_);
  if (account_id.empty()) {
    return fetch_page<AssetRecord>(
        db_, "SELECT COUNT(*) FROM assets WHERE client_id = ?",
        "SELECT " ASSET_COLUMNS " FROM assets WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, read_asset);
  }
  return fetch_page<AssetRecord>(
      db_, "SELECT COUNT(*) FROM assets WHERE account_id = ? AND client_id = ?",
      "SELECT " ASSET_COLUMNS " FROM assets WHERE account_id = ? AND client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
      2, p, [&](Statement& s) { s.bind(1, account_id).bind(2, client_id); }, read_asset);
}

std::optional<std::string> Store::find_asset_owner(std::string_view asset_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT client_id FROM assets WHERE asset_id = ?");
  st->bind(1, asset_id);
  if (!st->step()) return std::nullopt;
  return st->column_text(0);
}

Status Store::set_asset_balance(std::string_view asset_id, Amount balance, std::int64_t /*now_ms*/) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  auto st = db_.use("UPDATE assets SET balance = ? WHERE asset_id = ?");
  st->bind(1, domain::to_base_units_string(balance)).bind(2, asset_id).run();
  if (db_.changes() == 0) return make_error(ErrorCode::not_found, "Asset not found");
  tx.commit();
  return domain::ok_status();
}

domain::Result<TransactionRecord> Store::create_transfer(const TransferRequest& r, TransactionRecord t) {
  std::lock_guard lock(mu_);
  WriteTransaction tx(db_);
  std::optional<AssetRecord> asset;
  {
    auto st = db_.use("SELECT " ASSET_COLUMNS
                      " FROM assets WHERE client_id = ? AND address_key = ? AND chain = ? AND symbol = ?");
    st->bind(1, r.client_id).bind(2, r.from_address_key).bind(3, r.chain).bind(4, r.token_symbol);
    if (st->step()) asset = read_asset(*st);
  }
  if (!asset) {
    return make_error(ErrorCode::not_found, "No asset found for the given from_address, chain and token_symbol");
  }
  std::string from_address;
  {
    auto st = db_.use(
        "SELECT w.status, a.status, a.address FROM accounts a JOIN wallets w ON w.wallet_id = a.wallet_id "
        "WHERE a.account_id = ?");
    st->bind(1, asset->account_id);
    if (!st->step()) return make_error(ErrorCode::internal_error, "asset without account");
    if (st->column_text(0) != "ACTIVE") return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
    if (st->column_text(1) != "ACTIVE") return make_error(ErrorCode::account_not_active, "Account is not in active state");
    from_address = st->column_text(2);
  }
  if (!asset->is_active) return make_error(ErrorCode::transaction_failed, "Asset is not active");
  const auto parsed = domain::parse_amount(r.amount_text, static_cast<unsigned>(asset->decimals));
  if (parsed.error == domain::AmountError::too_many_decimals) {
    return make_error(ErrorCode::invalid_parameter, "amount has more decimal places than " + asset->symbol + " supports (" +
                                                        std::to_string(asset->decimals) + ")");
  }
  if (!parsed.ok()) return make_error(ErrorCode::invalid_parameter, "amount is not a valid decimal string");
  if (parsed.value == 0) return make_error(ErrorCode::invalid_parameter, "amount must be greater than 0");
  if (parsed.value > asset->balance) {
    return make_error(ErrorCode::insufficient_balance,
                      "Insufficient balance: available " + domain::format_amount(asset->balance, static_cast<unsigned>(asset->decimals)) +
                          " " + asset->symbol);
  }
  Amount locked = 0;
  if (!domain::checked_add(asset->locked_balance, parsed.value, locked)) {
    return make_error(ErrorCode::invalid_parameter, "amount exceeds the supported ceiling");
  }
  {
    auto st = db_.use("UPDATE assets SET balance = ?, locked_balance = ? WHERE asset_id = ?");
    st->bind(1, domain::to_base_units_string(asset->balance - parsed.value))
        .bind(2, domain::to_base_units_string(locked))
        .bind(3, asset->asset_id)
        .run();
  }
  t.wallet_id = asset->wallet_id;
  t.account_id = asset->account_id;
  t.asset_id = asset->asset_id;
  t.client_id = r.client_id;
  t.chain = r.chain;
  t.from_address = from_address;
  t.to_address = r.to_address;
  t.token_symbol = asset->symbol;
  t.amount = parsed.value;
  t.decimals = asset->decimals;
  t.memo = r.memo;
  {
    auto st = db_.use("INSERT INTO transactions(" TX_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st->bind(1, t.tx_id)
        .bind(2, t.wallet_id)
        .bind(3, t.account_id)
        .bind(4, t.asset_id)
        .bind(5, t.client_id)
        .bind(6, t.chain)
        .bind(7, t.transaction_type)
        .bind(8, t.direction)
        .bind(9, t.from_address)
        .bind(10, t.to_address)
        .bind(11, t.token_symbol)
        .bind(12, domain::to_base_units_string(t.amount))
        .bind(13, t.decimals)
        .bind(14, t.memo)
        .bind(15, t.status)
        .bind(16, t.tx_hash)
        .bind(17, t.block_number)
        .bind(18, t.confirmations)
        .bind(19, t.created_at_ms)
        .bind(20, t.updated_at_ms)
        .run();
  }
  tx.commit();
  return t;
}

std::optional<TransactionRecord> Store::find_transaction(std::string_view client_id, std::string_view tx_id) {
  std::lock_guard lock(mu_);
  auto st = db_.use("SELECT " TX_COLUMNS " FROM transactions WHERE tx_id = ? AND client_id = ?");
  st->bind(1, tx_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_tx(*st);
}

Page<TransactionRecord> Store::list_transactions(std::string_view client_id, const TransactionFilter& f,
                                                 const PageRequest& p) {
  std::lock_guard lock(mu_);
  constexpr std::string_view where =
      " WHERE client_id = ?1 AND (?2 = '' OR wallet_id = ?2) AND (?3 = '' OR account_id = ?3)"
      " AND (?4 = '' OR chain = ?4)";
  const std::string count_sql = std::string("SELECT COUNT(*) FROM transactions").append(where);
  const std::string page_sql =
      std::string("SELECT " TX_COLUMNS " FROM transactions").append(where).append(" ORDER BY seq DESC LIMIT ?5 OFFSET ?6");
  return fetch_page<TransactionRecord>(
      db_, count_sql, page_sql, 4, p,
      [&](Statement& s) { s.bind(1, client_id).bind(2, f.wallet_id).bind(3, f.account_id).bind(4, f.chain); },
      read_tx);
}

Counts Store::counts() {
  std::lock_guard lock(mu_);
  Counts c;
  auto st = db_.use(
      "SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM wallets), (SELECT COUNT(*) FROM accounts),"
      " (SELECT COUNT(*) FROM assets), (SELECT COUNT(*) FROM transactions)");
  if (st->step()) {
    c.clients = st->column_int(0);
    c.wallets = st->column_int(1);
    c.accounts = st->column_int(2);
    c.assets = st->column_int(3);
    c.transactions = st->column_int(4);
  }
  return c;
}

}  // namespace paratro::store
