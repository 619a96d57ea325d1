// What the operational controls share: the `{"deleted": n}` answer of their DELETE endpoints and
// the reset hook that empties their state. Each family has its own file: faults.cpp, journal.cpp,
// metrics_endpoint.cpp, rate_limits.cpp, guards.cpp.
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"

namespace paratro::api {

ApiResponse deleted_response(std::size_t n) {
  JsonWriter w;
  w.begin_object().field("deleted", static_cast<std::int64_t>(n)).end_object();
  return json_response(200, w.take());
}

void add_ops_reset_hook(Services& s) {
  s.reset_hooks.push_back([ops = s.ops] {
    ops->journal.clear();
    ops->rate_limiter.clear();
    ops->faults.clear();
  });
}

}  // namespace paratro::api
