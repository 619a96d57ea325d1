// Unit tests for the pure parts of webhooks: which changes fire which events, event ids, the body's
// fields and JSON types, signatures against a vector computed with Python's hmac, the retry
// schedule, Retry-After parsing and webhook URL parsing.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <set>
#include <string>

#include "emulator/domain/webhook_event.hpp"
#include "emulator/store/store.hpp"
#include "emulator/webhooks/endpoint.hpp"
#include "emulator/webhooks/retry_policy.hpp"
#include "emulator/webhooks/signature.hpp"

namespace d = paratro::domain;
namespace wh = paratro::webhooks;

namespace {

d::TransactionRecord sample_tx(std::string status, std::int64_t confirmations) {
  d::TransactionRecord t;
  t.tx_id = "tx_1";
  t.wallet_id = "w_1";
  t.account_id = "acc_1";
  t.client_id = "c_1";
  t.chain = "tron";
  t.direction = "OUTBOUND";
  t.from_address = "TFrom";
  t.to_address = "TTo";
  t.token_symbol = "USDT";
  t.decimals = 6;
  t.amount = 1'250'000;
  t.status = std::move(status);
  t.tx_hash = "ab";
  t.block_number = 77;
  t.confirmations = confirmations;
  t.required_confirmations = 19;
  t.created_at_ms = 1'767'225'600'000;
  t.updated_at_ms = 1'767'225'660'000;
  return t;
}

}  // namespace

TEST_CASE("status changes fire the contract's events") {
  struct Case {
    const char* old_status;
    std::int64_t old_conf;
    const char* status;
    std::int64_t conf;
    bool every;
    std::vector<d::EventType> expected;
  };
  const std::vector<Case> cases = {
      {"BROADCAST", 0, "CONFIRMING", 1, false, {d::EventType::confirming}},
      {"", 0, "CONFIRMING", 1, false, {d::EventType::confirming}},  // an inbound twin appearing
      {"CONFIRMING", 1, "CONFIRMING", 2, false, {}},
      {"CONFIRMING", 1, "CONFIRMING", 2, true, {d::EventType::confirming}},
      {"CONFIRMING", 2, "CONFIRMING", 2, true, {}},
      {"CONFIRMING", 18, "CONFIRMED", 19, true, {d::EventType::confirmed}},
      {"PENDING", 0, "CONFIRMED", 19, false, {d::EventType::confirmed}},  // forced confirm
      {"PENDING", 0, "FAILED", 0, false, {d::EventType::failed}},
      {"PENDING", 0, "SIGNED", 0, false, {}},
      {"SIGNED", 0, "BROADCAST", 0, true, {}},
      {"CONFIRMED", 19, "CONFIRMED", 19, true, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.old_status);
    CAPTURE(c.status);
    CHECK(d::events_for_change(c.old_status, c.old_conf, sample_tx(c.status, c.conf), c.every) == c.expected);
  }
}

TEST_CASE("event ids are stable per change and distinct across changes") {
  const auto a = d::make_event_id("tx_1", d::EventType::confirming, 1);
  CHECK(a == d::make_event_id("tx_1", d::EventType::confirming, 1));
  CHECK(a.rfind("evt_", 0) == 0);
  CHECK(a.size() == 4 + 32);
  std::set<std::string> ids{a, d::make_event_id("tx_1", d::EventType::confirming, 2),
                            d::make_event_id("tx_1", d::EventType::confirmed, 1),
                            d::make_event_id("tx_2", d::EventType::confirming, 1)};
  CHECK(ids.size() == 4);
  CHECK(d::make_delivery_id(a, 1) != d::make_delivery_id(a, 2));
  d::EventType t{};
  CHECK(d::parse_event_type("transaction.failed", t));
  CHECK(t == d::EventType::failed);
  CHECK_FALSE(d::parse_event_type("transaction.pending", t));
}

