// Unit tests for the operational controls' pure parts: path patterns, token buckets and the rate limiter under an
// injected time, fault rule decisions, the request journal's ring and filters, and the metrics exposition.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/api/handlers.hpp"
#include "emulator/api/path_pattern.hpp"
#include "emulator/api/routes.hpp"
#include "emulator/api/sandbox/ops.hpp"
#include "emulator/crypto/random.hpp"
#include "tests/unit/support/test_services.hpp"

namespace api = paratro::api;
namespace crypto = paratro::crypto;
namespace domain = paratro::domain;

TEST_CASE("path patterns match per segment") {
  struct Case {
    std::string_view pattern, path;
    bool match;
  };
  const Case cases[] = {
      {"/api/v1/transfer", "/api/v1/transfer", true},
      {"/api/v1/transfer", "/api/v1/transfer/", true},
      {"/api/v1/transfer", "/api/v1/transfers", false},
      {"/api/v1/transfer", "/api/v1", false},
      {"/api/v1/wallets/*", "/api/v1/wallets/w_1", true},
      {"/api/v1/wallets/*", "/api/v1/wallets", false},
      {"/api/v1/wallets/*", "/api/v1/wallets/w_1/x", false},
      {"/api/v1/*/{id}", "/api/v1/assets/ast_1", true},
      {"/api/v1/wallets/{id}", "/api/v1/wallets/w_1", true},
      {"/api/v1/**", "/api/v1", true},
      {"/api/v1/**", "/api/v1/wallets/w_1", true},
      {"/api/v1/**", "/_sandbox/faults", false},
      {"/api/v1/**/x", "/api/v1/a/x", false},  // `**` not last: malformed, matches nothing
      {"/api/v1/Wallets", "/api/v1/wallets", false},
      {"/", "/", true},
      {"/", "/api", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.path);
    CHECK(api::path_matches(c.pattern, c.path) == c.match);
  }
}

TEST_CASE("pattern validation") {
  CHECK(api::pattern_error("/api/v1/wallets/*").empty());
  CHECK(api::pattern_error("/api/v1/**").empty());
  CHECK_FALSE(api::pattern_error("api/v1").empty());
  CHECK_FALSE(api::pattern_error("").empty());
  CHECK_FALSE(api::pattern_error("/api/**/x").empty());
  CHECK_FALSE(api::pattern_error("/" + std::string(300, 'a')).empty());
}

using paratro::testing::World;

