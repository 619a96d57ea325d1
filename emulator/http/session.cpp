// The connection session (see session.hpp). One outstanding read or write per connection, all on
// the connection's strand; the session owns no timers of its own (tcp_stream's expiry is used).
#include "emulator/http/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <string>

#include "emulator/api/json.hpp"
#include "emulator/http/log.hpp"

namespace paratro::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::uint64_t salt = [] {
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) *
           0x9E3779B97F4A7C15ull;
  }();
  std::uint64_t x = salt ^ (counter.fetch_add(1, std::memory_order_relaxed) * 0xBF58476D1CE4E5B9ull);
  x ^= x >> 31;
  std::string id = "req_0000000000000000";
  for (std::size_t i = id.size(); x != 0; x >>= 4) id[--i] = "0123456789abcdef"[x & 0xF];
  return id;
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// The head of a response, byte for byte as Beast's serializer wrote it for the message send() used
// to build (HTTP/1.1; Content-Type, X-Request-Id, then the handler's headers, each replacing an
// earlier field of the same name and going last as basic_fields::set does; Connection: close when
// the connection is not kept alive; Content-Length last). Written by hand so that a response is one
// gathered write of head and body, without the serializer's machinery and a node per field.
void write_head(std::string& out, int status, std::string_view request_id,
                const std::vector<std::pair<std::string, std::string>>& headers, bool keep_alive,
                std::size_t body_size) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  fields.reserve(headers.size() + 4);
  auto set = [&fields](std::string_view name, std::string_view value) {
    std::erase_if(fields, [name](const auto& f) { return beast::iequals(f.first, name); });
    fields.emplace_back(name, value);
  };
  set("Content-Type", "application/json");
  set("X-Request-Id", request_id);
  for (const auto& [k, v] : headers) set(k, v);
  const bool has_connection =
      std::any_of(fields.begin(), fields.end(), [](const auto& f) { return beast::iequals(f.first, "Connection"); });
  if (!keep_alive && !has_connection) set("Connection", "close");
  const std::string length = std::to_string(body_size);
  set("Content-Length", length);
  out.assign("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(bhttp::obsolete_reason(static_cast<bhttp::status>(status))).append("\r\n");
  for (const auto& [k, v] : fields) out.append(k).append(": ").append(v).append("\r\n");
  out.append("\r\n");
}

