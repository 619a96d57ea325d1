// The request path: which thread answers a request, and when. Reads (GET, except a paid-resource
// fetch that settles a payment) run at once on the calling I/O thread inside a Store::ReadScope, so
// they read a committed snapshot and never wait for the writer. Everything else goes to the writer:
// batched writes are answered after the group commit that holds them (a failed commit answers
// internal_error), exclusive ones (reset, snapshots, clock changes) run alone. A full writer queue
// answers 503 service_unavailable with Retry-After at once.
#pragma once

#include <functional>

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"
#include "emulator/store/writer.hpp"

namespace paratro::app {

using Route = std::function<api::ApiResponse(const api::ApiRequest&)>;
using Respond = std::function<void(api::ApiResponse)>;

// Runs `route` for `r` on the path api::access_of() (the route table's access kind) chooses and calls `respond` exactly
// once. The request must stay valid until then.
void serve(store::Store& store, store::Writer& writer, const Route& route, const api::ApiRequest& r, Respond respond);

}  // namespace paratro::app