TEST_CASE("token bucket: burst, refill, Retry-After") {
  api::TokenBucket b;
  std::int64_t now = 1'000'000;
  for (int i = 0; i < 3; ++i) CHECK(b.take(now, 3) == 0);  // a burst of N
  CHECK(b.take(now, 3) == 1);                              // empty: retry within a second
  now += 333'334;                                          // one third of a second: one token
  CHECK(b.take(now, 3) == 0);
  CHECK(b.take(now, 3) == 1);
  now += 10'000'000;  // long idle: full again, but never above the burst
  for (int i = 0; i < 3; ++i) CHECK(b.take(now, 3) == 0);
  CHECK(b.take(now, 3) > 0);
  // At one request per second a denied request is told to wait one second (rounded up).
  api::TokenBucket slow;
  CHECK(slow.take(0, 1) == 0);
  CHECK(slow.take(0, 1) == 1);
  CHECK(slow.take(500'000, 1) == 1);  // half a token: still rounds up to 1 s
  CHECK(slow.take(1'000'000, 1) == 0);
  // A rate change starts over, full at the new rate.
  CHECK(slow.take(1'000'000, 2) == 0);
  CHECK(slow.take(1'000'000, 2) == 0);
  CHECK(slow.take(1'000'000, 2) == 1);
}

TEST_CASE("rate limiter: per client, default vs own limit, bounded") {
  std::int64_t now = 0;
  api::RateLimiter limiter(2, [&] { return now; });
  CHECK(limiter.admit("c_a", 0) == 0);  // no default, no own limit: unlimited
  CHECK(limiter.size() == 0);           // and no bucket was made
  limiter.set_default_rate(1);
  CHECK(limiter.admit("c_a", 0) == 0);
  CHECK(limiter.admit("c_a", 0) == 1);
  CHECK(limiter.admit("c_b", 0) == 0);  // another client has its own bucket
  CHECK(limiter.admit("c_c", 5) == 0);  // own limit wins over the default; third bucket -> cap
  CHECK(limiter.size() == 1);           // the cap dropped the others
  CHECK(limiter.admit("c_a", 0) == 0);  // ... so c_a starts over with a full burst
  now += 1'000'000;
  CHECK(limiter.admit("c_b", 0) == 0);
  limiter.clear();
  CHECK(limiter.size() == 0);
}

TEST_CASE("fault rules: count, method filter, probability, latency, cap") {
  api::FaultRules rules;
  crypto::SeededRandom rng(1);
  api::FaultRuleSpec s503;
  s503.method = "POST";
  s503.path = "/api/v1/transfer";
  s503.error = domain::ErrorCode::service_unavailable;
  s503.count = 2;
  auto r1 = rules.add(s503, 0);
  REQUIRE(r1.ok());
  CHECK(r1->id == "flt_1");
  CHECK_FALSE(rules.decide("GET", "/api/v1/transfer", rng).error);  // other method
  CHECK(rules.decide("POST", "/api/v1/transfer", rng).error == domain::ErrorCode::service_unavailable);
  CHECK(rules.decide("POST", "/api/v1/transfer", rng).rule_id == "flt_1");
  CHECK_FALSE(rules.decide("POST", "/api/v1/transfer", rng).error);  // used up
  auto listed = rules.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].matched == 3);
  CHECK(listed[0].fired == 2);
  CHECK(*listed[0].remaining() == 0);

  api::FaultRuleSpec slow;
  slow.latency_ms = 40;
  api::FaultRuleSpec slow2 = slow;
  slow2.latency_ms = 60;
  REQUIRE(rules.add(slow, 0).ok());
  REQUIRE(rules.add(slow2, 0).ok());
  const auto d = rules.decide("GET", "/api/v1/wallets", rng);
  CHECK(d.delay_ms == 100);  // latency rules add up
  CHECK_FALSE(d.error);

  CHECK(rules.clear() == 3);
  api::FaultRuleSpec coin;
  coin.error = domain::ErrorCode::internal_error;
  coin.probability = 0.25;
  REQUIRE(rules.add(coin, 0).ok());
  int fired = 0;
  for (int i = 0; i < 4000; ++i) fired += rules.decide("GET", "/api/v1/wallets", rng).error ? 1 : 0;
  CHECK(fired > 850);
  CHECK(fired < 1150);
  // The same seed gives the same decisions.
  auto pattern = [&](std::uint64_t seed) {
    api::FaultRules fresh;
    crypto::SeededRandom r(seed);
    REQUIRE(fresh.add(coin, 0).ok());
    std::string bits;
    for (int i = 0; i < 64; ++i) bits += fresh.decide("GET", "/api/v1/x", r).error ? '1' : '0';
    return bits;
  };
  CHECK(pattern(42) == pattern(42));
  CHECK(pattern(42) != pattern(43));

  // The cap: full of live rules -> conflict; used-up rules make room.
  rules.clear();
  api::FaultRuleSpec once = s503;
  once.count = 1;
  for (std::size_t i = 0; i < api::FaultRules::kMaxRules; ++i) REQUIRE(rules.add(once, 0).ok());
  auto over = rules.add(once, 0);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == domain::ErrorCode::conflict);
  CHECK(rules.decide("POST", "/api/v1/transfer", rng).error);  // uses up the first rule
  CHECK(rules.add(once, 0).ok());
  CHECK(rules.list().size() == api::FaultRules::kMaxRules);
  CHECK(rules.remove(rules.list().back().id));
  CHECK_FALSE(rules.remove("flt_nope"));
}

