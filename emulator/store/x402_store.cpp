// x402 settlement records (table x402_settlements, schema/007; the paid resources are in
// x402_resource_store.cpp): the sign lock, settlement with its X402_SETTLE transaction and the ledger effects of that
// transaction's steps, expiry of unsettled authorizations. Part of Store (see store.hpp); every
// method takes mu_ like the rest.
#include <cassert>
#include <limits>

#include "emulator/domain/webhook_event.hpp"
#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::Amount;
using domain::ErrorCode;
using domain::make_error;
using domain::X402SettlementRecord;

namespace {

using Rec = X402SettlementRecord;
// The one description of an x402_settlements row (row_description.hpp).
constexpr std::array<Column<Rec>, 27> kX402Row{{
    col<&Rec::tx_id>("tx_id"),
    col<&Rec::client_id>("client_id"),
    col<&Rec::kind>("kind"),
    col<&Rec::chain>("chain"),
    col<&Rec::network>("network"),
    col<&Rec::chain_id>("chain_id"),
    col<&Rec::from_address>("from_address"),
    col<&Rec::from_key>("from_key"),
    col<&Rec::to_address>("to_address"),
    col<&Rec::to_key>("to_key"),
    col<&Rec::amount>("amount"),
    col<&Rec::decimals>("decimals"),
    col<&Rec::nonce>("nonce"),
    col<&Rec::eip712_hash>("eip712_hash"),
    col<&Rec::signature_v>("signature_v"),
    col<&Rec::signature_r>("signature_r"),
    col<&Rec::signature_s>("signature_s"),
    col<&Rec::valid_after>("valid_after"),
    col<&Rec::valid_before>("valid_before"),
    col<&Rec::signed_by>("signed_by"),
    col<&Rec::status>("status"),
    col<&Rec::locked>("locked"),
    col<&Rec::payer_owned>("payer_owned"),
    col<&Rec::settle_tx_id>("settle_tx_id"),
    col<&Rec::expires_at_ms, OptionalMs>("expires_at_ms"),
    col<&Rec::created_at_ms>("created_at_ms"),
    col<&Rec::updated_at_ms>("updated_at_ms"),
}};

std::string select_x402(std::string_view rest) { return select_sql(kX402Row, " FROM x402_settlements", rest); }

void insert_x402(Database& db, const Rec& rec) {
  auto st = db.use(sql_once([] { return insert_sql("x402_settlements", kX402Row); }));
  bind_row(kX402Row, *st, rec);
  st->run();
}

// Moves `amount` (at most the balance: the caller checked) from the entry's balance to its lock. The
// entry's total is unchanged, unless the lock saturates at kMaxAmount. A template so that it can take
// Store's private LedgerEntry.
template <typename Entry>
void lock_amount(Entry& e, Amount amount) {
  assert(amount <= e.balance);
  [[maybe_unused]] const Amount total = e.balance + e.locked;  // < 2^128: both are at most kMaxAmount
  e.balance -= amount;
  if (!domain::checked_add(e.locked, amount, e.locked)) e.locked = domain::kMaxAmount;
  assert(e.balance + e.locked == total || e.locked == domain::kMaxAmount);
}

// The settlement status a step of the X402_SETTLE transaction means.
std::string_view settlement_status(domain::TxStatus tx_status) {
  if (tx_status == domain::TxStatus::confirmed) return "SETTLED";
  if (tx_status == domain::TxStatus::failed) return "FAILED";
  return "PROCESSING";
}

}  // namespace

std::optional<domain::AssetRecord> Store::find_client_asset(std::string_view client_id, std::string_view address_key,
                                                            std::string_view chain, std::string_view symbol) {
  auto lock = guard();
  auto st =
      db().use("SELECT asset_id FROM assets WHERE client_id = ? AND address_key = ? AND chain = ? AND symbol = ?");
  st->bind(1, client_id).bind(2, address_key).bind(3, chain).bind(4, symbol);
  if (!st->step()) return std::nullopt;
  const std::string id = st->column_text(0);
  return find_asset(client_id, id);
}

