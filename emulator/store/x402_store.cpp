// x402 settlement records (table x402_settlements, schema/007; the paid resources are in
// x402_resource_store.cpp): the sign lock, settlement with its X402_SETTLE transaction and the ledger effects of that
// transaction's steps, expiry of unsettled authorizations. Part of Store (see store.hpp); every
// method takes mu_ like the rest.
#include <limits>

#include "emulator/domain/webhook_event.hpp"
#include "emulator/domain/x402_ledger.hpp"
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

using domain::X402Status;

// The SQL of "the nonce is taken": a PROCESSING or SETTLED record holds it (EIP-3009
// authorizationState). The states are bound from the enum, never spelled in SQL.
constexpr const char* kNonceTakenSql =
    "SELECT 1 FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? "
    "AND status IN (?, ?) LIMIT 1";

bool nonce_taken(Database& db, std::int64_t chain_id, std::string_view from_key, std::string_view nonce) {
  auto st = db.use(kNonceTakenSql);
  st->bind(1, chain_id).bind(2, from_key).bind(3, nonce);
  st->bind(4, domain::to_string(X402Status::processing)).bind(5, domain::to_string(X402Status::settled));
  return st->step();
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
  domain::X402SignSource src;
  src.chain = rec.chain;
  {
    auto st = db().use(
        "SELECT w.status, a.status, s.is_active FROM assets s JOIN accounts a ON a.account_id = s.account_id "
        "JOIN wallets w ON w.wallet_id = s.wallet_id "
        "WHERE s.client_id = ? AND s.address_key = ? AND s.chain = ? AND s.symbol = 'USDC'");
    st->bind(1, rec.client_id).bind(2, rec.from_key).bind(3, rec.chain);
    src.asset_found = st->step();
    if (src.asset_found) {
      src.wallet_status = read_enum<domain::WalletStatus>(*st, 0);
      src.account_status = read_enum<domain::AccountStatus>(*st, 1);
      src.asset_active = st->column_int(2) != 0;
    }
  }
  const LedgerEntry e = ledger_get(rec.chain, rec.from_key, "USDC");
  src.entry = {e.balance, e.locked};
  const auto admitted = domain::admit_x402_sign(src, rec.amount, static_cast<unsigned>(rec.decimals));
  if (!admitted) return admitted.error();
  ledger_put(rec.chain, rec.from_key, "USDC", {admitted->balance, admitted->locked});
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

domain::Page<X402SettlementRecord> Store::list_x402_settlements(std::string_view client_id,
                                                                std::optional<X402Status> filter,
                                                                const domain::PageRequest& p) {
  auto lock = guard();
  // "" (no filter) is never a stored state.
  const std::string_view status = filter ? domain::to_string(*filter) : std::string_view("");
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
  return nonce_taken(db(), chain_id, from_key, nonce);
}

std::optional<Amount> Store::x402_payer_balance(std::string_view chain, std::int64_t chain_id,
                                                std::string_view from_key, std::string_view nonce) {
  auto lock = guard();
  if (!owner_of(from_key, chain)) return std::nullopt;
  Amount available = ledger_get(chain, from_key, "USDC").balance;
  auto st =
      db().use("SELECT locked FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? AND status = ?");
  st->bind(1, chain_id).bind(2, from_key).bind(3, nonce).bind(4, domain::to_string(X402Status::signed_));
  while (st->step()) domain::checked_add(available, read_amount(*st, 0), available);
  return available;
}

Store::X402SettleOutcome Store::settle_x402(X402SettlementRecord rec, domain::TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  X402SettleOutcome out;
  domain::X402SettleSource src;
  src.nonce_used = nonce_taken(db(), rec.chain_id, rec.from_key, rec.nonce);
  src.payer_owned = !src.nonce_used && owner_of(rec.from_key, rec.chain).has_value();
  if (src.payer_owned) {
    auto st = db().use(
        "SELECT tx_id FROM x402_settlements WHERE chain_id = ? AND from_key = ? AND nonce = ? "
        "AND status = ? AND locked = ? LIMIT 1");
    st->bind(1, rec.chain_id).bind(2, rec.from_key).bind(3, rec.nonce);
    st->bind(4, domain::to_string(X402Status::signed_)).bind(5, domain::to_base_units_string(rec.amount));
    if (st->step()) src.signed_id = st->column_text(0);
    const LedgerEntry e = ledger_get(rec.chain, rec.from_key, "USDC");
    src.payer = {e.balance, e.locked};
  }
  const auto decided = domain::decide_x402_settle(src, rec.amount);
  if (!decided.error_reason.empty()) {
    out.error_reason = decided.error_reason;
    return out;
  }
  if (decided.consume_signed_id) {
    // The authorization the emulator signed: its lock becomes the settlement's.
    auto st = db().use(
        "UPDATE x402_settlements SET status = ?, locked = '0', settle_tx_id = ?, expires_at_ms = NULL, "
        "updated_at_ms = ? WHERE tx_id = ?");
    st->bind(1, domain::to_string(X402Status::processing)).bind(2, rec.tx_id).bind(3, rec.created_at_ms);
    st->bind(4, *decided.consume_signed_id).run();
  }
  if (decided.payer_after) {
    ledger_put(rec.chain, rec.from_key, "USDC", {decided.payer_after->balance, decided.payer_after->locked});
  }
  rec.payer_owned = src.payer_owned;
  rec.locked = decided.locked;
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
  t.operation = domain::Operation::x402;
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
    st->bind(1, domain::to_string(domain::settlement_status(t.status)))
        .bind(2, t.updated_at_ms)
        .bind(3, t.tx_id)
        .bind(4, t.tx_id)
        .run();
  }
  if (u.settle == Settlement::none) return;
  {
    auto st = db().use("UPDATE x402_settlements SET locked = '0' WHERE tx_id = ?");
    st->bind(1, t.tx_id).run();
  }
  // The domain decides what the step moves (x402_ledger.hpp); the payee matters only on confirm.
  const auto payee = u.settle == Settlement::confirm ? owner_of(rec->to_key, rec->chain) : std::nullopt;
  apply_ledger_delta(domain::settle_x402_step(*rec, u.settle, payee.has_value()));
  if (!payee) return;

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
          "AND status = ? ORDER BY expires_at_ms, seq");
    }));
    st->bind(1, now_ms).bind(2, domain::to_string(X402Status::signed_));
    while (st->step()) due.push_back(read_row(kX402Row, *st));
  }
  if (due.empty()) return 0;
  WriteTransaction tx(db());
  for (const auto& r : due) {
    if (r.locked > 0) {
      const LedgerEntry e = ledger_get(r.chain, r.from_key, "USDC");
      const auto released = domain::release_lock({e.balance, e.locked}, r.locked);
      ledger_put(r.chain, r.from_key, "USDC", {released.balance, released.locked});
    }
    auto st = db().use(
        "UPDATE x402_settlements SET status = ?, locked = '0', expires_at_ms = NULL, updated_at_ms = ? "
        "WHERE tx_id = ?");
    st->bind(1, domain::to_string(X402Status::expired)).bind(2, r.expires_at_ms).bind(3, r.tx_id).run();
  }
  tx.commit();
  return static_cast<int>(due.size());
}

}  // namespace paratro::store