TEST_CASE("request journal: ring, newest first, filters, bodies") {
  api::RequestJournal j(3);
  auto add = [&](std::int64_t t, std::string_view method, std::string_view path, int status, std::string_view client) {
    j.record(t, method, path, "a=1", status, 10, client, "req", "{\"x\":1}", "{}");
  };
  add(1000, "GET", "/api/v1/wallets", 200, "c_a");
  add(2000, "POST", "/api/v1/transfer", 400, "c_b");
  add(3000, "GET", "/api/v1/wallets/w_1", 404, "c_a");
  add(4000, "POST", "/api/v1/wallets", 200, "");  // overwrites the oldest
  std::size_t matched = 0;
  auto all = j.query({}, matched);
  REQUIRE(all.size() == 3);
  CHECK(matched == 3);
  CHECK(all[0].seq == 4);
  CHECK(all[2].seq == 2);
  CHECK_FALSE(all[0].has_bodies);
  CHECK(all[0].request_body.empty());

  api::JournalFilter f;
  f.method = "GET";
  CHECK(j.query(f, matched).size() == 1);
  f = {};
  f.path_prefix = "/api/v1/wallets";
  CHECK(j.query(f, matched).size() == 2);
  f = {};
  f.status = 400;
  CHECK(j.query(f, matched).at(0).path == "/api/v1/transfer");
  f = {};
  f.client_id = "c_a";
  CHECK(j.query(f, matched).at(0).path == "/api/v1/wallets/w_1");
  f = {};
  f.since_ms = 3000;
  CHECK(j.query(f, matched).size() == 2);
  f = {};
  f.after_seq = 3;
  CHECK(j.query(f, matched).size() == 1);
  f = {};
  f.limit = 1;
  CHECK(j.query(f, matched).size() == 1);
  CHECK(matched == 3);

  j.set_record_bodies(true);
  const std::string big(api::RequestJournal::kBodyCap + 10, 'b');
  j.record(5000, "POST", "/api/v1/wallets", "", 200, 1, "c_a", "r5", big, "{\"ok\":true}");
  auto newest = j.query({}, matched).at(0);
  CHECK(newest.has_bodies);
  CHECK(newest.request_body.size() == api::RequestJournal::kBodyCap);
  CHECK(newest.request_body_truncated);
  CHECK(newest.response_body == "{\"ok\":true}");
  CHECK_FALSE(newest.response_body_truncated);

  CHECK(j.clear() == 3);
  CHECK(j.query({}, matched).empty());
  add(6000, "GET", "/api/v1/wallets", 200, "c_a");
  CHECK(j.query({}, matched).at(0).seq == 6);  // sequence numbers keep counting

  api::RequestJournal off(0);
  off.record(1, "GET", "/api/v1/wallets", "", 200, 1, "", "", "", "");
  CHECK(off.size() == 0);
}

