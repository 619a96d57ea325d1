// The state enums of domain/record_enums.hpp: every value has its exact stored/API text, the text
// reads back to the same value, and anything else (other case, blanks, unknown words) is refused.
#include <doctest/doctest.h>

#include <string_view>

#include "emulator/domain/record_enums.hpp"

namespace d = paratro::domain;

namespace {

// Every entry round-trips and no two entries share a value or a name.
template <typename E>
void check_table() {
  const auto& entries = d::EnumNames<E>::entries;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto value = entries[i].first;
    const auto name = entries[i].second;  // not a structured binding: clang 14's CAPTURE cannot take one
    CAPTURE(name);
    CHECK(d::to_string(value) == name);
    REQUIRE(d::parse_enum<E>(name).has_value());
    CHECK(*d::parse_enum<E>(name) == value);
    for (std::size_t j = i + 1; j < entries.size(); ++j) {
      CHECK(entries[j].first != value);
      CHECK(entries[j].second != name);
    }
  }
}

}  // namespace

TEST_CASE("state enums round-trip through their text") {
  check_table<d::TxStatus>();
  check_table<d::TxDirection>();
  check_table<d::TxType>();
  check_table<d::TxOrigin>();
  check_table<d::TxOutcome>();
  check_table<d::WalletStatus>();
  check_table<d::KeyStatus>();
  check_table<d::AccountStatus>();
  check_table<d::ClientStatus>();
  check_table<d::Operation>();
  check_table<d::X402Kind>();
  check_table<d::X402Status>();
  check_table<d::X402Signer>();
  check_table<d::FactorType>();
  check_table<d::FactorStatus>();
  check_table<d::DeliveryStatus>();
  // Each table covers its enum (the last value is the table's size minus one).
  CHECK(d::EnumNames<d::TxStatus>::entries.size() == static_cast<std::size_t>(d::TxStatus::failed) + 1);
  CHECK(d::EnumNames<d::TxOrigin>::entries.size() == static_cast<std::size_t>(d::TxOrigin::x402) + 1);
  CHECK(d::EnumNames<d::TxOutcome>::entries.size() == static_cast<std::size_t>(d::TxOutcome::hold) + 1);
  CHECK(d::EnumNames<d::Operation>::entries.size() == static_cast<std::size_t>(d::Operation::x402) + 1);
  CHECK(d::EnumNames<d::X402Kind>::entries.size() == static_cast<std::size_t>(d::X402Kind::history) + 1);
  CHECK(d::EnumNames<d::X402Status>::entries.size() == static_cast<std::size_t>(d::X402Status::cancelled) + 1);
  CHECK(d::EnumNames<d::X402Signer>::entries.size() == static_cast<std::size_t>(d::X402Signer::external) + 1);
  CHECK(d::EnumNames<d::FactorType>::entries.size() == static_cast<std::size_t>(d::FactorType::blacklist) + 1);
  CHECK(d::EnumNames<d::FactorStatus>::entries.size() == static_cast<std::size_t>(d::FactorStatus::inactive) + 1);
  CHECK(d::EnumNames<d::DeliveryStatus>::entries.size() == static_cast<std::size_t>(d::DeliveryStatus::failed) + 1);
}

