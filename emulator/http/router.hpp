// The transport's entry to the API: hands a request to the route table (api/routes.hpp), where
// the routing policy lives (which routes exist, what each needs, 404/405 answers). Kept so that
// callers wired to http::route keep compiling; new code calls api::dispatch.
#pragma once

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"

namespace paratro::http {

// api::dispatch(services, request).
api::ApiResponse route(api::Services& services, const api::ApiRequest& request);

}  // namespace paratro::http
