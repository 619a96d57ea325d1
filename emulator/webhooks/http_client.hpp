// The asynchronous HTTP(S) client that posts webhook bodies. Connections are kept alive and reused
// per endpoint (scheme, host, port); a reused connection that turns out to be closed is replaced once
// without counting as a failed attempt. Every operation of an attempt runs under one deadline.
// Not thread-safe: construct, call and destroy it on the thread running its io_context.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "emulator/webhooks/endpoint.hpp"
#include "emulator/webhooks/http_options.hpp"

// Declared here and included only by http_client.cpp, so OpenSSL headers stay out of this header.
namespace boost::asio::ssl {
class context;
}

namespace paratro::webhooks {

class Connection;

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  HttpClient(boost::asio::io_context& ioc, HttpClientOptions options);
  ~HttpClient();

  // POSTs `body` as application/json; `done` is called exactly once, on the io_context thread.
  void post(const Endpoint& endpoint, std::string body, Headers headers, std::function<void(HttpResult)> done);
  // Closes idle connections (e.g. after a reset).
  void close_idle();

 private:
  friend class Connection;
  void start(const Endpoint& endpoint, std::shared_ptr<struct Exchange> exchange, bool allow_reuse);
  void finished(std::shared_ptr<Connection> c, std::shared_ptr<struct Exchange> exchange, HttpResult result,
                bool reusable, bool retry_fresh);

  boost::asio::io_context& ioc_;
  HttpClientOptions options_;
  boost::asio::ssl::context& tls_context();  // made at the first https connection

  std::once_flag tls_once_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
};

}  // namespace paratro::webhooks
