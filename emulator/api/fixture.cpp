// The fixture loader (fixture.hpp). One pass over the document: each object's fields are checked
// with the API's rules, and when they pass (and its parent was stored) the object goes into the
// store through the same repository calls the handlers use, nested in one write batch; the store's
// own refusals (wallet limit, a second account on a chain, a repeated asset) are reported at the
// object's path. Children of a refused object are still checked, so one run lists every error.
#include "emulator/api/fixture.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/x402_typed_data.hpp"
#include <limits>

namespace paratro::api {

namespace {

using rapidjson::Value;
using Fields = std::initializer_list<std::string_view>;

constexpr std::size_t kMaxCredential = 128;
constexpr std::size_t kMaxTier = 32;
constexpr std::size_t kMaxWebhookUrl = 2048;
constexpr std::size_t kMaxWebhookSecret = 128;

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// Block height at `t_ms`, extended before the chain table's epoch (history predates the first
// start), never below 1.
std::int64_t height_at(const chain::ChainTable& chains, const chain::ChainParams& c, std::int64_t t_ms) {
  const std::int64_t d = t_ms - chains.epoch();
  std::int64_t q = d / c.block_time_ms;
  if (d < 0 && d % c.block_time_ms != 0) --q;
  return std::max<std::int64_t>(1, c.base_height + q);
}

class Loader {
 public:
  Loader(const FixtureContext& ctx, FixtureResult& out) : ctx_(ctx), out_(out) {}

  void document(const Value& doc) {
    if (!doc.IsObject()) return error("$", "a fixture must be a JSON object");
    known_fields(doc, "$", {"version", "name", "description", "clients", "x402_resources"});
    if (auto it = doc.FindMember("version"); it != doc.MemberEnd() && !(it->value.IsInt() && it->value.GetInt() == 1)) {
      error("$.version", "unsupported version (this build reads version 1)");
    }
    std::optional<std::string> ignored;
    get_string(doc, "$", "name", ignored, false, 200);
    get_string(doc, "$", "description", ignored, false, kMaxDescription);
    const Value* clients = get_array(doc, "$", "clients", true);
    if (!clients) return;
    for (rapidjson::SizeType i = 0; i < clients->Size(); ++i) client((*clients)[i], "$.clients[" + std::to_string(i) + "]");
    // Paid resources last: their pay_to must be an account the clients above created.
    if (const Value* resources = get_array(doc, "$", "x402_resources")) {
      for (rapidjson::SizeType i = 0; i < resources->Size(); ++i) {
        x402_resource((*resources)[i], "$.x402_resources[" + std::to_string(i) + "]");
      }
    }
    insert_history();
  }

  void error(const std::string& path, std::string message) {
    if (out_.errors.size() < kMaxFixtureErrors) {
      out_.errors.push_back({path, std::move(message)});
    } else if (out_.errors.size() == kMaxFixtureErrors) {
      out_.errors.push_back({"$", "more errors follow; only the first " + std::to_string(kMaxFixtureErrors) + " are listed"});
    }
  }

 private:
  // ---- readers: each reports its own error at the field's path and returns false on one

  void known_fields(const Value& obj, const std::string& path, Fields allowed) {
    for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
      const std::string_view name(m->name.GetString(), m->name.GetStringLength());
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        error(path + "." + std::string(name), "unknown field");
      }
    }
  }

  bool fail(const std::string& path, const domain::Error& e) {
    error(path, e.message);
    return false;
  }