// Fills `out` from a parsed Beast request; false if the target is not a valid origin-form URI.
bool to_api_request(const bhttp::request<bhttp::string_body>& req, api::ApiRequest& out) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return false;
  out.method = std::string(req.method_string());
  out.path = std::string(url->path());
  for (auto param : url->params()) out.query.emplace_back(param.key, param.value);
  if (auto it = req.find(bhttp::field::authorization); it != req.end()) out.authorization = std::string(it->value());
  if (auto it = req.find("X-API-Key"); it != req.end()) out.api_key = std::string(it->value());
  if (auto it = req.find("X-API-Secret"); it != req.end()) out.api_secret = std::string(it->value());
  if (auto it = req.find("X-Admin-Token"); it != req.end()) out.admin_token = std::string(it->value());
  if (auto it = req.find("Idempotency-Key"); it != req.end()) out.idempotency_key = std::string(it->value());
  if (auto it = req.find("X-PAYMENT"); it != req.end()) out.x_payment = std::string(it->value());
  if (auto it = req.find("Last-Event-ID"); it != req.end()) out.last_event_id = std::string(it->value());
  out.body = req.body();
  return true;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<const SessionContext> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {}

  ~Session() {
    if (body_stream_) body_stream_->close();
  }

  void run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
  }

 private:
  // Idle phase: wait for the first bytes of the next request (skipped if pipelined bytes remain). A
  // new connection gets only the header timeout, counted from the accept and not restarted by its
  // first bytes: one that never sends a request must not hold a descriptor for the idle timeout.
  void wait_for_request() {
    if (buffer_.size() > 0) return read_header();
    header_deadline_running_ = !served_one_;
    stream_.expires_after(served_one_ ? shared_->limits.idle_timeout : shared_->limits.header_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return close();
    buffer_.commit(n);
    read_header();
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.header_limit));
    parser_->body_limit(shared_->limits.body_limit);
    started_ = std::chrono::steady_clock::now();
    if (!header_deadline_running_) stream_.expires_after(shared_->limits.header_timeout);
    header_deadline_running_ = false;
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    stream_.expires_after(shared_->limits.body_timeout);
    if (parser_->is_done()) return on_read({}, 0);
    const auto& req = parser_->get();
    auto expect = req.find(bhttp::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      // curl waits for this before sending a body larger than 1 KiB.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                 if (wec) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return respond_error(domain::ErrorCode::payload_too_large,
                           "Request body exceeds " + std::to_string(shared_->limits.body_limit) + " bytes", 413);
    }
    if (ec == bhttp::error::header_limit) {
      return respond_error(domain::ErrorCode::bad_request, "Request headers are too large", 431);
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec.category() == beast::error_code(bhttp::error::bad_target).category()) {  // any other parse error
      return respond_error(domain::ErrorCode::bad_request, "Malformed HTTP request: " + ec.message(), 400);
    }
    close();
  }

  // An error found before a handler could run; the connection closes after the response.
  void respond_error(domain::ErrorCode code, std::string message, int status) {
    auto r = api::error_response(code, std::move(message));
    r.status = status;
    send(std::move(r), /*keep_alive=*/false, "-", "-", new_request_id());
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    if (auto it = req.find("X-Request-Id"); it != req.end() && sane_request_id(it->value())) {
      request_id_ = std::string(it->value());
    } else {
      request_id_ = new_request_id();
    }
    api_req_ = {};
    if (!to_api_request(req, api_req_)) {
      return finish(api::error_response(domain::ErrorCode::bad_request, "Request target is not a valid URI"), false);
    }
    Admission admission;
    if (shared_->hooks.admit) admission = shared_->hooks.admit(api_req_);
    if (admission.delay.count() > 0) {
      // Injected latency: a one-shot timer on this connection's strand that lives only as long as
      // its own wait (the handler holds it), so nothing outlives the request and no thread sleeps.
      auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor(), admission.delay);
      timer->async_wait([self = shared_from_this(), timer, canned = std::move(admission.response)](
                            beast::error_code) mutable { self->handle(std::move(canned)); });
      return;
    }
    handle(std::move(admission.response));
  }

  // Runs the handler (unless a canned response replaces it); the answer comes back through the reply,
  // at once or after the writer's commit, and is written on this connection's strand.
  void handle(std::optional<api::ApiResponse> canned) {
    if (canned) return finish(std::move(*canned), true);
    auto reply = [self = shared_from_this()](api::ApiResponse res) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, res = std::move(res)]() mutable { self->finish(std::move(res), true); });
    };
    try {
      shared_->handler(api_req_, std::move(reply));
    } catch (const std::exception& e) {
      log_line(LogLevel::error, std::string("request ") + request_id_ + " failed: " + e.what());
      finish(api::error_response(domain::ErrorCode::internal_error, "Internal server error"), true);
    }
  }

  void finish(api::ApiResponse res, bool observe) {
    const auto& req = parser_->get();
    if (observe && shared_->hooks.observe) {
      shared_->hooks.observe(Exchange{api_req_, res, req.target(), request_id_, elapsed_us()});
    }
    send(std::move(res), req.keep_alive(), req.method_string(), req.target(), std::move(request_id_));
  }

  std::int64_t elapsed_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
  }

  void send(api::ApiResponse r, bool keep_alive, std::string_view method, std::string_view target,
            std::string request_id) {
    if (r.stream) return start_stream(std::move(r), method, target, request_id);
    write_head(head_, r.status, request_id, r.headers, keep_alive, r.body.size());
    body_ = std::move(r.body);
    if (log_enabled(LogLevel::info)) {
      const auto us = elapsed_us();
      std::string line = "access ";
      line.append(method).append(" ").append(target).append(" ").append(std::to_string(r.status)).append(" ");
      line.append(std::to_string(us)).append("us ").append(request_id);
      log_line(LogLevel::info, line);
    }
    // A fresh write deadline: a slow handler or an injected delay must not eat into it.
    stream_.expires_after(shared_->limits.body_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers, beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  // A streaming response (GET /_sandbox/events): the headers, then what the stream has ready, one
  // write at a time, until it ends or the client goes; then the connection closes. There is no
  // deadline (an idle stream is the normal case) and no timer: the stream wakes the session when it
  // has data, and a client that stops reading fills its bounded queue, is dropped and closed. A read
  // stays outstanding only to notice the client going away.
  void start_stream(api::ApiResponse r, std::string_view method, std::string_view target,
                    const std::string& request_id) {
    body_stream_ = std::move(r.stream);
    if (log_enabled(LogLevel::info)) {
      log_line(LogLevel::info, "access " + std::string(method) + " " + std::string(target) + " " +
                                   std::to_string(r.status) + " stream " + request_id);
    }
    out_ = "HTTP/1.1 " + std::to_string(r.status) + " " +
           std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(r.status))) + "\r\n";
    out_ += "Cache-Control: no-cache\r\nConnection: close\r\nX-Request-Id: " + request_id + "\r\n";
    for (auto& [k, v] : r.headers) out_ += k + ": " + v + "\r\n";
    out_ += "\r\n";
    beast::error_code ignored;
    // A small kernel send buffer: a client that stops reading is noticed (and dropped) after a
    // bounded amount of data, not after megabytes.
    stream_.socket().set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
    stream_.expires_never();
    buffer_.consume(buffer_.size());
    // The wake the stream keeps holds no strong reference to the session (a stored callback must not
    // keep a connection alive) and coalesces: one post per batch of events, not one per event.
    auto pending = std::make_shared<std::atomic<bool>>(false);
    std::weak_ptr<Session> weak = shared_from_this();
    auto executor = stream_.get_executor();
    body_stream_->open([weak, pending, executor] {
      if (pending->exchange(true)) return;
      asio::post(executor, [weak, pending] {
        pending->store(false);
        if (auto self = weak.lock()) self->pump();
      });
    });
    writing_ = true;
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::on_stream_write, shared_from_this()));
    stream_.async_read_some(buffer_.prepare(512),
                            beast::bind_front_handler(&Session::on_stream_read, shared_from_this()));
  }

  void pump() {
    if (!body_stream_ || stream_closed_) return;
    if (writing_) {
      if (body_stream_->ended()) end_stream();  // dropped while a write is stuck: give up on it
      return;
    }
    out_.clear();
    if (!body_stream_->next(out_)) return end_stream();
    if (out_.empty()) return;
    writing_ = true;
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::on_stream_write, shared_from_this()));
  }

  void on_stream_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return end_stream();
    pump();
  }

  void on_stream_read(beast::error_code ec, std::size_t n) {
    if (ec) return end_stream();  // the client went away (or closed its side)
    buffer_.commit(n);
    buffer_.consume(buffer_.size());  // a client has nothing to say on an event stream
    stream_.async_read_some(buffer_.prepare(512),
                            beast::bind_front_handler(&Session::on_stream_read, shared_from_this()));
  }

  void end_stream() {
    if (stream_closed_) return;
    stream_closed_ = true;
    body_stream_->close();
    close();
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec || !keep_alive) return close();
    served_one_ = true;
    wait_for_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<const SessionContext> shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // the response being written: its head and body (kept until the write ends)
  std::string body_;
  api::ApiRequest api_req_;  // the request being handled (kept across an injected delay)
  std::string request_id_;
  std::shared_ptr<api::ResponseStream> body_stream_;  // set once a streaming response started
  std::string out_;                                   // the stream's bytes being written
  bool writing_ = false;
  bool stream_closed_ = false;
  bool served_one_ = false;               // a response was written: waits between requests are idle
  bool header_deadline_running_ = false;  // the header timeout already runs (set at the accept)
  std::chrono::steady_clock::time_point started_{std::chrono::steady_clock::now()};
};

}  // namespace

void start_session(tcp::socket&& socket, std::shared_ptr<const SessionContext> context) {
  std::make_shared<Session>(std::move(socket), std::move(context))->run();
}

}  // namespace paratro::http
