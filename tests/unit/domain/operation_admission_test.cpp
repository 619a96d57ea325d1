// The admission of PROGRAM_CALL / CONTRACT_CALL (domain/operation_admission.hpp): the order of
// refusals with their exact codes and texts, an engine refusal admitted without a balance check,
// and the lock (balance moved to locked, the ceiling refused like a transfer's).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emulator/domain/operation_admission.hpp"

namespace d = paratro::domain;

namespace {

d::OperationCallSource usable(d::Amount balance, d::Amount locked = 0) {
  d::OperationCallSource s;
  s.chain = "ethereum";
  s.out_token = "0xpaid";
  s.in_token = "0xreceived";
  s.from.found = s.receiver.found = true;
  s.paid_found = s.paid_active = s.received_found = true;
  s.paid = {balance, locked};
  return s;
}

}  // namespace

TEST_CASE("operation call admission: first failure wins") {
  struct Case {
    const char* name;
    d::OperationCallSource src;
    d::ErrorCode code;
    std::string message;
  };
  std::vector<Case> cases;
  auto add = [&](const char* name, auto change, d::ErrorCode code, std::string message) {
    auto s = usable(0);  // poor too: every earlier refusal must win over the balance
    change(s);
    cases.push_back({name, s, code, std::move(message)});
  };
  add(
      "no from account",
      [](auto& s) {
        s.from.found = false;
        s.paid_found = false;
      },
      d::ErrorCode::not_found, "from_address is not an account of this client");
  add(
      "from wallet",
      [](auto& s) {
        s.from.wallet_status = d::WalletStatus::progressing;
        s.paid_active = false;
      },
      d::ErrorCode::wallet_not_active, "Wallet is not in active state");
  add(
      "from account",
      [](auto& s) {
        s.from.account_status = d::AccountStatus::inactive;
        s.receiver.found = false;
      },
      d::ErrorCode::account_not_active, "Account is not in active state");
  add(
      "paid asset missing",
      [](auto& s) {
        s.paid_found = false;
        s.receiver.found = false;
      },
      d::ErrorCode::not_found, "no asset registered for token 0xpaid on ethereum");
  add(
      "paid asset inactive", [](auto& s) { s.paid_active = false; }, d::ErrorCode::not_found,
      "no asset registered for token 0xpaid on ethereum");
  add(
      "no receiver",
      [](auto& s) {
        s.receiver.found = false;
        s.received_found = false;
      },
      d::ErrorCode::not_found, "receive_address is not an account of this client");
  add(
      "receiver wallet", [](auto& s) { s.receiver.wallet_status = d::WalletStatus::progressing; },
      d::ErrorCode::wallet_not_active, "Wallet is not in active state");
  add(
      "received asset",
      [](auto& s) {
        s.received_found = false;
        s.engine_rejects = true;
      },
      d::ErrorCode::not_found, "no asset registered for token 0xreceived on ethereum at receive_address");
  add(
      "destination",
      [](auto& s) {
        s.destination = d::make_error(d::ErrorCode::address_blacklisted, "blacklisted");
        s.engine_rejects = true;
      },
      d::ErrorCode::address_blacklisted, "blacklisted");
  add(
      "balance", [](auto&) {}, d::ErrorCode::insufficient_balance, "Insufficient balance");
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = d::admit_operation_call(c.src, 10);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().message == c.message);
  }
}

TEST_CASE("operation call admission: engine refusal, lock and ceiling") {
  auto rejected = usable(0, 3);
  rejected.engine_rejects = true;
  const auto r = d::admit_operation_call(rejected, 10);  // no funds needed: nothing moves
  REQUIRE(r.ok());
  CHECK(r->engine_rejected);
  CHECK(r->paid_after.balance == 0);
  CHECK(r->paid_after.locked == 3);

  const auto ok = d::admit_operation_call(usable(25, 5), 10);
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->engine_rejected);
  CHECK(ok->paid_after.balance == 15);
  CHECK(ok->paid_after.locked == 15);

  const auto ceiling = d::admit_operation_call(usable(10, d::kMaxAmount - 5), 10);
  REQUIRE_FALSE(ceiling.ok());
  CHECK(ceiling.error().code == d::ErrorCode::invalid_parameter);
  CHECK(ceiling.error().message == "amount exceeds the supported ceiling");
}
