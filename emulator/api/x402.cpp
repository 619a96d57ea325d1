// The x402 facilitator endpoints (POST /api/v1/x402/verify, /settle; GET /x402/settle/{tx_id},
// /x402/settlements), the 2026-04 signing endpoint (POST /x402/sign, GET /x402/sign/{tx_id}) and
// the control plane's paid resources. Shapes follow the gateway as the 1.8 SDKs decode it
// (shared/gateway/sdk-1.8.md §2): camelCase facilitator keys, `signature_v` and `valid_before`
// integers, optional fields absent rather than null. Protocol failures are HTTP 200 with
// `isValid:false` / `success:false` and an x402 reason; only a malformed envelope is a 400.
#include <rapidjson/document.h>

#include <algorithm>
#include <limits>

#include "emulator/api/handlers.hpp"
#include "emulator/api/idempotency.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/chain/lifecycle.hpp"
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
using domain::X402SettlementRecord;

namespace {

constexpr std::int64_t kResourceMaxTimeoutSeconds = 300;

std::string evm_key(std::string_view address) { return domain::address_key(domain::ChainFamily::evm, address); }

// The emulator's ledger as verify_x402 sees it, for the authorization `nonce` (a sign lock of that
// very nonce counts as spendable: settling it consumes the lock).
class StoreLedger final : public domain::X402LedgerView {
 public:
  StoreLedger(store::Store& store, std::string nonce) : store_(store), nonce_(std::move(nonce)) {}
  bool nonce_used(const domain::X402Network& network, std::string_view from, std::string_view nonce) const override {
    return store_.x402_nonce_used(static_cast<std::int64_t>(network.chain_id), evm_key(from), ascii_lower(std::string(nonce)));
  }
  std::optional<domain::Amount> payer_balance(const domain::X402Network& network, std::string_view from) const override {
    return store_.x402_payer_balance(network.chain, static_cast<std::int64_t>(network.chain_id), evm_key(from), nonce_);
  }

