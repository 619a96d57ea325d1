// The HTTP/1.1 server: a listener accepting on a strand per connection and a session per
// connection that reads one request at a time (keep-alive), hands it to a pure handler and writes
// the response. Limits: request body size (413 JSON), header size, an idle timeout between requests
// of a kept-alive connection, a header timeout (from the accept for a new connection, so a silent one
// is closed then) and a body timeout once it started. When accept fails for lack of descriptors or
// memory the listener backs off (50 ms doubling to 1 s), logging once per streak. Every response carries an
// X-Request-Id (the client's, if it sent a sane one) and produces one access-log line.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "emulator/api/request.hpp"

namespace paratro::http {

struct ServerLimits {
  std::size_t body_limit = 1 << 20;         // bytes
  std::size_t header_limit = 16 << 10;      // bytes
  std::chrono::seconds idle_timeout{60};    // between requests, after a response
  std::chrono::seconds header_timeout{10};  // to the end of the headers (from the accept, at first)
  std::chrono::seconds body_timeout{30};
};

// Called on an I/O thread for each complete request; must not block for long. Exceptions it
// throws become 500 internal_error.
// Answers a request. May be called at once or later, from any thread, exactly once; the answer is
// written on the connection's strand. If the connection is gone by then, the answer is dropped.
using Reply = std::function<void(api::ApiResponse)>;
// Receives each request and a Reply. Reads reply at once; writes reply when their commit is done.
// The request stays valid until the reply is called.
using RequestHandler = std::function<void(const api::ApiRequest&, Reply)>;

// What the session should do with a request before handling it (fault and latency injection).
struct Admission {
  std::chrono::milliseconds delay{0};        // hold the request this long first; no thread waits
  std::optional<api::ApiResponse> response;  // answer this instead of calling the handler
};

// A request and its final response, as the session sends it.
struct Exchange {
  const api::ApiRequest& request;
  const api::ApiResponse& response;
  std::string_view target;      // as received: path and query
  std::string_view request_id;  // X-Request-Id of the response
  std::int64_t latency_us;      // first header byte to response ready, any delay included
};

// Optional stages around the handler; both run on the I/O thread, must be quick and must not
// throw. Requests rejected before a handler could run (413, 431, malformed) pass through neither.
struct RequestHooks {
  std::function<Admission(const api::ApiRequest&)> admit;
  std::function<void(const Exchange&)> observe;
};

class Server {
 public:
  // Binds and listens immediately (so port() is known); accepting starts with start().
  // Throws boost::system::system_error if the address cannot be bound.
  Server(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint, RequestHandler handler,
         ServerLimits limits, RequestHooks hooks = {});
  ~Server();
  unsigned short port() const;
  void start();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace paratro::http
