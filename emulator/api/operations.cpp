// POST /api/v1/transactions with operation PROGRAM_CALL (solana) or CONTRACT_CALL (EVM). The
// gateway runs them only for clients with an OPERATION_RULES policy; this first version knows no
// policy, so every such call is the gateway's answer without one: 403 forbidden, before anything
// is read or written.
#include <string>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

ApiResponse create_operation_call(Services& /*s*/, const rapidjson::Value& /*body*/, const Caller& /*c*/,
                                  std::string_view operation) {
  return error_response(domain::ErrorCode::forbidden,
                        std::string(operation) + " requires an OPERATION_RULES policy");
}

}  // namespace paratro::api
