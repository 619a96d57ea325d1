// The table of API versions; see api_version.hpp.
#include "emulator/domain/api_version.hpp"

namespace paratro::domain {

namespace {

constexpr VersionTraits k2026_04{
    .name = "2026-04",
    .transfer_retired = false,
    .x402_sign_retired = false,
    .transaction_shape = TransactionShape::legacy,
    .outbound_confirming_event = true,
    .internal_credit_event = false,
    .webhook_operation_field = false,
};

constexpr VersionTraits k2026_09{
    .name = "2026-09",
    .transfer_retired = true,
    .x402_sign_retired = true,
    .transaction_shape = TransactionShape::dto,
    .outbound_confirming_event = false,
    .internal_credit_event = true,
    .webhook_operation_field = true,
};

}  // namespace

const VersionTraits& traits(ApiVersion v) { return v == ApiVersion::v2026_09 ? k2026_09 : k2026_04; }

std::string_view api_version_name(ApiVersion v) { return traits(v).name; }

std::optional<ApiVersion> parse_api_version(std::string_view name) {
  for (auto v : {ApiVersion::v2026_04, ApiVersion::v2026_09})
    if (traits(v).name == name) return v;
  return std::nullopt;
}

std::string_view api_version_list() { return "2026-04, 2026-09"; }

}  // namespace paratro::domain