TEST_CASE("the texts are the ones stored and shown today") {
  struct Case {
    std::string_view got, want;
  };
  const Case cases[] = {
      {d::to_string(d::TxStatus::pending), "PENDING"},
      {d::to_string(d::TxStatus::signed_), "SIGNED"},
      {d::to_string(d::TxStatus::broadcast), "BROADCAST"},
      {d::to_string(d::TxStatus::confirming), "CONFIRMING"},
      {d::to_string(d::TxStatus::confirmed), "CONFIRMED"},
      {d::to_string(d::TxStatus::failed), "FAILED"},
      {d::to_string(d::TxDirection::outbound), "OUTBOUND"},
      {d::to_string(d::TxDirection::inbound), "INBOUND"},
      {d::to_string(d::TxType::transfer), "TRANSFER"},
      {d::to_string(d::TxType::x402_settle), "X402_SETTLE"},
      {d::to_string(d::TxOrigin::api), "api"},
      {d::to_string(d::TxOrigin::internal), "internal"},
      {d::to_string(d::TxOutcome::none), ""},
      {d::to_string(d::TxOutcome::hold), "hold"},
      {d::to_string(d::WalletStatus::progressing), "PROGRESSING"},
      {d::to_string(d::KeyStatus::generating), "GENERATING"},
      {d::to_string(d::ClientStatus::suspended), "SUSPENDED"},
      {d::to_string(d::AccountStatus::active), "ACTIVE"},
      {d::to_string(d::Operation::transfer), "TRANSFER"},
      {d::to_string(d::Operation::program_call), "PROGRAM_CALL"},
      {d::to_string(d::Operation::contract_call), "CONTRACT_CALL"},
      {d::to_string(d::Operation::x402), "X402"},
      {d::to_string(d::X402Kind::sign), "SIGN"},
      {d::to_string(d::X402Kind::settle), "SETTLE"},
      {d::to_string(d::X402Kind::history), "HISTORY"},
      {d::to_string(d::X402Status::signed_), "X402_SIGNED"},
      {d::to_string(d::X402Status::processing), "PROCESSING"},
      {d::to_string(d::X402Status::settled), "SETTLED"},
      {d::to_string(d::X402Status::failed), "FAILED"},
      {d::to_string(d::X402Status::expired), "EXPIRED"},
      {d::to_string(d::X402Status::cancelled), "CANCELLED"},
      {d::to_string(d::X402Signer::paratro), "PARATRO"},
      {d::to_string(d::X402Signer::external), "EXTERNAL"},
      {d::to_string(d::FactorType::whitelist), "WHITELIST"},
      {d::to_string(d::FactorType::blacklist), "BLACKLIST"},
      {d::to_string(d::FactorStatus::active), "ACTIVE"},
      {d::to_string(d::FactorStatus::inactive), "INACTIVE"},
      {d::to_string(d::DeliveryStatus::pending), "pending"},
      {d::to_string(d::DeliveryStatus::queued), "queued"},
      {d::to_string(d::DeliveryStatus::sending), "sending"},
      {d::to_string(d::DeliveryStatus::succeeded), "succeeded"},
      {d::to_string(d::DeliveryStatus::failed), "failed"},
  };
  for (const auto& c : cases) CHECK(c.got == c.want);
}

TEST_CASE("unknown texts are refused") {
  for (std::string_view bad : {"pending", "Pending", " PENDING", "PENDING ", "", "PROCESSING", "SETTLED"}) {
    CAPTURE(bad);
    CHECK_FALSE(d::parse_enum<d::TxStatus>(bad).has_value());
  }
  CHECK_FALSE(d::parse_enum<d::TxOrigin>("API").has_value());
  CHECK_FALSE(d::parse_enum<d::X402Status>("SIGNED").has_value());  // a transaction's state, not a record's
  CHECK_FALSE(d::parse_enum<d::X402Status>("processing").has_value());
  CHECK_FALSE(d::parse_enum<d::FactorType>("whitelist").has_value());
  CHECK_FALSE(d::parse_enum<d::DeliveryStatus>("PENDING").has_value());
  CHECK_FALSE(d::parse_enum<d::TxOutcome>("sandbox:hold").has_value());
  CHECK(d::parse_enum<d::TxOutcome>("") == d::TxOutcome::none);  // the stored text of "no forced outcome"
}

TEST_CASE("terminal states") {
  for (auto row : {std::pair{d::TxStatus::pending, false},
                   {d::TxStatus::signed_, false},
                   {d::TxStatus::broadcast, false},
                   {d::TxStatus::confirming, false},
                   {d::TxStatus::confirmed, true},
                   {d::TxStatus::failed, true}}) {
    const auto s = row.first;
    const bool terminal = row.second;
    CAPTURE(d::to_string(s));
    CHECK(d::is_terminal(s) == terminal);
  }
}
