// The /_sandbox control plane for webhooks: a client's endpoint and secret, the event and delivery
// logs (the outbox as the dispatcher sees it), redelivery of an event, and a sample event for
// checking a receiver.
#include <array>

#include <rapidjson/document.h>

#include <algorithm>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/sandbox/webhook_json.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/number.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/webhook_event.hpp"
#include "emulator/webhooks/dispatcher.hpp"
#include "emulator/webhooks/endpoint.hpp"

namespace paratro::api {

using domain::ErrorCode;

void write_delivery(JsonWriter& w, const store::Store::WebhookDelivery& d) {
  auto time_or_null = [&w](const char* key, std::int64_t ms) {
    w.key(key);
    if (ms < 0) {
      w.null();
    } else {
      w.str(domain::format_rfc3339(ms));
    }
  };
  w.begin_object()
      .field("delivery_id", d.delivery_id)
      .field("event_id", d.event_id)
      .field("event_type", d.event_type)
      .field("tx_id", d.tx_id)
      .field("client_id", d.client_id)
      .field("status", domain::to_string(d.status))
      .field("attempts", d.attempts);
  // Rounded up to the second, so advancing the clock to this instant is sure to release it.
  time_or_null("next_attempt_at",
               d.status == domain::DeliveryStatus::pending ? (d.next_attempt_ms + 999) / 1000 * 1000 : -1);
  w.key("last_status_code");
  if (d.last_status_code > 0) {
    w.num(d.last_status_code);
  } else {
    w.null();
  }
  w.field("last_error", d.last_error);
  w.key("last_latency_ms");
  if (d.last_latency_ms >= 0) {
    w.num(d.last_latency_ms);
  } else {
    w.null();
  }
  time_or_null("last_attempt_at", d.last_attempt_at_ms);
  w.field("url", d.last_url).field("created_at", domain::format_rfc3339(d.created_at_ms)).end_object();
}

void write_event(JsonWriter& w, const store::Store::WebhookEvent& e) {
  w.begin_object()
      .field("event_id", e.event_id)
      .field("event_type", e.event_type)
      .field("tx_id", e.tx_id)
      .field("client_id", e.client_id)
      .field("created_at", domain::format_rfc3339(e.created_at_ms))
      .key("payload")
      .raw_object(e.body)
      .end_object();
}

namespace {

// limit and the shared filters of both logs from the query string.
domain::Result<store::Store::WebhookFilter> read_filter(const ApiRequest& r) {
  store::Store::WebhookFilter f;
  auto text = [&r](const char* name) {
    const std::string* v = r.query_param(name);
    return v ? *v : std::string();
  };
  f.client_id = text("client_id");
  f.tx_id = text("tx_id");
  f.event_id = text("event_id");
  f.event_type = text("event_type");
  if (const std::string status = text("status"); !status.empty()) {
    f.status = domain::parse_enum<domain::DeliveryStatus>(status);
    if (!f.status) {
      return domain::make_error(ErrorCode::invalid_parameter,
                                "status must be one of pending, queued, sending, succeeded, failed");
    }
  }
  if (const std::string* v = r.query_param("limit")) {
    std::int64_t n = 0;
    if (!domain::parse_digits(*v, n) || n > 1000) {
      return domain::make_error(ErrorCode::invalid_parameter, "limit must be an integer between 0 and 1000");
    }
    f.limit = static_cast<int>(n);
  }
  return f;
}

void write_webhook_config(JsonWriter& w, const domain::ClientRecord& c) {
  w.begin_object().field("client_id", c.client_id).key("url");
  if (c.webhook_url.empty()) {
    w.null();
  } else {
    w.str(c.webhook_url);
  }
  w.key("secret");
  if (c.webhook_secret.empty()) {
    w.null();
  } else {
    w.str(c.webhook_secret);
  }
  w.end_object();
}

}  // namespace

std::string new_webhook_secret(crypto::RandomSource& rng) {
  std::array<std::uint8_t, 24> bytes{};
  rng.fill(bytes);
  return "whsec_" + crypto::to_hex(bytes);
}

domain::Status check_webhook_config(std::string_view url, std::string_view secret) {
  if (!url.empty()) {
    std::string error;
    if (!webhooks::parse_endpoint(url, error))
      return domain::make_error(ErrorCode::validation_failed, "webhook url: " + error);
  }
  if (!secret.empty() && (secret.substr(0, 6) != "whsec_" || secret.size() < 14 || secret.size() > 128)) {
    return domain::make_error(ErrorCode::validation_failed,
                              "webhook secret must be whsec_ followed by 8 to 122 characters");
  }
  return domain::ok_status();
}

ApiResponse sandbox_webhook_config(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto client = s.store.find_client(client_id);
  if (!client) return error_response(ErrorCode::not_found, "Client not found");
  if (r.method == "PUT") {
    auto body = parse_object(r.body);
    if (!body) return error_response(body.error());
    if (auto st = check_known_fields(*body, {"url", "secret"}); !st) return error_response(st.error());
    std::string url;
    if (auto it = body->FindMember("url"); it != body->MemberEnd() && !it->value.IsNull()) {
      if (!it->value.IsString()) return error_response(ErrorCode::invalid_parameter, "url must be a string or null");
      url.assign(it->value.GetString(), it->value.GetStringLength());
    } else if (it == body->MemberEnd()) {
      return error_response(ErrorCode::invalid_parameter, "url is required (null or \"\" removes the webhook)");
    }
    auto secret = optional_string(*body, "secret");
    if (!secret) return error_response(secret.error());
    if (auto st = check_webhook_config(url, secret->value_or("")); !st) return error_response(st.error());
    // Keep the current secret unless a new one is given; a first endpoint gets a fresh one.
    std::string key = secret->value_or(client->webhook_secret);
    if (key.empty() && !url.empty()) key = new_webhook_secret(s.rng);
    if (auto st = s.store.set_client_webhook(client_id, url, key); !st) return error_response(st.error());
    client->webhook_url = url;
    client->webhook_secret = key;
  }
  JsonWriter w;
  write_webhook_config(w, *client);
  return json_response(200, w.take());
}

ApiResponse sandbox_webhook_events(Services& s, const ApiRequest& r) {
  auto f = read_filter(r);
  if (!f) return error_response(f.error());
  const auto [events, total] = s.store.list_webhook_events(*f);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& e : events) write_event(w, e);
  w.end_array().field("total", total).field("has_more", total > static_cast<std::int64_t>(events.size())).end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_webhook_deliveries(Services& s, const ApiRequest& r) {
  auto f = read_filter(r);
  if (!f) return error_response(f.error());
  const auto [deliveries, total] = s.store.list_webhook_deliveries(*f);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& d : deliveries) write_delivery(w, d);
  w.end_array()
      .field("total", total)
      .field("has_more", total > static_cast<std::int64_t>(deliveries.size()))
      .end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_webhook_event(Services& s, std::string_view event_id) {
  auto e = s.store.find_webhook_event(event_id);
  if (!e) return error_response(ErrorCode::not_found, "Webhook event not found");
  JsonWriter w;
  write_event(w, *e);
  return json_response(200, w.take());
}

ApiResponse sandbox_redeliver_event(Services& s, std::string_view event_id) {
  auto d = s.store.redeliver_webhook_event(event_id, s.clock.now_ms());
  if (!d) return error_response(d.error());
  if (s.webhooks) s.webhooks->notify();
  JsonWriter w;
  write_delivery(w, *d);
  return json_response(201, w.take());
}

ApiResponse sandbox_webhook_test(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body, /*allow_empty=*/true);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"client_id", "event_type"}); !st) return error_response(st.error());
  auto client_id = optional_string(*body, "client_id");
  if (!client_id) return error_response(client_id.error());
  auto type_name = optional_string(*body, "event_type");
  if (!type_name) return error_response(type_name.error());
  auto client = s.store.find_client(client_id->value_or(std::string(kDefaultClientId)));
  if (!client) return error_response(ErrorCode::not_found, "Client not found");
  // The sample follows the rules of the client's API version, like every other event it gets.
  const domain::VersionTraits& version = domain::traits(client->api_version);
  domain::EventType type = domain::EventType::confirmed;
  if (*type_name && (!domain::parse_event_type(**type_name, type) || !domain::version_sends(version, type))) {
    return error_response(
        ErrorCode::invalid_parameter,
        version.internal_credit_event
            ? "event_type must be transaction.confirming, transaction.confirmed, transaction.failed "
              "or transfer.credited"
            : "event_type must be transaction.confirming, transaction.confirmed or transaction.failed");
  }
  if (client->webhook_url.empty()) {
    return error_response(ErrorCode::invalid_parameter,
                          "the client has no webhook url; set one with PUT /_sandbox/clients/{client_id}/webhook");
  }

  // A sample transfer that exists nowhere else: ids say "test" so a receiver can tell. It is a
  // deposit (confirming, confirmed), an outbound transfer (failed) or an internal credit.
  const std::int64_t now = s.clock.now_ms();
  std::array<std::uint8_t, 12> nonce{};
  s.rng.fill(nonce);
  const std::string suffix = crypto::to_hex(nonce);
  domain::TransactionRecord tx;
  tx.tx_id = "tx_test_" + suffix;
  tx.wallet_id = "w_test_" + suffix;
  tx.account_id = "acc_test_" + suffix;
  tx.client_id = client->client_id;
  tx.chain = "ethereum";
  tx.direction = type == domain::EventType::failed ? domain::TxDirection::outbound : domain::TxDirection::inbound;
  tx.origin = type == domain::EventType::credited ? domain::TxOrigin::internal
              : type == domain::EventType::failed ? domain::TxOrigin::api
                                                  : domain::TxOrigin::deposit;
  tx.from_address = "0x52908400098527886E0F7030069857D2E4169EE7";
  tx.to_address = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";
  tx.token_symbol = "USDT";
  tx.decimals = 6;
  tx.amount = 25'000'000;
  tx.tx_hash = "0x" + crypto::to_hex(crypto::sha256(suffix));
  tx.required_confirmations = static_cast<std::int64_t>(domain::find_chain("ethereum")->confirmations);
  tx.block_number = 21'000'000;
  tx.created_at_ms = now;
  tx.updated_at_ms = now;
  tx.status = type == domain::EventType::failed       ? domain::TxStatus::failed
              : type == domain::EventType::confirming ? domain::TxStatus::confirming
                                                      : domain::TxStatus::confirmed;
  tx.confirmations = tx.status == domain::TxStatus::confirmed ? tx.required_confirmations : 1;
  if (tx.status == domain::TxStatus::confirmed) tx.confirmed_at_ms = now;

  store::Store::WebhookEvent e;
  e.event_id = domain::make_event_id(tx.tx_id, type, tx.confirmations);
  e.client_id = client->client_id;
  e.tx_id = tx.tx_id;
  e.event_type = std::string(domain::event_type_name(type));
  e.created_at_ms = now;
  e.body = domain::render_event_body(tx, type, e.event_id, now, version);
  const auto d = s.store.insert_webhook_event(e, now);
  if (s.webhooks) s.webhooks->notify();
  JsonWriter w;
  w.begin_object().key("event");
  write_event(w, e);
  w.key("delivery");
  write_delivery(w, d);
  w.end_object();
  return json_response(201, w.take());
}

}  // namespace paratro::api
