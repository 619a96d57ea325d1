// The closed sets of values a record's state takes (transaction status, direction, type, origin and
// forced outcome; wallet, key, account and client status; x402 record kind, status and signer;
// security factor type and status; webhook delivery status; the operation that made a transaction)
// as enums, each with the exact text the
// API shows and the database stores. to_string gives that text; parse_enum<E> reads it back and
// answers nullopt for anything else, so the store can treat an unknown stored value as corruption
// and a fixture as invalid input. One table per enum is the only place a name is spelled.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace paratro::domain {

// A transaction's lifecycle (chain/lifecycle.hpp); CONFIRMED and FAILED are terminal.
enum class TxStatus { pending, signed_, broadcast, confirming, confirmed, failed };
// Which side of the transfer the row's account is on.
enum class TxDirection { outbound, inbound };
// The stored transaction_type column: a plain transfer or an x402 settlement.
enum class TxType { transfer, x402_settle };
// Who made the row: a client's transfer or call ("api"), a sandbox deposit, the inbound twin of an
// internal transfer, or an x402 settlement.
enum class TxOrigin { api, deposit, internal, x402 };
// A transfer's forced outcome, from magic memo values (none: the normal lifecycle).
enum class TxOutcome { none, fail_signing, fail_onchain, hold };
// The operation that created a transaction row (POST /api/v1/transactions' `operation`, or X402 for
// a settlement's transaction).
enum class Operation { transfer, program_call, contract_call, x402 };
enum class WalletStatus { progressing, active };
enum class KeyStatus { generating, active };
enum class AccountStatus { active, inactive };
enum class ClientStatus { active, suspended };
// What an x402_settlements row is: an authorization the emulator signed (POST /x402/sign), a
// settlement (POST /x402/settle) or a finished record loaded from a fixture's history.
enum class X402Kind { sign, settle, history };
// An x402 record's state. X402_SIGNED holds a lock until it is settled or expires; PROCESSING follows
// the settlement's transaction to SETTLED or FAILED; CANCELLED only comes from fixtures.
enum class X402Status { signed_, processing, settled, failed, expired, cancelled };
// Who signed an x402 authorization: the emulator (POST /x402/sign) or the payer itself.
enum class X402Signer { paratro, external };
enum class FactorType { whitelist, blacklist };
enum class FactorStatus { active, inactive };
// A webhook delivery: pending (due at next_attempt_ms), queued and sending (with the dispatcher),
// then succeeded or failed (retries exhausted or a permanent refusal).
enum class DeliveryStatus { pending, queued, sending, succeeded, failed };

template <typename E>
struct EnumNames;  // specialised below: `entries`, every value with its text

template <typename E>
concept NamedEnum = requires {
  EnumNames<E>::entries;
};

template <NamedEnum E>
constexpr std::string_view to_string(E value) {
  for (const auto& [v, name] : EnumNames<E>::entries) {
    if (v == value) return name;
  }
  return {};  // unreachable while every value has an entry (checked by tests/unit/record_enums_test.cpp)
}

