// The operational stages around every request (server.hpp's RequestHooks), built on Services::ops:
// before handling, fault and latency injection for /api/v1 requests; after, the request metrics
// (every request) and the request journal (/api/v1 only). The control plane is never faulted, so
// a rule can always be deleted.
#pragma once

#include "emulator/api/context.hpp"
#include "emulator/http/server.hpp"

namespace paratro::http {

// The hooks read `services` on every request; it must outlive the server.
RequestHooks make_request_hooks(api::Services& services);

}  // namespace paratro::http
