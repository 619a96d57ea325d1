// Unit tests for domain/x402: a sign -> verify round trip with an emulator key, and a bare payment
// payload paired with the server's requirements.
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

TEST_CASE("x402: sign -> verify round trip with an emulator key") {
  crypto::SeededRandom rng(402);
  const auto payer = crypto::generate_secp256k1(rng);
  const std::string payer_address = evm_address(payer.public_uncompressed);
  const auto seller = crypto::generate_secp256k1(rng);
  const std::string seller_address = evm_address(seller.public_uncompressed);
  const X402Network* base = find_x402_network_by_chain("base");
  REQUIRE(base != nullptr);

  const auto from = *parse_evm_address_bytes(payer_address);
  const auto to = *parse_evm_address_bytes(seller_address);
  const std::int64_t now = 1767225600;  // 2026-01-01T00:00:00Z
  const auto auth = make_transfer_authorization(from, to, 1500000, 0, now + 600, rng);
  const auto signed_auth = sign_transfer_authorization(base->usdc, auth, payer.private_key);
  REQUIRE(signed_auth.has_value());
  CHECK(crypto::is_low_s(signed_auth->signature.s));
  CHECK((signed_auth->signature.v == 27 || signed_auth->signature.v == 28));
  CHECK(signed_auth->digest == transfer_with_authorization_digest(base->usdc, auth));
  CHECK(signed_auth->signature_hex().size() == 132);

  Body b;
  b.network = b.req_network = quoted(caip2_of(*base));
  b.asset = quoted(base->usdc.verifying_contract);
  b.pay_to = b.to = quoted(seller_address);
  b.from = quoted(payer_address);
  b.value = b.amount = quoted(to_decimal(auth.value));
  b.valid_after = quoted(to_decimal(auth.valid_after));
  b.valid_before = quoted(to_decimal(auth.valid_before));
  b.nonce = quoted(hex0x(auth.nonce));
  b.signature = quoted(signed_auth->signature_hex());

  SUBCASE("external payer: assumed funded") {
    FakeLedger ledger;
    const auto v = verify_body(b.json(), now, ledger);
    CHECK(v.is_valid);
    CHECK(v.payer == payer_address);
    CHECK(v.digest == signed_auth->digest);
    CHECK(ledger.balance_calls == 1);
  }
  SUBCASE("emulator payer with enough USDC") {
    FakeLedger ledger;
    ledger.balances[payer_address] = 1500000;
    CHECK(verify_body(b.json(), now, ledger).is_valid);
  }
  SUBCASE("emulator payer short of USDC") {
    FakeLedger ledger;
    ledger.balances[payer_address] = 1499999;
    const auto v = verify_body(b.json(), now, ledger);
    CHECK_FALSE(v.is_valid);
    CHECK(v.invalid_reason == x402_reason::insufficient_funds);
    CHECK(v.payer == payer_address);
  }
  SUBCASE("emulator payer, value beyond any ledger amount") {
    Body big = b;
    big.value = big.amount = "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"";
    FakeLedger ledger;
    ledger.balances[payer_address] = kMaxAmount;
    // The signature covers the original value, so re-sign the big one.
    TransferAuthorization a2 = auth;
    a2.value = *parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639935");
    big.signature = quoted(sign_transfer_authorization(base->usdc, a2, payer.private_key)->signature_hex());
    const auto v = verify_body(big.json(), now, ledger);
    CHECK(v.invalid_reason == x402_reason::insufficient_funds);
    CHECK_FALSE(v.amount.has_value());
  }
  SUBCASE("signed for base, presented on polygon") {
    const X402Network* polygon = find_x402_network("polygon");
    Body p = b;
    p.network = p.req_network = "\"polygon\"";
    p.asset = quoted(polygon->usdc.verifying_contract);
    FakeLedger ledger;
    CHECK(verify_body(p.json(), now, ledger).invalid_reason == x402_reason::invalid_signature);
  }
  SUBCASE("the high-s twin of a valid signature is refused, as USDC refuses it") {
    const crypto::RecoverableSignature twin = crypto::high_s_twin(signed_auth->signature);
    Body h = b;
    h.signature = quoted(hex0x(crypto::encode_rsv(twin)));
    FakeLedger ledger;
    CHECK(verify_body(h.json(), now, ledger).invalid_reason == x402_reason::invalid_signature);
  }
  SUBCASE("seeded runs sign byte-identically") {
    crypto::SeededRandom again(402);
    const auto payer2 = crypto::generate_secp256k1(again);
    (void)crypto::generate_secp256k1(again);
    const auto auth2 = make_transfer_authorization(from, to, 1500000, 0, now + 600, again);
    CHECK(auth2.nonce == auth.nonce);
    const auto signed2 = sign_transfer_authorization(base->usdc, auth2, payer2.private_key);
    REQUIRE(signed2.has_value());
    CHECK(signed2->signature_hex() == signed_auth->signature_hex());
  }
}

TEST_CASE("x402: a bare payment payload (X-PAYMENT) paired with the server's requirements") {
  X402Requirements requirements;
  requirements.scheme = "exact";
  requirements.network = "eip155:84532";
  requirements.amount = "10000";
  requirements.asset = kBaseSepoliaUsdc;
  requirements.pay_to = kGoldenTo;
  requirements.resource = "https://seller.example/report";

  Body b;
  b.with_requirements = false;
  const std::string envelope = b.json();
  // paymentPayload is everything between its key and the envelope's final brace.
  const std::string key = "\"paymentPayload\":";
  const std::string pp =
      envelope.substr(envelope.find(key) + key.size(), envelope.size() - envelope.find(key) - key.size() - 1);
  const auto req = parse_x402_payment(pp, requirements);
  REQUIRE(req.ok());
  CHECK(req->x402_version == 2);
  CHECK(req->resource_url == "https://api.example.com/premium-data");
  FakeLedger ledger;
  CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);

  requirements.amount = "20000";
  const auto dearer = parse_x402_payment(pp, requirements);
  REQUIRE(dearer.ok());
  CHECK(verify_x402(*dearer, kInsideWindow, ledger).invalid_reason == x402_reason::value_mismatch);

  CHECK_FALSE(parse_x402_payment("{}", requirements).ok());
  CHECK_FALSE(parse_x402_payment("[1]", requirements).ok());
}
