// The table behind error_info(): HTTP status, code and type for each documented error.
#include "emulator/domain/error.hpp"

namespace paratro::domain {

const ErrorInfo& error_info(ErrorCode code) {
  static const ErrorInfo table[] = {
      {400, "bad_request", "invalid_request_error"},
      {400, "invalid_parameter", "invalid_request_error"},
      {400, "validation_failed", "invalid_request_error"},
      {401, "unauthorized", "authentication_error"},
      {401, "invalid_token", "authentication_error"},
      {401, "token_expired", "authentication_error"},
      {403, "forbidden", "permission_error"},
      {404, "not_found", "not_found_error"},
      {405, "method_not_allowed", "invalid_request_error"},
      {409, "conflict", "conflict_error"},
      {413, "payload_too_large", "invalid_request_error"},
      {429, "too_many_requests", "rate_limit_error"},
      {400, "wallet_limit_reached", "business_error"},
      {400, "insufficient_balance", "business_error"},
      {400, "invalid_address", "business_error"},
      {400, "transaction_failed", "business_error"},
      {400, "asset_already_exists", "business_error"},
      {400, "wallet_not_active", "business_error"},
      {400, "account_not_active", "business_error"},
      {400, "concurrency_error", "business_error"},
      {500, "internal_error", "api_error"},
      {503, "service_unavailable", "api_error"},
      {403, "address_blacklisted", "permission_error"},
      // The gateway keeps code invalid_parameter and says what happened in the type.
      {410, "invalid_parameter", "endpoint_retired"},
  };
  static_assert(sizeof(table) / sizeof(table[0]) == static_cast<int>(ErrorCode::endpoint_retired) + 1);
  return table[static_cast<int>(code)];
}

}  // namespace paratro::domain
