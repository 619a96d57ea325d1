// Maps method + path to a handler: the one fixed pipeline of every request (route -> authenticate
// for /api/v1 except the token endpoint -> handler). Unknown paths are 404 not_found, known paths
// with another method 405; both in the contract's error shape. No Beast here: the router works on
// ApiRequest, so it can be driven without sockets.
#pragma once

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"

namespace paratro::http {

api::ApiResponse route(api::Services& services, const api::ApiRequest& request);

}  // namespace paratro::http
