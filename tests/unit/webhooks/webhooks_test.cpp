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
  t.direction = d::TxDirection::outbound;
  t.from_address = "TFrom";
  t.to_address = "TTo";
  t.token_symbol = "USDT";
  t.decimals = 6;
  t.amount = 1'250'000;
  t.status = *d::parse_enum<d::TxStatus>(status);
  t.tx_hash = "ab";
  t.block_number = 77;
  t.confirmations = confirmations;
  t.required_confirmations = 19;
  t.created_at_ms = 1'767'225'600'000;
  t.updated_at_ms = 1'767'225'660'000;
  return t;
}

}  // namespace

TEST_CASE("status changes fire the contract's events, per API version") {
  using E = d::EventType;
  const auto& v04 = d::traits(d::ApiVersion::v2026_04);
  const auto& v09 = d::traits(d::ApiVersion::v2026_09);
  struct Case {
    const char* origin;  // api (outbound), deposit, internal (inbound twin)
    const char* old_status;
    std::int64_t old_conf;
    const char* status;
    std::int64_t conf;
    bool every;
    std::vector<E> in_2026_04;
    std::vector<E> in_2026_09;
  };
  const std::vector<Case> cases = {
      // Outbound transfers: 2026-09 sends no confirming, whatever the flag.
      {"api", "BROADCAST", 0, "CONFIRMING", 1, false, {E::confirming}, {}},
      {"api", "CONFIRMING", 1, "CONFIRMING", 2, false, {}, {}},
      {"api", "CONFIRMING", 1, "CONFIRMING", 2, true, {E::confirming}, {}},
      {"api", "CONFIRMING", 2, "CONFIRMING", 2, true, {}, {}},
      {"api", "CONFIRMING", 18, "CONFIRMED", 19, true, {E::confirmed}, {E::confirmed}},
      {"api", "PENDING", 0, "CONFIRMED", 19, false, {E::confirmed}, {E::confirmed}},  // forced confirm
      {"api", "PENDING", 0, "FAILED", 0, false, {E::failed}, {E::failed}},
      {"api", "PENDING", 0, "SIGNED", 0, false, {}, {}},
      {"api", "SIGNED", 0, "BROADCAST", 0, true, {}, {}},
      {"api", "CONFIRMED", 19, "CONFIRMED", 19, true, {}, {}},
      // Deposits: confirming in both versions.
      {"deposit", "BROADCAST", 0, "CONFIRMING", 1, false, {E::confirming}, {E::confirming}},
      {"deposit", "CONFIRMING", 1, "CONFIRMING", 2, true, {E::confirming}, {E::confirming}},
      {"deposit", "CONFIRMING", 18, "CONFIRMED", 19, false, {E::confirmed}, {E::confirmed}},
      // The inbound twin of an internal payment: transaction.* in 2026-04, transfer.credited once
      // credited in 2026-09.
      {"internal", "", 0, "CONFIRMING", 1, false, {E::confirming}, {}},
      {"internal", "CONFIRMING", 1, "CONFIRMING", 2, true, {E::confirming}, {}},
      {"internal", "CONFIRMING", 18, "CONFIRMED", 19, false, {E::confirmed}, {E::credited}},
      {"internal", "", 0, "CONFIRMED", 19, false, {E::confirmed}, {E::credited}},
      {"internal", "CONFIRMED", 19, "CONFIRMED", 19, true, {}, {}},
      {"internal", "CONFIRMING", 1, "FAILED", 2, false, {E::failed}, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.origin);
    CAPTURE(c.old_status);
    CAPTURE(c.status);
    CAPTURE(c.every);
    auto tx = sample_tx(c.status, c.conf);
    tx.origin = *d::parse_enum<d::TxOrigin>(c.origin);
    tx.direction = tx.origin == d::TxOrigin::api ? d::TxDirection::outbound : d::TxDirection::inbound;
    // "" in the table: the row did not exist before.
    const auto old_status = d::parse_enum<d::TxStatus>(c.old_status);
    REQUIRE((old_status.has_value() || std::string_view(c.old_status).empty()));
    CHECK(d::events_for_change(old_status, c.old_conf, tx, c.every, v04) == c.in_2026_04);
    CHECK(d::events_for_change(old_status, c.old_conf, tx, c.every, v09) == c.in_2026_09);
  }
}

TEST_CASE("event ids are UUIDs, stable per change and distinct across changes") {
  const auto a = d::make_event_id("tx_1", d::EventType::confirming, 1);
  CHECK(a == d::make_event_id("tx_1", d::EventType::confirming, 1));
  // 8-4-4-4-12 lower-case hex, version 8 (name-based on SHA-256), RFC variant (10xx).
  REQUIRE(a.size() == 36);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      CHECK(a[i] == '-');
    } else {
      CHECK(((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f')));
    }
  }
  CHECK(a[14] == '8');
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);
  // python3: the first 16 bytes of hashlib.sha256(b"paratro-event/tx_1/transaction.confirming/1"),
  // version and variant bits set, as uuid.UUID(bytes=...).
  CHECK(a == "244ed7fc-f6f2-8a0a-a70f-a1230f4f491d");
  std::set<std::string> ids{
      a, d::make_event_id("tx_1", d::EventType::confirming, 2), d::make_event_id("tx_1", d::EventType::confirmed, 1),
      d::make_event_id("tx_1", d::EventType::credited, 1), d::make_event_id("tx_2", d::EventType::confirming, 1)};
  CHECK(ids.size() == 5);
  CHECK(d::make_delivery_id(a, 1) != d::make_delivery_id(a, 2));
  d::EventType t{};
  CHECK(d::parse_event_type("transaction.failed", t));
  CHECK(t == d::EventType::failed);
  CHECK(d::parse_event_type("transfer.credited", t));
  CHECK(t == d::EventType::credited);
  CHECK_FALSE(d::parse_event_type("transaction.pending", t));
  CHECK(d::version_sends(d::traits(d::ApiVersion::v2026_09), d::EventType::credited));
  CHECK_FALSE(d::version_sends(d::traits(d::ApiVersion::v2026_04), d::EventType::credited));
  CHECK(d::version_sends(d::traits(d::ApiVersion::v2026_04), d::EventType::confirming));
}