domain::Status Store::create_x402_authorization(const X402SettlementRecord& rec) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use(
        "SELECT w.status, a.status, s.is_active FROM assets s JOIN accounts a ON a.account_id = s.account_id "
        "JOIN wallets w ON w.wallet_id = s.wallet_id "
        "WHERE s.client_id = ? AND s.address_key = ? AND s.chain = ? AND s.symbol = 'USDC'");
    st->bind(1, rec.client_id).bind(2, rec.from_key).bind(3, rec.chain);
    if (!st->step()) return make_error(ErrorCode::not_found, "No USDC asset found for from_address on " + rec.chain);
    if (read_enum<domain::WalletStatus>(*st, 0) != domain::WalletStatus::active) {
      return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
    }
    if (read_enum<domain::AccountStatus>(*st, 1) != domain::AccountStatus::active) {
      return make_error(ErrorCode::account_not_active, "Account is not in active state");
    }
    if (st->column_int(2) == 0) return make_error(ErrorCode::not_found, "The USDC asset of from_address is not active");
  }
  LedgerEntry e = ledger_get(rec.chain, rec.from_key, "USDC");
  if (rec.amount > e.balance) {
    return make_error(ErrorCode::insufficient_balance,
                      "Insufficient balance: available " +
                          domain::format_amount(e.balance, static_cast<unsigned>(rec.decimals)) + " USDC");
  }
  lock_amount(e, rec.amount);
  ledger_put(rec.chain, rec.from_key, "USDC", e);
  insert_x402(db(), rec);
  tx.commit();
  return domain::ok_status();
}

domain::Status Store::insert_x402_settlement(const X402SettlementRecord& rec) {
  auto lock = guard();
  WriteTransaction tx(db());
  {
    auto st = db().use("SELECT 1 FROM x402_settlements WHERE tx_id = ?");
    st->bind(1, rec.tx_id);
    if (st->step()) return make_error(ErrorCode::conflict, "settlement " + rec.tx_id + " already exists");
  }
  insert_x402(db(), rec);
  tx.commit();
  return domain::ok_status();
}

std::optional<X402SettlementRecord> Store::find_x402_settlement(std::string_view client_id, std::string_view tx_id) {
  auto lock = guard();
  auto st = db().use(sql_once([] { return select_x402(" WHERE tx_id = ? AND client_id = ?"); }));
  st->bind(1, tx_id).bind(2, client_id);
  if (!st->step()) return std::nullopt;
  return read_row(kX402Row, *st);
}

domain::Page<X402SettlementRecord> Store::list_x402_settlements(std::string_view client_id, std::string_view status,
                                                                const domain::PageRequest& p) {
  auto lock = guard();
  domain::Page<X402SettlementRecord> page;
  const std::int64_t offset = (p.page - 1) * p.page_size;
  {
    auto st = db().use("SELECT COUNT(*) FROM x402_settlements WHERE client_id = ? AND (? = '' OR status = ?)");
    st->bind(1, client_id).bind(2, status).bind(3, status);
    if (st->step()) page.total = st->column_int(0);
  }
  auto st = db().use(sql_once([] {
    return select_x402(
        " WHERE client_id = ? AND (? = '' OR status = ?) "
        "ORDER BY seq DESC LIMIT ? OFFSET ?");
  }));
  st->bind(1, client_id).bind(2, status).bind(3, status).bind(4, p.page_size).bind(5, offset);
  while (st->step()) page.items.push_back(read_row(kX402Row, *st));
  page.has_more = offset + static_cast<std::int64_t>(page.items.size()) < page.total;
  return page;
}

bool Store::x402_nonce_used(std::int64_t chain_id, std::string_view from_key, std::string_view nonce) {
  auto lock = guard();
  auto st = db().use(
      "SELECT 1 FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? "
      "AND status IN ('PROCESSING', 'SETTLED') LIMIT 1");
  st->bind(1, chain_id).bind(2, from_key).bind(3, nonce);
  return st->step();
}

std::optional<Amount> Store::x402_payer_balance(std::string_view chain, std::int64_t chain_id,
                                                std::string_view from_key, std::string_view nonce) {
  auto lock = guard();
  if (!owner_of(from_key, chain)) return std::nullopt;
  Amount available = ledger_get(chain, from_key, "USDC").balance;
  auto st = db().use(
      "SELECT locked FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? AND status = "
      "'X402_SIGNED'");
  st->bind(1, chain_id).bind(2, from_key).bind(3, nonce);
  while (st->step()) domain::checked_add(available, read_amount(*st, 0), available);
  return available;
}

