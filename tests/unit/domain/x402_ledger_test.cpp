// The pure x402 ledger decisions of domain/x402_ledger.hpp: the sign lock's order of refusals and
// exact texts, settle admission (used nonce, signed lock consumed, balance lock, external payer),
// the record status of each transaction step, the ledger delta of settling steps (each balanced),
// and the lock arithmetic at the ceiling.
#include <doctest/doctest.h>

#include <string>

#include "emulator/domain/x402_ledger.hpp"

namespace d = paratro::domain;

namespace {

d::X402SignSource usdc(d::Amount balance, d::Amount locked = 0) {
  d::X402SignSource s;
  s.asset_found = true;
  s.chain = "base";
  s.entry = {balance, locked};
  return s;
}

d::X402SettlementRecord settlement(bool payer_owned, d::Amount amount) {
  d::X402SettlementRecord r;
  r.tx_id = "tx_1";
  r.chain = "base";
  r.from_key = "0xpayer";
  r.to_key = "0xpayee";
  r.amount = amount;
  r.payer_owned = payer_owned;
  r.locked = payer_owned ? amount : 0;
  return r;
}

}  // namespace

TEST_CASE("sign admission: first failure wins, texts are the API's") {
  struct Case {
    const char* name;
    d::X402SignSource src;
    d::ErrorCode code;
    std::string message;
  };
  auto missing = usdc(0);
  missing.asset_found = false;
  missing.wallet_status = d::WalletStatus::progressing;  // not looked at: no asset comes first
  auto wallet = usdc(0);
  wallet.wallet_status = d::WalletStatus::progressing;
  wallet.account_status = d::AccountStatus::inactive;
  auto account = usdc(0);
  account.account_status = d::AccountStatus::inactive;
  account.asset_active = false;
  auto inactive = usdc(0);
  inactive.asset_active = false;
  const Case cases[] = {
      {"no asset", missing, d::ErrorCode::not_found, "No USDC asset found for from_address on base"},
      {"wallet", wallet, d::ErrorCode::wallet_not_active, "Wallet is not in active state"},
      {"account", account, d::ErrorCode::account_not_active, "Account is not in active state"},
      {"asset", inactive, d::ErrorCode::not_found, "The USDC asset of from_address is not active"},
      {"balance", usdc(1'500'000), d::ErrorCode::insufficient_balance, "Insufficient balance: available 1.5 USDC"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = d::admit_x402_sign(c.src, 2'000'000, 6);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().message == c.message);
  }
}

TEST_CASE("sign admission locks the amount") {
  const auto exact = d::admit_x402_sign(usdc(2'000'000, 5), 2'000'000, 6);
  REQUIRE(exact.ok());
  CHECK(exact->balance == 0);
  CHECK(exact->locked == 2'000'005);
  // A lock at the ceiling saturates rather than refusing (the x402 paths always did).
  const auto full = d::admit_x402_sign(usdc(10, d::kMaxAmount - 3), 10, 6);
  REQUIRE(full.ok());
  CHECK(full->balance == 0);
  CHECK(full->locked == d::kMaxAmount);
}

