// The x402 facilitator endpoints (POST /api/v1/x402/verify, /settle; GET /x402/settle/{tx_id},
// /x402/settlements) and the 2026-04 signing endpoint (POST /x402/sign, GET /x402/sign/{tx_id});
// the settlement step itself is in x402_settlement.cpp. Shapes follow the gateway as the 1.8 SDKs decode it
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
#include "emulator/api/x402_settlement.hpp"
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
using x402::clamp_i64;
using x402::evm_key;
using x402::settle_payment;
using x402::SettleResult;

namespace {

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
      .field("status", domain::to_string(r.status))
      .field("nonce", r.nonce)
      .field("eip712_hash", r.eip712_hash)
      .field("signature_v", r.signature_v)
      .field("signature_r", r.signature_r)
      .field("signature_s", r.signature_s)
      .field("valid_after", r.valid_after)
      .field("valid_before", r.valid_before);
  char v[3];
  std::snprintf(v, sizeof v, "%02x", r.signature_v & 0xff);
  w.field("network", r.network).field("signature", r.signature_r + r.signature_s.substr(2) + v);
  w.key("authorization")
      .begin_object()
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
      .field("status", domain::to_string(r.status))
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
    return invalid("scheme " + **scheme +
                   " is not supported by the emulator (only exact: ERC-3009 transferWithAuthorization)");
  }
  const domain::X402Network* net = domain::find_x402_network_by_chain(ascii_lower(fields[2]));
  if (!net)
    return invalid("chain " + fields[2] + " has no x402 USDC payments (base, ethereum, polygon, arbitrum, avalanche)");
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
  if (!keys || keys->secp256k1_secret.size() != 32)
    return error_response(ErrorCode::internal_error, "wallet key unavailable");
  crypto::Scalar32 secret{};
  std::copy(keys->secp256k1_secret.begin(), keys->secp256k1_secret.end(), secret.begin());
  const auto auth =
      domain::make_transfer_authorization(*from, *to, parsed.value, static_cast<std::uint64_t>(valid_after),
                                          static_cast<std::uint64_t>(*valid_before), s.rng);
  const auto signed_auth = domain::sign_transfer_authorization(net->usdc, auth, secret);
  if (!signed_auth) return error_response(ErrorCode::internal_error, "wallet key is not a secp256k1 key");

  X402SettlementRecord rec;
  rec.tx_id = domain::make_id("tx_", now, s.rng);
  rec.client_id = c.client_id;
  rec.kind = domain::X402Kind::sign;
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
  rec.signed_by = domain::X402Signer::paratro;
  rec.status = domain::X402Status::signed_;
  rec.locked = parsed.value;
  rec.payer_owned = true;
  rec.expires_at_ms = *valid_before * 1000;
  rec.created_at_ms = rec.updated_at_ms = now;
  if (auto st = s.store.create_x402_authorization(rec); !st) return error_response(st.error());
  return json_response(200, sign_body(rec));
}

ApiResponse x402_get_sign(Services& s, const Caller& c, std::string_view tx_id) {
  auto rec = s.store.find_x402_settlement(c.client_id, tx_id);
  if (!rec || rec->kind != domain::X402Kind::sign)
    return error_response(ErrorCode::not_found, "x402 signing request not found");
  return json_response(200, sign_body(*rec));
}

ApiResponse x402_verify(Services& s, const ApiRequest& r, const Caller& /*c*/) {
  auto req = domain::parse_x402_request(r.body);
  if (!req) return error_response(req.error());
  const auto v = x402::verify_payment(s, *req);
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
  if (!rec || rec->kind != domain::X402Kind::settle)
    return error_response(ErrorCode::not_found, "x402 settlement not found");
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
  std::optional<domain::X402Status> filter;
  if (const std::string* status = r.query_param("status"); status && !status->empty()) {
    filter = domain::parse_enum<domain::X402Status>(ascii_upper(*status));
    // A state no record is ever in (the contract also lists PENDING) matches nothing.
    if (!filter) return page_response(domain::Page<X402SettlementRecord>{}, write_settlement);
  }
  return page_response(s.store.list_x402_settlements(c.client_id, filter, *page), write_settlement);
}

}  // namespace paratro::api
