// The /_sandbox operational controls: fault rules, the request journal, Prometheus metrics,
// per-client rate limits, and the two checks the router applies (admin token on the control
// plane, rate limit on authenticated API requests). The state lives in Services::ops.
#include <algorithm>
#include <chrono>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/path_pattern.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/number.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

ApiResponse invalid(std::string message) { return error_response(ErrorCode::invalid_parameter, std::move(message)); }

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
  if (auto st = check_known_fields(*body, {"method", "path", "error", "status", "message", "count", "probability",
                                           "latency_ms", "retry_after"});
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
    if (!spec.error) return make_error(ErrorCode::invalid_parameter, "error must be a code of the error table, e.g. service_unavailable");
    if (*status && domain::error_info(*spec.error).http_status != **status) {
      return make_error(ErrorCode::invalid_parameter, "status does not match the error's HTTP status");
    }
  } else if (*status) {
    spec.error = first_code_with_status(**status);
    if (!spec.error) return make_error(ErrorCode::invalid_parameter, "status must be an HTTP status of the error table");
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
  w.begin_object().field("id", r.id).field("method", r.spec.method.empty() ? "*" : r.spec.method).field("path", r.spec.path);
  w.key("error");
  if (r.spec.error) w.str(domain::error_info(*r.spec.error).code); else w.null();
  w.key("status");
  if (r.spec.error) w.num(domain::error_info(*r.spec.error).http_status); else w.null();
  w.field("message", r.spec.message).field("latency_ms", r.spec.latency_ms);
  w.key("count");
  if (r.spec.count) w.num(*r.spec.count); else w.null();
  w.key("probability").real(r.spec.probability);
  w.key("retry_after");
  if (r.spec.retry_after_s) w.num(*r.spec.retry_after_s); else w.null();
  w.field("matched", r.matched).field("fired", r.fired);
  w.key("remaining");
  if (auto left = r.remaining()) w.num(*left); else w.null();
  w.field("created_at", domain::format_rfc3339(r.created_at_ms)).end_object();
}

// Appends `text` as valid UTF-8: bytes that do not form a valid sequence (binary bodies, a cut
// through a character at the body cap) become U+FFFD, so the journal's JSON stays valid.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len == 2) ok = c >= 0xC2;                                        // overlong
    if (ok && len == 3) ok = !(c == 0xE0 && p[i + 1] < 0xA0) && !(c == 0xED && p[i + 1] >= 0xA0);  // overlong, surrogate
    if (ok && len == 4) ok = !(c == 0xF0 && p[i + 1] < 0x90) && c <= 0xF4 && !(c == 0xF4 && p[i + 1] >= 0x90);
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

void write_entry(JsonWriter& w, const JournalEntry& e) {
  w.begin_object()
      .field("seq", static_cast<std::int64_t>(e.seq))
      .field("time", domain::format_rfc3339(e.time_ms))
      .field("time_ms", e.time_ms)
      .field("method", e.method)
      .field("path", e.path)
      .field("query", valid_utf8(e.query))
      .field("status", e.status)
      .field("latency_us", e.latency_us);
  w.key("client_id");
  if (e.client_id.empty()) w.null(); else w.str(e.client_id);
  w.field("request_id", e.request_id);
  if (e.idempotent_replay) w.field("idempotent_replay", true);
  if (e.has_bodies) {
    w.field("request_body", valid_utf8(e.request_body))
        .field("request_body_truncated", e.request_body_truncated)
        .field("response_body", valid_utf8(e.response_body))
        .field("response_body_truncated", e.response_body_truncated);
  }
  w.end_object();
}

domain::Result<JournalFilter> parse_journal_filter(const ApiRequest& r, std::size_t capacity) {
  using domain::make_error;
  JournalFilter f;
  f.limit = 100;
  const auto number = domain::parse_digits;
  std::int64_t n = 0;
  if (const auto* v = r.query_param("method")) f.method = ascii_upper(*v);
  if (const auto* v = r.query_param("path_prefix")) f.path_prefix = *v;
  if (const auto* v = r.query_param("client_id")) f.client_id = *v;
  if (const auto* v = r.query_param("status")) {
    if (!number(*v, n) || n < 100 || n > 599) return make_error(ErrorCode::invalid_parameter, "status must be an HTTP status code");
    f.status = static_cast<int>(n);
  }
  if (const auto* v = r.query_param("since")) {
    if (number(*v, n)) {
      f.since_ms = n;
    } else if (auto t = domain::parse_rfc3339_ms(*v)) {
      f.since_ms = *t;
    } else {
      return make_error(ErrorCode::invalid_parameter, "since must be an RFC 3339 time or Unix milliseconds");
    }
  }
  if (const auto* v = r.query_param("after_seq")) {
    if (!number(*v, n)) return make_error(ErrorCode::invalid_parameter, "after_seq must be a non-negative integer");
    f.after_seq = static_cast<std::uint64_t>(n);
  }
  if (const auto* v = r.query_param("limit")) {
    if (!number(*v, n) || n < 1) return make_error(ErrorCode::invalid_parameter, "limit must be a positive integer");
    f.limit = static_cast<std::size_t>(std::min<std::int64_t>(n, static_cast<std::int64_t>(std::max<std::size_t>(capacity, 1))));
  }
  return f;
}

