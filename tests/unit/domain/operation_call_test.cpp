// Unit tests for the stateless rules of PROGRAM_CALL / CONTRACT_CALL: the operations policy and its
// stored text, signed_transaction decoding, the Solana wire-format parser and the PROGRAM_CALL
// verifier, and the CONTRACT_CALL quote checks and call data.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/operation_call.hpp"

namespace d = paratro::domain;

namespace {

using Bytes = std::vector<std::uint8_t>;

d::SolanaKey key(std::uint8_t fill) {
  d::SolanaKey k{};
  k.fill(fill);
  return k;
}

std::string address(std::uint8_t fill) { return d::base58_encode(key(fill)); }

void append(Bytes& b, const d::SolanaKey& k) { b.insert(b.end(), k.begin(), k.end()); }

Bytes system_transfer(std::uint64_t lamports) {
  Bytes data{2, 0, 0, 0};
  for (int i = 0; i < 8; ++i) data.push_back(static_cast<std::uint8_t>(lamports >> (8 * i)));
  return data;
}

struct TxSpec {
  std::uint8_t payer = 1, counterparty = 2;
  std::uint64_t out = 10, in = 5;
  bool payer_signed = false, counterparty_signed = true;
  bool v0 = false;
  std::uint8_t lookups = 0;
};

// Keys: payer, counterparty, System program (zeros). Two System transfers.
Bytes solana_tx(const TxSpec& s) {
  Bytes b{2};
  b.insert(b.end(), 64, s.payer_signed ? 7 : 0);
  b.insert(b.end(), 64, s.counterparty_signed ? 9 : 0);
  if (s.v0) b.push_back(0x80);
  b.insert(b.end(), {2, 0, 1, 3});
  append(b, key(s.payer));
  append(b, key(s.counterparty));
  append(b, key(0));
  b.insert(b.end(), 32, 0x42);  // blockhash
  b.push_back(2);
  for (auto [from, to, amount] : {std::tuple<std::uint8_t, std::uint8_t, std::uint64_t>{0, 1, s.out}, {1, 0, s.in}}) {
    b.insert(b.end(), {2, 2, from, to});
    const Bytes data = system_transfer(amount);
    b.push_back(static_cast<std::uint8_t>(data.size()));
    b.insert(b.end(), data.begin(), data.end());
  }
  if (s.v0) {
    b.push_back(s.lookups);
    for (std::uint8_t i = 0; i < s.lookups; ++i) {
      append(b, key(0x55));
      b.insert(b.end(), {1, 0, 0});
    }
  }
  return b;
}

std::string tag_of(const d::Error& e) {
  const std::string prefix = "Rejected: ";
  REQUIRE(e.message.rfind(prefix, 0) == 0);
  return e.message.substr(prefix.size(), e.message.find(':', prefix.size()) - prefix.size());
}

}  // namespace

TEST_CASE("operations policy: allows, text form and its round trip") {
  using Op = d::Operation;
  d::OperationsPolicy p{{Op::program_call, Op::contract_call, Op::program_call}, {"solana"}};
  d::normalise_operations_policy(p);
  CHECK(p.operations == std::vector<Op>{Op::contract_call, Op::program_call});  // by name
  CHECK(p.allows(Op::program_call, "solana"));
  CHECK_FALSE(p.allows(Op::contract_call, "ethereum"));
  CHECK_FALSE(p.allows(Op::transfer, "solana"));
  CHECK(d::encode_operations_policy(p) == "CONTRACT_CALL,PROGRAM_CALL|solana");
  auto back = d::decode_operations_policy("CONTRACT_CALL,PROGRAM_CALL|solana");
  REQUIRE(back);
  CHECK(back->operations == p.operations);
  CHECK(back->chains == p.chains);

  auto all_chains = d::decode_operations_policy("CONTRACT_CALL|");
  REQUIRE(all_chains);
  CHECK(all_chains->allows(Op::contract_call, "base"));
  auto none = d::decode_operations_policy("");
  REQUIRE(none);
  CHECK_FALSE(none->allows(Op::program_call, "solana"));
  CHECK(d::encode_operations_policy(d::OperationsPolicy{}).empty());
  for (std::string bad :
       {"PROGRAM_CALL", "SWAP|", "TRANSFER|", "X402|", "|solana", "PROGRAM_CALL,|", "PROGRAM_CALL|solana,"}) {
    CAPTURE(bad);
    CHECK_FALSE(d::decode_operations_policy(bad));
  }
  CHECK(d::policy_refusal(Op::contract_call, "ethereum")
            .rfind("policy not authorized: no OPERATION_RULES policy allows CONTRACT_CALL on ethereum", 0) == 0);
}

TEST_CASE("signed_transaction: base64 or 0x-hex") {
  CHECK(d::decode_signed_transaction("AQIDBA==") == Bytes{1, 2, 3, 4});
  CHECK(d::decode_signed_transaction("AQIDBA") == Bytes{1, 2, 3, 4});
  CHECK(d::decode_signed_transaction("0x0102") == Bytes{1, 2});
  CHECK(d::decode_signed_transaction("0XFF") == Bytes{0xff});
  for (std::string bad : {"", "0x", "0x0", "0x0g", "A", "AQ-D", "not base64", "=="}) {
    CAPTURE(bad);
    CHECK_FALSE(d::decode_signed_transaction(bad));
  }
}

