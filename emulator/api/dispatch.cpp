// Dispatch through the route table (see routes.hpp): the templates are indexed once, on first use,
// so that matching a request compares each distinct template once and the 405's `Allow` value is
// ready-made.
#include <string>
#include <vector>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/path_pattern.hpp"
#include "emulator/api/routes.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

// Requests under this pattern are the control plane's: the admin check comes first even for a
// path no template matches.
constexpr std::string_view kControlPlane = "/_sandbox/**";

struct Template {
  std::string_view path;
  std::vector<const Route*> rows;  // in table order
  std::string allow;               // "GET, PUT"
};

struct Index {
  std::vector<Template> templates;
  std::vector<std::string_view> names;  // templates[i].path
};

const Index& index() {
  static const Index built = [] {
    Index ix;
    for (const Route& r : routes()) {
      Template* t = nullptr;
      for (auto& candidate : ix.templates)
        if (candidate.path == r.path) t = &candidate;
      if (!t) t = &ix.templates.emplace_back(Template{r.path, {}, {}});
      t->rows.push_back(&r);
      t->allow.append(t->allow.empty() ? "" : ", ").append(r.method);
    }
    for (const auto& t : ix.templates) ix.names.push_back(t.path);
    return ix;
  }();
  return built;
}

struct Lookup {
  const Template* tmpl = nullptr;  // null: 404
  const Route* route = nullptr;    // null with a template: 405
  std::array<std::string_view, 2> ids{};
};

Lookup lookup(std::string_view method, std::string_view path) {
  Lookup hit;
  for (const auto& t : index().templates) {
    if (!path_matches(t.path, path, hit.ids)) continue;
    hit.tmpl = &t;
    for (const Route* r : t.rows)
      if (r->method == method) hit.route = r;
    break;
  }
  return hit;
}

ApiResponse not_found() { return error_response(ErrorCode::not_found, "No such route"); }

ApiResponse not_allowed(const ApiRequest& r, const Template& t) {
  auto res = error_response(ErrorCode::method_not_allowed, "Method " + r.method + " is not allowed here");
  res.headers.emplace_back("Allow", t.allow);
  return res;
}

ApiResponse retired(const Route& route, const Caller& c) {
  auto res = error_response(ErrorCode::endpoint_retired, std::string(route.retired_message));
  res.client_id = c.client_id;
  return res;
}

}  // namespace

const Route* match_route(std::string_view method, std::string_view path) { return lookup(method, path).route; }

Access access_of(const ApiRequest& request) {
  const Route* r = match_route(request.method, request.path);
  if (!r) return Access::read;
  return r->access_for ? r->access_for(request) : r->access;
}

ApiResponse dispatch(Services& s, const ApiRequest& r) {
  const Lookup hit = lookup(r.method, r.path);
  const bool admin = hit.tmpl ? (hit.tmpl->rows.front()->needs & kAdminToken) != 0 : path_matches(kControlPlane, r.path);
  if (admin) {
    if (auto denied = check_admin(s, r)) return std::move(*denied);
  }
  if (!hit.tmpl) return not_found();
  if (!hit.route) return not_allowed(r, *hit.tmpl);
  const Route& route = *hit.route;
  std::optional<Caller> caller;
  if (route.needs & kApiToken) {
    auto authenticated = authenticate(s, r);
    if (!authenticated) return error_response(authenticated.error());
    caller = std::move(*authenticated);
    if (route.needs & kRateLimit) {
      if (auto limited = check_rate_limit(s, *caller)) return std::move(*limited);
    }
    if (route.retired_in && domain::traits(caller->api_version).*route.retired_in) return retired(route, *caller);
  }
  ApiResponse out = route.handler(Call{s, r, caller ? &*caller : nullptr, hit.ids});
  if (caller) out.client_id = caller->client_id;
  return out;
}

std::span<const std::string_view> route_templates() { return index().names; }

int template_index(std::string_view path) {
  const auto& templates = index().templates;
  for (std::size_t i = 0; i < templates.size(); ++i)
    if (path_matches(templates[i].path, path)) return static_cast<int>(i);
  return -1;
}

std::string_view allowed_methods(std::string_view path) {
  const int i = template_index(path);
  return i < 0 ? std::string_view{} : std::string_view(index().templates[static_cast<std::size_t>(i)].allow);
}

}  // namespace paratro::api
