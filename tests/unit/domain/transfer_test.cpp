// The pure transfer decisions of domain/transfer.hpp: the amount parsed once and rescaled to the
// asset's base units exactly as parse_amount would, admission's order of refusals and their exact
// messages, and settlement deltas (each one balanced).
#include <doctest/doctest.h>

#include <string>

#include "emulator/domain/transfer.hpp"

namespace d = paratro::domain;

namespace {

std::string units(d::Amount v) { return d::to_base_units_string(v); }

d::DecimalAmount amount(std::string_view text) {
  auto parsed = d::parse_transfer_amount(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

d::TransferSource usdt(d::Amount balance, d::Amount locked = 0) {
  d::TransferSource s;
  s.symbol = "USDT";
  s.decimals = 6;
  s.balance = balance;
  s.locked = locked;
  return s;
}

d::TransactionRecord transfer(d::TxOrigin origin, d::Amount amount) {
  d::TransactionRecord t;
  t.tx_id = "tx_1";
  t.chain = "ethereum";
  t.token_symbol = "USDT";
  t.to_address_key = "0xto";
  t.amount = amount;
  t.origin = origin;
  return t;
}

}  // namespace

TEST_CASE("parse_transfer_amount refuses what the handler refused, with its messages") {
  struct Case {
    std::string_view text;
    const char* message;
  };
  const Case cases[] = {
      {"0", "amount must be greater than 0"},
      {"0.000", "amount must be greater than 0"},
      {"abc", "amount must be a positive decimal string such as \"1.5\""},
      {"-1", "amount must be a positive decimal string such as \"1.5\""},
      {"1.", "amount must be a positive decimal string such as \"1.5\""},
      {"1e5", "amount must be a positive decimal string such as \"1.5\""},
      {"", "amount must be a positive decimal string such as \"1.5\""},
      {"100000000000000000000000000000000000000", "amount exceeds the supported ceiling"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto r = d::parse_transfer_amount(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == d::ErrorCode::invalid_parameter);
    CHECK(r.error().message == c.message);
  }
  CHECK(amount("1.500").units == 15);
  CHECK(amount("1.500").scale == 1);
  CHECK(amount("0012").units == 12);
  CHECK(amount("0012").scale == 0);
}

TEST_CASE("to_base_units agrees with parse_amount at the asset's decimals") {
  const char* texts[] = {"1",
                         "1.5",
                         "0.000001",
                         "0.0000001",
                         "12.340000",
                         "99999999999999999999999999999999999999",
                         "0.1",
                         "123456789.123456789012345678",
                         "10000000000000000000000000000000",
                         "5.00000000000000000000"};
  for (const char* text : texts) {
    for (unsigned decimals : {0u, 2u, 6u, 8u, 9u, 18u, 38u}) {
      CAPTURE(text);
      CAPTURE(decimals);
      const auto want = d::parse_amount(text, decimals);
      const auto got = d::to_base_units(amount(text), decimals);
      CHECK(got.error == want.error);
      if (want.ok()) CHECK(units(got.value) == units(want.value));
    }
  }
}

TEST_CASE("admit_transfer: the first refusal wins, with the API's code and message") {
  struct Case {
    const char* name;
    d::TransferSource source;
    const char* amount;
    d::ErrorCode code;
    const char* message;
  };
  auto with = [](auto change) {
    auto s = usdt(1'000'000);
    change(s);
    return s;
  };
  const Case cases[] = {
      {"wallet first", with([](auto& s) {
         s.wallet_status = d::WalletStatus::progressing;
         s.account_status = d::AccountStatus::inactive;
       }),
       "0.5", d::ErrorCode::wallet_not_active, "Wallet is not in active state"},
      {"account", with([](auto& s) { s.account_status = d::AccountStatus::inactive; }), "0.5",
       d::ErrorCode::account_not_active, "Account is not in active state"},
      {"asset", with([](auto& s) { s.asset_active = false; }), "0.5", d::ErrorCode::transaction_failed,
       "Asset is not active"},
      {"destination before amount",
       with([](auto& s) { s.destination = d::make_error(d::ErrorCode::address_blacklisted, "blacklisted"); }),
       "0.0000001", d::ErrorCode::address_blacklisted, "blacklisted"},
      {"decimals", usdt(1'000'000), "0.0000001", d::ErrorCode::invalid_parameter,
       "amount has more decimal places than USDT supports (6)"},
      {"ceiling in base units", usdt(1'000'000), "99999999999999999999999999999999999", d::ErrorCode::invalid_parameter,
       "amount exceeds the supported ceiling (10^38 - 1 base units)"},
      {"balance", usdt(1'000'000), "1.000001", d::ErrorCode::insufficient_balance,
       "Insufficient balance: available 1 USDT"},
      {"lock past the ceiling", usdt(1'000'000, d::kMaxAmount), "1", d::ErrorCode::invalid_parameter,
       "amount exceeds the supported ceiling"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = d::admit_transfer(amount(c.amount), c.source);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().message == c.message);
  }
  SUBCASE("zero in base units (a command built without the handler)") {
    const auto r = d::admit_transfer(d::DecimalAmount{}, usdt(5));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "amount must be greater than 0");
  }
}

TEST_CASE("admit_transfer locks the amount") {
  struct Case {
    const char* amount;
    d::Amount balance, locked;
    const char* moved;
    const char* left;
    const char* locked_after;
  };
  const Case cases[] = {
      {"1", 1'000'000, 0, "1000000", "0", "1000000"},  // the whole balance
      {"0.25", 1'000'000, 7, "250000", "750000", "250007"},
      {"0.000001", 1, 0, "1", "0", "1"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.amount);
    const auto r = d::admit_transfer(amount(c.amount), usdt(c.balance, c.locked));
    REQUIRE(r.ok());
    CHECK(units(r->amount) == c.moved);
    CHECK(units(r->balance_after) == c.left);
    CHECK(units(r->locked_after) == c.locked_after);
    // Nothing is created or lost by locking.
    CHECK(r->balance_after + r->locked_after == c.balance + c.locked);
  }
}

TEST_CASE("settlement deltas, each balanced") {
  using S = d::Settlement;
  const d::IncomingLeg leg{"ethereum", "0xreceive", "WETH", 42};
  struct Case {
    const char* name;
    d::TxOrigin origin;
    S settle;
    bool has_twin;
    bool with_leg;
    // expected rows as "key:balance_in/balance_out/locked_in/locked_out", supply as "symbol:+minted-burned"
    std::vector<std::string> rows;
    std::vector<std::string> supply;
  };
  const Case cases[] = {
      {"outbound to the outside confirms: burned",
       d::TxOrigin::api,
       S::confirm,
       false,
       false,
       {"0xfrom:0/0/0/500"},
       {"USDT:+0-500"}},
      {"internal transfer confirms: the receiver is credited",
       d::TxOrigin::api,
       S::confirm,
       true,
       false,
       {"0xfrom:0/0/0/500", "0xto:500/0/0/0"},
       {}},
      {"outbound fails: refunded", d::TxOrigin::api, S::fail, true, false, {"0xfrom:500/0/0/500"}, {}},
      {"call confirms: its incoming leg is minted",
       d::TxOrigin::api,
       S::confirm,
       false,
       true,
       {"0xfrom:0/0/0/500", "0xreceive:42/0/0/0"},
       {"USDT:+0-500", "WETH:+42-0"}},
      {"call fails: the leg is not paid", d::TxOrigin::api, S::fail, false, true, {"0xfrom:500/0/0/500"}, {}},
      {"deposit confirms: minted", d::TxOrigin::deposit, S::confirm, false, false, {"0xto:500/0/0/0"}, {"USDT:+500-0"}},
      {"deposit fails: nothing", d::TxOrigin::deposit, S::fail, false, false, {}, {}},
      {"internal twin: follows its outbound", d::TxOrigin::internal, S::confirm, false, false, {}, {}},
      {"no settlement", d::TxOrigin::api, S::none, true, true, {}, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto delta = d::settle_transaction(transfer(c.origin, 500), c.settle, "0xfrom", c.has_twin,
                                             c.with_leg ? std::optional(leg) : std::nullopt);
    CHECK(d::is_balanced(delta));
    std::vector<std::string> rows, supply;
    for (const auto& b : delta.balances) {
      rows.push_back(b.address_key + ":" + units(b.balance_in) + "/" + units(b.balance_out) + "/" + units(b.locked_in) +
                     "/" + units(b.locked_out));
    }
    for (const auto& s : delta.supply) supply.push_back(s.symbol + ":+" + units(s.minted) + "-" + units(s.burned));
    CHECK(rows == c.rows);
    CHECK(supply == c.supply);
  }
}

TEST_CASE("is_balanced catches a delta that creates or loses money") {
  d::LedgerDelta created;
  created.balances.push_back({"ethereum", "0xa", "USDT", 5, 0, 0, 0});
  CHECK_FALSE(d::is_balanced(created));
  created.supply.push_back({"ethereum", "USDT", 5, 0});
  CHECK(d::is_balanced(created));
  created.supply.push_back({"tron", "USDT", 1, 0});  // minted on another chain, landing nowhere
  CHECK_FALSE(d::is_balanced(created));

  d::LedgerDelta moved;
  moved.balances.push_back({"ethereum", "0xa", "USDT", 0, 7, 0, 0});
  moved.balances.push_back({"ethereum", "0xb", "USDT", 0, 0, 7, 0});
  CHECK(d::is_balanced(moved));
  moved.balances.push_back({"ethereum", "0xb", "USDC", 0, 0, 7, 0});  // another token is not the same money
  CHECK_FALSE(d::is_balanced(moved));
}

TEST_CASE("the inbound twin follows its outbound") {
  auto out = transfer(d::TxOrigin::api, 500);
  out.status = d::TxStatus::confirming;
  out.confirmations = 1;
  d::AccountRecord receiver;
  receiver.client_id = "c2";
  auto twin = d::make_inbound_twin(out, receiver, "tx_twin", "");
  CHECK_FALSE(d::follow_outbound(twin, out).has_value());  // in step: nothing to write

  out.confirmations = 2;
  out.updated_at_ms = 900;
  const auto more = d::follow_outbound(twin, out);
  REQUIRE(more);
  CHECK(more->confirmations == 2);
  CHECK(more->updated_at_ms == 900);
  CHECK(more->tx_id == "tx_twin");
  CHECK(more->client_id == "c2");

  out.status = d::TxStatus::failed;
  out.failure_reason = "transaction reverted on-chain";
  const auto failed = d::follow_outbound(*more, out);
  REQUIRE(failed);
  CHECK(failed->status == d::TxStatus::failed);
  CHECK(failed->failure_reason == "transaction reverted on-chain");
  CHECK(failed->direction == d::TxDirection::inbound);
  CHECK(failed->origin == d::TxOrigin::internal);
}

TEST_CASE("the inbound twin of an internal transfer") {
  auto out = transfer(d::TxOrigin::api, 500);
  out.status = d::TxStatus::confirming;
  out.memo = "invoice";
  out.reference_id = "ref-1";
  out.outcome = d::TxOutcome::fail_onchain;
  out.updated_at_ms = 777;
  out.next_due_ms = 900;
  d::AccountRecord receiver;
  receiver.client_id = "c2";
  receiver.wallet_id = "w2";
  receiver.account_id = "acc2";
  const auto in = d::make_inbound_twin(out, receiver, "tx_twin", "ast2");
  CHECK(in.tx_id == "tx_twin");
  CHECK(in.twin_of == "tx_1");
  CHECK(in.client_id == "c2");
  CHECK(in.wallet_id == "w2");
  CHECK(in.account_id == "acc2");
  CHECK(in.asset_id == "ast2");
  CHECK(in.direction == d::TxDirection::inbound);
  CHECK(in.origin == d::TxOrigin::internal);
  CHECK(in.status == d::TxStatus::confirming);
  CHECK(in.memo.empty());
  CHECK(in.reference_id.empty());
  CHECK(in.outcome == d::TxOutcome::none);
  CHECK(in.next_due_ms == -1);
  CHECK(in.created_at_ms == 777);
  CHECK(units(in.amount) == "500");
}