TEST_CASE("parse_solana_transaction reads legacy and v0 messages") {
  auto legacy = d::parse_solana_transaction(solana_tx({}));
  REQUIRE(legacy);
  CHECK(legacy->signatures.size() == 2);
  CHECK(legacy->account_keys.size() == 3);
  CHECK(legacy->instructions.size() == 2);
  CHECK_FALSE(legacy->versioned);
  auto v0 = d::parse_solana_transaction(solana_tx({.v0 = true, .lookups = 1}));
  REQUIRE(v0);
  CHECK(v0->versioned);
  CHECK(v0->lookup_tables == 1);

  Bytes good = solana_tx({});
  SUBCASE("every truncation is malformed") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      auto r = d::parse_solana_transaction(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
      REQUIRE_FALSE(r);
      CHECK(tag_of(r.error()) == "malformed");
    }
  }
  SUBCASE("trailing bytes, bad indices, signature count") {
    Bytes extra = good;
    extra.push_back(0);
    CHECK(tag_of(d::parse_solana_transaction(extra).error()) == "malformed");
    Bytes bad_index = good;
    bad_index[bad_index.size() - 12 - 1 - 2 - 1 - 1] = 9;  // second instruction's program index
    CHECK(tag_of(d::parse_solana_transaction(bad_index).error()) == "malformed");
    Bytes one_sig = good;
    one_sig[1 + 128] = 1;  // header says one signer, two signatures present
    CHECK(tag_of(d::parse_solana_transaction(one_sig).error()) == "malformed");
  }
}

TEST_CASE("program_call_legs: the verifier's rules") {
  const std::string payer = address(1), counterparty = address(2);
  auto legs_of = [&](const TxSpec& s, const std::string& from, const std::string& receive) {
    auto tx = d::parse_solana_transaction(solana_tx(s));
    REQUIRE(tx);
    return d::program_call_legs(*tx, from, receive);
  };
  auto ok = legs_of({.out = 1'500'000'000, .in = 250'000'000}, payer, payer);
  REQUIRE(ok);
  CHECK(ok->outgoing == 1'500'000'000);
  CHECK(ok->incoming == 250'000'000);
  CHECK(ok->counterparty == counterparty);

  struct Case {
    TxSpec spec;
    std::string from, receive, tag;
  };
  const Case cases[] = {
      {{.payer_signed = true}, payer, payer, "payer_signature_present"},
      {{.counterparty_signed = false}, payer, payer, "counterparty_signature_missing"},
      {{.v0 = true, .lookups = 1}, payer, payer, "alt_not_allowed"},
      {{}, counterparty, counterparty, "fee_payer"},
      {{}, payer, address(3), "incoming_destination"},
      {{.in = 0}, payer, payer, "amount_not_positive"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.tag);
    auto r = legs_of(c.spec, c.from, c.receive);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == d::ErrorCode::invalid_parameter);
    CHECK(tag_of(r.error()) == c.tag);
  }
}

TEST_CASE("contract call quote: amounts, hex, times, receiver and call data") {
  CHECK(d::parse_base_units("f", "42000000000000000").value() == 42000000000000000ULL);
  for (std::string bad : {"", "1.5", "-1", "007", "1e6", " 1"}) {
    CAPTURE(bad);
    auto r = d::parse_base_units("contract_call.incoming.amount", bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.rfind("Invalid request parameters: contract_call.incoming.amount", 0) == 0);
  }
  CHECK(d::is_bytes32_hex("0x" + std::string(64, 'a')));
  CHECK(d::is_bytes32_hex(std::string(64, 'F')));
  CHECK_FALSE(d::is_bytes32_hex("0x" + std::string(62, 'a')));
  CHECK_FALSE(d::is_bytes32_hex("0x" + std::string(63, 'a') + "g"));
  CHECK(d::is_hex_bytes("0x11"));
  CHECK_FALSE(d::is_hex_bytes("0x1"));
  CHECK_FALSE(d::is_hex_bytes("11"));

  d::ContractCallQuote q;
  q.quote_id = "0x" + std::string(64, 'a');
  q.expiration = 1'000;
  q.incoming = {"", "0x00000000000000000000000000000000000000c1", "0x00000000000000000000000000000000000000d1", 5};
  q.outgoing = {"0x00000000000000000000000000000000000000c1", "0x00000000000000000000000000000000000000AB",
                "0x00000000000000000000000000000000000000d2", 7};
  CHECK(d::check_contract_quote(q, 999, "0x00000000000000000000000000000000000000ab"));
  struct Case {
    std::int64_t now;
    std::int64_t permit;
    std::string receive;
    std::string tag;
  };
  const Case cases[] = {
      {1'000, 0, "0x00000000000000000000000000000000000000ab", "expiration_passed"},
      {500, 400, "0x00000000000000000000000000000000000000ab", "permit_deadline_passed"},
      {500, 0, "0x00000000000000000000000000000000000000ac", "outgoing_to"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.tag);
    d::ContractCallQuote x = q;
    x.permit_deadline = c.permit;
    auto st = d::check_contract_quote(x, c.now, c.receive);
    REQUIRE_FALSE(st);
    CHECK(tag_of(st.error()) == c.tag);
  }
  d::ContractCallQuote zero = q;
  zero.outgoing.amount = 0;
  CHECK(tag_of(d::check_contract_quote(zero, 0, q.outgoing.to).error()) == "amount_not_positive");

  const std::string data = d::contract_call_data(q);
  CHECK(data.size() == 2 + 8 + 10 * 64);
  CHECK(data.substr(10, 64) == std::string(64, 'a'));                  // quote_id
  CHECK(data.substr(10 + 64 * 4, 64) == std::string(63, '0') + "5");   // incoming.amount
  CHECK(data.substr(10 + 64 * 6, 64) == std::string(62, '0') + "ab");  // outgoing.to, lower case
  CHECK(data == d::contract_call_data(q));
}
