// Unit tests for domain/x402 verification: the specification's example signature as a golden
// vector, the validity window, one targeted tamper per invalid reason, reused nonces, malformed
// envelopes.
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/uint256.hpp"
#include "emulator/domain/x402.hpp"
#include "emulator/domain/x402_typed_data.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

using namespace paratro;
using namespace paratro::domain;
#include "tests/unit/domain/x402_fixtures.hpp"

TEST_CASE("x402: the specification's example signature is the golden vector") {
  const X402Network* n = find_x402_network("eip155:84532");
  REQUIRE(n != nullptr);
  TransferAuthorization auth{
      *parse_evm_address_bytes(kGoldenFrom), *parse_evm_address_bytes(kGoldenTo),  uint256_from_u64(10000),
      uint256_from_u64(kGoldenValidAfter),   uint256_from_u64(kGoldenValidBefore), *parse_bytes32(kGoldenNonce)};
  const Bytes32 digest = transfer_with_authorization_digest(n->usdc, auth);
  CHECK(hex0x(digest) == "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6");

  const auto sig = crypto::from_hex(std::string_view(kGoldenSignature).substr(2));
  REQUIRE(sig.has_value());
  REQUIRE(sig->size() == 65);
  CHECK((*sig)[64] == 28);
  crypto::Scalar32 r{}, s{};
  std::copy(sig->begin(), sig->begin() + 32, r.begin());
  std::copy(sig->begin() + 32, sig->begin() + 64, s.begin());
  const auto pub = crypto::recover_public_key(digest, r, s, 28);
  REQUIRE(pub.has_value());
  CHECK(evm_address(*pub) == kGoldenFrom);

  // Under the name "USD Coin" (Base mainnet's) the same signature belongs to somebody else.
  Eip712Domain wrong = n->usdc;
  wrong.name = "USD Coin";
  const auto other = crypto::recover_public_key(transfer_with_authorization_digest(wrong, auth), r, s, 28);
  CHECK((!other.has_value() || evm_address(*other) != kGoldenFrom));

  SUBCASE("verify: v2 body with paymentRequirements") {
    FakeLedger ledger;
    const auto v = verify_body(Body{}.json(), kInsideWindow, ledger);
    CHECK(v.is_valid);
    CHECK(v.invalid_reason.empty());
    CHECK(v.payer == kGoldenFrom);
    CHECK(v.network == n);
    CHECK(hex0x(v.digest) == "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6");
    CHECK(v.from_address == kGoldenFrom);
    CHECK(v.to_address == kGoldenTo);
    CHECK(v.nonce_hex == kGoldenNonce);
    CHECK(v.amount == Amount{10000});
    CHECK(ledger.nonce_calls == 1);
    CHECK(ledger.balance_calls == 0);  // verify-only network: no emulator balance to consult
  }
  SUBCASE("verify: v2 body without paymentRequirements (requirements = accepted)") {
    Body b;
    b.with_requirements = false;
    const auto req = parse_x402_request(b.json());
    REQUIRE(req.ok());
    CHECK(req->requirements_from_accepted);
    CHECK(req->resource_url == "https://api.example.com/premium-data");
    FakeLedger ledger;
    CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);
  }
  SUBCASE("verify: v1 body, with and without paymentPayload.x402Version, numbers as JSON numbers") {
    FakeLedger ledger;
    Body b = v1_golden();
    CHECK(verify_body(b.json(), kInsideWindow, ledger).is_valid);
    b.payload_version = "";
    b.value = "10000";
    b.amount = "10000";
    b.valid_after = "1740672089";
    b.valid_before = "1740672154";
    const auto req = parse_x402_request(b.json());
    REQUIRE(req.ok());
    CHECK_FALSE(req->payload_version.has_value());
    CHECK(req->requirements->amount == "10000");
    CHECK(req->requirements->resource == "https://api.example.com/premium-data");
    CHECK(req->requirements->max_timeout_seconds == 60);
    CHECK(req->requirements->extra_name == "USDC");
    CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);
  }
  SUBCASE("v 0/1 is normalised to 27/28") {
    Body b;
    b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "01");
    FakeLedger ledger;
    CHECK(verify_body(b.json(), kInsideWindow, ledger).is_valid);
  }
}

