// Implementation of request_path.hpp.
#include "emulator/app/request_path.hpp"

#include <memory>

#include "emulator/api/json.hpp"
#include "emulator/api/routes.hpp"

namespace paratro::app {
namespace {

api::ApiResponse internal_error() {
  return api::error_response(domain::ErrorCode::internal_error, "Internal server error");
}

}  // namespace

void serve(store::Store& store, store::Writer& writer, const Route& route, const api::ApiRequest& r, Respond respond) {
  const api::Access access = api::access_of(r);
  if (access == api::Access::read) {
    api::ApiResponse res;
    {
      store::Store::ReadScope scope(store);
      res = route(r);
    }
    return respond(std::move(res));
  }
  // The response is made on the writer thread inside the batch; it is sent only once the batch's
  // fate is known.
  auto res = std::make_shared<api::ApiResponse>();
  auto work = [&route, &r, res] { *res = route(r); };
  auto done = [res, respond](bool committed) { respond(committed ? std::move(*res) : internal_error()); };
  const auto kind = access == api::Access::exclusive ? store::Writer::Kind::exclusive : store::Writer::Kind::batched;
  if (!writer.submit(kind, std::move(work), std::move(done), api::replayable(r))) {
    auto busy = api::error_response(domain::ErrorCode::service_unavailable,
                                    "The emulator's write queue is full; retry shortly");
    busy.headers.emplace_back("Retry-After", "1");
    respond(std::move(busy));
  }
}

}  // namespace paratro::app
