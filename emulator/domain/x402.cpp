// Parsing and verification of x402 facilitator requests (see x402.hpp). The parser reads with
// RapidJSON's iterative mode, so hostile nesting cannot exhaust the stack, and keeps every field as
// text: judging values is verify_x402's job, in one place and one order.
#include "emulator/domain/x402.hpp"

#include "emulator/crypto/ecdsa.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/number.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

namespace paratro::domain {
namespace {

using rapidjson::Value;

const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  const auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

const Value* object_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  return v != nullptr && v->IsObject() ? v : nullptr;
}

std::optional<std::string> string_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

// A decimal string as sent, or a non-negative JSON integer as its decimal text.
std::optional<std::string> numeric_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  if (v == nullptr) return std::nullopt;
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsUint64()) return std::to_string(v->GetUint64());
  return std::nullopt;
}

std::string string_or_empty(const Value& obj, const char* name) { return string_member(obj, name).value_or(""); }

X402Requirements read_requirements(const Value& obj, int version) {
  X402Requirements r;
  r.scheme = string_or_empty(obj, "scheme");
  r.network = string_or_empty(obj, "network");
  const char* primary = version == 1 ? "maxAmountRequired" : "amount";
  const char* fallback = version == 1 ? "amount" : "maxAmountRequired";
  r.amount = numeric_member(obj, primary).value_or(numeric_member(obj, fallback).value_or(""));
  r.asset = string_or_empty(obj, "asset");
  r.pay_to = string_or_empty(obj, "payTo");
  r.resource = string_or_empty(obj, "resource");
  r.description = string_or_empty(obj, "description");
  r.mime_type = string_or_empty(obj, "mimeType");
  if (const Value* t = member(obj, "maxTimeoutSeconds")) {
    if (t->IsInt64()) {
      r.max_timeout_seconds = t->GetInt64();
    } else if (t->IsString()) {
      std::int64_t v = 0;
      if (parse_digits(std::string_view(t->GetString(), t->GetStringLength()), v)) r.max_timeout_seconds = v;
    }
  }
  if (const Value* extra = object_member(obj, "extra")) {
    r.extra_name = string_or_empty(*extra, "name");
    r.extra_version = string_or_empty(*extra, "version");
  }
  return r;
}

std::optional<X402ExactPayload> read_exact_payload(const Value* payload) {
  if (payload == nullptr || !payload->IsObject()) return std::nullopt;
  const Value* auth = object_member(*payload, "authorization");
  auto signature = string_member(*payload, "signature");
  if (auth == nullptr || !signature) return std::nullopt;
  auto from = string_member(*auth, "from");
  auto to = string_member(*auth, "to");
  auto value = numeric_member(*auth, "value");
  auto valid_after = numeric_member(*auth, "validAfter");
  auto valid_before = numeric_member(*auth, "validBefore");
  auto nonce = string_member(*auth, "nonce");
  if (!from || !to || !value || !valid_after || !valid_before || !nonce) return std::nullopt;
  return X402ExactPayload{std::move(*signature),
                          X402Authorization{std::move(*from), std::move(*to), std::move(*value),
                                            std::move(*valid_after), std::move(*valid_before), std::move(*nonce)}};
}

std::optional<int> read_version(const Value& v) {
  if (!v.IsInt()) return std::nullopt;
  return v.GetInt();
}

// Fills the payload side of `out` from a PaymentPayload object (the caller set out.x402_version).
void read_payment_payload(const Value& pp, X402Request& out) {
  if (const Value* v = member(pp, "x402Version")) out.payload_version = read_version(*v).value_or(-1);
  if (out.x402_version == 1) {
    out.scheme = string_or_empty(pp, "scheme");
    out.network = string_or_empty(pp, "network");
  } else if (const Value* accepted = object_member(pp, "accepted")) {
    out.scheme = string_or_empty(*accepted, "scheme");
    out.network = string_or_empty(*accepted, "network");
  }
  if (const Value* resource = object_member(pp, "resource")) out.resource_url = string_or_empty(*resource, "url");
  out.payload = read_exact_payload(member(pp, "payload"));
}

Result<rapidjson::Document> parse_json_object(std::string_view text, const char* what) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return make_error(ErrorCode::invalid_parameter, std::string(what) + " must be a JSON object");
  }
  return doc;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "0x" followed by an even number of hex digits.
std::optional<crypto::Bytes> parse_hex_bytes(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  return crypto::from_hex(text.substr(2));
}

}  // namespace

Result<X402Request> parse_x402_request(std::string_view body) {
  auto doc = parse_json_object(body, "request body");
  if (!doc) return doc.error();
  const Value& root = *doc;

  X402Request out;
  const Value* version = member(root, "x402Version");
  const auto v = version != nullptr ? read_version(*version) : std::nullopt;
  if (!v || (*v != 1 && *v != 2)) {
    return make_error(ErrorCode::invalid_parameter, "x402Version must be 1 or 2");
  }
  out.x402_version = *v;
  const Value* pp = object_member(root, "paymentPayload");
  if (pp == nullptr) return make_error(ErrorCode::invalid_parameter, "paymentPayload must be an object");
  read_payment_payload(*pp, out);

  const Value* req = member(root, "paymentRequirements");
  if (req != nullptr && !req->IsNull()) {
    if (req->IsObject()) out.requirements = read_requirements(*req, out.x402_version);
  } else if (out.x402_version == 2) {
    if (const Value* accepted = object_member(*pp, "accepted")) {
      out.requirements = read_requirements(*accepted, 2);
      out.requirements_from_accepted = true;
    }
  }
  if (out.resource_url.empty() && out.requirements) out.resource_url = out.requirements->resource;
  return out;
}