template <NamedEnum E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  for (const auto& [v, name] : EnumNames<E>::entries) {
    if (name == text) return v;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

template <>
struct EnumNames<TxStatus> {
  static constexpr NameTable<TxStatus, 6> entries{{{TxStatus::pending, "PENDING"},
                                                   {TxStatus::signed_, "SIGNED"},
                                                   {TxStatus::broadcast, "BROADCAST"},
                                                   {TxStatus::confirming, "CONFIRMING"},
                                                   {TxStatus::confirmed, "CONFIRMED"},
                                                   {TxStatus::failed, "FAILED"}}};
};
template <>
struct EnumNames<TxDirection> {
  static constexpr NameTable<TxDirection, 2> entries{
      {{TxDirection::outbound, "OUTBOUND"}, {TxDirection::inbound, "INBOUND"}}};
};
template <>
struct EnumNames<TxType> {
  static constexpr NameTable<TxType, 2> entries{{{TxType::transfer, "TRANSFER"}, {TxType::x402_settle, "X402_SETTLE"}}};
};
template <>
struct EnumNames<TxOrigin> {
  static constexpr NameTable<TxOrigin, 4> entries{{{TxOrigin::api, "api"},
                                                   {TxOrigin::deposit, "deposit"},
                                                   {TxOrigin::internal, "internal"},
                                                   {TxOrigin::x402, "x402"}}};
};
template <>
struct EnumNames<TxOutcome> {
  static constexpr NameTable<TxOutcome, 4> entries{{{TxOutcome::none, ""},
                                                    {TxOutcome::fail_signing, "fail_signing"},
                                                    {TxOutcome::fail_onchain, "fail_onchain"},
                                                    {TxOutcome::hold, "hold"}}};
};
template <>
struct EnumNames<Operation> {
  static constexpr NameTable<Operation, 4> entries{{{Operation::transfer, "TRANSFER"},
                                                    {Operation::program_call, "PROGRAM_CALL"},
                                                    {Operation::contract_call, "CONTRACT_CALL"},
                                                    {Operation::x402, "X402"}}};
};
template <>
struct EnumNames<WalletStatus> {
  static constexpr NameTable<WalletStatus, 2> entries{
      {{WalletStatus::progressing, "PROGRESSING"}, {WalletStatus::active, "ACTIVE"}}};
};
template <>
struct EnumNames<KeyStatus> {
  static constexpr NameTable<KeyStatus, 2> entries{
      {{KeyStatus::generating, "GENERATING"}, {KeyStatus::active, "ACTIVE"}}};
};
template <>
struct EnumNames<AccountStatus> {
  static constexpr NameTable<AccountStatus, 2> entries{
      {{AccountStatus::active, "ACTIVE"}, {AccountStatus::inactive, "INACTIVE"}}};
};
template <>
struct EnumNames<ClientStatus> {
  static constexpr NameTable<ClientStatus, 2> entries{
      {{ClientStatus::active, "ACTIVE"}, {ClientStatus::suspended, "SUSPENDED"}}};
};

template <>
struct EnumNames<X402Kind> {
  static constexpr NameTable<X402Kind, 3> entries{
      {{X402Kind::sign, "SIGN"}, {X402Kind::settle, "SETTLE"}, {X402Kind::history, "HISTORY"}}};
};
template <>
struct EnumNames<X402Status> {
  static constexpr NameTable<X402Status, 6> entries{{{X402Status::signed_, "X402_SIGNED"},
                                                     {X402Status::processing, "PROCESSING"},
                                                     {X402Status::settled, "SETTLED"},
                                                     {X402Status::failed, "FAILED"},
                                                     {X402Status::expired, "EXPIRED"},
                                                     {X402Status::cancelled, "CANCELLED"}}};
};
template <>
struct EnumNames<X402Signer> {
  static constexpr NameTable<X402Signer, 2> entries{
      {{X402Signer::paratro, "PARATRO"}, {X402Signer::external, "EXTERNAL"}}};
};
template <>
struct EnumNames<FactorType> {
  static constexpr NameTable<FactorType, 2> entries{
      {{FactorType::whitelist, "WHITELIST"}, {FactorType::blacklist, "BLACKLIST"}}};
};
template <>
struct EnumNames<FactorStatus> {
  static constexpr NameTable<FactorStatus, 2> entries{
      {{FactorStatus::active, "ACTIVE"}, {FactorStatus::inactive, "INACTIVE"}}};
};
template <>
struct EnumNames<DeliveryStatus> {
  static constexpr NameTable<DeliveryStatus, 5> entries{{{DeliveryStatus::pending, "pending"},
                                                         {DeliveryStatus::queued, "queued"},
                                                         {DeliveryStatus::sending, "sending"},
                                                         {DeliveryStatus::succeeded, "succeeded"},
                                                         {DeliveryStatus::failed, "failed"}}};
};

// CONFIRMED or FAILED: nothing more happens to the transaction.
constexpr bool is_terminal(TxStatus s) { return s == TxStatus::confirmed || s == TxStatus::failed; }

}  // namespace paratro::domain
