// Unit tests for the route table (api/routes.hpp): its shape, that the OpenAPI documents of both
// API versions describe exactly the routes it serves (and the versions that retired one), the
// access kinds, and handlers driven through api::dispatch with no socket: 404, 405 + Allow, the
// admin token, the API token, the rate limit, a 410 per version, and real answers.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "emulator/api/handlers.hpp"
#include "emulator/api/routes.hpp"
#include "tests/unit/support/test_services.hpp"

namespace api = paratro::api;
namespace domain = paratro::domain;
using paratro::testing::World;

namespace {

// "GET /a/{id}" for every operation of an OpenAPI document, with the statuses it documents. Reads
// the block layout both documents use: `paths:` at the top level, a path at two spaces, a method
// at four, response codes as quoted keys at eight.
std::map<std::string, std::set<std::string>> documented_operations(std::string_view doc) {
  std::map<std::string, std::set<std::string>> ops;
  bool in_paths = false;
  std::string path, op;
  while (!doc.empty()) {
    const auto eol = doc.find('\n');
    const std::string_view line = doc.substr(0, eol);
    doc.remove_prefix(eol == std::string_view::npos ? doc.size() : eol + 1);
    if (line == "paths:") {
      in_paths = true;
    } else if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      in_paths = false;
    } else if (in_paths && line.starts_with("  /") && line.ends_with(":")) {
      path = std::string(line.substr(2, line.size() - 3));
      op.clear();
    } else if (in_paths && line.starts_with("    ") && line.size() > 4 && line[4] != ' ') {
      const std::string_view key = line.substr(4, line.find(':') - 4);
      op.clear();
      for (const char* method : {"get", "post", "put", "delete", "patch"}) {
        if (key != method) continue;
        for (const char c : key) op.push_back(static_cast<char>(c - 'a' + 'A'));
        op += " " + path;
        ops[op];
      }
    } else if (in_paths && !op.empty() && line.starts_with("        '") && line.size() > 9 && line[8] == '\'') {
      ops[op].insert(std::string(line.substr(9, line.find('\'', 9) - 9)));
    }
  }
  // The table names every variable segment {id}; the documents name them.
  std::map<std::string, std::set<std::string>> normalized;
  for (auto& [key, statuses] : ops) {
    std::string k = key;
    for (auto open = k.find('{'); open != std::string::npos; open = k.find('{', open + 1)) {
      k.replace(open, k.find('}', open) - open + 1, "{id}");
    }
    normalized[k] = std::move(statuses);
  }
  return normalized;
}

std::string key_of(const api::Route& r) { return std::string(r.method) + " " + std::string(r.path); }

api::ApiRequest request(std::string method, std::string path, std::string body = {}) {
  api::ApiRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  return r;
}

// A token of the default client through POST /api/v1/auth/token.
std::string token_of_default_client(api::Services& s) {
  api::ensure_default_client(s);
  auto r = request("POST", "/api/v1/auth/token");
  r.api_key = std::string(api::kDefaultApiKey);
  r.api_secret = std::string(api::kDefaultApiSecret);
  const auto res = api::dispatch(s, r);
  REQUIRE(res.status == 200);
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  REQUIRE(doc.HasMember("token"));
  return doc["token"].GetString();
}

std::string code_of(const api::ApiResponse& res) {
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  return doc.IsObject() && doc.HasMember("code") ? doc["code"].GetString() : "";
}

std::string header_of(const api::ApiResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return "<none>";
}

}  // namespace

TEST_CASE("route table: one row per (method, template); needs follow the plane") {
  std::set<std::string> seen;
  for (const auto& r : api::routes()) {
    CAPTURE(key_of(r));
    CHECK(seen.insert(key_of(r)).second);
    CHECK(static_cast<bool>(r.handler));
    if (r.needs == api::kPage) {
      CHECK((r.path == "/" || r.path.starts_with("/_sandbox/ui")));
    } else if (r.path.starts_with("/_sandbox/")) {
      CHECK(r.needs == api::kAdminToken);
    } else if (r.path == "/api/v1/auth/token") {
      CHECK(r.needs == api::kNoNeed);
    } else {
      CHECK(r.path.starts_with("/api/v1/"));
      CHECK(r.needs == (api::kApiToken | api::kRateLimit));
    }
    CHECK((r.retired_in == nullptr) == r.retired_message.empty());
  }
  CHECK(api::routes().size() == 79);
  CHECK(api::route_templates().size() == 59);
  CHECK(api::allowed_methods("/_sandbox/clients/c_1/security-factors/sf_1") == "GET, PUT, DELETE");
  CHECK(api::allowed_methods("/_sandbox/clients/c_1/security-factors/settings") == "GET, PUT");
  CHECK(api::allowed_methods("/nope").empty());
}