  // Absent or null: `out` stays empty, an error only when `required`. Checked against `max_chars`.
  bool get_string(const Value& obj, const std::string& path, const char* name, std::optional<std::string>& out,
                  bool required, std::size_t max_chars) {
    out.reset();
    const std::string field = path + "." + name;
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || it->value.IsNull()) {
      if (required) error(field, "is required");
      return !required;
    }
    if (!it->value.IsString()) {
      error(field, "must be a string");
      return false;
    }
    std::string v(it->value.GetString(), it->value.GetStringLength());
    if (required && v.empty()) {
      error(field, "must not be empty");
      return false;
    }
    if (auto st = check_length(name, v, max_chars); !st) return fail(field, st.error());
    out = std::move(v);
    return true;
  }

  bool get_int(const Value& obj, const std::string& path, const char* name, std::int64_t& out, std::int64_t min,
               std::int64_t max) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsInt64() || it->value.GetInt64() < min || it->value.GetInt64() > max) {
      error(path + "." + name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
      return false;
    }
    out = it->value.GetInt64();
    return true;
  }

  bool get_bool(const Value& obj, const std::string& path, const char* name, bool& out) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsBool()) {
      error(path + "." + name, "must be true or false");
      return false;
    }
    out = it->value.GetBool();
    return true;
  }

  const Value* get_array(const Value& obj, const std::string& path, const char* name, bool required = false) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || it->value.IsNull()) {
      if (required) error(path + "." + name, "is required");
      return nullptr;
    }
    if (!it->value.IsArray()) {
      error(path + "." + name, "must be an array");
      return nullptr;
    }
    return &it->value;
  }

  bool get_enum(const Value& obj, const std::string& path, const char* name, std::string& out, Fields allowed,
                bool required) {
    std::optional<std::string> v;
    if (!get_string(obj, path, name, v, required, 32)) return false;
    if (!v) return true;
    if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(path + "." + name, "must be one of " + list + ", got " + quoted(*v));
      return false;
    }
    out = *v;
    return true;
  }

  // RFC 3339 ("2026-01-15T10:40:00Z") or a negative ISO 8601 duration before the load instant
  // ("-P14DT2H"). Absent: `fallback`. Must lie in [not_before, now].
  bool get_time(const Value& obj, const std::string& path, const char* name, std::int64_t& out, std::int64_t fallback,
                std::int64_t not_before, std::string_view parent, bool required = false) {
    std::optional<std::string> text;
    if (!get_string(obj, path, name, text, required, 64)) return false;
    const std::string field = path + "." + name;
    if (!text) {
      out = fallback;
      return true;
    }
    std::optional<std::int64_t> t;
    if (!text->empty() && (*text)[0] == '-') {
      if (auto d = domain::parse_duration_ms(std::string_view(*text).substr(1))) t = ctx_.now_ms - *d;
    } else {
      t = domain::parse_rfc3339_ms(*text);
    }
    if (!t) {
      error(field, "must be an RFC 3339 time such as 2026-01-15T10:40:00Z or a negative duration such as -P14DT2H");
      return false;
    }
    if (*t > ctx_.now_ms) {
      error(field, "is in the future (the load instant is " + domain::format_rfc3339(ctx_.now_ms) + ")");
      return false;
    }
    if (*t < not_before) {
      error(field, "is before the " + std::string(parent) + "'s created_at (" + domain::format_rfc3339(not_before) + ")");
      return false;
    }
    out = *t;
    return true;
  }

  // A pinned id (checked: prefix, length, characters, unique in the fixture) or a fresh one.
  bool get_id(const Value& obj, const std::string& path, const char* name, std::string_view prefix, std::int64_t at_ms,
              std::string& out) {
    std::optional<std::string> v;
    if (!get_string(obj, path, name, v, false, kMaxId)) return false;
    const std::string field = path + "." + name;
    if (!v) {
      out = domain::make_id(prefix, at_ms, ctx_.rng);
      return true;
    }
    const bool chars_ok = std::all_of(v->begin(), v->end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-';
    });
    if (v->size() <= prefix.size() || v->compare(0, prefix.size(), prefix) != 0 || !chars_ok) {
      error(field, "must start with " + quoted(prefix) + " followed by letters, digits, '_' or '-'");
      return false;
    }
    if (!unique(ids_, *v, field, "id")) return false;
    out = *v;
    return true;
  }

  bool unique(std::map<std::string, std::string>& seen, const std::string& key, const std::string& path,
              std::string_view what) {
    auto [it, inserted] = seen.emplace(key, path);
    if (!inserted) {
      error(path, "duplicate " + std::string(what) + " (also at " + it->second + ")");
      return false;
    }
    return true;
  }

  // A repository call's refusal, at the object's path. Store failures (a corrupt database) too.
  template <typename Op>
  bool store(const std::string& path, Op op) {
    try {
      if (auto st = op(); !st) return fail(path, st.error());
      return true;
    } catch (const std::exception& e) {
      error(path, std::string("database error: ") + e.what());
      return false;
    }
  }

  // ---- the objects

  void client(const Value& obj, const std::string& path) {
    if (!obj.IsObject()) return error(path, "must be an object");
    ++out_.counts.clients;
    known_fields(obj, path, {"client_id", "client_name", "api_key", "api_secret", "status", "subscription_tier",
                             "max_wallets", "rate_limit_per_second", "webhook", "api_version", "operations_policy",
                             "require_whitelist", "security_factors", "wallets", "x402_settlements"});
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
      c.status = status;
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
        x402_settlement((*settlements)[i], path + ".x402_settlements[" + std::to_string(i) + "]", ok ? &client_id : nullptr);
      }
    }
    const Value* wallets = get_array(obj, path, "wallets");
    if (!wallets) return;
    for (rapidjson::SizeType i = 0; i < wallets->Size(); ++i) {
      wallet((*wallets)[i], path + ".wallets[" + std::to_string(i) + "]", ok ? &client_id : nullptr, max_wallets);
    }
  }

  // An entry of a client's address whitelist or blacklist, checked as the control plane's POST
  // /_sandbox/clients/{id}/security-factors checks it.
  void security_factor(const Value& obj, const std::string& path, const std::string* client_id) {
    if (!obj.IsObject()) return error(path, "must be an object");
    known_fields(obj, path, {"factor_id", "factor_type", "chain", "address", "label", "reason", "status"});
    std::string type, status(domain::kFactorActive);
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
      if (resolved) chain = *resolved; else ok = fail(path + ".chain", resolved.error());
    }
    std::string key;
    if (chain && address) {
      auto k = security_factor_address_key(*chain, *address);
      if (k) key = *k; else ok = fail(path + ".address", k.error());
    }
    if (!ok || !client_id) return;
    domain::SecurityFactorRecord f;
    f.factor_id = factor_id;
    f.client_id = *client_id;
    f.factor_type = type;
    f.chain = std::string(chain->name);
    f.address = *address;
    f.address_key = key;
    f.label = label.value_or("");
    f.reason = reason.value_or("");
    f.status = status;
    f.created_at_ms = f.updated_at_ms = ctx_.now_ms;
    store(path, [&] { return ctx_.store.add_security_factor(f); });
  }

  // A finished x402 settlement record of the client's history (status SETTLED, FAILED, EXPIRED or
  // CANCELLED; no ledger effect, no transaction). A SETTLED one's nonce counts as used.
  void x402_settlement(const Value& obj, const std::string& path, const std::string* client_id) {
    if (!obj.IsObject()) return error(path, "must be an object");
    known_fields(obj, path, {"tx_id", "chain", "from_address", "to_address", "amount", "status", "valid_after",
                             "valid_before", "nonce", "signature_v", "signature_r", "signature_s", "created_at"});
    domain::X402SettlementRecord r;
    std::optional<std::string> chain, from, to, amount, nonce, sig_r, sig_s;
    bool ok = get_id(obj, path, "tx_id", "tx_", ctx_.now_ms, r.tx_id);
    ok &= get_string(obj, path, "chain", chain, true, 32);
    ok &= get_string(obj, path, "from_address", from, true, kMaxAddress);
    ok &= get_string(obj, path, "to_address", to, true, kMaxAddress);
    ok &= get_string(obj, path, "amount", amount, true, 80);
    ok &= get_enum(obj, path, "status", r.status, {"SETTLED", "FAILED", "EXPIRED", "CANCELLED"}, true);
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
    if (from && !from20) ok = fail(path + ".from_address", domain::make_error(domain::ErrorCode::invalid_address, "must be an EVM address"));
    const auto to20 = to ? domain::parse_evm_address_bytes(*to) : std::nullopt;
    if (to && !to20) ok = fail(path + ".to_address", domain::make_error(domain::ErrorCode::invalid_address, "must be an EVM address"));
    if (nonce && !domain::parse_bytes32(*nonce)) {
      error(path + ".nonce", "must be 0x followed by 64 hex digits");
      ok = false;
    }
    for (auto [field, value] : {std::pair<const char*, const std::optional<std::string>*>{"signature_r", &sig_r},
                                {"signature_s", &sig_s}}) {
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
    r.kind = "HISTORY";
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
    r.signed_by = "EXTERNAL";
    r.updated_at_ms = r.created_at_ms;
    store(path, [&] { return ctx_.store.insert_x402_settlement(r); });
  }

  // A paid resource (the rules of POST /_sandbox/x402/resources), each refusal at its member.
  void x402_resource(const Value& obj, const std::string& path) {
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

  bool credential(const std::string& path, const std::string& v) {
    const bool printable = std::all_of(v.begin(), v.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
    if (!printable) error(path, "must be printable ASCII without spaces");
    return printable;
  }

  bool webhook(const Value& obj, const std::string& path, std::string& url, std::string& secret) {
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

  void wallet(const Value& obj, const std::string& path, const std::string* client_id, std::int64_t max_wallets) {
    if (!obj.IsObject()) return error(path, "must be an object");
    ++out_.counts.wallets;
    known_fields(obj, path,
                 {"wallet_id", "wallet_name", "description", "status", "key_ready_after", "key_seed", "created_at", "accounts"});
    std::optional<std::string> name, description, seed_hex;
    bool ok = get_string(obj, path, "wallet_name", name, true, kMaxWalletName);
    ok &= get_string(obj, path, "description", description, false, kMaxDescription);
    std::string status = "ACTIVE";
    ok &= get_enum(obj, path, "status", status, {"ACTIVE", "PROGRESSING"}, false);
    // How long a PROGRESSING wallet keeps generating keys after the load (default --keygen-delay-ms).
    std::int64_t key_ready_after = ctx_.keygen_delay_ms;
    std::optional<std::string> ready_text;
    ok &= get_string(obj, path, "key_ready_after", ready_text, false, 64);
    if (ready_text) {
      const auto d = domain::parse_duration_ms(*ready_text);
      if (!d || status != "PROGRESSING") {
        error(path + ".key_ready_after", !d ? "must be an ISO 8601 duration such as PT2M"
                                            : "applies to a PROGRESSING wallet only");
        ok = false;
      } else {
        key_ready_after = *d;
      }
    }
    std::int64_t created = ctx_.now_ms;
    ok &= get_time(obj, path, "created_at", created, ctx_.now_ms, INT64_MIN, "client");
    std::string wallet_id;
    ok &= get_id(obj, path, "wallet_id", "w_", created, wallet_id);
    ok &= get_string(obj, path, "key_seed", seed_hex, false, 64);
    std::optional<domain::WalletKeys> keys;
    if (seed_hex) {
      const auto bytes = crypto::from_hex(*seed_hex);
      if (!bytes || bytes->size() != 32) {
        error(path + ".key_seed", "must be 64 hex characters (32 bytes)");
        ok = false;
      } else if (unique(key_seeds_, *seed_hex, path + ".key_seed", "key_seed (two wallets would share addresses)")) {
        keys = domain::wallet_keys_from_seed(std::span<const std::uint8_t, 32>(bytes->data(), 32));
        if (!keys) {
          error(path + ".key_seed", "does not give a valid secp256k1 key; choose another seed");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      keys = random_wallet_keys(ctx_.rng);
    }

    domain::WalletRecord w;
    if (ok && client_id) {
      w = wallet_record(*client_id, *name, description.value_or(""), wallet_id, created, 0);
      if (status == "PROGRESSING") {
        // Key generation is still running at the load instant and ends `key_ready_after` later.
        w.status = "PROGRESSING";
        w.key_status = "GENERATING";
        w.key_ready_at_ms = ctx_.now_ms + key_ready_after;
      }
      ok = store(path, [&] { return ctx_.store.create_wallet(w, *keys, max_wallets); });
    }
    const Value* accounts = get_array(obj, path, "accounts");
    if (!accounts) return;
    const bool stored = ok && client_id;
    for (rapidjson::SizeType i = 0; i < accounts->Size(); ++i) {
      account((*accounts)[i], path + ".accounts[" + std::to_string(i) + "]", stored ? &w : nullptr,
              keys ? &*keys : nullptr, seed_hex.has_value(), created);
    }
  }

  void account(const Value& obj, const std::string& path, const domain::WalletRecord* wallet,
               const domain::WalletKeys* keys, bool pinned_keys, std::int64_t wallet_created) {
    if (!obj.IsObject()) return error(path, "must be an object");
    ++out_.counts.accounts;
    known_fields(obj, path, {"account_id", "chain", "label", "account_type", "address", "created_at", "assets"});
    std::optional<std::string> chain_name, label, account_type, address;
    bool ok = get_string(obj, path, "chain", chain_name, true, 64);
    const domain::ChainInfo* chain = nullptr;
    if (chain_name) {
      auto resolved = resolve_chain(*chain_name);
      if (resolved) chain = *resolved; else ok = fail(path + ".chain", resolved.error());
    }
    ok &= get_string(obj, path, "label", label, false, kMaxLabel);
    ok &= get_string(obj, path, "account_type", account_type, false, kMaxAccountType);
    ok &= get_string(obj, path, "address", address, false, kMaxAddress);
    std::int64_t created = wallet_created;
    ok &= get_time(obj, path, "created_at", created, wallet_created, wallet_created, "wallet");
    std::string account_id;
    ok &= get_id(obj, path, "account_id", "acc_", created, account_id);

    std::string derived;
    if (chain && keys) derived = domain::derive_address(chain->family, *keys);
    if (address && chain && keys) {
      if (!pinned_keys) {
        error(path + ".address", "can be pinned only together with the wallet's key_seed");
        ok = false;
      } else if (domain::address_key(chain->family, *address) != domain::address_key(chain->family, derived)) {
        error(path + ".address", "does not match the wallet's key_seed, which gives " + derived);
        ok = false;
      }
    }
    domain::AccountRecord a;
    if (ok && wallet && chain) {
      if (derived.empty()) {
        error(path, "the wallet's key material is unusable");
        ok = false;
      } else {
        a = account_record(*wallet, *chain, derived, account_type.value_or(""), label.value_or(""), account_id, created);
        ok = store(path, [&] { return ctx_.store.create_account(a); });
      }
    }
    const Value* assets = get_array(obj, path, "assets");
    if (!assets) return;
    for (rapidjson::SizeType i = 0; i < assets->Size(); ++i) {
      asset((*assets)[i], path + ".assets[" + std::to_string(i) + "]", ok && wallet ? &a : nullptr, chain, created);
    }
  }

  void asset(const Value& obj, const std::string& path, const domain::AccountRecord* account,
             const domain::ChainInfo* account_chain, std::int64_t account_created) {
    if (!obj.IsObject()) return error(path, "must be an object");
    ++out_.counts.assets;
    known_fields(obj, path, {"asset_id", "symbol", "chain", "balance", "created_at", "transactions"});
    std::optional<std::string> symbol, chain_in, balance_text;
    bool ok = get_string(obj, path, "symbol", symbol, true, kMaxSymbol);
    ok &= get_string(obj, path, "chain", chain_in, false, 64);
    ok &= get_string(obj, path, "balance", balance_text, false, 64);
    std::int64_t created = account_created;
    ok &= get_time(obj, path, "created_at", created, account_created, account_created, "account");
    std::string asset_id;
    ok &= get_id(obj, path, "asset_id", "ast_", created, asset_id);

    std::optional<AssetKind> kind;
    if (symbol && account_chain) {
      auto chain = resolve_asset_chain(*account_chain, chain_in);
      if (!chain) {
        ok = fail(path + ".chain", chain.error());
      } else if (auto k = resolve_token(**chain, *symbol); k) {
        kind = *k;
      } else {
        ok = fail(path + ".symbol", k.error());
      }
    }
    domain::Amount balance = 0;
    if (kind && balance_text) {
      auto b = parse_amount_field("balance", *balance_text, kind->token.decimals, false);
      if (b) balance = *b; else ok = fail(path + ".balance", b.error());
    }
    if (ok && account && kind) {
      const auto a = asset_record(*account, *kind, asset_id, created);
      ok = store(path, [&] { return ctx_.store.create_asset(a); });
      // Assets of one address, chain and token share one ledger balance (e.g. USDT on polygon held
      // through a wallet's ethereum and polygon accounts); it may be given only once.
      const std::string ledger_key = std::string(kind->chain->name) + " " + account->address_key + " " + kind->symbol;
      if (ok && balance_text) ok = unique(ledger_keys_, ledger_key, path + ".balance", "balance of one address, chain and token");
      if (ok && balance > 0) {
        ok = store(path + ".balance", [&] { return ctx_.store.set_asset_balance(asset_id, balance, ctx_.now_ms); });
      }
    }
    const Value* txs = get_array(obj, path, "transactions");
    if (!txs) return;
    for (rapidjson::SizeType i = 0; i < txs->Size(); ++i) {
      transaction((*txs)[i], path + ".transactions[" + std::to_string(i) + "]", ok && account ? account : nullptr,
                  ok && account ? &asset_id : nullptr, kind ? &*kind : nullptr, created);
    }
  }

  // A counterparty address of a history row: valid for the chain, as POST /transfer checks it.
  bool counterparty(const std::string& path, const std::optional<std::string>& address, const AssetKind& kind) {
    if (!address || domain::is_valid_address(kind.chain->family, *address)) return true;
    error(path, "is not a valid " + std::string(kind.chain->name) + " address");
    return false;
  }

  void transaction(const Value& obj, const std::string& path, const domain::AccountRecord* account,
                   const std::string* asset_id, const AssetKind* kind, std::int64_t asset_created) {
    if (!obj.IsObject()) return error(path, "must be an object");
    ++out_.counts.transactions;
    known_fields(obj, path, {"tx_id", "direction", "status", "from_address", "to_address", "amount", "memo", "tx_hash",
                             "block_number", "created_at"});
    std::string direction, status;
    bool ok = get_enum(obj, path, "direction", direction, {"OUTBOUND", "INBOUND"}, true);
    ok &= get_enum(obj, path, "status", status, {"CONFIRMED", "FAILED"}, true);
    std::optional<std::string> from, to, amount_text, memo, hash;
    ok &= get_string(obj, path, "from_address", from, false, kMaxAddress);
    ok &= get_string(obj, path, "to_address", to, false, kMaxAddress);
    ok &= get_string(obj, path, "amount", amount_text, true, 64);
    ok &= get_string(obj, path, "memo", memo, false, kMaxMemo);
    ok &= get_string(obj, path, "tx_hash", hash, false, 128);
    std::int64_t created = 0, block = 0;
    ok &= get_time(obj, path, "created_at", created, 0, asset_created, "asset", true);
    ok &= get_int(obj, path, "block_number", block, 1, INT64_MAX / 2);
    std::string tx_id;
    ok &= get_id(obj, path, "tx_id", "tx_", created, tx_id);
    if (!kind || direction.empty()) return;

    const auto family = kind->chain->family;
    const bool outbound = direction == "OUTBOUND";
    const char* own_field = outbound ? "from_address" : "to_address";
    const char* other_field = outbound ? "to_address" : "from_address";
    std::optional<std::string>& own = outbound ? from : to;
    std::optional<std::string>& other = outbound ? to : from;
    if (!other) {
      error(path + "." + other_field, std::string("is required for an ") + direction + " transaction");
      ok = false;
    }
    ok &= counterparty(path + "." + other_field, other, *kind);
    if (own && account && domain::address_key(family, *own) != account->address_key) {
      error(path + "." + own_field, "must be the account's own address " + account->address);
      ok = false;
    }
    if (other && account && domain::address_key(family, *other) == account->address_key) {
      error(path, "from_address and to_address must differ");
      ok = false;
    }
    domain::Amount amount = 0;
    if (amount_text) {
      auto a = parse_amount_field("amount", *amount_text, kind->token.decimals, true);
      if (a) amount = *a; else ok = fail(path + ".amount", a.error());
    }
    if (hash && !domain::is_valid_tx_hash(family, *hash)) {
      error(path + ".tx_hash", "is not a " + std::string(kind->chain->name) + " transaction hash");
      ok = false;
    }
    const chain::ChainParams* params = ctx_.chains.find(kind->chain->name);
    if (!params) return error(path, "chain has no timing");
    const std::int64_t height_now = height_at(ctx_.chains, *params, ctx_.now_ms);
    if (block > height_now) {
      error(path + ".block_number", "is beyond the chain's current height " + std::to_string(height_now));
      ok = false;
    }
    if (!ok || !account || !asset_id) return;

    domain::TransactionRecord t;
    t.tx_id = tx_id;
    t.asset_id = *asset_id;
    t.direction = direction;
    t.origin = outbound ? "api" : "deposit";
    t.from_address = outbound ? account->address : *other;
    t.to_address = outbound ? *other : account->address;
    t.to_address_key = domain::address_key(family, t.to_address);
    t.token_symbol = kind->symbol;
    t.amount = amount;
    t.memo = memo.value_or("");
    t.status = status;
    t.tx_hash = hash ? *hash : chain::make_tx_hash(family, ctx_.rng);
    t.block_number = block > 0 ? block : std::min(height_now, height_at(ctx_.chains, *params, created) + 1);
    t.required_confirmations = params->confirmations;
    const bool confirmed = status == "CONFIRMED";
    t.confirmations = confirmed ? params->confirmations : 1;
    // Finished when its last confirmation (or the failing block) was mined, and not after the load.
    const std::int64_t last_block = t.block_number + (confirmed ? params->confirmations - 1 : 1);
    const std::int64_t done = std::clamp(ctx_.chains.block_time(*params, last_block), created, ctx_.now_ms);
    t.created_at_ms = created;
    t.updated_at_ms = done;
    t.confirmed_at_ms = confirmed ? done : -1;
    if (!confirmed) t.failure_reason = "transaction reverted on-chain";
    history_.push_back({path, std::move(t)});
  }

  const FixtureContext& ctx_;
  FixtureResult& out_;
  std::map<std::string, std::string> ids_, api_keys_, key_seeds_, ledger_keys_;  // value -> path of first use
  // History rows wait until every client is read, then go in oldest first: lists are newest first by
  // insertion (their ranks, migration 005), so insertion order must be time order.
  std::vector<std::pair<std::string, domain::TransactionRecord>> history_;

  void insert_history() {
    std::stable_sort(history_.begin(), history_.end(),
                     [](const auto& a, const auto& b) { return a.second.created_at_ms < b.second.created_at_ms; });
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    for (const auto& row : history_) {
      store(row.first, [&] { return ctx_.store.insert_history_transaction(row.second); });
    }
    history_.clear();
  }
};

std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (offset " + std::to_string(offset) + ")";
}

}  // namespace

FixtureResult load_fixture(const FixtureContext& ctx, std::string_view text) {
  FixtureResult out;
  Loader loader(ctx, out);
  if (text.size() > kMaxFixtureBytes) {
    loader.error("$", "the fixture is larger than " + std::to_string(kMaxFixtureBytes) + " bytes");
    return out;
  }
  if (text.find('\0') != std::string_view::npos) {
    loader.error("$", "malformed JSON: the text contains a NUL byte");
    return out;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    loader.error("$", "malformed JSON at " + line_and_column(text, doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
    return out;
  }
  try {
    auto st = ctx.store.write_batch([&]() -> domain::Status {
      loader.document(doc);
      if (!out.ok()) return domain::make_error(domain::ErrorCode::invalid_parameter, "fixture refused");
      ctx.store.put_setting(kFixtureSetting, fixture_digest(text));
      return domain::ok_status();
    });
    (void)st;  // the errors are in `out`
  } catch (const std::exception& e) {
    loader.error("$", std::string("database error: ") + e.what());
  }
  return out;
}

std::string fixture_digest(std::string_view text) { return crypto::to_hex(crypto::sha256(text)); }

std::string describe(const FixtureCounts& c) {
  return std::to_string(c.clients) + " clients, " + std::to_string(c.wallets) + " wallets, " +
         std::to_string(c.accounts) + " accounts, " + std::to_string(c.assets) + " assets, " +
         std::to_string(c.transactions) + " transactions";
}

}  // namespace paratro::api
