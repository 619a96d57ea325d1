// The closed sets of values a record's state takes (transaction status, direction, type, origin and
// forced outcome; wallet, key, account and client status) as enums, each with the exact text the
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
enum class WalletStatus { progressing, active };
enum class KeyStatus { generating, active };
enum class AccountStatus { active, inactive };
enum class ClientStatus { active, suspended };

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

// CONFIRMED or FAILED: nothing more happens to the transaction.
constexpr bool is_terminal(TxStatus s) { return s == TxStatus::confirmed || s == TxStatus::failed; }

}  // namespace paratro::domain
