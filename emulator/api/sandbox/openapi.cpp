// GET /_sandbox/openapi.yaml[?version=...]: the OpenAPI document of one API version, compiled into
// the binary by scripts/embed.py (2026-04: schema/openapi.yaml; 2026-09: that document with
// schema/openapi-2026-09.overlay.yaml applied by scripts/openapi_overlay.py), so the description a
// client fetches always matches the build that serves it. Without `version`: the default version.
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

namespace {

std::string_view document_of(domain::ApiVersion v) {
  switch (v) {
    case domain::ApiVersion::v2026_04:
      return openapi_document();
    case domain::ApiVersion::v2026_09:
      return openapi_document_2026_09();
  }
  return openapi_document();
}

}  // namespace

ApiResponse sandbox_openapi(const Services& s, const ApiRequest& r) {
  domain::ApiVersion version = s.options.default_api_version;
  if (const std::string* name = r.query_param("version")) {
    auto parsed = domain::parse_api_version(*name);
    if (!parsed) {
      return error_response(domain::ErrorCode::invalid_parameter,
                            "version must be one of " + std::string(domain::api_version_list()));
    }
    version = *parsed;
  }
  ApiResponse res;
  res.status = 200;
  res.body = std::string(document_of(version));
  // Overrides the server's default application/json.
  res.headers.emplace_back("Content-Type", "application/yaml");
  return res;
}

}  // namespace paratro::api
