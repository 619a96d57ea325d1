// GET /_sandbox/events: the event bus as Server-Sent Events (events/bus.hpp, events/publish.hpp).
// Query: types=a,b (known types only), client_id=... (that client's events; clientless ones are
// left out), last_event_id=N (the same as a Last-Event-ID header, for clients without EventSource;
// the header wins). A bad query is 400 invalid_parameter; past the subscriber cap, 503.
#include <algorithm>
#include <charconv>

#include "emulator/api/events/bus.hpp"
#include "emulator/api/events/publish.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

constexpr std::size_t kMaxClientId = 128;

std::optional<std::int64_t> parse_event_id(std::string_view text) {
  std::int64_t v = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

ApiResponse sandbox_events(Services& s, const ApiRequest& r) {
  if (!s.events) return error_response(ErrorCode::service_unavailable, "The event stream is off");
  events::Filter filter;
  std::optional<std::int64_t> last_id;
  for (const auto& [key, value] : r.query) {
    if (key == "types") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view type = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (type.empty()) continue;
        const auto known = events::event_types();
        if (std::find(known.begin(), known.end(), type) == known.end()) {
          return error_response(ErrorCode::invalid_parameter, "Unknown event type in types: " + valid_utf8(type));
        }
        filter.types.emplace_back(type);
      }
      if (filter.types.empty())
        return error_response(ErrorCode::invalid_parameter, "types must name at least one event type");
    } else if (key == "client_id") {
      if (value.empty() || value.size() > kMaxClientId) {
        return error_response(ErrorCode::invalid_parameter, "client_id must be 1 to 128 characters");
      }
      filter.client_id = value;
    } else if (key == "last_event_id") {
      last_id = parse_event_id(value);
      if (!last_id) return error_response(ErrorCode::invalid_parameter, "last_event_id must be a non-negative integer");
    } else {
      return error_response(ErrorCode::invalid_parameter, "Unknown query parameter: " + valid_utf8(key));
    }
  }
  if (r.last_event_id) {
    last_id = parse_event_id(*r.last_event_id);
    if (!last_id) return error_response(ErrorCode::invalid_parameter, "Last-Event-ID must be a non-negative integer");
  }
  auto sub = s.events->subscribe(std::move(filter), last_id);
  if (!sub) {
    auto res =
        error_response(ErrorCode::service_unavailable, "At most " + std::to_string(s.events->options().subscribers) +
                                                           " event stream subscribers at once; close one first");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  ApiResponse res;
  res.status = 200;
  res.headers.emplace_back("Content-Type", "text/event-stream; charset=utf-8");
  res.stream = std::move(sub);
  return res;
}

}  // namespace paratro::api
