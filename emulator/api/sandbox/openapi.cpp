// GET /_sandbox/openapi.yaml: the OpenAPI document of the emulator (schema/openapi.yaml), compiled
// into the binary by scripts/embed.py, so the description a client fetches always matches the
// build that serves it.
#include "emulator/api/handlers.hpp"

namespace paratro::api {

ApiResponse sandbox_openapi() {
  ApiResponse r;
  r.status = 200;
  r.body = std::string(openapi_document());
  // Overrides the server's default application/json.
  r.headers.emplace_back("Content-Type", "application/yaml");
  return r;
}

}  // namespace paratro::api