TEST_CASE("settle admission") {
  SUBCASE("a used nonce is refused whoever pays") {
    d::X402SettleSource s;
    s.nonce_used = true;
    s.payer_owned = true;
    s.signed_id = "tx_sign";
    const auto r = d::decide_x402_settle(s, 5);
    CHECK(r.error_reason == "invalid_exact_evm_nonce_already_used");
    CHECK_FALSE(r.consume_signed_id);
    CHECK_FALSE(r.payer_after);
  }
  SUBCASE("an external payer locks nothing") {
    const auto r = d::decide_x402_settle(d::X402SettleSource{}, 5);
    CHECK(r.error_reason.empty());
    CHECK(r.locked == 0);
    CHECK_FALSE(r.consume_signed_id);
    CHECK_FALSE(r.payer_after);
  }
  SUBCASE("an owned payer's signed authorization gives its lock, whatever the balance") {
    d::X402SettleSource s;
    s.payer_owned = true;
    s.signed_id = "tx_sign";
    s.payer = {0, 5};
    const auto r = d::decide_x402_settle(s, 5);
    CHECK(r.error_reason.empty());
    REQUIRE(r.consume_signed_id);
    CHECK(*r.consume_signed_id == "tx_sign");
    CHECK_FALSE(r.payer_after);
    CHECK(r.locked == 5);
  }
  SUBCASE("an owned payer without one locks from its balance") {
    d::X402SettleSource s;
    s.payer_owned = true;
    s.payer = {7, 1};
    const auto r = d::decide_x402_settle(s, 5);
    CHECK(r.error_reason.empty());
    REQUIRE(r.payer_after);
    CHECK(r.payer_after->balance == 2);
    CHECK(r.payer_after->locked == 6);
    CHECK(r.locked == 5);
    s.payer = {4, 100};
    const auto poor = d::decide_x402_settle(s, 5);
    CHECK(poor.error_reason == "insufficient_funds");
    CHECK_FALSE(poor.payer_after);
  }
}

TEST_CASE("record status per transaction step") {
  for (auto row : {std::pair{d::TxStatus::pending, d::X402Status::processing},
                   {d::TxStatus::signed_, d::X402Status::processing},
                   {d::TxStatus::broadcast, d::X402Status::processing},
                   {d::TxStatus::confirming, d::X402Status::processing},
                   {d::TxStatus::confirmed, d::X402Status::settled},
                   {d::TxStatus::failed, d::X402Status::failed}}) {
    CAPTURE(d::to_string(row.first));
    CHECK(d::settlement_status(row.first) == row.second);
  }
}

TEST_CASE("settling steps move the ledger, balanced") {
  struct Case {
    const char* name;
    bool payer_owned, payee_owned;
    d::Settlement settle;
    std::size_t balances;
    d::Amount minted, burned;
  };
  const Case cases[] = {
      {"owned to owned", true, true, d::Settlement::confirm, 2, 0, 0},
      {"owned to external", true, false, d::Settlement::confirm, 1, 0, 9},
      {"external to owned", false, true, d::Settlement::confirm, 1, 9, 0},
      {"external to external", false, false, d::Settlement::confirm, 0, 9, 9},
      {"owned fails", true, true, d::Settlement::fail, 1, 0, 0},
      {"external fails", false, true, d::Settlement::fail, 0, 0, 0},
      {"no settlement", true, true, d::Settlement::none, 0, 0, 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto delta = d::settle_x402_step(settlement(c.payer_owned, 9), c.settle, c.payee_owned);
    CHECK(d::is_balanced(delta));
    CHECK(delta.balances.size() == c.balances);
    d::Amount minted = 0, burned = 0;
    for (const auto& s : delta.supply) {
      CHECK(s.symbol == "USDC");
      minted += s.minted;
      burned += s.burned;
    }
    CHECK(minted == c.minted);
    CHECK(burned == c.burned);
    for (const auto& b : delta.balances) {
      CHECK(b.symbol == "USDC");
      if (b.address_key == "0xpayer") {
        CHECK(b.locked_out == 9);
        CHECK(b.balance_in == (c.settle == d::Settlement::fail ? 9 : 0));
      } else {
        CHECK(b.address_key == "0xpayee");
        CHECK(b.balance_in == 9);
        CHECK(b.locked_out == 0);
      }
    }
  }
}

TEST_CASE("an expired lock goes back to available, never more than the row holds") {
  auto e = d::release_lock({3, 10}, 4);
  CHECK(e.balance == 7);
  CHECK(e.locked == 6);
  e = d::release_lock({3, 2}, 4);
  CHECK(e.balance == 5);
  CHECK(e.locked == 0);
  e = d::release_lock({d::kMaxAmount, 2}, 2);
  CHECK(e.balance == d::kMaxAmount);
  CHECK(e.locked == 0);
}