TEST_CASE("the body has all 26 fields in the contract's JSON types") {
  auto tx = sample_tx("CONFIRMED", 19);
  tx.confirmed_at_ms = 1'767'225'700'000;
  tx.memo = "invoice 7";
  const std::string body = d::render_event_body(tx, d::EventType::confirmed, "evt_x", 1'767'225'700'000);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc.MemberCount() == 26);
  const char* strings[] = {"event_id", "event_type", "event_time", "source_id", "wallet_id", "account_id",
                           "status", "transaction_type", "chain", "network", "txhash", "from", "to",
                           "symbol", "contract_address", "amount", "created_at", "confirmed_at",
                           "risk_level", "data"};
  for (const char* k : strings) {
    CAPTURE(k);
    REQUIRE(doc.HasMember(k));
    CHECK(doc[k].IsString());
  }
  for (const char* k : {"block_number", "decimals", "confirmations", "required_confirmations"}) {
    CAPTURE(k);
    CHECK(doc[k].IsInt64());
  }
  CHECK(doc["risk_checked"].IsBool());
  CHECK(doc["risk_score"].IsNumber());
  CHECK(std::string(doc["amount"].GetString()) == "1.25");
  CHECK(std::string(doc["contract_address"].GetString()) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
  CHECK(std::string(doc["event_time"].GetString()) == "2026-01-01T00:01:40Z");
  CHECK(std::string(doc["confirmed_at"].GetString()) == "2026-01-01T00:01:40Z");
  CHECK(std::string(doc["transaction_type"].GetString()) == "OUTBOUND");
  CHECK(std::string(doc["data"].GetString()) == "invoice 7");
  CHECK(doc["confirmations"].GetInt64() == 19);

  const std::string confirming = d::render_event_body(sample_tx("CONFIRMING", 1), d::EventType::confirming, "evt_y", 0);
  rapidjson::Document c;
  c.Parse(confirming.c_str());
  CHECK(c["confirmed_at"].IsNull());
  CHECK(c.MemberCount() == 26);
}

