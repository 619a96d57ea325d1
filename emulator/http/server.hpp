// The HTTP/1.1 server: a listener accepting on a strand per connection and a session per
// connection that reads one request at a time (keep-alive), hands it to a pure handler and writes
// the response. Limits: request body size (413 JSON), header size, an idle timeout while waiting
// for a request, a header timeout and a body timeout once it started. Every response carries an
// X-Request-Id (the client's, if it sent a sane one) and produces one access-log line.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "emulator/api/request.hpp"

namespace paratro::http {

struct ServerLimits {
  std::size_t body_limit = 1 << 20;     // bytes
  std::size_t header_limit = 16 << 10;  // bytes
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
};

// Called on an I/O thread for each complete request; must not block for long. Exceptions it
// throws become 500 internal_error.
using RequestHandler = std::function<api::ApiResponse(const api::ApiRequest&)>;

class Server {
 public:
  // Binds and listens immediately (so port() is known); accepting starts with start().
  // Throws boost::system::system_error if the address cannot be bound.
  Server(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint, RequestHandler handler,
         ServerLimits limits);
  ~Server();
  unsigned short port() const;
  void start();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace paratro::http
