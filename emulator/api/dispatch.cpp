// Dispatch through the route table (see routes.hpp): the templates are indexed once, on first use,
// split into segments, so that matching a request splits its path once and compares segment
// views (no allocation), and the 405's `Allow` value is ready-made. Segments follow path_pattern's
// rules: empty ones (a trailing or doubled `/`) are ignored, `{name}` matches any one segment.
#include <array>
#include <memory>
#include <optional>
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

// No template has more segments; a longer path matches none.
constexpr std::size_t kMaxSegments = 8;
using Segments = std::array<std::string_view, kMaxSegments>;

// Splits `path` into its non-empty segments; the count, or kMaxSegments + 1 when there are more.
std::size_t split(std::string_view path, Segments& out) {
  std::size_t n = 0;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    if (seg.empty()) continue;
    if (n == kMaxSegments) return kMaxSegments + 1;
    out[n++] = seg;
  }
  return n;
}

bool is_variable(std::string_view seg) { return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}'; }

struct Template {
  std::string_view path;
  Segments segs{};
  std::size_t count = 0;
  std::vector<const Route*> rows;  // in table order
  std::string allow;               // "GET, PUT"

  // Whether the split path matches; stores the variable segments into `ids`.
  bool matches(const Segments& path, std::size_t n, std::array<std::string_view, 2>& ids) const {
    if (n != count) return false;
    std::size_t captured = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (is_variable(segs[i])) {
        if (captured < ids.size()) ids[captured++] = path[i];
      } else if (segs[i] != path[i]) {
        return false;
      }
    }
    return true;
  }
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
      if (!t) {
        t = &ix.templates.emplace_back();
        t->path = r.path;
        t->count = split(r.path, t->segs);
      }
      t->rows.push_back(&r);
      t->allow.append(t->allow.empty() ? "" : ", ").append(r.method);
    }
    for (const auto& t : ix.templates) ix.names.push_back(t.path);
    return ix;
  }();
  return built;
}

struct Lookup {
  int index = -1;                // of the template; -1: 404
  const Route* route = nullptr;  // null with a template: 405
  std::array<std::string_view, 2> ids{};
};

Lookup lookup(std::string_view method, std::string_view path) {
  Lookup hit;
  Segments segs;
  const std::size_t n = split(path, segs);
  const auto& templates = index().templates;
  for (std::size_t i = 0; i < templates.size(); ++i) {
    if (!templates[i].matches(segs, n, hit.ids)) continue;
    hit.index = static_cast<int>(i);
    for (const Route* r : templates[i].rows)
      if (r->method == method) hit.route = r;
    break;
  }
  return hit;
}

const Template* template_of(const Lookup& hit) {
  return hit.index < 0 ? nullptr : &index().templates[static_cast<std::size_t>(hit.index)];
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

bool replayable(const ApiRequest& request) {
  const Route* r = match_route(request.method, request.path);
  return r && (r->needs & kApiToken) != 0;
}

ApiResponse dispatch(Services& s, const ApiRequest& r) {
  const Lookup hit = lookup(r.method, r.path);
  const Template* tmpl = template_of(hit);
  const bool admin = tmpl ? (tmpl->rows.front()->needs & kAdminToken) != 0 : path_matches(kControlPlane, r.path);
  if (admin) {
    if (auto denied = check_admin(s, r)) return std::move(*denied);
  }
  if (!tmpl) return not_found();
  if (!hit.route) return not_allowed(r, *tmpl);
  const Route& route = *hit.route;
  std::optional<Caller> caller;
  if (route.needs & kApiToken) {
    auto authenticated = authenticate(s, r);
    if (!authenticated) return error_response(authenticated.error());
    caller = std::move(*authenticated);
    if (route.needs & kRateLimit) {
      if (!r.rate_checked) {
        r.rate_checked = true;
        if (auto limited = check_rate_limit(s, *caller)) r.rate_refusal = std::make_shared<const ApiResponse>(*limited);
      }
      if (r.rate_refusal) return *r.rate_refusal;
    }
    if (route.retired_in && domain::traits(caller->api_version).*route.retired_in) return retired(route, *caller);
  }
  ApiResponse out = route.handler(Call{s, r, caller ? &*caller : nullptr, hit.ids});
  if (caller) out.client_id = caller->client_id;
  return out;
}

std::span<const std::string_view> route_templates() { return index().names; }

int template_index(std::string_view path) { return lookup({}, path).index; }

std::string_view allowed_methods(std::string_view path) {
  const Template* t = template_of(lookup({}, path));
  return t ? std::string_view(t->allow) : std::string_view{};
}

}  // namespace paratro::api