TEST_CASE("route templates: the metrics labels; ids collapse, unknown paths are unmatched") {
  const auto t = api::route_templates();
  const auto name = [&](std::string_view path) {
    const int i = api::template_index(path);
    return i < 0 ? api::kUnmatchedRoute : t[static_cast<std::size_t>(i)];
  };
  CHECK(t[0] == "/api/v1/auth/token");
  CHECK(name("/api/v1/wallets/w_01HX") == "/api/v1/wallets/{id}");
  CHECK(name("/api/v1/wallets") == "/api/v1/wallets");
  CHECK(name("/api/v1/wallets/") == "/api/v1/wallets");
  CHECK(name("/api/v1/transactions/tx_1") == "/api/v1/transactions/{id}");
  CHECK(name("/_sandbox/transactions/tx_9/confirm") == "/_sandbox/transactions/{id}/confirm");
  CHECK(name("/_sandbox/faults/flt_3") == "/_sandbox/faults/{id}");
  CHECK(name("/_sandbox/clients/c_1/security-factors/settings") == "/_sandbox/clients/{id}/security-factors/settings");
  CHECK(name("/_sandbox/clients/c_1/security-factors/sf_2") == "/_sandbox/clients/{id}/security-factors/{id}");
  CHECK(name("/_sandbox/clients/c_1/security-factors/sf_2/status") ==
        "/_sandbox/clients/{id}/security-factors/{id}/status");
  CHECK(name("/nope") == api::kUnmatchedRoute);
  CHECK(name("/api/v1/wallets/a/b") == api::kUnmatchedRoute);
}

TEST_CASE("the OpenAPI documents describe exactly the routes the table serves") {
  const std::pair<domain::ApiVersion, std::string_view> documents[] = {
      {domain::ApiVersion::v2026_04, api::openapi_document()},
      {domain::ApiVersion::v2026_09, api::openapi_document_2026_09()},
  };
  for (const auto& document : documents) {
    const auto version = document.first;
    const auto& text = document.second;
    CAPTURE(domain::api_version_name(version));
    const auto documented = documented_operations(text);
    std::set<std::string> served, described;
    for (const auto& r : api::routes()) {
      if (!(r.needs & api::kPage)) served.insert(key_of(r));  // the dashboard's pages are not API
    }
    for (const auto& [op, statuses] : documented) described.insert(op);
    CHECK(served == described);
    // A route the version retired documents its 410 and no success; every other route a success.
    for (const auto& r : api::routes()) {
      const auto it = documented.find(key_of(r));
      if (it == documented.end()) continue;
      CAPTURE(key_of(r));
      bool success = false;
      for (const auto& s : it->second) success = success || s.starts_with("2");
      const bool retired = r.retired_in && domain::traits(version).*r.retired_in;
      CHECK(success == !retired);
      CHECK(it->second.contains("410") == retired);
    }
  }
}

TEST_CASE("access kinds") {
  const auto access = [](std::string method, std::string path) {
    return api::access_of(request(std::move(method), std::move(path)));
  };
  CHECK(access("GET", "/api/v1/wallets/w_1") == api::Access::read);
  CHECK(access("POST", "/api/v1/wallets") == api::Access::write);
  CHECK(access("POST", "/api/v1/auth/token") == api::Access::read);
  CHECK(access("POST", "/api/v1/transactions") == api::Access::write);
  CHECK(access("POST", "/_sandbox/reset") == api::Access::exclusive);
  CHECK(access("POST", "/_sandbox/snapshots") == api::Access::exclusive);
  CHECK(access("POST", "/_sandbox/snapshots/snap_1/restore") == api::Access::exclusive);
  CHECK(access("PUT", "/_sandbox/clock") == api::Access::exclusive);
  CHECK(access("POST", "/_sandbox/clock/advance") == api::Access::exclusive);
  CHECK(access("GET", "/_sandbox/clock") == api::Access::read);
  CHECK(access("GET", "/nope") == api::Access::read);               // 404
  CHECK(access("DELETE", "/api/v1/wallets") == api::Access::read);  // 405
  auto content = request("GET", "/_sandbox/x402/resources/res_1/content");
  CHECK(api::access_of(content) == api::Access::read);
  content.x_payment = "eyJ4IjoxfQ";
  CHECK(api::access_of(content) == api::Access::write);
  // Every exclusive route is one of the whole-state operations.
  for (const auto& r : api::routes()) {
    if (r.access != api::Access::exclusive) continue;
    CAPTURE(key_of(r));
    CHECK((r.path == "/_sandbox/reset" || r.path.starts_with("/_sandbox/snapshots") ||
           r.path.starts_with("/_sandbox/clock")));
  }
}

