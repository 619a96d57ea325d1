// The gateway's 503 answers on POST /api/v1/transactions, word for word: the current SDKs tell
// them apart by message (sdk-1.8.md §3). "Chain RPC unavailable" and "<OPERATION> is not enabled"
// come before any row is written (retry with the same reference_id); "Signing service is busy"
// after the row was inserted (the reference_id is consumed). TRANSFER never gets them from the
// real gateway; an injected fault rule can still answer one (README "Fault and latency injection").
#pragma once

#include <string>
#include <string_view>

#include "emulator/domain/error.hpp"

namespace paratro::domain {

inline constexpr std::string_view kSigningServiceBusy = "Signing service is busy, retry later";
inline constexpr std::string_view kChainRpcUnavailable = "Chain RPC unavailable; cannot verify request";

inline Error signing_service_busy() {
  return make_error(ErrorCode::service_unavailable, std::string(kSigningServiceBusy));
}
inline Error chain_rpc_unavailable() {
  return make_error(ErrorCode::service_unavailable, std::string(kChainRpcUnavailable));
}
// "<OPERATION> is not enabled on this gateway", e.g. for PROGRAM_CALL.
inline Error operation_not_enabled(std::string_view operation) {
  return make_error(ErrorCode::service_unavailable, std::string(operation) + " is not enabled on this gateway");
}

}  // namespace paratro::domain