Result<X402Request> parse_x402_payment(std::string_view payment_payload_json, const X402Requirements& requirements) {
  auto doc = parse_json_object(payment_payload_json, "payment payload");
  if (!doc) return doc.error();
  const Value* version = member(*doc, "x402Version");
  const auto v = version != nullptr ? read_version(*version) : std::nullopt;
  if (!v || (*v != 1 && *v != 2)) {
    return make_error(ErrorCode::invalid_parameter, "x402Version must be 1 or 2");
  }
  X402Request out;
  out.x402_version = *v;
  read_payment_payload(*doc, out);
  out.requirements = requirements;
  if (out.resource_url.empty()) out.resource_url = requirements.resource;
  return out;
}

X402Verification verify_x402(const X402Request& request, std::int64_t now_unix_s, const X402LedgerView& ledger) {
  X402Verification out;
  const auto fail = [&out](std::string_view reason) -> X402Verification& {
    out.is_valid = false;
    out.invalid_reason = reason;
    return out;
  };

  // 0. versions and requirements
  if (request.payload_version && *request.payload_version != request.x402_version) {
    return fail(x402_reason::invalid_x402_version);
  }
  if (!request.requirements) return fail(x402_reason::invalid_payment_requirements);
  const X402Requirements& req = *request.requirements;

  // 1. scheme
  if (request.scheme != req.scheme) return fail(x402_reason::invalid_scheme);
  if (request.scheme != "exact") return fail(x402_reason::unsupported_scheme);

  // 2. network (and the asset it implies)
  if (request.network != req.network) return fail(x402_reason::invalid_network);
  const X402Network* network = find_x402_network(request.network);
  if (network == nullptr) return fail(x402_reason::invalid_network);
  out.network = network;
  if (!iequals(req.asset, network->usdc.verifying_contract)) return fail(x402_reason::invalid_payment_requirements);

  // 3. payload shape
  if (!request.payload) return fail(x402_reason::invalid_payload);
  const X402ExactPayload& payload = *request.payload;
  const X402Authorization& a = payload.authorization;
  out.payer = a.from;
  const auto signature = parse_hex_bytes(payload.signature);
  const auto from = parse_evm_address_bytes(a.from);
  const auto to = parse_evm_address_bytes(a.to);
  const auto value = parse_uint256(a.value);
  const auto valid_after = parse_uint256(a.valid_after);
  const auto valid_before = parse_uint256(a.valid_before);
  const auto nonce = parse_bytes32(a.nonce);
  if (!signature || signature->empty() || !from || !to || !value || !valid_after || !valid_before || !nonce) {
    return fail(x402_reason::invalid_payload);
  }
  out.authorization = TransferAuthorization{*from, *to, *value, *valid_after, *valid_before, *nonce};
  out.from_address = eip55_encode(*from);
  out.to_address = eip55_encode(*to);
  out.nonce_hex = hex0x(*nonce);
  out.amount = to_amount(*value);
  out.digest = transfer_with_authorization_digest(network->usdc, out.authorization);

  // 4. recipient
  if (!iequals(a.to, req.pay_to)) return fail(x402_reason::recipient_mismatch);

  // 5. value
  const auto required = parse_uint256(req.amount);
  if (!required) return fail(x402_reason::invalid_payment_requirements);
  if (*value != *required) return fail(x402_reason::value_mismatch);

  // 6-7. validity window on the virtual clock
  const std::uint64_t now = now_unix_s < 0 ? 0 : static_cast<std::uint64_t>(now_unix_s);
  if (*valid_before < uint256_from_u64(now + kX402ValidBeforeMarginSeconds)) return fail(x402_reason::valid_before);
  if (*valid_after > uint256_from_u64(now)) return fail(x402_reason::valid_after);

  // 8. signature
  if (signature->size() != 65) return fail(x402_reason::invalid_signature);
  crypto::Scalar32 r{}, s{};
  std::copy(signature->begin(), signature->begin() + 32, r.begin());
  std::copy(signature->begin() + 32, signature->begin() + 64, s.begin());
  std::uint8_t v = (*signature)[64];
  if (v == 0 || v == 1) v = static_cast<std::uint8_t>(v + 27);
  const auto pub = crypto::recover_public_key(out.digest, r, s, v, crypto::HighS::reject);
  if (!pub || evm_address(*pub) != out.from_address) return fail(x402_reason::invalid_signature);

  // 9. nonce
  if (ledger.nonce_used(*network, out.from_address, out.nonce_hex)) return fail(x402_reason::nonce_already_used);

  // 10. balance of emulator payers
  if (!network->verify_only) {
    if (const auto balance = ledger.payer_balance(*network, out.from_address)) {
      if (!out.amount || *balance < *out.amount) return fail(x402_reason::insufficient_funds);
    }
  }

  out.is_valid = true;
  out.invalid_reason = {};
  return out;
}

}  // namespace paratro::domain