TEST_CASE("every route template reaches a handler") {
  World world;
  for (std::string_view tmpl : api::route_templates()) {
    std::string path(tmpl);
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "x1");
    }
    bool routed = false;
    for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
      const auto res = api::dispatch(world.services, request(method, path));
      // Only the table's own 404 says "No such route"; handlers' 404s name what was missing.
      if (res.body.find("No such route") == std::string::npos) routed = true;
    }
    CAPTURE(path);
    CHECK(routed);
  }
}

TEST_CASE("dispatch: 404 and 405 with Allow, before any token check") {
  World world;
  auto& s = world.services;
  struct Case {
    const char* method;
    const char* path;
    int status;
    const char* code;
    const char* allow;
  };
  const Case cases[] = {
      {"GET", "/api/v1/nothing", 404, "not_found", "<none>"},
      {"GET", "/api/v1/wallets/w_1/accounts/a_1/x/y", 404, "not_found", "<none>"},  // deeper than any template
      {"DELETE", "/api/v1/wallets", 405, "method_not_allowed", "POST, GET"},
      {"PATCH", "/api/v1/wallets/w_1/", 405, "method_not_allowed", "GET"},
      {"POST", "/_sandbox/clock", 405, "method_not_allowed", "GET, PUT"},
      {"GET", "/api/v1/auth/token", 405, "method_not_allowed", "POST"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    const auto res = api::dispatch(s, request(c.method, c.path));
    CHECK(res.status == c.status);
    CHECK(code_of(res) == c.code);
    CHECK(header_of(res, "Allow") == c.allow);
    CHECK(res.client_id.empty());
  }
}

TEST_CASE("dispatch: the API token, then the handler") {
  World world;
  auto& s = world.services;
  auto anonymous = request("GET", "/api/v1/wallets/w_1");
  auto res = api::dispatch(s, anonymous);
  CHECK(res.status == 401);
  CHECK(code_of(res) == "unauthorized");
  anonymous.authorization = "Basic abc";
  CHECK(code_of(api::dispatch(s, anonymous)) == "unauthorized");
  anonymous.authorization = "Bearer not-a-jwt";
  CHECK(code_of(api::dispatch(s, anonymous)) == "invalid_token");

  const std::string bearer = "bearer " + token_of_default_client(s);  // the scheme in any case
  auto get = request("GET", "/api/v1/wallets/w_nope");
  get.authorization = bearer;
  res = api::dispatch(s, get);
  CHECK(res.status == 404);
  CHECK(code_of(res) == "not_found");
  CHECK(res.client_id == api::kDefaultClientId);

  auto create = request("POST", "/api/v1/wallets", R"({"wallet_name":"Treasury"})");
  create.authorization = bearer;
  res = api::dispatch(s, create);
  REQUIRE(res.status == 200);
  CHECK(res.client_id == api::kDefaultClientId);
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  REQUIRE(doc.HasMember("wallet_id"));
  const std::string id = doc["wallet_id"].GetString();
  CHECK(doc["wallet_name"].GetString() == std::string("Treasury"));
  get.path = "/api/v1/wallets/" + id;
  res = api::dispatch(s, get);
  CHECK(res.status == 200);
  CHECK(res.body.find("\"wallet_id\":\"" + id + "\"") != std::string::npos);
}

TEST_CASE("dispatch: the control plane's admin token comes first, even for unknown paths") {
  World world;
  auto& s = world.services;
  CHECK(api::dispatch(s, request("GET", "/_sandbox/clock")).status == 200);  // no token configured
  s.ops->admin_token = "s3cret";
  for (const char* path : {"/_sandbox/clock", "/_sandbox/nothing", "/_sandbox"}) {
    CAPTURE(path);
    const auto res = api::dispatch(s, request("GET", path));
    CHECK(res.status == 401);
    CHECK(code_of(res) == "unauthorized");
  }
  CHECK(api::dispatch(s, request("DELETE", "/_sandbox/clock")).status == 401);  // before the 405
  struct Presented {
    const char* path;
    const char* admin_header;
    const char* authorization;
    int status;
  };
  const Presented cases[] = {
      {"/_sandbox/clock", "s3cret", "", 200},
      {"/_sandbox/clock", "", "Bearer s3cret", 200},
      {"/_sandbox/clock", "", "BEARER s3cret", 200},
      {"/_sandbox/clock", "", "Bearer wrong", 401},
      {"/_sandbox/clock", "wrong", "Bearer s3cret", 401},  // X-Admin-Token wins when both are sent
      {"/_sandbox/nothing", "", "Bearer s3cret", 404},
  };
  for (const auto& c : cases) {
    CAPTURE(c.admin_header);
    CAPTURE(c.authorization);
    auto r = request("GET", c.path);
    r.admin_token = c.admin_header;
    r.authorization = c.authorization;
    CHECK(api::dispatch(s, r).status == c.status);
  }
  CHECK(api::dispatch(s, request("GET", "/api/v1/nothing")).status == 404);  // the API plane is not guarded
}

TEST_CASE("dispatch: the rate limit answers 429 with Retry-After") {
  World world;
  auto& s = world.services;
  std::int64_t now_us = 5'000'000;
  s.ops->rate_limiter.set_clock([&] { return now_us; });
  const std::string bearer = "Bearer " + token_of_default_client(s);
  auto limit = request("PUT", "/_sandbox/clients/c_sandbox/rate-limit", R"({"requests_per_second":1})");
  REQUIRE(api::dispatch(s, limit).status == 200);
  auto list = [&] {  // a new request each time: the verdict is kept on the request it was made for
    auto r = request("GET", "/api/v1/wallets");
    r.authorization = bearer;
    return r;
  };
  CHECK(api::dispatch(s, list()).status == 200);
  const auto second = list();
  const auto limited = api::dispatch(s, second);
  CHECK(limited.status == 429);
  CHECK(code_of(limited) == "too_many_requests");
  CHECK(header_of(limited, "Retry-After") == "1");
  CHECK(limited.client_id == api::kDefaultClientId);
  now_us += 1'000'000;
  // The same request dispatched again (as the writer re-runs a batch) keeps its verdict, though a
  // token is free again; a new one is allowed, and charged once however often it is dispatched.
  CHECK(api::dispatch(s, second).status == 429);
  const auto third = list();
  CHECK(api::dispatch(s, third).status == 200);
  CHECK(api::dispatch(s, third).status == 200);
  CHECK(api::dispatch(s, list()).status == 429);
}

TEST_CASE("dispatch: a retired route answers 410 in the versions that retired it") {
  World world;
  auto& s = world.services;
  const std::string bearer = "Bearer " + token_of_default_client(s);
  const auto call = [&](std::string method, std::string path) {
    auto r = request(std::move(method), std::move(path), "{}");
    r.authorization = bearer;
    return api::dispatch(s, r);
  };
  // 2026-04 (the default client's version): served, so an empty body is the handler's 400.
  CHECK(call("POST", "/api/v1/transfer").status == 400);
  CHECK(call("POST", "/api/v1/x402/sign").status == 400);
  CHECK(call("GET", "/api/v1/x402/sign/tx_nope").status == 404);
  auto pin = request("PUT", "/_sandbox/clients/c_sandbox/api-version", R"({"api_version":"2026-09"})");
  REQUIRE(api::dispatch(s, pin).status == 200);
  for (const auto& route : {std::pair{"POST", "/api/v1/transfer"}, std::pair{"POST", "/api/v1/x402/sign"},
                            std::pair{"GET", "/api/v1/x402/sign/tx_nope"}}) {
    const auto method = route.first;
    const auto path = route.second;
    CAPTURE(path);
    const auto res = call(method, path);
    CHECK(res.status == 410);
    CHECK(res.body.find("\"type\":\"endpoint_retired\"") != std::string::npos);
    CHECK(res.client_id == api::kDefaultClientId);
  }
  CHECK(call("POST", "/api/v1/transfer").body.find("Use POST /api/v1/transactions (operation=TRANSFER).") !=
        std::string::npos);
  CHECK(call("POST", "/api/v1/transactions").status == 400);  // the replacement is served
}

TEST_CASE("only the public API's writes may run twice: the control plane's change in-memory state too") {
  CHECK(api::replayable(request("POST", "/api/v1/transactions")));
  CHECK(api::replayable(request("POST", "/api/v1/wallets")));
  CHECK_FALSE(api::replayable(request("POST", "/_sandbox/faults")));
  CHECK_FALSE(api::replayable(request("DELETE", "/_sandbox/requests")));
  CHECK_FALSE(api::replayable(request("POST", "/api/v1/nothing")));
}
