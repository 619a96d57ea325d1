// Fault injection before and metrics + journal after each request (see pipeline.hpp).
#include "emulator/http/pipeline.hpp"

#include <chrono>

#include "emulator/api/events/publish.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/routes.hpp"

namespace paratro::http {

namespace {

bool is_api_path(std::string_view path) {
  constexpr std::string_view kPrefix = "/api/v1";
  return path.substr(0, kPrefix.size()) == kPrefix && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

Admission admit(api::Services& s, const api::ApiRequest& r) {
  Admission a;
  if (!is_api_path(r.path)) return a;
  auto d = s.ops->faults.decide(r.method, r.path, s.rng);
  a.delay = std::chrono::milliseconds(d.delay_ms);
  if (d.error) {
    auto res = api::error_response(*d.error, d.message);  // the rule's defaults were resolved when it was added
    if (d.retry_after_s) res.headers.emplace_back("Retry-After", std::to_string(*d.retry_after_s));
    res.headers.emplace_back("X-Emulator-Fault", d.rule_id);
    a.response = std::move(res);
  }
  if (d.error || d.delay_ms > 0) {
    api::JsonWriter w;
    w.begin_object().field("method", r.method).field("path", r.path).key("rule_id");
    if (d.rule_id.empty())
      w.null();
    else
      w.str(d.rule_id);
    w.key("error");
    if (d.error)
      w.str(domain::error_info(*d.error).code);
    else
      w.null();
    w.field("latency_ms", d.delay_ms).end_object();
    api::events::publish(s, "fault.fired", "", w.take());
  }
  return a;
}

void observe(api::Services& s, const Exchange& ex) {
  const auto& req = ex.request;
  s.ops->metrics.record(api::template_index(req.path), req.method, ex.response.status, ex.latency_us);
  if (!is_api_path(req.path)) return;
  const auto q = ex.target.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : ex.target.substr(q + 1);
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  s.ops->journal.record(now_ms, req.method, req.path, query, ex.response.status, ex.latency_us, ex.response.client_id,
                        ex.request_id, req.body, ex.response.body, ex.response.idempotent_replay);
}

}  // namespace

RequestHooks make_request_hooks(api::Services& services) {
  RequestHooks hooks;
  hooks.admit = [&services](const api::ApiRequest& r) { return admit(services, r); };
  hooks.observe = [&services](const Exchange& ex) { observe(services, ex); };
  return hooks;
}

}  // namespace paratro::http