TEST_CASE("x402: the validity window on the virtual clock") {
  struct Case {
    std::int64_t now;
    std::string_view reason;  // "" = valid
  };
  const Case cases[] = {
      {kGoldenValidAfter - 1, x402_reason::valid_after},
      {kGoldenValidAfter, ""},
      {kInsideWindow, ""},
      {kGoldenValidBefore - 6, ""},  // last second: validBefore >= now + 6
      {kGoldenValidBefore - 5, x402_reason::valid_before},
      {kGoldenValidBefore, x402_reason::valid_before},
      {1800000000, x402_reason::valid_before},
      {0, x402_reason::valid_after},
  };
  for (const auto& c : cases) {
    CAPTURE(c.now);
    FakeLedger ledger;
    const auto v = verify_body(Body{}.json(), c.now, ledger);
    CHECK(v.is_valid == c.reason.empty());
    CHECK(v.invalid_reason == c.reason);
    CHECK(v.payer == kGoldenFrom);
  }
}

TEST_CASE("x402: each invalid reason from a targeted tamper of the golden vector") {
  const std::string other = "\"0x000000000000000000000000000000000000dEaD\"";
  std::string flipped_sig = kGoldenSignature;
  flipped_sig[40] = flipped_sig[40] == 'a' ? 'b' : 'a';  // one byte of r
  std::string flipped_s = kGoldenSignature;
  flipped_s[100] = flipped_s[100] == '0' ? '1' : '0';  // one byte of s

  struct Case {
    const char* name;
    Body body;
    std::string_view reason;
    bool payer_known;
  };
  std::vector<Case> cases;
  const auto add = [&cases](const char* name, std::string_view reason, bool payer_known, auto&& edit) {
    Body b;
    edit(b);
    cases.push_back({name, b, reason, payer_known});
  };
  add("value (authorization only)", x402_reason::value_mismatch, true, [](Body& b) { b.value = "\"10001\""; });
  add("value (both: signature no longer covers it)", x402_reason::invalid_signature, true,
      [](Body& b) { b.value = b.amount = "\"10001\""; });
  add("required amount", x402_reason::value_mismatch, true, [](Body& b) { b.amount = "\"9999\""; });
  add("recipient (payTo)", x402_reason::recipient_mismatch, true, [&](Body& b) { b.pay_to = other; });
  add("recipient (authorization.to)", x402_reason::recipient_mismatch, true, [&](Body& b) { b.to = other; });
  add("recipient (both: signature no longer covers it)", x402_reason::invalid_signature, true,
      [&](Body& b) { b.to = b.pay_to = other; });
  add("from", x402_reason::invalid_signature, true, [&](Body& b) { b.from = other; });
  add("nonce", x402_reason::invalid_signature, true,
      [](Body& b) { b.nonce = "\"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13481\""; });
  add("validBefore extended", x402_reason::invalid_signature, true, [](Body& b) { b.valid_before = "\"1740672155\""; });
  add("signature byte of r", x402_reason::invalid_signature, true, [&](Body& b) { b.signature = quoted(flipped_sig); });
  add("signature byte of s", x402_reason::invalid_signature, true, [&](Body& b) { b.signature = quoted(flipped_s); });
  add("signature v 27", x402_reason::invalid_signature, true,
      [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "1b"); });
  add("signature v 29", x402_reason::invalid_signature, true,
      [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "1d"); });
  add("signature 64 bytes", x402_reason::invalid_signature, true,
      [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130)); });
  add("signature not hex", x402_reason::invalid_payload, true,
      [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "zz"); });
  add("signature empty", x402_reason::invalid_payload, true, [](Body& b) { b.signature = "\"\""; });
  add("signature missing 0x", x402_reason::invalid_payload, true,
      [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(2)); });
  add("unknown network", x402_reason::invalid_network, false,
      [](Body& b) { b.network = b.req_network = "\"eip155:10\""; });
  add("unknown v1-style network", x402_reason::invalid_network, false,
      [](Body& b) { b.network = b.req_network = "\"optimism\""; });
  add("network mismatch", x402_reason::invalid_network, false, [](Body& b) { b.req_network = "\"eip155:8453\""; });
  add("network spelled differently", x402_reason::invalid_network, false,
      [](Body& b) { b.req_network = "\"base-sepolia\""; });
  add("wrong scheme (both)", x402_reason::unsupported_scheme, false,
      [](Body& b) { b.scheme = b.req_scheme = "\"upto\""; });
  add("scheme mismatch", x402_reason::invalid_scheme, false, [](Body& b) { b.scheme = "\"upto\""; });
  add("scheme missing", x402_reason::invalid_scheme, false, [](Body& b) { b.req_scheme = "null"; });
  add("asset not USDC", x402_reason::invalid_payment_requirements, false, [&](Body& b) { b.asset = other; });
  add("required amount not a number", x402_reason::invalid_payment_requirements, true,
      [](Body& b) { b.amount = "\"ten\""; });
  add("payload version differs", x402_reason::invalid_x402_version, false, [](Body& b) { b.payload_version = "1"; });
  add("payload version not a number", x402_reason::invalid_x402_version, false,
      [](Body& b) { b.payload_version = "\"2\""; });
  add("value above 2^256 - 1", x402_reason::invalid_payload, true,
      [](Body& b) { b.value = "\"115792089237316195423570985008687907853269984665640564039457584007913129639936\""; });
  add("value negative", x402_reason::invalid_payload, false, [](Body& b) { b.value = "-1"; });
  add("value fractional", x402_reason::invalid_payload, false, [](Body& b) { b.value = "10000.5"; });
  add("nonce 31 bytes", x402_reason::invalid_payload, true,
      [](Body& b) { b.nonce = quoted(std::string(kGoldenNonce).substr(0, 64)); });
  add("from not an address", x402_reason::invalid_payload, true, [](Body& b) { b.from = "\"0x857b\""; });
  add("to missing", x402_reason::invalid_payload, false, [](Body& b) { b.to = "null"; });

  for (const auto& c : cases) {
    CAPTURE(c.name);
    FakeLedger ledger;
    const auto v = verify_body(c.body.json(), kInsideWindow, ledger);
    CHECK_FALSE(v.is_valid);
    CHECK(v.invalid_reason == c.reason);
    if (c.payer_known) CHECK(!v.payer.empty());
    CHECK(ledger.nonce_calls == 0);
  }
}

