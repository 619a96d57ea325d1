// The dashboard's files (emulator/ui/, compiled in by scripts/embed.py) at /_sandbox/ui/ and
// /_sandbox/ui/<file>, and the redirect from / to it. The files are static and hold no data, so
// they are served without the admin token: the page asks for the token and sends it on each call.
#include "emulator/api/embedded_file.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

namespace {

std::string_view content_type_of(std::string_view name) {
  struct Type {
    std::string_view suffix, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},        {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},          {".svg", "image/svg+xml"},
      {".json", "application/json; charset=utf-8"},
  };
  for (const auto& t : kTypes)
    if (name.size() >= t.suffix.size() && name.substr(name.size() - t.suffix.size()) == t.suffix) return t.type;
  return "text/plain; charset=utf-8";
}

}  // namespace

ApiResponse sandbox_ui_asset(std::string_view name) {
  if (name.empty()) name = "index.html";
  for (const auto& f : dashboard_files()) {
    if (f.name != name) continue;
    ApiResponse res;
    res.body = std::string(f.content);
    res.headers.emplace_back("Content-Type", std::string(content_type_of(name)));
    // Built into the binary: a new build may change them, so browsers revalidate every load.
    res.headers.emplace_back("Cache-Control", "no-cache");
    return res;
  }
  return error_response(domain::ErrorCode::not_found, "No such dashboard file");
}

ApiResponse redirect_to_ui() {
  ApiResponse res;
  res.status = 302;
  res.headers.emplace_back("Location", "/_sandbox/ui/");
  res.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  res.body = "See /_sandbox/ui/\n";
  return res;
}

}  // namespace paratro::api
