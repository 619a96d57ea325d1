// The x402 settlement step shared by the facilitator endpoints (x402.cpp) and the paid resources
// of the control plane (sandbox/x402_resources.cpp): verification against the emulator's ledger,
// settling (record + X402_SETTLE broadcast), and the small encodings both need. Internal to api/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/domain/x402.hpp"

namespace paratro::api::x402 {

// The ledger key of an EVM address (case-insensitive).
std::string evm_key(std::string_view address);
// A uint256 of x402 (validAfter/validBefore) as int64, saturating.
std::int64_t clamp_i64(const domain::Uint256& v);
// verify_x402 at the virtual clock's second, against the store's ledger and nonces.
domain::X402Verification verify_payment(Services& s, const domain::X402Request& req);

struct SettleResult {
  bool success = false;
  std::string reason;  // errorReason when !success
  std::string tx_id, tx_hash, payer, network;
};

// Verifies again and, when valid, records the settlement and broadcasts its X402_SETTLE
// transaction for `client_id`.
SettleResult settle_payment(Services& s, const std::string& client_id, const domain::X402Request& req);

// Standard base64 (x402's X-PAYMENT / X-PAYMENT-RESPONSE), padded.
std::string base64_std_encode(std::string_view bytes);

}  // namespace paratro::api::x402
