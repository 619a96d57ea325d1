// Transfers and their settlement: the store side of POST /api/v1/transfer and of operation calls
// (read the inputs, let domain/transfer.hpp decide, lock and insert), and the application of the
// chain's lifecycle steps (row changes, webhook events, the inbound twin of internal transfers and
// the settlement's ledger delta).
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/operation_admission.hpp"
#include "emulator/store/rows.hpp"
#include "emulator/store/step_batch.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::Amount;
using domain::ErrorCode;
using domain::make_error;
using domain::Status;

domain::Result<TransactionRecord> Store::create_transfer(const domain::TransferCommand& r, TransactionRecord t) {
  auto lock = guard();
  WriteTransaction tx(db());
  if (auto st = check_reference_id(r.client_id, t.reference_id); !st) return st.error();
  // The asset with its ledger entry (ASSET_FROM joins balances) and its account's and wallet's
  // states, in one statement, read in this transaction.
  std::optional<AssetRecord> asset;
  domain::TransferSource src;
  std::string from_address;
  bool has_account = false;
  {
    auto st = db().use(sql_once([] {
      return std::string("SELECT ")
          .append(select_list(kAssetRow, "a."))
          .append(", w.status, acc.status, acc.address")
          .append(kAssetFrom)
          .append(
              " LEFT JOIN accounts acc ON acc.account_id = a.account_id LEFT JOIN wallets w ON w.wallet_id = "
              "acc.wallet_id WHERE a.client_id = ? AND a.address_key = ? AND a.chain = ? AND a.symbol = ?");
    }));
    st->bind(1, r.client_id).bind(2, r.from_address_key).bind(3, r.chain).bind(4, r.token_symbol);
    if (st->step()) {
      asset = read_row(kAssetRow, *st);
      constexpr int kStates = static_cast<int>(kAssetRow.size());
      has_account = !st->column_is_null(kStates + 2) && !st->column_is_null(kStates);
      if (has_account) {
        src.wallet_status = read_enum<domain::WalletStatus>(*st, kStates);
        src.account_status = read_enum<domain::AccountStatus>(*st, kStates + 1);
        from_address = st->column_text(kStates + 2);
      }
    }
  }
  if (!asset) {
    return make_error(ErrorCode::not_found, "No asset found for the given from_address, chain and token_symbol");
  }
  if (!has_account) return make_error(ErrorCode::internal_error, "asset without account");
  src.asset_active = asset->is_active;
  src.symbol = asset->symbol;
  src.decimals = asset->decimals;
  src.balance = asset->balance;
  src.locked = asset->locked_balance;
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
  // The caller's account holding `key`, and its address.
  auto own_account = [&](const std::string& key, std::string* address) {
    domain::CallAccount a;
    auto st = db().use(
        "SELECT a.address, w.status, a.status FROM accounts a JOIN wallets w ON w.wallet_id = a.wallet_id "
        "WHERE a.client_id = ? AND a.address_key = ? ORDER BY (a.chain = ?) DESC, a.seq LIMIT 1");
    st->bind(1, r.client_id).bind(2, key).bind(3, r.chain);
    a.found = st->step();
    if (!a.found) return a;
    if (address) *address = st->column_text(0);
    a.wallet_status = read_enum<domain::WalletStatus>(*st, 1);
    a.account_status = read_enum<domain::AccountStatus>(*st, 2);
    return a;
  };
  auto asset_of = [&](const std::string& key, const std::string& symbol) -> std::optional<AssetRecord> {
    auto st = db().use(sql_once(
        [] { return select_assets(" WHERE a.client_id = ? AND a.address_key = ? AND a.chain = ? AND a.symbol = ?"); }));
    st->bind(1, r.client_id).bind(2, key).bind(3, r.chain).bind(4, symbol);
    if (!st->step()) return std::nullopt;
    return read_row(kAssetRow, *st);
  };
  // Everything the decision needs (domain/operation_admission.hpp), read in this transaction.
  domain::OperationCallSource src;
  src.chain = r.chain;
  src.out_token = r.out_token;
  src.in_token = r.in_token;
  std::string from_address;
  src.from = own_account(r.from_address_key, &from_address);
  const auto paid = asset_of(r.from_address_key, r.out_symbol);
  src.paid_found = paid.has_value();
  if (paid) {
    src.paid_active = paid->is_active;
    const LedgerEntry e = ledger_get(paid->chain, paid->address_key, paid->symbol);
    src.paid = {e.balance, e.locked};
  }
  src.receiver = own_account(r.receive_address_key, nullptr);
  src.received_found = asset_of(r.receive_address_key, r.in_symbol).has_value();
  // The counterparty the call pays is a destination like a transfer's: the client's blacklist (and
  // whitelist, when it requires one) applies before anything is written.
  src.destination = check_destination(r.client_id, r.chain, r.to_address, r.to_address_key);
  src.engine_rejects = r.engine_rejects;
  const auto admitted = domain::admit_operation_call(src, r.out_amount);
  if (!admitted) return admitted.error();

  t.wallet_id = paid->wallet_id;
  t.account_id = paid->account_id;
  t.asset_id = paid->asset_id;
  t.client_id = r.client_id;
  t.chain = r.chain;
  t.from_address = from_address;
  t.to_address = r.to_address;
  t.to_address_key = r.to_address_key;
  t.token_symbol = paid->symbol;
  t.amount = r.out_amount;
  t.decimals = paid->decimals;
  if (admitted->engine_rejected) {
    // Refused by the engine after the row was written (the reference_id stays used); nothing moved.
    t.status = domain::TxStatus::failed;
    t.failure_reason = "MPC signing failed";
    t.next_due_ms = -1;
    t.tx_hash.clear();
    insert_transaction(t);
    tx.commit();
    return t;
  }
  ledger_put(paid->chain, paid->address_key, paid->symbol, {admitted->paid_after.balance, admitted->paid_after.locked});
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

std::optional<domain::IncomingLeg> Store::incoming_leg(std::string_view tx_id) {
  auto st = db().use("SELECT chain, address_key, symbol, amount FROM operation_legs WHERE tx_id = ?");
  st->bind(1, tx_id);
  if (!st->step()) return std::nullopt;  // a plain transfer
  return domain::IncomingLeg{st->column_text(0), st->column_text(1), st->column_text(2), read_amount(*st, 3)};
}

void Store::apply_one(const TxUpdate& u) {
  const TransactionRecord& t = u.tx;
  std::optional<domain::TxStatus> old_status;
  std::int64_t old_confirmations = 0;
  if (u.prev_known) {
    old_status = u.prev_status;
    old_confirmations = u.prev_confirmations;
  } else {
    auto st = db().use("SELECT status, confirmations FROM transactions WHERE tx_id = ?");
    st->bind(1, t.tx_id);
    if (st->step()) {
      old_status = read_enum<domain::TxStatus>(*st, 0);
      old_confirmations = st->column_int(1);
    }
  }
  update_transaction(t, u.seq);
  if (t.origin == domain::TxOrigin::x402) {
    apply_x402_step(u);
    return;
  }
  emit_events(old_status, old_confirmations, t);
  const bool outbound = t.origin == domain::TxOrigin::api;

  // The inbound twin of a transfer to an owned address: created when the transfer reaches the chain,
  // afterwards kept in step with it.
  std::optional<TransactionRecord> twin;
  const bool was_before_chain =
      old_status && (*old_status == domain::TxStatus::pending || *old_status == domain::TxStatus::signed_ ||
                     *old_status == domain::TxStatus::broadcast);
  if (outbound && !was_before_chain) {  // no twin exists before its outbound reached the chain
    auto st = db().use(sql_once([] { return select_transactions(" WHERE twin_of = ? AND twin_of <> ''"); }));
    st->bind(1, t.tx_id);
    if (st->step()) twin = read_row(kTransactionRow, *st);
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
  if (twin) {
    if (auto m = domain::follow_outbound(*twin, t)) {
      update_transaction(*m);
      emit_events(twin->status, twin->confirmations, *m);
    }
  }

  if (u.settle == Settlement::none) return;
  // The domain decides what the settlement moves; the store reads the inputs and applies it.
  std::optional<domain::IncomingLeg> leg;
  if (outbound && u.settle == Settlement::confirm) leg = incoming_leg(t.tx_id);
  apply_ledger_delta(
      domain::settle_transaction(t, u.settle, domain::address_key_of(t.from_address, t.chain), twin.has_value(), leg));
}

void Store::apply_tx_updates(const std::vector<TxUpdate>& updates) {
  if (updates.empty()) return;
  auto lock = guard();
  WriteTransaction tx(db());
  // The batch's ledger and client settings stay in memory until just before the commit; whatever
  // happens, the next write reads the rows again.
  struct Reset {
    std::unique_ptr<StepBatch>& batch;
    ~Reset() { batch.reset(); }
  } reset{step_batch_};
  step_batch_ = std::make_unique<StepBatch>();
  for (const auto& u : updates) apply_one(u);
  flush_step_batch();
  step_batch_.reset();
  tx.commit();
}

}  // namespace paratro::store
