// The fault-rule endpoints of the control plane: POST /_sandbox/faults (parse and validate a
// rule), GET (list) and DELETE (all, or one by id). The rules themselves live in Services::ops
// (fault_rules.hpp); http/pipeline.cpp applies them.
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/path_pattern.hpp"
#include "emulator/domain/duration.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

std::optional<ErrorCode> error_code_named(std::string_view code) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::service_unavailable); ++i) {
    const auto c = static_cast<ErrorCode>(i);
    if (domain::error_info(c).code == code) return c;
  }
  return std::nullopt;
}

std::optional<ErrorCode> first_code_with_status(std::int64_t status) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::service_unavailable); ++i) {
    const auto c = static_cast<ErrorCode>(i);
    if (domain::error_info(c).http_status == status) return c;
  }
  return std::nullopt;
}

domain::Result<FaultRuleSpec> parse_fault(std::string_view text) {
  using domain::make_error;
  auto body = parse_object(text);
  if (!body) return body.error();
  if (auto st = check_known_fields(
          *body, {"method", "path", "error", "status", "message", "count", "probability", "latency_ms", "retry_after"});
      !st) {
    return st.error();
  }
  FaultRuleSpec spec;
  auto method = optional_string(*body, "method");
  if (!method) return method.error();
  if (*method && **method != "*" && !(*method)->empty()) {
    spec.method = ascii_upper(**method);
    if (spec.method.size() > 16 || spec.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      return make_error(ErrorCode::invalid_parameter, "method must be an HTTP method such as POST, or *");
    }
  }
  auto path = optional_string(*body, "path");
  if (!path) return path.error();
  if (*path) {
    if (auto err = pattern_error(**path); !err.empty()) return make_error(ErrorCode::invalid_parameter, err);
    if (!path_matches("/api/v1/**", **path)) {
      return make_error(ErrorCode::invalid_parameter, "path must start with /api/v1: faults apply to the API only");
    }
    spec.path = **path;
  }
  auto error = optional_string(*body, "error");
  if (!error) return error.error();
  auto status = optional_int(*body, "status", 400, 599);
  if (!status) return status.error();
  if (*error) {
    spec.error = error_code_named(**error);
    if (!spec.error)
      return make_error(ErrorCode::invalid_parameter,
                        "error must be a code of the error table, e.g. service_unavailable");
    if (*status && domain::error_info(*spec.error).http_status != **status) {
      return make_error(ErrorCode::invalid_parameter, "status does not match the error's HTTP status");
    }
  } else if (*status) {
    spec.error = first_code_with_status(**status);
    if (!spec.error)
      return make_error(ErrorCode::invalid_parameter, "status must be an HTTP status of the error table");
  }
  auto message = optional_string(*body, "message");
  if (!message) return message.error();
  if (auto st = check_length("message", message->value_or(""), 500); !st) return st.error();
  spec.message = message->value_or("");
  auto latency = optional_int(*body, "latency_ms", 0, FaultRules::kMaxLatencyMs);
  if (!latency) return latency.error();
  spec.latency_ms = latency->value_or(0);
  auto count = optional_int(*body, "count", 1, 1'000'000'000);
  if (!count) return count.error();
  spec.count = *count;
  auto retry = optional_int(*body, "retry_after", 0, 86'400);
  if (!retry) return retry.error();
  spec.retry_after_s = *retry;
  if (auto it = body->FindMember("probability"); it != body->MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsNumber() || !(it->value.GetDouble() >= 0.0 && it->value.GetDouble() <= 1.0)) {
      return make_error(ErrorCode::invalid_parameter, "probability must be a number from 0 to 1");
    }
    spec.probability = it->value.GetDouble();
  }
  if (!spec.error && spec.latency_ms == 0) {
    return make_error(ErrorCode::invalid_parameter, "give error (or status) and/or latency_ms");
  }
  return spec;
}

void write_fault(JsonWriter& w, const FaultRule& r) {
  w.begin_object()
      .field("id", r.id)
      .field("method", r.spec.method.empty() ? "*" : r.spec.method)
      .field("path", r.spec.path);
  w.key("error");
  if (r.spec.error)
    w.str(domain::error_info(*r.spec.error).code);
  else
    w.null();
  w.key("status");
  if (r.spec.error)
    w.num(domain::error_info(*r.spec.error).http_status);
  else
    w.null();
  w.field("message", r.spec.message).field("latency_ms", r.spec.latency_ms);
  w.key("count");
  if (r.spec.count)
    w.num(*r.spec.count);
  else
    w.null();
  w.key("probability").real(r.spec.probability);
  w.key("retry_after");
  if (r.spec.retry_after_s)
    w.num(*r.spec.retry_after_s);
  else
    w.null();
  w.field("matched", r.matched).field("fired", r.fired);
  w.key("remaining");
  if (auto left = r.remaining())
    w.num(*left);
  else
    w.null();
  w.field("created_at", domain::format_rfc3339(r.created_at_ms)).end_object();
}

}  // namespace

ApiResponse sandbox_create_fault(Services& s, const ApiRequest& r) {
  auto spec = parse_fault(r.body);
  if (!spec) return error_response(spec.error());
  auto rule = s.ops->faults.add(std::move(*spec), s.clock.now_ms());  // virtual, like every control-plane time
  if (!rule) return error_response(rule.error());
  JsonWriter w;
  write_fault(w, *rule);
  return json_response(201, w.take());
}

ApiResponse sandbox_list_faults(Services& s) {
  const auto rules = s.ops->faults.list();
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& r : rules) write_fault(w, r);
  w.end_array().field("total", static_cast<std::int64_t>(rules.size())).end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_delete_faults(Services& s) { return deleted_response(s.ops->faults.clear()); }

ApiResponse sandbox_delete_fault(Services& s, std::string_view id) {
  if (!s.ops->faults.remove(id)) return error_response(ErrorCode::not_found, "Fault rule not found");
  return deleted_response(1);
}
}  // namespace paratro::api