TEST_CASE("signatures match an independently computed HMAC and are checked like a receiver does") {
  const std::string body = R"({"a":1})";
  // python3: hmac.new(b"whsec_unit", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
  const std::string expected = "v1=ee724c626c10f4db36b56655aa71ed327a145857a13cb17901fba24fb6f0a3ec";
  CHECK(wh::sign_payload("whsec_unit", 1'700'000'000, body) == expected);
  CHECK(wh::verify_payload("whsec_unit", "1700000000", expected, body, 1'700'000'100) == wh::Verdict::ok);
  CHECK(wh::verify_payload("whsec_other", "1700000000", expected, body, 1'700'000'100) == wh::Verdict::mismatch);
  CHECK(wh::verify_payload("whsec_unit", "1700000000", expected, R"({"a":2})", 1'700'000'100) == wh::Verdict::mismatch);
  CHECK(wh::verify_payload("whsec_unit", "1700000001", expected, body, 1'700'000'100) == wh::Verdict::mismatch);
  CHECK(wh::verify_payload("whsec_unit", "1700000000", expected, body, 1'700'000'301) == wh::Verdict::stale);
  CHECK(wh::verify_payload("whsec_unit", "", expected, body, 1'700'000'000) == wh::Verdict::malformed);
  CHECK(wh::verify_payload("whsec_unit", "17x", expected, body, 1'700'000'000) == wh::Verdict::malformed);
  CHECK(wh::verify_payload("whsec_unit", "1700000000", expected.substr(3), body, 1'700'000'000) == wh::Verdict::malformed);
}

TEST_CASE("retry delays grow by the factor, stay within the jitter band and respect the cap") {
  wh::RetryPolicy p;
  std::int64_t base = p.base_delay_ms;
  for (std::int64_t attempt = 1; attempt <= 10; ++attempt) {
    CAPTURE(attempt);
    const std::int64_t expected = std::min(base, p.max_delay_ms);
    const std::int64_t got = wh::retry_delay_ms(p, attempt, "whd_1");
    CHECK(got >= expected);
    CHECK(got <= expected + expected * p.jitter_percent / 100);
    CHECK(got == wh::retry_delay_ms(p, attempt, "whd_1"));  // deterministic
    base *= p.factor;
  }
  // Jitter differs between deliveries.
  std::set<std::int64_t> spread;
  for (int i = 0; i < 20; ++i) spread.insert(wh::retry_delay_ms(p, 1, "whd_" + std::to_string(i)));
  CHECK(spread.size() > 10);
  p.jitter_percent = 0;
  CHECK(wh::retry_delay_ms(p, 1, "x") == 5'000);
  CHECK(wh::retry_delay_ms(p, 3, "x") == 45'000);
  CHECK(wh::retry_delay_ms(p, 2, "x", 120) == 120'000);
  CHECK(wh::retry_delay_ms(p, 2, "x", 0) == 0);
  CHECK(wh::retry_delay_ms(p, 2, "x", 999'999) == p.max_delay_ms);
  CHECK(wh::parse_retry_after(" 30 ") == 30);
  CHECK(wh::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == -1);
  CHECK(wh::parse_retry_after("-5") == -1);
  CHECK(wh::parse_retry_after("") == -1);
}

TEST_CASE("webhook URLs are taken apart or refused with a reason") {
  std::string err;
  auto a = wh::parse_endpoint("https://hooks.example.com/paratro?x=1", err);
  REQUIRE(a);
  CHECK(a->tls);
  CHECK(a->host == "hooks.example.com");
  CHECK(a->port == "443");
  CHECK(a->target == "/paratro?x=1");
  auto b = wh::parse_endpoint("http://127.0.0.1:4242", err);
  REQUIRE(b);
  CHECK_FALSE(b->tls);
  CHECK(b->port == "4242");
  CHECK(b->target == "/");
  auto c = wh::parse_endpoint("http://[::1]:9000/h", err);
  REQUIRE(c);
  CHECK(c->host == "::1");
  for (const char* bad : {"ftp://x/y", "not a url", "http://user:pw@host/", "/relative", "http://host:0/"}) {
    CAPTURE(bad);
    err.clear();
    CHECK_FALSE(wh::parse_endpoint(bad, err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("pruning keeps the newest events and every event still being delivered") {
  paratro::store::Store store(":memory:");
  std::vector<std::string> delivery_ids;
  for (int i = 0; i < 5; ++i) {
    paratro::store::Store::WebhookEvent e;
    e.event_id = "evt_" + std::to_string(i);
    e.client_id = "c_1";
    e.tx_id = "tx_" + std::to_string(i);
    e.event_type = "transaction.confirmed";
    e.body = "{}";
    e.created_at_ms = i;
    delivery_ids.push_back(store.insert_webhook_event(e, i).delivery_id);
  }
  // Events 0, 1 and 3 are delivered; 2 is still pending; 4 is the newest.
  std::vector<paratro::store::Store::DeliveryOutcome> done;
  for (int i : {0, 1, 3}) {
    paratro::store::Store::DeliveryOutcome o;
    o.delivery_id = delivery_ids[static_cast<std::size_t>(i)];
    o.status = "succeeded";
    o.status_code = 200;
    done.push_back(o);
  }
  store.record_delivery_progress({}, done);
  CHECK(store.prune_webhook_events(1) == 3);
  paratro::store::Store::WebhookFilter all;
  all.limit = 100;
  const auto [events, total] = store.list_webhook_events(all);
  CHECK(total == 2);
  REQUIRE(events.size() == 2);
  CHECK(events[0].event_id == "evt_4");
  CHECK(events[1].event_id == "evt_2");
  const auto [deliveries, delivery_total] = store.list_webhook_deliveries(all);
  CHECK(delivery_total == 2);
  CHECK(store.prune_webhook_events(1) == 0);  // what is left is newest or unfinished
}
