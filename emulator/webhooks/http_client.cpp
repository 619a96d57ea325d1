// Beast implementation of the webhook HTTP(S) client; see http_client.hpp.
#include "emulator/webhooks/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>

#include "emulator/webhooks/retry_policy.hpp"

namespace paratro::webhooks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Exchange {
  Endpoint endpoint;
  http::request<http::string_body> request;
  std::function<void(HttpResult)> done;
  std::chrono::steady_clock::time_point started;
};

// One connection to one endpoint; sends one exchange at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpClient& client, const Endpoint& ep) : client_(client), resolver_(client.ioc_), key_(ep.key()) {
    if (ep.tls) {
      tls_.emplace(client.ioc_, client.tls_context());
    } else {
      plain_.emplace(client.ioc_);
    }
  }

  const std::string& key() const { return key_; }
  bool connected() const { return connected_; }

  void run(std::shared_ptr<Exchange> ex) {
    exchange_ = std::move(ex);
    response_.emplace();
    response_->body_limit(64 * 1024);
    buffer_.clear();
    if (connected_) return do_write();
    do_resolve();
  }

  void close() {
    beast::error_code ec;
    lowest().socket().close(ec);
    connected_ = false;
  }

 private:
  beast::tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  void do_resolve() {
    lowest().expires_after(client_.options_.timeout);
    resolver_.async_resolve(exchange_->endpoint.host, exchange_->endpoint.port,
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                              if (ec) return self->fail("resolve", ec);
                              self->do_connect(r);
                            });
  }

  void do_connect(const tcp::resolver::results_type& r) {
    lowest().expires_after(client_.options_.timeout);
    lowest().async_connect(r, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->fail("connect", ec);
      self->lowest().socket().set_option(tcp::no_delay(true), ec);
      if (!self->tls_) {
        self->connected_ = true;
        return self->do_write();
      }
      self->do_handshake();
    });
  }

  void do_handshake() {
    const std::string& host = exchange_->endpoint.host;
    if (!SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str())) {
      return fail("tls", beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    }
    if (client_.options_.verify_tls) tls_->set_verify_callback(asio::ssl::host_name_verification(host));
    lowest().expires_after(client_.options_.timeout);
    tls_->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail("tls handshake", ec);
      self->connected_ = true;
      self->do_write();
    });
  }

  void do_write() {
    lowest().expires_after(client_.options_.timeout);
    auto on_write = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("write", ec);
      self->do_read();
    };
    if (tls_) {
      http::async_write(*tls_, exchange_->request, on_write);
    } else {
      http::async_write(*plain_, exchange_->request, on_write);
    }
  }

  void do_read() {
    auto on_read = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("read", ec);
      self->on_response();
    };
    if (tls_) {
      http::async_read(*tls_, buffer_, *response_, on_read);
    } else {
      http::async_read(*plain_, buffer_, *response_, on_read);
    }
  }

  void on_response() {
    auto& res = response_->get();
    HttpResult r;
    r.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::retry_after); it != res.end()) r.retry_after_s = parse_retry_after(it->value());
    if (r.status < 200 || r.status > 299) r.body_excerpt = res.body().substr(0, 200);
    const bool keep = res.keep_alive();
    lowest().expires_never();
    if (!keep) close();
    finish(std::move(r), keep, false);
  }

  void fail(const char* what, beast::error_code ec) {
    const bool was_reused = reused_;
    close();
    HttpResult r;
    r.error = std::string(what) + ": " + (ec == beast::error::timeout ? std::string("timed out") : ec.message());
    // A kept-alive connection the receiver closed meanwhile: not the receiver's failure.
    const bool retry_fresh = was_reused && ec != beast::error::timeout;
    finish(std::move(r), false, retry_fresh);
  }

  void finish(HttpResult r, bool reusable, bool retry_fresh) {
    reused_ = true;
    auto ex = std::move(exchange_);
    client_.finished(shared_from_this(), std::move(ex), std::move(r), reusable, retry_fresh);
  }

  HttpClient& client_;
  tcp::resolver resolver_;
  std::string key_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> response_;
  std::shared_ptr<Exchange> exchange_;
  bool connected_ = false;
  bool reused_ = false;
};

HttpClient::HttpClient(asio::io_context& ioc, HttpClientOptions options) : ioc_(ioc), options_(options) {}

// Made at the first https endpoint, not at start: an OpenSSL TLS context (its cipher, group and
// signature-algorithm tables) holds about 0.8 MB, which a plain-http webhook never needs.
asio::ssl::context& HttpClient::tls_context() {
  std::call_once(tls_once_, [this] {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (options_.verify_tls) {
      tls_->set_default_verify_paths();
      tls_->set_verify_mode(asio::ssl::verify_peer);
    } else {
      tls_->set_verify_mode(asio::ssl::verify_none);
    }
  });
  return *tls_;
}

HttpClient::~HttpClient() { close_idle(); }

void HttpClient::post(const Endpoint& endpoint, std::string body, Headers headers,
                      std::function<void(HttpResult)> done) {
  auto ex = std::make_shared<Exchange>();
  ex->endpoint = endpoint;
  ex->done = std::move(done);
  ex->started = std::chrono::steady_clock::now();
  auto& req = ex->request;
  req.method(http::verb::post);
  req.target(endpoint.target);
  req.version(11);
  const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
  const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  req.set(http::field::host, default_port ? host : host + ":" + endpoint.port);
  req.set(http::field::user_agent, "Paratro-Webhooks/1.0 (paratro-emulator)");
  req.set(http::field::content_type, "application/json");
  for (auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();
  start(endpoint, std::move(ex), true);
}

void HttpClient::start(const Endpoint& endpoint, std::shared_ptr<Exchange> ex, bool allow_reuse) {
  std::shared_ptr<Connection> c;
  auto& pool = idle_[endpoint.key()];
  if (allow_reuse && !pool.empty()) {
    c = std::move(pool.back());
    pool.pop_back();
  } else {
    c = std::make_shared<Connection>(*this, endpoint);
  }
  c->run(std::move(ex));
}

void HttpClient::finished(std::shared_ptr<Connection> c, std::shared_ptr<Exchange> ex, HttpResult result, bool reusable,
                          bool retry_fresh) {
  if (retry_fresh) {
    const Endpoint ep = ex->endpoint;
    return start(ep, std::move(ex), false);
  }
  if (reusable && c->connected()) {
    auto& pool = idle_[c->key()];
    if (pool.size() < options_.max_idle_per_endpoint) pool.push_back(std::move(c));
  }
  result.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - ex->started).count();
  auto done = std::move(ex->done);
  done(std::move(result));
}

void HttpClient::close_idle() {
  for (auto& [key, pool] : idle_)
    for (auto& c : pool) c->close();
  idle_.clear();
}

}  // namespace paratro::webhooks
