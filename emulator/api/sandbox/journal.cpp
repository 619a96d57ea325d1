// The request-journal endpoints of the control plane: GET /_sandbox/requests (filtered, newest
// first), DELETE /_sandbox/requests, and GET/PUT /_sandbox/requests/config (body recording). The
// journal itself lives in Services::ops (request_journal.hpp); http/pipeline.cpp records into it.
#include <algorithm>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/number.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

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
  if (e.client_id.empty())
    w.null();
  else
    w.str(e.client_id);
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
    if (!number(*v, n) || n < 100 || n > 599)
      return make_error(ErrorCode::invalid_parameter, "status must be an HTTP status code");
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
    f.limit = static_cast<std::size_t>(
        std::min<std::int64_t>(n, static_cast<std::int64_t>(std::max<std::size_t>(capacity, 1))));
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

}  // namespace

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
  if (it == body->MemberEnd() || !it->value.IsBool())
    return error_response(ErrorCode::invalid_parameter, "bodies must be true or false");
  s.ops->journal.set_record_bodies(it->value.GetBool());
  return journal_settings(s);
}

}  // namespace paratro::api
