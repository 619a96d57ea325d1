// The gateway's API versions as data. A client is pinned to one version (like Stripe's pinned API
// versions); everything a client can observe that differs between versions is a field of
// VersionTraits, so handlers ask "what does this version do" instead of comparing version names.
//  - 2026-04: the gateway of the seed documents and the 1.6.0 SDKs (the default).
//  - 2026-09: the gateway the Go 1.8.1, Python 1.8.1/1.9 and Rust 1.9.0 SDKs speak.
#pragma once

#include <optional>
#include <string_view>

namespace paratro::domain {

enum class ApiVersion { v2026_04, v2026_09 };

inline constexpr ApiVersion kDefaultApiVersion = ApiVersion::v2026_04;

// The shape of a transaction in GET /transactions responses.
enum class TransactionShape {
  legacy,  // 2026-04: transaction_type TRANSFER + direction, block_number, confirmations
  dto,     // 2026-09: the gateway's dto.TransactionResponse (typed transaction_type, risk fields)
};

struct VersionTraits {
  std::string_view name;
  bool transfer_retired = false;   // POST /api/v1/transfer answers 410 endpoint_retired
  bool x402_sign_retired = false;  // POST /api/v1/x402/sign answers 410 endpoint_retired
  TransactionShape transaction_shape = TransactionShape::legacy;
  // transaction.confirming for outbound transactions too (2026-04), or only for inbound deposits.
  bool outbound_confirming_event = true;
  // The receiver of a payment between two emulator-hosted accounts gets transfer.credited
  // (transaction_type INTERNAL) instead of the transaction.* events of an inbound transfer.
  bool internal_credit_event = false;
  // Every webhook event carries `operation`.
  bool webhook_operation_field = false;
};

const VersionTraits& traits(ApiVersion v);
std::string_view api_version_name(ApiVersion v);
// "2026-04" or "2026-09"; nullopt for anything else.
std::optional<ApiVersion> parse_api_version(std::string_view name);
// The known versions, oldest first, separated by ", " (for error messages and --help).
std::string_view api_version_list();

}  // namespace paratro::domain
