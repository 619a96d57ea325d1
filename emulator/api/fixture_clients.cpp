// The fixture loader's clients (fixture_loader.hpp): credentials, webhook, API version, operations
// policy and whitelist setting, security factors, x402 settlement history, and the paid resources.
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>

#include "emulator/api/fixture_loader.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/x402_typed_data.hpp"

namespace paratro::api::fixture_detail {

void Loader::client(const Value& obj, const std::string& path) {
  if (!obj.IsObject()) return error(path, "must be an object");
  ++out_.counts.clients;
  known_fields(obj, path,
               {"client_id", "client_name", "api_key", "api_secret", "status", "subscription_tier", "max_wallets",
                "rate_limit_per_second", "webhook", "api_version", "operations_policy", "require_whitelist",
                "security_factors", "wallets", "x402_settlements"});
  std::optional<std::string> name, key, secret, tier;
  bool ok = get_string(obj, path, "client_name", name, true, kMaxClientName);
  ok &= get_string(obj, path, "api_key", key, true, kMaxCredential) && credential(path + ".api_key", *key);
  ok &= get_string(obj, path, "api_secret", secret, true, kMaxCredential) && credential(path + ".api_secret", *secret);
  if (ok && key) ok &= unique(api_keys_, *key, path + ".api_key", "api_key");
  std::string status = "ACTIVE";
  ok &= get_enum(obj, path, "status", status, {"ACTIVE", "SUSPENDED"}, false);
  ok &= get_string(obj, path, "subscription_tier", tier, false, kMaxTier);
  std::int64_t max_wallets = ctx_.default_max_wallets, rate = 0;
  ok &= get_int(obj, path, "max_wallets", max_wallets, 0, kMaxMaxWallets);
  ok &= get_int(obj, path, "rate_limit_per_second", rate, 0, 1'000'000);
  std::string client_id;
  ok &= get_id(obj, path, "client_id", "c_", ctx_.now_ms, client_id);
  std::string webhook_url, webhook_secret;
  ok &= webhook(obj, path, webhook_url, webhook_secret);
  std::string version(domain::api_version_name(ctx_.default_api_version));
  ok &= get_enum(obj, path, "api_version", version, {"2026-04", "2026-09"}, false);
  std::string operations_policy;
  if (auto it = obj.FindMember("operations_policy"); it != obj.MemberEnd() && !it->value.IsNull()) {
    // The rules of PUT /_sandbox/clients/{id}/operations-policy.
    if (auto policy = parse_operations_policy(it->value)) {
      operations_policy = domain::encode_operations_policy(*policy);
    } else {
      error(path + ".operations_policy", policy.error().message);
      ok = false;
    }
  }
  bool require_whitelist = false;
  ok &= get_bool(obj, path, "require_whitelist", require_whitelist);

  if (ok) {
    auto c = client_record(client_id, *name, *key, *secret, max_wallets, ctx_.now_ms, ctx_.rng);
    c.status = domain::parse_enum<domain::ClientStatus>(status).value_or(domain::ClientStatus::active);
    if (tier && !tier->empty()) c.subscription_tier = *tier;
    c.rate_limit_per_second = rate;
    c.webhook_url = webhook_url;
    c.webhook_secret = webhook_secret;
    c.api_version = domain::parse_api_version(version).value_or(ctx_.default_api_version);
    c.operations_policy = operations_policy;
    ok = store(path, [&] { return ctx_.store.create_client(c); });
    if (ok && require_whitelist) {
      ok = store(path + ".require_whitelist", [&] { return ctx_.store.set_require_whitelist(client_id, true); });
    }
  }
  if (const Value* factors = get_array(obj, path, "security_factors")) {
    for (rapidjson::SizeType i = 0; i < factors->Size(); ++i) {
      security_factor((*factors)[i], path + ".security_factors[" + std::to_string(i) + "]", ok ? &client_id : nullptr);
    }
  }
  if (const Value* settlements = get_array(obj, path, "x402_settlements")) {
    for (rapidjson::SizeType i = 0; i < settlements->Size(); ++i) {
      x402_settlement((*settlements)[i], path + ".x402_settlements[" + std::to_string(i) + "]",
                      ok ? &client_id : nullptr);
    }
  }
  const Value* wallets = get_array(obj, path, "wallets");
  if (!wallets) return;
  for (rapidjson::SizeType i = 0; i < wallets->Size(); ++i) {
    wallet((*wallets)[i], path + ".wallets[" + std::to_string(i) + "]", ok ? &client_id : nullptr, max_wallets);
  }
}

bool Loader::credential(const std::string& path, const std::string& v) {
  const bool printable = std::all_of(v.begin(), v.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (!printable) error(path, "must be printable ASCII without spaces");
  return printable;
}

bool Loader::webhook(const Value& obj, const std::string& path, std::string& url, std::string& secret) {
  auto it = obj.FindMember("webhook");
  if (it == obj.MemberEnd() || it->value.IsNull()) return true;
  const std::string wpath = path + ".webhook";
  if (!it->value.IsObject()) {
    error(wpath, "must be an object");
    return false;
  }
  known_fields(it->value, wpath, {"url", "secret"});
  std::optional<std::string> u, s;
  bool ok = get_string(it->value, wpath, "url", u, true, kMaxWebhookUrl);
  ok &= get_string(it->value, wpath, "secret", s, false, kMaxWebhookSecret);
  if (!ok) return false;
  // The same rules as PUT /_sandbox/clients/{id}/webhook.
  if (auto st = check_webhook_config(*u, ""); !st) {
    error(wpath + ".url", st.error().message);
    return false;
  }
  if (auto st = check_webhook_config("", s.value_or("")); !st) {
    error(wpath + ".secret", st.error().message);
    return false;
  }
  url = *u;
  if (s && !s->empty()) {
    secret = *s;
  } else {
    secret = new_webhook_secret(ctx_.rng);
  }
  return true;
}

// An entry of a client's address whitelist or blacklist, checked as the control plane's POST
// /_sandbox/clients/{id}/security-factors checks it.
void Loader::security_factor(const Value& obj, const std::string& path, const std::string* client_id) {
  if (!obj.IsObject()) return error(path, "must be an object");
  known_fields(obj, path, {"factor_id", "factor_type", "chain", "address", "label", "reason", "status"});
  std::string type, status(domain::to_string(domain::FactorStatus::active));
  bool ok = get_enum(obj, path, "factor_type", type, {"WHITELIST", "BLACKLIST"}, true);
  ok &= get_enum(obj, path, "status", status, {"ACTIVE", "INACTIVE"}, false);
  std::optional<std::string> chain_name, address, label, reason;
  ok &= get_string(obj, path, "chain", chain_name, true, 64);
  ok &= get_string(obj, path, "address", address, true, kMaxAddress);
  ok &= get_string(obj, path, "label", label, false, kMaxLabel);
  ok &= get_string(obj, path, "reason", reason, false, kMaxFactorReason);
  std::string factor_id;
  ok &= get_id(obj, path, "factor_id", "sf_", ctx_.now_ms, factor_id);
  const domain::ChainInfo* chain = nullptr;
  if (chain_name) {
    auto resolved = resolve_chain(*chain_name);
    if (resolved)
      chain = *resolved;
    else
      ok = fail(path + ".chain", resolved.error());
  }
  std::string key;
  if (chain && address) {
    auto k = security_factor_address_key(*chain, *address);
    if (k)
      key = *k;
    else
      ok = fail(path + ".address", k.error());
  }
  if (!ok || !client_id) return;
  domain::SecurityFactorRecord f;
  f.factor_id = factor_id;
  f.client_id = *client_id;
  f.factor_type = domain::parse_enum<domain::FactorType>(type).value_or(domain::FactorType::blacklist);
  f.chain = std::string(chain->name);
  f.address = *address;
  f.address_key = key;
  f.label = label.value_or("");
  f.reason = reason.value_or("");
  f.status = domain::parse_enum<domain::FactorStatus>(status).value_or(domain::FactorStatus::active);
  f.created_at_ms = f.updated_at_ms = ctx_.now_ms;
  store(path, [&] { return ctx_.store.add_security_factor(f); });
}

// A finished x402 settlement record of the client's history (status SETTLED, FAILED, EXPIRED or
// CANCELLED; no ledger effect, no transaction). A SETTLED one's nonce counts as used.
void Loader::x402_settlement(const Value& obj, const std::string& path, const std::string* client_id) {
  if (!obj.IsObject()) return error(path, "must be an object");
  known_fields(obj, path,
               {"tx_id", "chain", "from_address", "to_address", "amount", "status", "valid_after", "valid_before",
                "nonce", "signature_v", "signature_r", "signature_s", "created_at"});
  domain::X402SettlementRecord r;
  std::string status;
  std::optional<std::string> chain, from, to, amount, nonce, sig_r, sig_s;
  bool ok = get_id(obj, path, "tx_id", "tx_", ctx_.now_ms, r.tx_id);
  ok &= get_string(obj, path, "chain", chain, true, 32);
  ok &= get_string(obj, path, "from_address", from, true, kMaxAddress);
  ok &= get_string(obj, path, "to_address", to, true, kMaxAddress);
  ok &= get_string(obj, path, "amount", amount, true, 80);
  ok &= get_enum(obj, path, "status", status, {"SETTLED", "FAILED", "EXPIRED", "CANCELLED"}, true);
  ok &= get_int(obj, path, "valid_after", r.valid_after, 0, std::numeric_limits<std::int64_t>::max());
  r.valid_before = -1;
  ok &= get_int(obj, path, "valid_before", r.valid_before, 1, std::numeric_limits<std::int64_t>::max());
  if (ok && r.valid_before < 0) {
    error(path + ".valid_before", "is required");
    ok = false;
  }
  ok &= get_string(obj, path, "nonce", nonce, false, 66);
  std::int64_t v = 0;
  ok &= get_int(obj, path, "signature_v", v, 27, 28);
  ok &= get_string(obj, path, "signature_r", sig_r, false, 66);
  ok &= get_string(obj, path, "signature_s", sig_s, false, 66);
  ok &= get_time(obj, path, "created_at", r.created_at_ms, ctx_.now_ms, 0, "load instant");
  const domain::X402Network* net = chain ? domain::find_x402_network_by_chain(ascii_lower(*chain)) : nullptr;
  if (chain && !net) {
    error(path + ".chain", "has no x402 USDC payments (base, ethereum, polygon, arbitrum, avalanche)");
    ok = false;
  }
  const auto from20 = from ? domain::parse_evm_address_bytes(*from) : std::nullopt;
  if (from && !from20)
    ok = fail(path + ".from_address", domain::make_error(domain::ErrorCode::invalid_address, "must be an EVM address"));
  const auto to20 = to ? domain::parse_evm_address_bytes(*to) : std::nullopt;
  if (to && !to20)
    ok = fail(path + ".to_address", domain::make_error(domain::ErrorCode::invalid_address, "must be an EVM address"));
  if (nonce && !domain::parse_bytes32(*nonce)) {
    error(path + ".nonce", "must be 0x followed by 64 hex digits");
    ok = false;
  }
  for (auto [field, value] :
       {std::pair<const char*, const std::optional<std::string>*>{"signature_r", &sig_r}, {"signature_s", &sig_s}}) {
    if (*value && !domain::parse_bytes32(**value)) {
      error(path + "." + field, "must be 0x followed by 64 hex digits");
      ok = false;
    }
  }
  if (amount && net) {
    const auto parsed = domain::parse_amount(*amount, 6);
    if (!parsed.ok() || parsed.value == 0) {
      error(path + ".amount", "must be a positive USDC amount with at most 6 decimals");
      ok = false;
    }
    r.amount = parsed.value;
  }
  if (!ok || !client_id) return;
  r.client_id = *client_id;
  r.kind = domain::X402Kind::history;
  r.status = domain::parse_enum<domain::X402Status>(status).value_or(domain::X402Status::settled);
  r.chain = std::string(net->chain);
  r.network = net->v1_name.empty() ? domain::caip2_of(*net) : std::string(net->v1_name);
  r.chain_id = static_cast<std::int64_t>(net->chain_id);
  r.from_address = domain::eip55_encode(*from20);
  r.from_key = domain::address_key(domain::ChainFamily::evm, *from);
  r.to_address = domain::eip55_encode(*to20);
  r.to_key = domain::address_key(domain::ChainFamily::evm, *to);
  r.decimals = 6;
  if (nonce) {
    r.nonce = domain::hex0x(*domain::parse_bytes32(*nonce));
  } else {
    domain::Bytes32 n{};
    ctx_.rng.fill(n);
    r.nonce = domain::hex0x(n);
  }
  domain::TransferAuthorization auth;
  auth.from = *from20;
  auth.to = *to20;
  auth.value = domain::uint256_from_amount(r.amount);
  auth.valid_after = domain::uint256_from_u64(static_cast<std::uint64_t>(r.valid_after));
  auth.valid_before = domain::uint256_from_u64(static_cast<std::uint64_t>(r.valid_before));
  auth.nonce = *domain::parse_bytes32(r.nonce);
  r.eip712_hash = domain::hex0x(domain::transfer_with_authorization_digest(net->usdc, auth));
  r.signature_v = static_cast<int>(v);
  r.signature_r = sig_r ? ascii_lower(*sig_r) : std::string();
  r.signature_s = sig_s ? ascii_lower(*sig_s) : std::string();
  r.signed_by = domain::X402Signer::external;
  r.updated_at_ms = r.created_at_ms;
  store(path, [&] { return ctx_.store.insert_x402_settlement(r); });
}

// A paid resource (the rules of POST /_sandbox/x402/resources), each refusal at its member.
void Loader::x402_resource(const Value& obj, const std::string& path) {
  if (!obj.IsObject()) return error(path, "must be an object");
  known_fields(obj, path, {"resource_id", "pay_to", "price", "chain", "description", "mime_type", "content"});
  std::string id;
  if (!get_id(obj, path, "resource_id", "res_", ctx_.now_ms, id)) return;
  auto res = make_x402_resource(ctx_.store, ctx_.rng, ctx_.now_ms, obj);
  if (!res) {
    const std::string& m = res.error().message;
    std::string field;
    for (const char* f : {"pay_to", "price", "chain", "description", "mime_type", "content"}) {
      if (m.rfind(f, 0) == 0) field = f;
    }
    error(field.empty() ? path : path + "." + field, m);
    return;
  }
  res->resource_id = id;
  store(path, [&] { return ctx_.store.create_x402_resource(*res); });
}

}  // namespace paratro::api::fixture_detail
