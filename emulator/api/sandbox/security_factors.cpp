// The /_sandbox control plane for a client's security factors: address whitelists and blacklists
// per chain (list, add, change status, delete) and the switch that makes a client accept only
// whitelisted destinations. The real platform manages these in its portal (the 1.6.0 SDKs'
// /api/v1/client/security-factors calls reach no gateway route); transfers are checked against
// them in Store::create_transfer.
#include <rapidjson/document.h>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

void write_factor(JsonWriter& w, const domain::SecurityFactorRecord& f) {
  w.begin_object()
      .field("factor_id", f.factor_id)
      .field("client_id", f.client_id)
      .field("factor_type", domain::to_string(f.factor_type))
      .field("chain", f.chain)
      .field("address", f.address)
      .field("label", f.label)
      .field("reason", f.reason)
      .field("status", domain::to_string(f.status))
      .field("created_at", domain::format_rfc3339(f.created_at_ms))
      .field("updated_at", domain::format_rfc3339(f.updated_at_ms))
      .end_object();
}

ApiResponse factor_response(int status, const domain::SecurityFactorRecord& f) {
  JsonWriter w;
  write_factor(w, f);
  return json_response(status, w.take());
}

// `value` as an E, or invalid_parameter "<field> must be <allowed>, got "<value>"".
template <domain::NamedEnum E>
domain::Result<E> parse_field(std::string_view field, std::string_view value, std::string_view allowed) {
  if (auto v = domain::parse_enum<E>(value)) return *v;
  return domain::make_error(ErrorCode::invalid_parameter, std::string(field) + " must be " + std::string(allowed) +
                                                              ", got \"" + std::string(value) + "\"");
}

constexpr std::string_view kTypes = "WHITELIST or BLACKLIST";
constexpr std::string_view kStatuses = "ACTIVE or INACTIVE";

ApiResponse list_factors(Services& s, const ApiRequest& r, std::string_view client_id, bool require_whitelist) {
  store::Store::SecurityFactorFilter f;
  if (const std::string* chain = r.query_param("chain")) {
    auto resolved = resolve_chain(*chain);
    if (!resolved) return error_response(resolved.error());
    f.chain = std::string((*resolved)->name);
  }
  if (const std::string* type = r.query_param("factor_type")) {
    auto parsed = parse_field<domain::FactorType>("factor_type", *type, kTypes);
    if (!parsed) return error_response(parsed.error());
    f.factor_type = *parsed;
  }
  if (const std::string* status = r.query_param("status")) {
    auto parsed = parse_field<domain::FactorStatus>("status", *status, kStatuses);
    if (!parsed) return error_response(parsed.error());
    f.status = *parsed;
  }
  const auto items = s.store.list_security_factors(client_id, f);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& item : items) write_factor(w, item);
  w.end_array()
      .field("total", static_cast<std::int64_t>(items.size()))
      .field("require_whitelist", require_whitelist)
      .end_object();
  return json_response(200, w.take());
}

