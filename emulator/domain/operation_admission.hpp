// The admission of a PROGRAM_CALL / CONTRACT_CALL against the state the store read, as a pure
// function: both accounts (the caller's, active), the paid asset (registered and active) and the
// received one, the counterparty's security-factor verdict, the signing engine's refusal, then the
// balance and the lock. The store reads the inputs in its write transaction, calls it and writes
// what it answers; the errors are the API's exact codes and messages (operation_call.hpp has the
// stateless rules of the same calls).
#pragma once

#include <string>

#include "emulator/domain/error.hpp"
#include "emulator/domain/record_enums.hpp"
#include "emulator/domain/transfer.hpp"

namespace paratro::domain {

// One of the caller's accounts as the store found it by address key.
struct CallAccount {
  bool found = false;
  WalletStatus wallet_status = WalletStatus::active;
  AccountStatus account_status = AccountStatus::active;
};

struct OperationCallSource {
  std::string chain;
  std::string out_token, in_token;  // as the request named them (for messages)
  CallAccount from, receiver;
  bool paid_found = false, paid_active = false;  // the asset paid from from_address
  BalanceEntry paid;                             // its ledger entry
  bool received_found = false;                   // the asset received at receive_address
  Status destination = ok_status();              // the client's security factors on the counterparty
  bool engine_rejects = false;                   // the signing engine refuses the call
};

struct OperationCallAdmission {
  bool engine_rejected = false;  // write the row FAILED ("MPC signing failed"); nothing moves
  BalanceEntry paid_after;       // else the paid entry after locking the outgoing amount
};

// First failure wins: from_address not an account of the client (not_found), wallet_not_active,
// account_not_active; no active paid asset (not_found); the same for receive_address and its asset;
// the destination verdict; then an engine refusal is admitted as a FAILED row without a balance
// check; else insufficient_balance "Insufficient balance" and the lock's ceiling (invalid_parameter).
Result<OperationCallAdmission> admit_operation_call(const OperationCallSource& src, Amount out_amount);

}  // namespace paratro::domain
