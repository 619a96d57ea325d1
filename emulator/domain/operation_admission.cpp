// Implementation of operation_admission.hpp. The texts are the API's: e2e tests compare them.
#include "emulator/domain/operation_admission.hpp"

namespace paratro::domain {

namespace {

Status check_account(const CallAccount& a, std::string_view field) {
  if (!a.found) return make_error(ErrorCode::not_found, std::string(field) + " is not an account of this client");
  if (a.wallet_status != WalletStatus::active) {
    return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
  }
  if (a.account_status != AccountStatus::active) {
    return make_error(ErrorCode::account_not_active, "Account is not in active state");
  }
  return ok_status();
}

}  // namespace

Result<OperationCallAdmission> admit_operation_call(const OperationCallSource& src, Amount out_amount) {
  if (auto st = check_account(src.from, "from_address"); !st) return st.error();
  if (!src.paid_found || !src.paid_active) {
    return make_error(ErrorCode::not_found, "no asset registered for token " + src.out_token + " on " + src.chain);
  }
  if (auto st = check_account(src.receiver, "receive_address"); !st) return st.error();
  if (!src.received_found) {
    return make_error(ErrorCode::not_found,
                      "no asset registered for token " + src.in_token + " on " + src.chain + " at receive_address");
  }
  if (!src.destination) return src.destination.error();
  OperationCallAdmission out;
  if (src.engine_rejects) {
    out.engine_rejected = true;
    out.paid_after = src.paid;
    return out;
  }
  // Unlike a transfer's, this refusal names no available amount (the gateway's text).
  if (out_amount > src.paid.balance) return make_error(ErrorCode::insufficient_balance, "Insufficient balance");
  const auto locked = lock_checked(src.paid, out_amount);
  if (!locked) return locked.error();
  out.paid_after = *locked;
  return out;
}

}  // namespace paratro::domain
