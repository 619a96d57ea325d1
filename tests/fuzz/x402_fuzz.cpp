// libFuzzer target: x402 payloads (domain/x402). The first byte picks the entry point: a
// facilitator body of POST /x402/verify and /x402/settle (parse_x402_request), or an X-PAYMENT
// header of a paid resource (base64_decode_lenient, then parse_x402_payment against fixed
// requirements). Whatever parses is verified against a fake ledger at the golden vector's time.
// Properties: a request that verifies names its network, addresses, nonce and amount, and the
// amount equals the requirements' amount.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/base64.hpp"
#include "emulator/domain/x402.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace d = paratro::domain;

namespace {

// Inside the validity window of the x402 specification's example authorization (the seed corpus).
constexpr std::int64_t kNow = 1740672100;

class NoLedger final : public d::X402LedgerView {
 public:
  bool nonce_used(const d::X402Network&, std::string_view, std::string_view) const override { return false; }
  std::optional<d::Amount> payer_balance(const d::X402Network&, std::string_view) const override {
    return std::nullopt;
  }
};

// What the seller of a paid resource asks for (the golden vector's payee and amount).
const d::X402Requirements kRequirements{.scheme = "exact",
                                        .network = "base-sepolia",
                                        .amount = "10000",
                                        .asset = "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                                        .pay_to = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                                        .resource = "https://api.example.com/premium-data",
                                        .max_timeout_seconds = 60};

void verify(const d::X402Request& request) {
  const d::X402Verification v = d::verify_x402(request, kNow, NoLedger{});
  FUZZ_CHECK(v.is_valid == v.invalid_reason.empty());
  if (!v.is_valid) return;
  FUZZ_CHECK(v.network != nullptr && request.requirements.has_value());
  FUZZ_CHECK(v.from_address.size() == 42 && v.to_address.size() == 42 && v.nonce_hex.size() == 66);
  if (v.amount) {
    // The requirements' amount may carry leading zeros; the value verified is the same number.
    std::string_view wanted = request.requirements->amount;
    while (wanted.size() > 1 && wanted.front() == '0') wanted.remove_prefix(1);
    FUZZ_CHECK(d::to_base_units_string(*v.amount) == wanted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    if (auto request = d::parse_x402_request(text)) {
      FUZZ_CHECK(request->x402_version == 1 || request->x402_version == 2);
      verify(*request);
    }
    return 0;
  }
  const auto decoded = d::base64_decode_lenient(text);
  if (!decoded) return 0;
  if (auto request = d::parse_x402_payment(*decoded, kRequirements)) verify(*request);
  return 0;
}