TEST_CASE("metrics: counters by label set and a cumulative histogram") {
  api::Metrics m;
  const int wallet = api::template_index("/api/v1/wallets/w_1");
  m.record(wallet, "GET", 200, 300);         // 0.0003 s
  m.record(wallet, "GET", 200, 3'000);       // 0.003 s
  m.record(wallet, "GET", 404, 40'000'000);  // over the last bound
  m.record(-1, "BREW", 418, 1);
  std::string out;
  m.write(out);
  CHECK(out.find("paratro_http_requests_total{route=\"/api/v1/wallets/{id}\",method=\"GET\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(out.find("paratro_http_requests_total{route=\"/api/v1/wallets/{id}\",method=\"GET\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(out.find("paratro_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"other\"} 1\n") !=
        std::string::npos);
  const std::string h = "paratro_http_request_duration_seconds";
  CHECK(out.find(h + "_bucket{route=\"/api/v1/wallets/{id}\",le=\"0.0005\"} 1\n") != std::string::npos);
  CHECK(out.find(h + "_bucket{route=\"/api/v1/wallets/{id}\",le=\"0.005\"} 2\n") != std::string::npos);
  CHECK(out.find(h + "_bucket{route=\"/api/v1/wallets/{id}\",le=\"30\"} 2\n") != std::string::npos);
  CHECK(out.find(h + "_bucket{route=\"/api/v1/wallets/{id}\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(out.find(h + "_sum{route=\"/api/v1/wallets/{id}\"} 40.003300\n") != std::string::npos);
  CHECK(out.find(h + "_count{route=\"/api/v1/wallets/{id}\"} 3\n") != std::string::npos);
  CHECK(out.find("/api/v1/accounts") == std::string::npos);  // unseen label sets are not written
}

TEST_CASE("the reset hook empties journal, buckets and fault rules but keeps metrics") {
  World world;
  auto& s = world.services;
  api::add_ops_reset_hook(s);
  auto& ops = *s.ops;
  ops.journal.record(1, "GET", "/api/v1/wallets", "", 200, 1, "c_a", "r", "", "");
  ops.rate_limiter.set_default_rate(1);
  CHECK(ops.rate_limiter.admit("c_a", 0) == 0);
  CHECK(ops.rate_limiter.admit("c_a", 0) > 0);
  api::FaultRuleSpec spec;
  spec.latency_ms = 5;
  REQUIRE(ops.faults.add(spec, 0).ok());
  ops.metrics.record(0, "POST", 200, 10);
  for (auto& hook : s.reset_hooks) hook();
  CHECK(ops.journal.size() == 0);
  CHECK(ops.rate_limiter.size() == 0);
  CHECK(ops.rate_limiter.admit("c_a", 0) == 0);  // a full burst again
  CHECK(ops.faults.list().empty());
  std::string out;
  ops.metrics.write(out);
  CHECK(out.find("route=\"/api/v1/auth/token\",method=\"POST\",status=\"200\"} 1") != std::string::npos);
}

TEST_CASE("dashboard files, the / redirect and the read-only views, through the router") {
  World world;
  api::ensure_default_client(world.services);
  auto get = [&](std::string path, std::vector<std::pair<std::string, std::string>> query = {}) {
    api::ApiRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.query = std::move(query);
    return paratro::api::dispatch(world.services, r);
  };
  auto header = [](const api::ApiResponse& res, std::string_view name) {
    for (const auto& [k, v] : res.headers)
      if (k == name) return v;
    return std::string();
  };
  struct Case {
    const char* path;
    int status;
    const char* content_type;
  };
  for (const Case& c :
       {Case{"/_sandbox/ui/", 200, "text/html; charset=utf-8"}, Case{"/_sandbox/ui", 200, "text/html; charset=utf-8"},
        Case{"/_sandbox/ui/app.js", 200, "text/javascript; charset=utf-8"},
        Case{"/_sandbox/ui/style.css", 200, "text/css; charset=utf-8"}, Case{"/_sandbox/ui/missing.js", 404, ""}}) {
    CAPTURE(c.path);
    const auto res = get(c.path);
    CHECK(res.status == c.status);
    if (c.status == 200) CHECK(header(res, "Content-Type") == c.content_type);
  }
  const auto root = get("/");
  CHECK(root.status == 302);
  CHECK(header(root, "Location") == "/_sandbox/ui/");

  const auto clients = get("/_sandbox/clients");
  CHECK(clients.status == 200);
  CHECK(clients.body.find(R"("client_id":"c_sandbox")") != std::string::npos);
  CHECK(clients.body.find(R"("counts":{"wallets":0,"accounts":0,"assets":0,"transactions":0})") != std::string::npos);
  CHECK(get("/_sandbox/clients/c_sandbox/wallets").body ==
        R"({"client_id":"c_sandbox","wallets":[],"accounts":[],"assets":[],"truncated":false})");
  CHECK(get("/_sandbox/transactions").body ==
        R"({"data":[],"total":0,"has_more":false,"page":1,"page_size":20,"required_confirmations":{}})");
  CHECK(get("/_sandbox/transactions", {{"status", "bogus"}}).status == 400);
  CHECK(get("/_sandbox/transactions/tx_none").status == 404);
}