Store::X402SettleOutcome Store::settle_x402(X402SettlementRecord rec, domain::TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  X402SettleOutcome out;
  {
    auto st = db().use(
        "SELECT 1 FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? "
        "AND status IN ('PROCESSING', 'SETTLED') LIMIT 1");
    st->bind(1, rec.chain_id).bind(2, rec.from_key).bind(3, rec.nonce);
    if (st->step()) {
      out.error_reason = "invalid_exact_evm_nonce_already_used";
      return out;
    }
  }
  const auto payer = owner_of(rec.from_key, rec.chain);
  rec.payer_owned = payer.has_value();
  if (payer) {
    std::optional<std::string> sign_id;
    {
      auto st = db().use(
          "SELECT tx_id FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? "
          "AND status = 'X402_SIGNED' AND locked = ? LIMIT 1");
      st->bind(1, rec.chain_id)
          .bind(2, rec.from_key)
          .bind(3, rec.nonce)
          .bind(4, domain::to_base_units_string(rec.amount));
      if (st->step()) sign_id = st->column_text(0);
    }
    if (sign_id) {
      // The authorization the emulator signed: its lock becomes the settlement's.
      auto st = db().use(
          "UPDATE x402_settlements SET status = 'PROCESSING', locked = '0', settle_tx_id = ?, expires_at_ms = NULL, "
          "updated_at_ms = ? WHERE tx_id = ?");
      st->bind(1, rec.tx_id).bind(2, rec.created_at_ms).bind(3, *sign_id).run();
    } else {
      LedgerEntry e = ledger_get(rec.chain, rec.from_key, "USDC");
      if (rec.amount > e.balance) {
        out.error_reason = "insufficient_funds";
        return out;
      }
      lock_amount(e, rec.amount);
      ledger_put(rec.chain, rec.from_key, "USDC", e);
    }
    rec.locked = rec.amount;
  }
  // The transaction is the caller's: on its payer account, else its payee account, else on none.
  for (const std::string* key : {&rec.from_key, &rec.to_key}) {
    auto st = db().use(
        "SELECT asset_id, account_id, wallet_id FROM assets WHERE client_id = ? AND address_key = ? AND chain = ? "
        "AND symbol = 'USDC'");
    st->bind(1, rec.client_id).bind(2, *key).bind(3, rec.chain);
    if (st->step()) {
      t.asset_id = st->column_text(0);
      t.account_id = st->column_text(1);
      t.wallet_id = st->column_text(2);
      break;
    }
  }
  t.tx_id = rec.tx_id;
  t.client_id = rec.client_id;
  t.chain = rec.chain;
  t.from_address = rec.from_address;
  t.to_address = rec.to_address;
  t.to_address_key = rec.to_key;
  t.token_symbol = "USDC";
  t.amount = rec.amount;
  t.decimals = rec.decimals;
  t.origin = domain::TxOrigin::x402;
  t.transaction_type = domain::TxType::x402_settle;
  t.operation = "X402";
  insert_transaction(t);
  insert_x402(db(), rec);
  tx.commit();
  out.record = std::move(rec);
  out.tx = std::move(t);
  return out;
}

