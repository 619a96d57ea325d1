// Implementation of request_path.hpp.
#include "emulator/app/request_path.hpp"

#include <memory>
#include <string_view>

#include "emulator/api/json.hpp"

namespace paratro::app {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

api::ApiResponse internal_error() {
  return api::error_response(domain::ErrorCode::internal_error, "Internal server error");
}

}  // namespace

Access access_of(const api::ApiRequest& r) {
  std::string_view path = r.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  // The writer's own controls must not wait for it (they pause and resume it).
  if (path == "/_sandbox/storage") return Access::read;
  if (r.method == "GET" || r.method == "HEAD") {
    const bool paid_fetch = starts_with(path, "/_sandbox/x402/resources/") && ends_with(path, "/content");
    return paid_fetch && r.x_payment.has_value() ? Access::write : Access::read;
  }
  // Work that replaces the database or moves the clock runs alone, outside any batch.
  if (path == "/_sandbox/reset" || path == "/_sandbox/snapshots" || path == "/_sandbox/clock" ||
      path == "/_sandbox/clock/advance" || (starts_with(path, "/_sandbox/snapshots/") && ends_with(path, "/restore"))) {
    return Access::exclusive;
  }
  return Access::write;
}

void serve(store::Store& store, store::Writer& writer, const Route& route, const api::ApiRequest& r, Respond respond) {
  const Access access = access_of(r);
  if (access == Access::read) {
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
  const auto kind = access == Access::exclusive ? store::Writer::Kind::exclusive : store::Writer::Kind::batched;
  if (!writer.submit(kind, std::move(work), std::move(done))) {
    auto busy = api::error_response(domain::ErrorCode::service_unavailable,
                                     "The emulator's write queue is full; retry shortly");
    busy.headers.emplace_back("Retry-After", "1");
    respond(std::move(busy));
  }
}

}  // namespace paratro::app