ApiResponse add_factor(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"factor_type", "chain", "address", "label", "reason", "status"}); !st)
    return error_response(st.error());
  auto type = required_string(*body, "factor_type");
  if (!type) return error_response(type.error());
  auto chain_in = required_string(*body, "chain");
  if (!chain_in) return error_response(chain_in.error());
  auto address = required_string(*body, "address");
  if (!address) return error_response(address.error());
  auto label = optional_string(*body, "label");
  if (!label) return error_response(label.error());
  auto reason = optional_string(*body, "reason");
  if (!reason) return error_response(reason.error());
  auto status = optional_string(*body, "status");
  if (!status) return error_response(status.error());
  const auto type_value = parse_field<domain::FactorType>("factor_type", *type, kTypes);
  if (!type_value) return error_response(type_value.error());
  auto status_value = status->has_value() ? parse_field<domain::FactorStatus>("status", **status, kStatuses)
                                          : domain::Result<domain::FactorStatus>(domain::FactorStatus::active);
  if (!status_value) return error_response(status_value.error());
  for (auto [field, value, max] :
       {std::tuple<const char*, std::string_view, std::size_t>{"address", *address, kMaxAddress},
        {"label", label->has_value() ? std::string_view(**label) : std::string_view(), kMaxLabel},
        {"reason", reason->has_value() ? std::string_view(**reason) : std::string_view(), kMaxFactorReason}}) {
    if (auto st = check_length(field, value, max); !st) return error_response(st.error());
  }
  auto chain = resolve_chain(*chain_in);
  if (!chain) return error_response(chain.error());
  auto key = security_factor_address_key(**chain, *address);
  if (!key) return error_response(key.error());

  const std::int64_t now = s.clock.now_ms();
  domain::SecurityFactorRecord f;
  f.factor_id = domain::make_id("sf_", now, s.rng);
  f.client_id = std::string(client_id);
  f.factor_type = *type_value;
  f.chain = std::string((*chain)->name);
  f.address = *address;
  f.address_key = *key;
  f.label = label->value_or("");
  f.reason = reason->value_or("");
  f.status = *status_value;
  f.created_at_ms = f.updated_at_ms = now;
  if (auto st = s.store.add_security_factor(f); !st) return error_response(st.error());
  return factor_response(201, f);
}

}  // namespace

ApiResponse sandbox_security_factors(Services& s, const ApiRequest& r, std::string_view client_id) {
  const auto require = s.store.require_whitelist(client_id);
  if (!require) return error_response(ErrorCode::not_found, "Client not found");
  return r.method == "POST" ? add_factor(s, r, client_id) : list_factors(s, r, client_id, *require);
}

ApiResponse sandbox_security_factor(Services& s, const ApiRequest& r, std::string_view client_id,
                                    std::string_view factor_id) {
  if (!s.store.require_whitelist(client_id)) return error_response(ErrorCode::not_found, "Client not found");
  if (r.method == "GET") {
    auto f = s.store.find_security_factor(client_id, factor_id);
    if (!f) return error_response(ErrorCode::not_found, "Security factor not found");
    return factor_response(200, *f);
  }
  if (r.method == "DELETE") {
    if (auto st = s.store.delete_security_factor(client_id, factor_id); !st) return error_response(st.error());
    JsonWriter w;
    w.begin_object().field("factor_id", factor_id).field("deleted", true).end_object();
    return json_response(200, w.take());
  }
  // PUT: {"status": "ACTIVE" | "INACTIVE"}; the same status again is a no-op.
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"status"}); !st) return error_response(st.error());
  auto status = required_string(*body, "status");
  if (!status) return error_response(status.error());
  const auto status_value = parse_field<domain::FactorStatus>("status", *status, kStatuses);
  if (!status_value) return error_response(status_value.error());
  auto f = s.store.set_security_factor_status(client_id, factor_id, *status_value, s.clock.now_ms());
  if (!f) return error_response(f.error());
  return factor_response(200, *f);
}

ApiResponse sandbox_security_settings(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto require = s.store.require_whitelist(client_id);
  if (!require) return error_response(ErrorCode::not_found, "Client not found");
  if (r.method == "PUT") {
    auto body = parse_object(r.body);
    if (!body) return error_response(body.error());
    if (auto st = check_known_fields(*body, {"require_whitelist"}); !st) return error_response(st.error());
    auto it = body->FindMember("require_whitelist");
    if (it == body->MemberEnd() || !it->value.IsBool()) {
      return error_response(ErrorCode::invalid_parameter, "require_whitelist must be true or false");
    }
    if (auto st = s.store.set_require_whitelist(client_id, it->value.GetBool()); !st) return error_response(st.error());
    require = it->value.GetBool();
  }
  JsonWriter w;
  w.begin_object().field("client_id", client_id).field("require_whitelist", *require).end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
