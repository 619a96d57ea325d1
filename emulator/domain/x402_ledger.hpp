// x402 ledger decisions as pure functions, no I/O: whether POST /x402/sign may lock the payer's
// USDC, whether POST /x402/settle may start a settlement (nonce, payer, the lock it takes), what a
// step of the settlement's X402_SETTLE transaction does to the record and the ledger, and what an
// expired authorization releases. The store reads the inputs in its write transaction, calls these
// and applies the result; error texts and x402 reasons are the API's, compared byte for byte by e2e.
#pragma once

#include <optional>
#include <string>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/record_enums.hpp"
#include "emulator/domain/transfer.hpp"

namespace paratro::domain {

// `amount` (at most e.balance: the caller admitted it) moved from available to locked. The total is
// unchanged unless the lock saturates at kMaxAmount, which the x402 paths accept rather than refuse.
BalanceEntry lock_amount(BalanceEntry e, Amount amount);

// An expired authorization's lock (`locked`, at most what the row holds) back to available;
// saturates at kMaxAmount.
BalanceEntry release_lock(BalanceEntry e, Amount locked);

// What the store read for POST /x402/sign: the client's USDC asset at from_address on `chain`.
struct X402SignSource {
  bool asset_found = false;
  std::string chain;
  WalletStatus wallet_status = WalletStatus::active;
  AccountStatus account_status = AccountStatus::active;
  bool asset_active = true;
  BalanceEntry entry;
};

// Decides a sign lock, first failure wins: no asset (not_found "No USDC asset found for
// from_address on <chain>"), wallet_not_active, account_not_active, inactive asset (not_found),
// balance (insufficient_balance, check_available's text). Answers the entry after the lock.
Result<BalanceEntry> admit_x402_sign(const X402SignSource& src, Amount amount, unsigned decimals);

// What the store read for POST /x402/settle, in its write transaction.
struct X402SettleSource {
  bool nonce_used = false;  // a PROCESSING or SETTLED record holds (chain_id, from, nonce)
  bool payer_owned = false;
  std::optional<std::string> signed_id;  // an X402_SIGNED record of that nonce locking exactly the amount
  BalanceEntry payer;                    // the payer's USDC entry (payer_owned only)
};

struct X402SettleDecision {
  std::string error_reason;                      // the x402 reason when refused ("" when admitted)
  std::optional<std::string> consume_signed_id;  // its lock becomes the settlement's
  std::optional<BalanceEntry> payer_after;       // else the payer's entry after locking the amount
  Amount locked = 0;                             // what the settlement record holds locked
};

// Refuses a used nonce (invalid_exact_evm_nonce_already_used) and an owned payer without the funds
// (insufficient_funds); an owned payer's amount comes from its signed authorization when there is
// one, else from its balance. An external payer locks nothing.
X402SettleDecision decide_x402_settle(const X402SettleSource& src, Amount amount);

// The record status a step of the X402_SETTLE transaction means.
X402Status settlement_status(TxStatus tx_status);

// What a settling step does to the ledger: an owned payer's lock leaves (back to available on
// fail); on confirm an external payer's USDC enters the world (minted) and goes to the payee when
// owned, else leaves it (burned). Balanced whenever an owned payer's record locks its amount.
LedgerDelta settle_x402_step(const X402SettlementRecord& rec, Settlement settle, bool payee_owned);

}  // namespace paratro::domain
