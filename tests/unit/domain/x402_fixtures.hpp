// Test support for the x402 tests: the x402 specification's example signature (the golden vector)
// as a request body, a fake ledger, and verification of a body.
#pragma once

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

namespace {

// The x402 v2 specification's example (specs/x402-specification-v2.md §5.2.1, coinbase/x402
// @dd927a26): a real signature by 0x857b…6b66 under the Base Sepolia USDC domain.
inline constexpr const char* kGoldenFrom = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
inline constexpr const char* kGoldenTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
inline constexpr const char* kGoldenNonce = "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480";
inline constexpr const char* kGoldenSignature =
    "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9"
    "ecab05ded3d6293af148b571c";
inline constexpr const char* kBaseSepoliaUsdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
inline constexpr std::int64_t kGoldenValidAfter = 1740672089;
inline constexpr std::int64_t kGoldenValidBefore = 1740672154;
inline constexpr std::int64_t kInsideWindow = 1740672100;

// Everything a facilitator body carries, as JSON fragments (strings include their quotes), so a
// test can change one field and keep the rest.
struct Body {
  int version = 2;
  std::string payload_version = "2";  // "" = omit paymentPayload.x402Version
  std::string scheme = "\"exact\"";
  std::string network = "\"eip155:84532\"";
  std::string req_scheme = "\"exact\"";
  std::string req_network = "\"eip155:84532\"";
  std::string amount = "\"10000\"";
  std::string asset = std::string("\"") + kBaseSepoliaUsdc + "\"";
  std::string pay_to = std::string("\"") + kGoldenTo + "\"";
  std::string signature = std::string("\"") + kGoldenSignature + "\"";
  std::string from = std::string("\"") + kGoldenFrom + "\"";
  std::string to = std::string("\"") + kGoldenTo + "\"";
  std::string value = "\"10000\"";
  std::string valid_after = "\"1740672089\"";
  std::string valid_before = "\"1740672154\"";
  std::string nonce = std::string("\"") + kGoldenNonce + "\"";
  bool with_requirements = true;

  std::string authorization() const {
    return R"({"from":)" + from + R"(,"to":)" + to + R"(,"value":)" + value + R"(,"validAfter":)" + valid_after +
           R"(,"validBefore":)" + valid_before + R"(,"nonce":)" + nonce + "}";
  }
  std::string payload() const {
    return R"({"signature":)" + signature + R"(,"authorization":)" + authorization() + "}";
  }
  std::string requirements(const std::string& s, const std::string& n) const {
    const std::string amount_key = version == 1 ? "maxAmountRequired" : "amount";
    std::string r = R"({"scheme":)" + s + R"(,"network":)" + n + ",\"" + amount_key + "\":" + amount + R"(,"asset":)" +
                    asset + R"(,"payTo":)" + pay_to + R"(,"maxTimeoutSeconds":60)";
    if (version == 1)
      r +=
          R"(,"resource":"https://api.example.com/premium-data","description":"Premium","mimeType":"application/json")";
    return r + R"(,"extra":{"name":"USDC","version":"2"}})";
  }
  std::string json() const {
    std::string pp = "{";
    if (!payload_version.empty()) pp += R"("x402Version":)" + payload_version + ",";
    if (version == 1) {
      pp += R"("scheme":)" + scheme + R"(,"network":)" + network + R"(,"payload":)" + payload() + "}";
    } else {
      pp += R"("resource":{"url":"https://api.example.com/premium-data"},"accepted":)" + requirements(scheme, network) +
            R"(,"payload":)" + payload() + "}";
    }
    std::string out = R"({"x402Version":)" + std::to_string(version) + R"(,"paymentPayload":)" + pp;
    if (with_requirements) out += R"(,"paymentRequirements":)" + requirements(req_scheme, req_network);
    return out + "}";
  }
};

inline Body v1_golden() {
  Body b;
  b.version = 1;
  b.payload_version = "1";
  b.network = b.req_network = "\"base-sepolia\"";
  return b;
}

// Built by appending: GCC 12's -O3 -Wrestrict misfires on `"\"" + std::string(...)`.
inline std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

class FakeLedger final : public X402LedgerView {
 public:
  std::set<std::pair<std::string, std::string>> used;  // (from, nonce)
  std::map<std::string, Amount> balances;              // emulator accounts' USDC

  bool nonce_used(const X402Network&, std::string_view from, std::string_view nonce) const override {
    ++nonce_calls;
    return used.count({std::string(from), std::string(nonce)}) != 0;
  }
  std::optional<Amount> payer_balance(const X402Network&, std::string_view from) const override {
    ++balance_calls;
    const auto it = balances.find(std::string(from));
    if (it == balances.end()) return std::nullopt;
    return it->second;
  }
  mutable int nonce_calls = 0;
  mutable int balance_calls = 0;
};

inline X402Verification verify_body(const std::string& json, std::int64_t now, const X402LedgerView& ledger) {
  const auto req = parse_x402_request(json);
  REQUIRE_MESSAGE(req.ok(), json);
  return verify_x402(*req, now, ledger);
}

}  // namespace