 private:
  store::Store& store_;
  std::string nonce_;
};

domain::X402Verification verify(Services& s, const domain::X402Request& req) {
  std::string nonce = req.payload ? ascii_lower(req.payload->authorization.nonce) : std::string();
  StoreLedger ledger(s.store, std::move(nonce));
  return domain::verify_x402(req, s.clock.now_ms() / 1000, ledger);
}

std::int64_t clamp_i64(const domain::Uint256& v) {
  const auto amount = domain::to_amount(v);
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (!amount || *amount > static_cast<domain::Amount>(max)) return max;
  return static_cast<std::int64_t>(*amount);
}

struct SettleResult {
  bool success = false;
  std::string reason;  // errorReason when !success
  std::string tx_id, tx_hash, payer, network;
};

// Verifies again and, when valid, records the settlement and broadcasts its X402_SETTLE
// transaction for `client_id`.
SettleResult settle_payment(Services& s, const std::string& client_id, const domain::X402Request& req) {
  SettleResult out;
  out.network = req.network;
  const auto v = verify(s, req);
  out.payer = v.payer;
  if (!v.is_valid) {
    out.reason = std::string(v.invalid_reason);
    return out;
  }
  const domain::X402Network& net = *v.network;
  const chain::ChainParams* params = net.verify_only ? nullptr : s.scheduler.chains().find(net.chain);
  const auto token = domain::find_token("USDC", net.chain);
  if (!params || !token) {
    out.reason = std::string(domain::x402_reason::invalid_network);  // a verify-only testnet: no chain to settle on
    return out;
  }
  if (!v.amount) {
    out.reason = std::string(domain::x402_reason::invalid_payload);  // beyond the ledger's ceiling
    return out;
  }
  const std::int64_t now = s.clock.now_ms();
  X402SettlementRecord rec;
  rec.tx_id = domain::make_id("tx_", now, s.rng);
  rec.client_id = client_id;
  rec.kind = "SETTLE";
  rec.chain = std::string(net.chain);
  rec.network = req.network;
  rec.chain_id = static_cast<std::int64_t>(net.chain_id);
  rec.from_address = v.from_address;
  rec.from_key = evm_key(v.from_address);
  rec.to_address = v.to_address;
  rec.to_key = evm_key(v.to_address);
  rec.amount = *v.amount;
  rec.decimals = static_cast<int>(token->decimals);
  rec.nonce = v.nonce_hex;
  rec.eip712_hash = domain::hex0x(v.digest);
  const std::string sig = ascii_lower(req.payload->signature);
  rec.signature_r = "0x" + sig.substr(2, 64);
  rec.signature_s = "0x" + sig.substr(66, 64);
  rec.signature_v = std::stoi(sig.substr(130, 2), nullptr, 16);
  if (rec.signature_v < 27) rec.signature_v += 27;
  rec.valid_after = clamp_i64(v.authorization.valid_after);
  rec.valid_before = clamp_i64(v.authorization.valid_before);
  rec.signed_by = "EXTERNAL";
  rec.status = "PROCESSING";
  rec.created_at_ms = rec.updated_at_ms = now;

  domain::TransactionRecord tx;
  tx.created_at_ms = tx.updated_at_ms = now;
  tx.required_confirmations = params->confirmations;
  chain::broadcast(tx, now, s.scheduler.chains(), *params, s.rng);
  auto settled = s.store.settle_x402(std::move(rec), std::move(tx));
  if (!settled.error_reason.empty()) {
    out.reason = settled.error_reason;
    return out;
  }
  out.success = true;
  out.tx_id = settled.tx.tx_id;
  out.tx_hash = settled.tx.tx_hash;
  out.payer = settled.record.from_address;
  return out;
}

std::string settle_body(const SettleResult& r) {
  JsonWriter w;
  w.begin_object().field("success", r.success);
  if (r.success) w.field("txId", r.tx_id);
  w.field("transaction", r.success ? r.tx_hash : std::string());
  if (!r.success) w.field("errorReason", r.reason);
  if (!r.payer.empty()) w.field("payer", r.payer);
  w.field("network", r.network);
  w.end_object();
  return w.take();
}

// The sign reply (POST and GET /x402/sign): the gateway's fields plus the x402 exact payload it
// amounts to, so a buyer can put it in an X-PAYMENT header as it is.
std::string sign_body(const X402SettlementRecord& r) {
  JsonWriter w;
  w.begin_object()
      .field("tx_id", r.tx_id)
      .field("status", r.status)
      .field("nonce", r.nonce)
      .field("eip712_hash", r.eip712_hash)
      .field("signature_v", r.signature_v)
      .field("signature_r", r.signature_r)
      .field("signature_s", r.signature_s)
      .field("valid_after", r.valid_after)
      .field("valid_before", r.valid_before);
  char v[3];
  std::snprintf(v, sizeof v, "%02x", r.signature_v & 0xff);
  w.field("network", r.network)
      .field("signature", r.signature_r + r.signature_s.substr(2) + v);
  w.key("authorization").begin_object()
      .field("from", r.from_address)
      .field("to", r.to_address)
      .field("value", domain::to_base_units_string(r.amount))
      .field("validAfter", std::to_string(r.valid_after))
      .field("validBefore", std::to_string(r.valid_before))
      .field("nonce", r.nonce)
      .end_object();
  w.end_object();
  return w.take();
}

void write_settlement(JsonWriter& w, const X402SettlementRecord& r) {
  w.begin_object()
      .field("tx_id", r.tx_id)
      .field("chain", r.chain)
      .field("from_address", r.from_address)
      .field("to_address", r.to_address)
      .field("amount", domain::format_amount(r.amount, static_cast<unsigned>(r.decimals)))
      .field("status", r.status)
      .field("valid_before", r.valid_before)
      .field("signature_v", r.signature_v)
      .field("signature_r", r.signature_r)
      .field("signature_s", r.signature_s)
      .field("created_at", domain::format_rfc3339(r.created_at_ms))
      .end_object();
}

// A JSON integer or a decimal string of one, >= 0.
std::optional<std::int64_t> unix_seconds(const rapidjson::Value& v) {
  if (v.IsInt64()) return v.GetInt64() >= 0 ? std::optional<std::int64_t>(v.GetInt64()) : std::nullopt;
  if (!v.IsString()) return std::nullopt;
  const auto n = domain::parse_uint256(std::string_view(v.GetString(), v.GetStringLength()));
  if (!n) return std::nullopt;
  const std::int64_t out = clamp_i64(*n);
  return out == std::numeric_limits<std::int64_t>::max() ? std::nullopt : std::optional<std::int64_t>(out);
}

ApiResponse invalid(std::string message) { return error_response(ErrorCode::invalid_parameter, std::move(message)); }

// Standard base64 (x402's X-PAYMENT / X-PAYMENT-RESPONSE), padded.
std::string base64_std_encode(std::string_view bytes) {
  std::string out = domain::base64url_encode(bytes);
  for (char& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

}  // namespace

ApiResponse x402_sign(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  const rapidjson::Value& b = *body;
  std::string fields[4];
  const char* names[4] = {"from_address", "to_address", "chain", "amount"};
  for (int i = 0; i < 4; ++i) {
    auto v = required_string(b, names[i]);
    if (!v) return error_response(v.error());
    fields[i] = *v;
  }
  if (auto scheme = optional_string(b, "scheme"); !scheme) {
    return error_response(scheme.error());
  } else if (scheme->has_value() && **scheme != "exact") {
    return invalid("scheme " + **scheme + " is not supported by the emulator (only exact: ERC-3009 transferWithAuthorization)");
  }
  const domain::X402Network* net = domain::find_x402_network_by_chain(ascii_lower(fields[2]));
  if (!net) return invalid("chain " + fields[2] + " has no x402 USDC payments (base, ethereum, polygon, arbitrum, avalanche)");
  const auto from = domain::parse_evm_address_bytes(fields[0]);
  if (!from) return error_response(ErrorCode::invalid_address, "from_address is not a valid EVM address");
  const auto to = domain::parse_evm_address_bytes(fields[1]);
  if (!to) return error_response(ErrorCode::invalid_address, "to_address is not a valid EVM address");
  auto vb_it = b.FindMember("valid_before");
  if (vb_it == b.MemberEnd() || vb_it->value.IsNull()) return invalid("valid_before is required");
  const auto valid_before = unix_seconds(vb_it->value);
  if (!valid_before || *valid_before == 0) return invalid("valid_before must be a positive integer (unix seconds)");
  std::int64_t valid_after = 0;
  if (auto va = b.FindMember("valid_after"); va != b.MemberEnd() && !va->value.IsNull()) {
    const auto parsed = unix_seconds(va->value);
    if (!parsed) return invalid("valid_after must be a non-negative integer (unix seconds)");
    valid_after = *parsed;
  }
  if (valid_after >= *valid_before) return invalid("valid_after must be less than valid_before");
  const std::int64_t now = s.clock.now_ms();
  if (*valid_before <= now / 1000) return invalid("valid_before must be in the future");

  const std::string chain(net->chain);
  const std::string from_key = evm_key(fields[0]);
  const auto asset = s.store.find_client_asset(c.client_id, from_key, chain, "USDC");
  if (!asset) return error_response(ErrorCode::not_found, "No USDC asset found for from_address on " + chain);
  const auto parsed = domain::parse_amount(fields[3], static_cast<unsigned>(asset->decimals));
  if (parsed.error == domain::AmountError::too_many_decimals) {
    return invalid("amount has more decimal places than USDC supports (" + std::to_string(asset->decimals) + ")");
  }
  if (!parsed.ok()) return invalid("amount is not a valid decimal string");
  if (parsed.value == 0) return invalid("amount must be greater than 0");
  const auto keys = s.store.wallet_keys(asset->wallet_id);
  if (!keys || keys->secp256k1_secret.size() != 32) return error_response(ErrorCode::internal_error, "wallet key unavailable");
  crypto::Scalar32 secret{};
  std::copy(keys->secp256k1_secret.begin(), keys->secp256k1_secret.end(), secret.begin());
  const auto auth = domain::make_transfer_authorization(*from, *to, parsed.value, static_cast<std::uint64_t>(valid_after),
                                                        static_cast<std::uint64_t>(*valid_before), s.rng);
  const auto signed_auth = domain::sign_transfer_authorization(net->usdc, auth, secret);
  if (!signed_auth) return error_response(ErrorCode::internal_error, "wallet key is not a secp256k1 key");

  X402SettlementRecord rec;
  rec.tx_id = domain::make_id("tx_", now, s.rng);
  rec.client_id = c.client_id;
  rec.kind = "SIGN";
  rec.chain = chain;
  rec.network = net->v1_name.empty() ? domain::caip2_of(*net) : std::string(net->v1_name);
  rec.chain_id = static_cast<std::int64_t>(net->chain_id);
  rec.from_address = domain::eip55_encode(*from);
  rec.from_key = from_key;
  rec.to_address = domain::eip55_encode(*to);
  rec.to_key = evm_key(fields[1]);
  rec.amount = parsed.value;
  rec.decimals = asset->decimals;
  rec.nonce = domain::hex0x(auth.nonce);
  rec.eip712_hash = domain::hex0x(signed_auth->digest);
  rec.signature_v = signed_auth->signature.v;
  rec.signature_r = domain::hex0x(signed_auth->signature.r);
  rec.signature_s = domain::hex0x(signed_auth->signature.s);
  rec.valid_after = valid_after;
  rec.valid_before = *valid_before;
  rec.signed_by = "PARATRO";
  rec.status = "X402_SIGNED";
  rec.locked = parsed.value;
  rec.payer_owned = true;
  rec.expires_at_ms = *valid_before * 1000;
  rec.created_at_ms = rec.updated_at_ms = now;
  if (auto st = s.store.create_x402_authorization(rec); !st) return error_response(st.error());
  return json_response(200, sign_body(rec));
}

ApiResponse x402_get_sign(Services& s, const Caller& c, std::string_view tx_id) {
  auto rec = s.store.find_x402_settlement(c.client_id, tx_id);
  if (!rec || rec->kind != "SIGN") return error_response(ErrorCode::not_found, "x402 signing request not found");
  return json_response(200, sign_body(*rec));
}

ApiResponse x402_verify(Services& s, const ApiRequest& r, const Caller& /*c*/) {
  auto req = domain::parse_x402_request(r.body);
  if (!req) return error_response(req.error());
  const auto v = verify(s, *req);
  JsonWriter w;
  w.begin_object().field("isValid", v.is_valid);
  if (!v.is_valid) w.field("invalidReason", v.invalid_reason);
  if (!v.payer.empty()) w.field("payer", v.payer);
  w.end_object();
  return json_response(200, w.take());
}

ApiResponse x402_settle(Services& s, const ApiRequest& r, const Caller& c) {
  return with_idempotency(s, r, c, "/api/v1/x402/settle", [&] {
    auto req = domain::parse_x402_request(r.body);
    if (!req) return error_response(req.error());
    return json_response(200, settle_body(settle_payment(s, c.client_id, *req)));
  });
}

ApiResponse x402_get_settle(Services& s, const Caller& c, std::string_view tx_id) {
  auto rec = s.store.find_x402_settlement(c.client_id, tx_id);
  if (!rec || rec->kind != "SETTLE") return error_response(ErrorCode::not_found, "x402 settlement not found");
  auto tx = s.store.find_transaction(c.client_id, tx_id);
  if (!tx) return error_response(ErrorCode::not_found, "x402 settlement not found");
  JsonWriter w;
  w.begin_object()
      .field("success", tx->status != domain::TxStatus::failed)
      .field("txId", tx->tx_id)
      .field("status", domain::to_string(tx->status))
      .field("txHash", tx->tx_hash)
      .field("network", tx->chain)
      .end_object();
  return json_response(200, w.take());
}

ApiResponse x402_list_settlements(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  const std::string* status = r.query_param("status");
  return page_response(s.store.list_x402_settlements(c.client_id, status ? ascii_upper(*status) : std::string(), *page),
                       write_settlement);
}

// ---- paid resources (control plane)

namespace {

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
  if (auto v = optional_string(b, "chain"); !v) return v.error();
  else if (v->has_value()) chain = ascii_lower(**v);
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
  for (auto [name, field, fallback] : {std::tuple<const char*, std::string*, const char*>{"description", &res.description, ""},
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
  const SettleResult settled = settle_payment(s, res->client_id, *req);
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
  out.headers.emplace_back("X-PAYMENT-RESPONSE", base64_std_encode(receipt.take()));
  out.headers.emplace_back("Access-Control-Expose-Headers", "X-PAYMENT-RESPONSE");
  return out;
}

}  // namespace paratro::api