TEST_CASE("the body has all 26 fields in the contract's JSON types") {
  auto tx = sample_tx("CONFIRMED", 19);
  tx.confirmed_at_ms = 1'767'225'700'000;
  tx.memo = "invoice 7";  // a memo is not call data
  const auto& v04 = d::traits(d::ApiVersion::v2026_04);
  const std::string body = d::render_event_body(tx, d::EventType::confirmed, "evt_x", 1'767'225'700'000, v04);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc.MemberCount() == 26);
  const char* strings[] = {
      "event_id",         "event_type", "event_time", "source_id",    "wallet_id",  "account_id", "status",
      "transaction_type", "chain",      "network",    "txhash",       "from",       "to",         "symbol",
      "contract_address", "amount",     "created_at", "confirmed_at", "risk_level", "data"};
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
  CHECK(std::string(doc["amount"].GetString()) == "1250000");  // smallest unit: 1.25 USDT
  CHECK(doc["risk_checked"].GetBool() == false);
  CHECK(doc["risk_score"].GetDouble() == 0);
  CHECK(std::string(doc["risk_level"].GetString()) == "UNSCANNED");
  CHECK_FALSE(doc.HasMember("operation"));
  CHECK(std::string(doc["contract_address"].GetString()) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
  CHECK(std::string(doc["event_time"].GetString()) == "2026-01-01T00:01:40Z");
  CHECK(std::string(doc["confirmed_at"].GetString()) == "2026-01-01T00:01:40Z");
  CHECK(std::string(doc["transaction_type"].GetString()) == "OUTBOUND");
  CHECK(std::string(doc["data"].GetString()) == "");
  CHECK(doc["confirmations"].GetInt64() == 19);

  const std::string confirming =
      d::render_event_body(sample_tx("CONFIRMING", 1), d::EventType::confirming, "evt_y", 0, v04);
  rapidjson::Document c;
  c.Parse(confirming.c_str());
  CHECK(c["confirmed_at"].IsNull());
  CHECK(c.MemberCount() == 26);
}

TEST_CASE("native tokens have no contract address, call data is sent as is") {
  auto tx = sample_tx("CONFIRMED", 19);
  tx.chain = "ethereum";
  tx.token_symbol = "ETH";
  tx.decimals = 18;
  tx.amount = d::Amount{1'500'000'000'000'000'000ULL};
  tx.call_data = "0xa9059cbb00";
  rapidjson::Document doc;
  doc.Parse(d::render_event_body(tx, d::EventType::confirmed, "e", 0, d::traits(d::ApiVersion::v2026_04)).c_str());
  CHECK(std::string(doc["contract_address"].GetString()) == "");
  CHECK(std::string(doc["amount"].GetString()) == "1500000000000000000");
  CHECK(doc["decimals"].GetInt64() == 18);
  CHECK(std::string(doc["data"].GetString()) == "0xa9059cbb00");
}

TEST_CASE("2026-09 bodies carry operation; transfer.credited is INTERNAL") {
  const auto& v09 = d::traits(d::ApiVersion::v2026_09);
  struct Case {
    const char* origin;
    const char* direction;
    const char* operation;  // the transaction's own
    d::EventType type;
    const char* expected_operation;
    const char* expected_type;
  };
  const std::vector<Case> cases = {
      {"api", "OUTBOUND", "TRANSFER", d::EventType::confirmed, "TRANSFER", "OUTBOUND"},
      {"api", "OUTBOUND", "PROGRAM_CALL", d::EventType::failed, "PROGRAM_CALL", "OUTBOUND"},
      {"api", "OUTBOUND", "CONTRACT_CALL", d::EventType::confirmed, "CONTRACT_CALL", "OUTBOUND"},
      {"deposit", "INBOUND", "TRANSFER", d::EventType::confirming, "DEPOSIT", "INBOUND"},
      {"internal", "INBOUND", "TRANSFER", d::EventType::credited, "TRANSFER", "INTERNAL"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.expected_operation);
    auto tx = sample_tx("CONFIRMED", 19);
    tx.origin = *d::parse_enum<d::TxOrigin>(c.origin);
    tx.direction = *d::parse_enum<d::TxDirection>(c.direction);
    tx.operation = *d::parse_enum<d::Operation>(c.operation);
    rapidjson::Document doc;
    doc.Parse(d::render_event_body(tx, c.type, "e", 0, v09).c_str());
    REQUIRE(doc.IsObject());
    CHECK(doc.MemberCount() == 27);
    CHECK(std::string(doc["operation"].GetString()) == c.expected_operation);
    CHECK(std::string(doc["transaction_type"].GetString()) == c.expected_type);
    CHECK(std::string(doc["event_type"].GetString()) == d::event_type_name(c.type));
  }
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
  CHECK(wh::verify_payload("whsec_unit", "1700000000", expected.substr(3), body, 1'700'000'000) ==
        wh::Verdict::malformed);
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
    o.status = paratro::domain::DeliveryStatus::succeeded;
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