void Store::apply_x402_step(const TxUpdate& u) {
  const domain::TransactionRecord& t = u.tx;
  std::optional<X402SettlementRecord> rec;
  {
    auto st = db().use(sql_once([] { return select_x402(" WHERE tx_id = ?"); }));
    st->bind(1, t.tx_id);
    if (st->step()) rec = read_row(kX402Row, *st);
  }
  if (!rec) return;
  {
    auto st = db().use("UPDATE x402_settlements SET status = ?, updated_at_ms = ? WHERE tx_id = ? OR settle_tx_id = ?");
    st->bind(1, settlement_status(t.status)).bind(2, t.updated_at_ms).bind(3, t.tx_id).bind(4, t.tx_id).run();
  }
  if (u.settle == Settlement::none) return;
  {
    auto st = db().use("UPDATE x402_settlements SET locked = '0' WHERE tx_id = ?");
    st->bind(1, t.tx_id).run();
  }
  if (rec->payer_owned) {
    LedgerEntry from = ledger_get(rec->chain, rec->from_key, "USDC");
    from.locked = from.locked >= rec->locked ? from.locked - rec->locked : 0;
    if (u.settle == Settlement::fail && !domain::checked_add(from.balance, rec->locked, from.balance)) {
      from.balance = domain::kMaxAmount;
    }
    ledger_put(rec->chain, rec->from_key, "USDC", from);
  }
  if (u.settle != Settlement::confirm) return;
  // An external payer's USDC enters the emulator's world; an external payee's leaves it.
  const auto payee = owner_of(rec->to_key, rec->chain);
  if (!rec->payer_owned) supply_add(rec->chain, "USDC", rec->amount, 0);
  if (!payee) {
    supply_add(rec->chain, "USDC", 0, rec->amount);
    return;
  }
  LedgerEntry to = ledger_get(rec->chain, rec->to_key, "USDC");
  if (!domain::checked_add(to.balance, rec->amount, to.balance)) to.balance = domain::kMaxAmount;
  ledger_put(rec->chain, rec->to_key, "USDC", to);

  // x402.settlement.confirmed to the seller: the settlement as its INBOUND credit, in the shape of
  // the seller's API version.
  domain::ApiVersion version = domain::kDefaultApiVersion;
  {
    auto st = db().use("SELECT webhook_url, api_version FROM clients WHERE client_id = ?");
    st->bind(1, payee->client_id);
    if (!st->step() || st->column_text(0).empty()) return;
    version = domain::parse_api_version(st->column_text(1)).value_or(domain::kDefaultApiVersion);
  }
  domain::TransactionRecord seen = t;
  seen.client_id = payee->client_id;
  seen.wallet_id = payee->wallet_id;
  seen.account_id = payee->account_id;
  seen.direction = domain::TxDirection::inbound;
  seen.to_address = payee->address;
  seen.memo.clear();
  const auto type = domain::EventType::x402_settlement_confirmed;
  WebhookEvent e;
  e.event_id = domain::make_event_id(t.tx_id, type, t.confirmations);
  e.client_id = payee->client_id;
  e.tx_id = t.tx_id;
  e.event_type = std::string(domain::event_type_name(type));
  e.created_at_ms = t.updated_at_ms;
  e.body = domain::render_event_body(seen, type, e.event_id, t.updated_at_ms, domain::traits(version));
  auto st = db().use(
      "INSERT OR IGNORE INTO webhook_events(event_id, client_id, tx_id, event_type, body, created_at_ms) "
      "VALUES (?,?,?,?,?,?)");
  st->bind(1, e.event_id).bind(2, e.client_id).bind(3, e.tx_id).bind(4, e.event_type).bind(5, e.body);
  st->bind(6, e.created_at_ms).run();
  if (db().changes() > 0) insert_delivery(e, t.updated_at_ms);
}

int Store::expire_x402_authorizations(std::int64_t now_ms) {
  auto lock = guard();
  std::vector<X402SettlementRecord> due;
  {
    auto st = db().use(sql_once([] {
      return select_x402(
          " WHERE expires_at_ms IS NOT NULL AND expires_at_ms <= ? "
          "AND status = 'X402_SIGNED' ORDER BY expires_at_ms, seq");
    }));
    st->bind(1, now_ms);
    while (st->step()) due.push_back(read_row(kX402Row, *st));
  }
  if (due.empty()) return 0;
  WriteTransaction tx(db());
  for (const auto& r : due) {
    if (r.locked > 0) {
      LedgerEntry e = ledger_get(r.chain, r.from_key, "USDC");
      const Amount released = std::min(e.locked, r.locked);
      e.locked -= released;
      if (!domain::checked_add(e.balance, released, e.balance)) e.balance = domain::kMaxAmount;
      ledger_put(r.chain, r.from_key, "USDC", e);
    }
    auto st = db().use(
        "UPDATE x402_settlements SET status = 'EXPIRED', locked = '0', expires_at_ms = NULL, updated_at_ms = ? "
        "WHERE tx_id = ?");
    st->bind(1, r.expires_at_ms).bind(2, r.tx_id).run();
  }
  tx.commit();
  return static_cast<int>(due.size());
}

}  // namespace paratro::store