TEST_CASE("x402: a reused nonce is refused after the signature check") {
  FakeLedger ledger;
  ledger.used.insert({kGoldenFrom, kGoldenNonce});
  const auto v = verify_body(Body{}.json(), kInsideWindow, ledger);
  CHECK_FALSE(v.is_valid);
  CHECK(v.invalid_reason == x402_reason::nonce_already_used);
  CHECK(v.payer == kGoldenFrom);

  // The same nonce from another payer, or another nonce, is not "used".
  FakeLedger unrelated;
  unrelated.used.insert({kGoldenTo, kGoldenNonce});
  unrelated.used.insert({kGoldenFrom, "0x" + std::string(64, '0')});
  CHECK(verify_body(Body{}.json(), kInsideWindow, unrelated).is_valid);
}

TEST_CASE("x402: malformed envelopes are errors, not verdicts") {
  const std::string good_pp = R"({"scheme":"exact","network":"base","payload":{}})";
  const char* bodies[] = {
      "",
      "not json",
      "[]",
      "\"x402\"",
      "{}",
      R"({"paymentPayload":{}})",
      R"({"x402Version":3,"paymentPayload":{}})",
      R"({"x402Version":0,"paymentPayload":{}})",
      R"({"x402Version":"1","paymentPayload":{}})",
      R"({"x402Version":1.0,"paymentPayload":{}})",
      R"({"x402Version":null,"paymentPayload":{}})",
      R"({"x402Version":1})",
      R"({"x402Version":2,"paymentPayload":null})",
      R"({"x402Version":1,"paymentPayload":[]})",
      R"({"x402Version":1,"paymentPayload":"e30="})",
      R"({"x402Version":1,"paymentPayload":{}} trailing)",
  };
  for (const char* body : bodies) {
    CAPTURE(body);
    const auto r = parse_x402_request(body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_parameter);
    CHECK_FALSE(r.error().message.empty());
  }

  // An empty but well-formed envelope parses; its problems are protocol-level.
  FakeLedger ledger;
  const auto v1 = parse_x402_request(R"({"x402Version":1,"paymentPayload":{}})");
  REQUIRE(v1.ok());
  CHECK(verify_x402(*v1, kInsideWindow, ledger).invalid_reason == x402_reason::invalid_payment_requirements);
  const auto v2 = parse_x402_request(R"({"x402Version":2,"paymentPayload":{},"paymentRequirements":"x"})");
  REQUIRE(v2.ok());
  CHECK(verify_x402(*v2, kInsideWindow, ledger).invalid_reason == x402_reason::invalid_payment_requirements);
  const auto no_payload = parse_x402_request(
      R"({"x402Version":1,"paymentPayload":{"scheme":"exact","network":"base-sepolia"},)"
      R"("paymentRequirements":{"scheme":"exact","network":"base-sepolia","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e"}})");
  REQUIRE(no_payload.ok());
  const auto verdict = verify_x402(*no_payload, kInsideWindow, ledger);
  CHECK(verdict.invalid_reason == x402_reason::invalid_payload);
  CHECK(verdict.payer.empty());
  // Deep nesting is read iteratively: a parse error, not a crash.
  CHECK_FALSE(parse_x402_request(std::string(100000, '[') + std::string(100000, ']')).ok());
}
