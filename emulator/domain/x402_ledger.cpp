// Implementation of x402_ledger.hpp.
#include "emulator/domain/x402_ledger.hpp"

#include <algorithm>
#include <cassert>

namespace paratro::domain {

namespace {
Amount saturating_add(Amount a, Amount b) {
  Amount sum = 0;
  return checked_add(a, b, sum) ? sum : kMaxAmount;
}
constexpr std::string_view kUsdc = "USDC";
}  // namespace

BalanceEntry lock_amount(BalanceEntry e, Amount amount) {
  assert(amount <= e.balance);
  e.balance -= amount;
  e.locked = saturating_add(e.locked, amount);
  return e;
}

BalanceEntry release_lock(BalanceEntry e, Amount locked) {
  const Amount released = std::min(e.locked, locked);
  e.locked -= released;
  e.balance = saturating_add(e.balance, released);
  return e;
}

Result<BalanceEntry> admit_x402_sign(const X402SignSource& src, Amount amount, unsigned decimals) {
  if (!src.asset_found) return make_error(ErrorCode::not_found, "No USDC asset found for from_address on " + src.chain);
  if (src.wallet_status != WalletStatus::active) {
    return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
  }
  if (src.account_status != AccountStatus::active) {
    return make_error(ErrorCode::account_not_active, "Account is not in active state");
  }
  if (!src.asset_active) return make_error(ErrorCode::not_found, "The USDC asset of from_address is not active");
  if (auto st = check_available(amount, src.entry.balance, decimals, kUsdc); !st) return st.error();
  return lock_amount(src.entry, amount);
}

X402SettleDecision decide_x402_settle(const X402SettleSource& src, Amount amount) {
  X402SettleDecision d;
  if (src.nonce_used) {
    d.error_reason = "invalid_exact_evm_nonce_already_used";
    return d;
  }
  if (!src.payer_owned) return d;
  if (src.signed_id) {
    d.consume_signed_id = src.signed_id;
  } else if (amount > src.payer.balance) {
    d.error_reason = "insufficient_funds";
    return d;
  } else {
    d.payer_after = lock_amount(src.payer, amount);
  }
  d.locked = amount;
  return d;
}

X402Status settlement_status(TxStatus tx_status) {
  if (tx_status == TxStatus::confirmed) return X402Status::settled;
  if (tx_status == TxStatus::failed) return X402Status::failed;
  return X402Status::processing;
}

LedgerDelta settle_x402_step(const X402SettlementRecord& rec, Settlement settle, bool payee_owned) {
  LedgerDelta d;
  if (settle == Settlement::none) return d;
  const std::string symbol(kUsdc);
  if (rec.payer_owned) {
    BalanceDelta from{rec.chain, rec.from_key, symbol};
    from.locked_out = rec.locked;
    if (settle == Settlement::fail) from.balance_in = rec.locked;
    d.balances.push_back(std::move(from));
  }
  if (settle != Settlement::confirm) return d;
  if (!rec.payer_owned) d.supply.push_back({rec.chain, symbol, rec.amount, 0});
  if (payee_owned) {
    BalanceDelta to{rec.chain, rec.to_key, symbol};
    to.balance_in = rec.amount;
    d.balances.push_back(std::move(to));
  } else {
    d.supply.push_back({rec.chain, symbol, 0, rec.amount});
  }
  return d;
}

}  // namespace paratro::domain