ApiResponse journal_settings(Services& s) {
  auto& j = s.ops->journal;
  JsonWriter w;
  w.begin_object()
      .field("capacity", static_cast<std::int64_t>(j.capacity()))
      .field("size", static_cast<std::int64_t>(j.size()))
      .field("bodies", j.record_bodies())
      .field("body_cap_bytes", static_cast<std::int64_t>(RequestJournal::kBodyCap))
      .end_object();
  return json_response(200, w.take());
}

ApiResponse deleted_response(std::size_t n) {
  JsonWriter w;
  w.begin_object().field("deleted", static_cast<std::int64_t>(n)).end_object();
  return json_response(200, w.take());
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

ApiResponse sandbox_list_requests(Services& s, const ApiRequest& r) {
  auto& journal = s.ops->journal;
  auto filter = parse_journal_filter(r, journal.capacity());
  if (!filter) return error_response(filter.error());
  std::size_t matched = 0;
  const auto entries = journal.query(*filter, matched);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& e : entries) write_entry(w, e);
  w.end_array()
      .field("total", static_cast<std::int64_t>(matched))
      .field("has_more", matched > entries.size())
      .field("capacity", static_cast<std::int64_t>(journal.capacity()))
      .field("bodies", journal.record_bodies())
      .end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_delete_requests(Services& s) { return deleted_response(s.ops->journal.clear()); }

ApiResponse sandbox_journal_config(Services& s, const ApiRequest& r) {
  if (r.method == "GET") return journal_settings(s);
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"bodies"}); !st) return error_response(st.error());
  auto it = body->FindMember("bodies");
  if (it == body->MemberEnd() || !it->value.IsBool()) return invalid("bodies must be true or false");
  s.ops->journal.set_record_bodies(it->value.GetBool());
  return journal_settings(s);
}

ApiResponse sandbox_metrics(Services& s) {
  std::string out;
  out.reserve(8192);
  s.ops->metrics.write(out);
  const auto counts = s.store.counts();
  const std::pair<const char*, std::int64_t> gauges[] = {
      {"clients", counts.clients}, {"wallets", counts.wallets}, {"accounts", counts.accounts},
      {"assets", counts.assets},   {"transactions", counts.transactions}};
  write_header(out, "paratro_transactions_pending", "gauge", "Transactions not yet CONFIRMED or FAILED.");
  write_sample(out, "paratro_transactions_pending", "", std::to_string(counts.pending_transactions));
  for (const auto& [name, value] : gauges) {
    const std::string metric = std::string("paratro_") + name;
    write_header(out, metric, "gauge", std::string("Rows in the ") + name + " table.");
    write_sample(out, metric, "", std::to_string(value));
  }
  const auto uptime = std::chrono::steady_clock::now() - s.ops->started;
  write_header(out, "paratro_uptime_seconds", "gauge", "Seconds since the process started.");
  write_sample(out, "paratro_uptime_seconds", "",
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(uptime).count()));
  for (const auto& writer : s.metric_writers) writer(out);
  ApiResponse res;
  res.status = 200;
  res.body = std::move(out);
  res.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return res;
}

ApiResponse sandbox_set_rate_limit(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"requests_per_second"}); !st) return error_response(st.error());
  auto rps = optional_int(*body, "requests_per_second", 0, RateLimiter::kMaxRate);
  if (!rps) return error_response(rps.error());
  if (!*rps) return invalid("requests_per_second is required (0 removes the client's own limit)");
  if (auto st = s.store.set_client_rate_limit(client_id, **rps); !st) return error_response(st.error());
  // Cached tokens carry a copy of the client record; drop them so the new limit applies at once.
  s.tokens->clear();
  JsonWriter w;
  w.begin_object()
      .field("client_id", client_id)
      .field("requests_per_second", **rps)
      .field("default_requests_per_second", s.ops->rate_limiter.default_rate())
      .field("effective_requests_per_second", **rps > 0 ? **rps : s.ops->rate_limiter.default_rate())
      .end_object();
  return json_response(200, w.take());
}

std::optional<ApiResponse> check_rate_limit(Services& s, const Caller& c) {
  const std::int64_t retry_after = s.ops->rate_limiter.admit(c.client_id, c.rate_limit_per_second);
  if (retry_after == 0) return std::nullopt;
  auto res = error_response(ErrorCode::too_many_requests, "Rate limit exceeded; retry after " +
                                                              std::to_string(retry_after) + " s");
  res.headers.emplace_back("Retry-After", std::to_string(retry_after));
  res.client_id = c.client_id;
  return res;
}

std::optional<ApiResponse> check_admin(Services& s, const ApiRequest& r) {
  const std::string& expected = s.ops->admin_token;
  if (expected.empty()) return std::nullopt;
  std::string_view presented = r.admin_token;
  constexpr std::string_view kScheme = "Bearer ";
  if (presented.empty() && r.authorization.size() > kScheme.size() &&
      ascii_lower(r.authorization.substr(0, kScheme.size())) == "bearer ") {
    presented = std::string_view(r.authorization).substr(kScheme.size());
  }
  if (presented.empty()) {
    return error_response(ErrorCode::unauthorized, "The control plane needs the admin token (X-Admin-Token or Authorization: Bearer)");
  }
  if (!crypto::constant_time_equal(presented, expected)) return error_response(ErrorCode::unauthorized, "Wrong admin token");
  return std::nullopt;
}

void add_ops_reset_hook(Services& s) {
  s.reset_hooks.push_back([ops = s.ops] {
    ops->journal.clear();
    ops->rate_limiter.clear();
    ops->faults.clear();
  });
}

}  // namespace paratro::api
