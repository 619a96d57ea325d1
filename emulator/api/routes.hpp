// The one route table of both planes (/api/v1 and the /_sandbox control plane): one row per
// (method, path template) with its handler, what it needs before the handler runs (admin token,
// API token, rate limit), how it touches the database (Access), and the API versions that retired
// it. The table drives dispatch (404 for a path no template matches, 405 with an `Allow` header
// for a method its template does not serve), the `route` label of the metrics, and the unit test
// that the OpenAPI documents describe exactly these routes. Adding a route is one row in
// routes.cpp. Pure functions over ApiRequest/ApiResponse: no socket, callable from unit tests.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"
#include "emulator/domain/api_version.hpp"
#include "emulator/domain/model.hpp"

namespace paratro::api {

using Caller = domain::ClientRecord;

// How a request touches the database, for the request path's scheduling.
enum class Access {
  read,       // changes nothing in the database (at most in-memory state that guards itself)
  write,      // changes the database; may share a batch transaction with other writes
  exclusive,  // replaces or re-times the whole state (reset, snapshot create/restore, clock set and
              // advance): must run alone, outside any batch transaction
};

// What a route needs before its handler runs; checked in the order listed.
enum Need : unsigned {
  kNoNeed = 0,
  kAdminToken = 1u << 0,  // --admin-token, when set, presented as X-Admin-Token or Bearer (else 401)
  kApiToken = 1u << 1,    // a valid Bearer token: the handler gets the caller (else 401/403)
  kRateLimit = 1u << 2,   // the caller's rate limit admits the request (else 429 + Retry-After)
  // Not a need but a kind: a page or file of the dashboard (HTML, CSS, JavaScript), served without
  // the admin token (the page asks for it and sends it with its API calls) and not part of the
  // OpenAPI document.
  kPage = 1u << 3,
};

// What a handler is given.
struct Call {
  Services& services;
  const ApiRequest& request;
  const Caller* caller;                 // the authenticated client when the route needs kApiToken
  std::array<std::string_view, 2> ids;  // the path segments under the template's `{…}`, in order
};

using Handler = ApiResponse (*)(const Call&);

struct Route {
  std::string_view method;  // "GET", "POST", "PUT" or "DELETE"
  std::string_view path;    // template: literal segments and `{name}` for one segment of any value
  unsigned needs;           // Need bits
  Access access;
  Handler handler;
  // The versions that retired the route (a VersionTraits flag): after the token and rate-limit
  // checks, a caller of such a version gets 410 endpoint_retired with `retired_message`.
  bool domain::VersionTraits::*retired_in = nullptr;
  std::string_view retired_message = {};
  // When set, the access kind of a request decided per request (it overrides `access`).
  Access (*access_for)(const ApiRequest&) = nullptr;
};

// Every row, templates in metrics-label order and a template's rows together. Matching takes the
// first template whose pattern matches the path, then the row of that template with the method.
std::span<const Route> routes();

// The route serving `method` on `path` (a decoded path without the query); nullptr when the answer
// is 404 (no template matches) or 405 (the template does not serve the method).
const Route* match_route(std::string_view method, std::string_view path);

// The access kind of the route `request` hits; read for the 404/405 answers.
Access access_of(const ApiRequest& request);
// Whether a write to the route `request` hits may run a second time after its transaction was
// rolled back (store/writer.hpp, savepoint-free batches): the public API's routes (kApiToken)
// change the database and nothing else; the control plane's also change in-memory state.
bool replayable(const ApiRequest& request);

// The whole answer to `request`: the admin check of the control plane (also before its 404/405,
// so that without the token it does not reveal which routes exist), 404 not_found, 405
// method_not_allowed with `Allow`, the token and rate-limit checks, the 410 of a retired route,
// then the handler. `client_id` of the response names the authenticated caller, if any.
ApiResponse dispatch(Services& services, const ApiRequest& request);

// The distinct templates, in table order: the bounded `route` label of the metrics.
std::span<const std::string_view> route_templates();
// The index in route_templates() of the template `path` matches, or -1.
int template_index(std::string_view path);
// The `Allow` value of the template `path` matches ("GET, PUT"); "" when none matches.
std::string_view allowed_methods(std::string_view path);

inline constexpr std::string_view kUnmatchedRoute = "unmatched";

}  // namespace paratro::api
