// The in-memory state of the operational controls, owned through Services::ops: fault rules, the
// per-client rate limiter, the request journal and the request metrics, plus the start time that
// health reports as uptime and the control plane's admin token. Each part is thread-safe on its
// own and bounded (see its header).
#pragma once

#include <chrono>

#include "emulator/api/sandbox/fault_rules.hpp"
#include "emulator/api/sandbox/metrics.hpp"
#include "emulator/api/sandbox/rate_limiter.hpp"
#include "emulator/api/sandbox/request_journal.hpp"

namespace paratro::api {

struct Ops {
  FaultRules faults;
  RateLimiter rate_limiter;
  RequestJournal journal;
  Metrics metrics;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // --admin-token: when set, every /_sandbox request must present it (X-Admin-Token or
  // Authorization: Bearer). Set once at start-up, before the server accepts requests.
  std::string admin_token;
};

}  // namespace paratro::api
