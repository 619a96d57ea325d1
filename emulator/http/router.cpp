// Forwards to the route table (see router.hpp).
#include "emulator/http/router.hpp"

#include "emulator/api/routes.hpp"

namespace paratro::http {

api::ApiResponse route(api::Services& services, const api::ApiRequest& request) {
  return api::dispatch(services, request);
}

}  // namespace paratro::http
