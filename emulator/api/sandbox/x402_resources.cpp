// The control plane's paid resources: POST/GET /_sandbox/x402/resources and
// GET /_sandbox/x402/resources/{id}/content, which answers 402 with x402 payment requirements until an
// X-PAYMENT header verifies and settles, then the content with an X-PAYMENT-RESPONSE receipt.
#include <rapidjson/document.h>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/x402_settlement.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/base64.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/x402.hpp"

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;
using x402::evm_key;

namespace {

constexpr std::int64_t kResourceMaxTimeoutSeconds = 300;

const domain::X402Network* resource_network(const domain::X402ResourceRecord& res) {
  return domain::find_x402_network_by_chain(res.chain);
}

std::string resource_url(std::string_view id) { return "/_sandbox/x402/resources/" + std::string(id) + "/content"; }

domain::X402Requirements requirements_of(const domain::X402ResourceRecord& res) {
  const domain::X402Network* net = resource_network(res);
  domain::X402Requirements q;
  q.scheme = "exact";
  q.network = res.network;
  q.amount = domain::to_base_units_string(res.amount);
  q.asset = std::string(net->usdc.verifying_contract);
  q.pay_to = res.pay_to;
  q.resource = resource_url(res.resource_id);
  q.description = res.description;
  q.mime_type = res.mime_type;
  q.max_timeout_seconds = kResourceMaxTimeoutSeconds;
  q.extra_name = std::string(net->usdc.name);
  q.extra_version = std::string(net->usdc.version);
  return q;
}

// x402 v1 PaymentRequirements (specification v1 §5.1.2).
void write_requirements(JsonWriter& w, const domain::X402Requirements& q) {
  w.begin_object()
      .field("scheme", q.scheme)
      .field("network", q.network)
      .field("maxAmountRequired", q.amount)
      .field("resource", q.resource)
      .field("description", q.description)
      .field("mimeType", q.mime_type)
      .field("payTo", q.pay_to)
      .field("maxTimeoutSeconds", *q.max_timeout_seconds)
      .field("asset", q.asset);
  w.key("extra").begin_object().field("name", q.extra_name).field("version", q.extra_version).end_object();
  w.end_object();
}

void write_resource(JsonWriter& w, const domain::X402ResourceRecord& res) {
  const auto token = domain::find_token("USDC", res.chain);
  w.begin_object()
      .field("resource_id", res.resource_id)
      .field("client_id", res.client_id)
      .field("chain", res.chain)
      .field("network", res.network)
      .field("pay_to", res.pay_to)
      .field("price", domain::format_amount(res.amount, token ? token->decimals : 6))
      .field("amount", domain::to_base_units_string(res.amount))
      .field("description", res.description)
      .field("mime_type", res.mime_type)
      .field("url", resource_url(res.resource_id));
  w.key("payment_requirements");
  write_requirements(w, requirements_of(res));
  w.field("created_at", domain::format_rfc3339(res.created_at_ms));
  w.end_object();
}

ApiResponse payment_required(const domain::X402ResourceRecord& res, std::string_view error) {
  JsonWriter w;
  w.begin_object().field("x402Version", 1).field("error", error).key("accepts").begin_array();
  write_requirements(w, requirements_of(res));
  w.end_array().end_object();
  return json_response(402, w.take());
}

}  // namespace

domain::Result<domain::X402ResourceRecord> make_x402_resource(store::Store& store, crypto::RandomSource& rng,
                                                              std::int64_t now_ms, const rapidjson::Value& b) {
  auto pay_to = required_string(b, "pay_to");
  if (!pay_to) return pay_to.error();
  auto price = required_string(b, "price");
  if (!price) return price.error();
  std::string chain = "base";
  if (auto v = optional_string(b, "chain"); !v)
    return v.error();
  else if (v->has_value())
    chain = ascii_lower(**v);
  const domain::X402Network* net = domain::find_x402_network_by_chain(chain);
  if (!net) return make_error(ErrorCode::invalid_parameter, "chain " + chain + " has no x402 USDC payments");
  const auto addr = domain::parse_evm_address_bytes(*pay_to);
  if (!addr) return make_error(ErrorCode::invalid_parameter, "pay_to is not a valid EVM address");
  const auto owner = store.find_owned_account(evm_key(*pay_to), chain);
  if (!owner) return make_error(ErrorCode::not_found, "pay_to is not an account of the emulator");
  const auto token = domain::find_token("USDC", chain);
  const auto amount = domain::parse_amount(*price, token->decimals);
  if (!amount.ok() || amount.value == 0) {
    return make_error(ErrorCode::invalid_parameter, "price must be a positive decimal amount of USDC");
  }
  domain::X402ResourceRecord res;
  const std::int64_t now = now_ms;
  res.resource_id = domain::make_id("res_", now, rng);
  res.client_id = owner->client_id;
  res.chain = chain;
  res.network = net->v1_name.empty() ? domain::caip2_of(*net) : std::string(net->v1_name);
  res.pay_to = domain::eip55_encode(*addr);
  res.amount = amount.value;
  res.created_at_ms = now;
  for (auto [name, field, fallback] :
       {std::tuple<const char*, std::string*, const char*>{"description", &res.description, ""},
        {"mime_type", &res.mime_type, "text/plain"},
        {"content", &res.content, ""}}) {
    auto v = optional_string(b, name);
    if (!v) return v.error();
    *field = v->value_or(fallback);
  }
  return res;
}

ApiResponse sandbox_create_x402_resource(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto res = make_x402_resource(s.store, s.rng, s.clock.now_ms(), *body);
  if (!res) return error_response(res.error());
  if (auto st = s.store.create_x402_resource(*res); !st) return error_response(st.error());
  JsonWriter w;
  write_resource(w, *res);
  return json_response(201, w.take());
}

ApiResponse sandbox_list_x402_resources(Services& s) {
  const auto all = s.store.list_x402_resources();
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& res : all) write_resource(w, res);
  w.end_array().field("total", static_cast<std::int64_t>(all.size())).end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_x402_resource_content(Services& s, const ApiRequest& r, std::string_view resource_id) {
  const auto res = s.store.find_x402_resource(resource_id);
  if (!res) return error_response(ErrorCode::not_found, "x402 resource not found");
  if (!r.x_payment) return payment_required(*res, "X-PAYMENT header is required");
  const auto decoded = domain::base64_decode_lenient(*r.x_payment);
  if (!decoded) return payment_required(*res, "X-PAYMENT is not base64");
  auto req = domain::parse_x402_payment(*decoded, requirements_of(*res));
  if (!req) return payment_required(*res, "invalid X-PAYMENT: " + req.error().message);
  const x402::SettleResult settled = x402::settle_payment(s, res->client_id, *req);
  if (!settled.success) return payment_required(*res, settled.reason);
  JsonWriter receipt;
  receipt.begin_object()
      .field("success", true)
      .field("transaction", settled.tx_hash)
      .field("network", settled.network)
      .field("payer", settled.payer)
      .end_object();
  ApiResponse out;
  out.status = 200;
  out.body = res->content;
  out.headers.emplace_back("Content-Type", res->mime_type);
  out.headers.emplace_back("X-PAYMENT-RESPONSE", x402::base64_std_encode(receipt.take()));
  out.headers.emplace_back("Access-Control-Expose-Headers", "X-PAYMENT-RESPONSE");
  return out;
}

}  // namespace paratro::api
