// The wallets and accounts repositories: creation under the client's limits, lookups, pages, key
// generation coming due, and the owner of an address. Rows through kWalletRow and kAccountRow.
#include <algorithm>

#include "emulator/store/rows.hpp"
#include "emulator/store/step_batch.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::ErrorCode;
using domain::make_error;
using domain::Page;
using domain::PageRequest;
using domain::Status;

namespace {
// A client's wallet count: its list's highest rank (migration 011), one seek.
constexpr const char* kWalletCountSql = "SELECT IFNULL(MAX(client_rank), 0) FROM wallets WHERE client_id = ?";
}  // namespace

Status Store::create_wallet(const WalletRecord& w, const domain::WalletKeys& keys, std::int64_t max_wallets) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use(kWalletCountSql);
    st->bind(1, w.client_id);
    st->step();
    if (st->column_int(0) >= max_wallets) {
      return make_error(ErrorCode::wallet_limit_reached,
                        "Maximum wallet count exceeded (max_wallets = " + std::to_string(max_wallets) + ")");
    }
  }
  auto st = db().use(sql_once([] {
    // The next rank in the client's list, read by the INSERT itself (?N: the row's client_id).
    const std::string rank = std::string("(SELECT IFNULL(MAX(client_rank), 0) + 1 FROM wallets WHERE client_id = ?")
                                 .append(std::to_string(param_of(kWalletRow, "client_id")))
                                 .append(")");
    return insert_sql("wallets", kWalletRow, {"secp256k1_secret", "ed25519_seed", {"client_rank", rank}});
  }));
  bind_row(kWalletRow, *st, w);
  constexpr int kKeys = static_cast<int>(kWalletRow.size()) + 1;
  st->bind_blob(kKeys, keys.secp256k1_secret).bind_blob(kKeys + 1, keys.ed25519_seed).run();
  tx.commit();
  return domain::ok_status();
}

std::optional<WalletRecord> Store::find_wallet(std::string_view client_id, std::string_view wallet_id) {
  auto lock = guard();
  return find_row(db(), kWalletRow, sql_once([] { return select_wallets(" WHERE wallet_id = ? AND client_id = ?"); }),
                  wallet_id, client_id);
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
  // The list's length is its highest rank and page P a seek on the rank (migration 011), as for the
  // transaction lists.
  Page<WalletRecord> page;
  {
    auto st = db().use(kWalletCountSql);
    st->bind(1, client_id);
    if (st->step()) page.total = st->column_int(0);
  }
  const std::int64_t offset = offset_of(p);
  const std::int64_t top = page.total - offset;
  if (top > 0) {
    auto st = db().use(sql_once(
        [] { return select_wallets(" WHERE client_id = ? AND client_rank <= ? ORDER BY client_rank DESC LIMIT ?"); }));
    st->bind(1, client_id).bind(2, top).bind(3, p.page_size);
    page.items.reserve(static_cast<std::size_t>(std::min<std::int64_t>(top, p.page_size)));
    while (st->step()) page.items.push_back(read_row(kWalletRow, *st));
  }
  page.has_more = offset + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
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
  auto st = db().use(sql_once([] { return insert_sql("accounts", kAccountRow); }));
  bind_row(kAccountRow, *st, a);
  st->run();
  tx.commit();
  return domain::ok_status();
}

std::optional<AccountRecord> Store::find_account(std::string_view client_id, std::string_view account_id) {
  auto lock = guard();
  return find_row(db(), kAccountRow,
                  sql_once([] { return select_accounts(" WHERE account_id = ? AND client_id = ?"); }), account_id,
                  client_id);
}

Page<AccountRecord> Store::list_accounts(std::string_view client_id, std::string_view wallet_id, const PageRequest& p) {
  auto lock = guard();
  if (wallet_id.empty()) {
    return fetch_page(
        db(), "SELECT COUNT(*) FROM accounts WHERE client_id = ?",
        sql_once([] { return select_accounts(" WHERE client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?"); }), 1, p,
        [&](Statement& s) { s.bind(1, client_id); }, kAccountRow);
  }
  return fetch_page(
      db(), "SELECT COUNT(*) FROM accounts WHERE wallet_id = ? AND client_id = ?", sql_once([] {
        return select_accounts(" WHERE wallet_id = ? AND client_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?");
      }),
      2, p, [&](Statement& s) { s.bind(1, wallet_id).bind(2, client_id); }, kAccountRow);
}

std::optional<domain::AccountRecord> Store::owner_of(std::string_view address_key, std::string_view prefer_chain) {
  std::optional<domain::AccountRecord>* remembered = nullptr;  // in the batch of lifecycle steps under way
  if (step_batch_) {
    auto [it, fresh] = step_batch_->owners.try_emplace(StepBatch::key(address_key, prefer_chain));
    if (!fresh) return it->second;
    remembered = &it->second;
  }
  auto st = db().use(
      sql_once([] { return select_accounts(" WHERE address_key = ? ORDER BY (chain = ?) DESC, seq LIMIT 1"); }));
  st->bind(1, address_key).bind(2, prefer_chain);
  std::optional<domain::AccountRecord> owner;
  if (st->step()) owner = read_row(kAccountRow, *st);
  if (remembered) *remembered = owner;
  return owner;
}

std::optional<domain::AccountRecord> Store::find_owned_account(std::string_view address_key,
                                                               std::string_view prefer_chain) {
  auto lock = guard();
  return owner_of(address_key, prefer_chain);
}

}  // namespace paratro::store
