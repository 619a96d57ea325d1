// Beast listener (see server.hpp): accepts on its own strand, gives each connection a strand and a
// session (session.hpp), and backs off when out of descriptors or memory.
#include "emulator/http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <cerrno>
#include <string>

#include "emulator/http/log.hpp"
#include "emulator/http/session.hpp"

namespace paratro::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// The back-off of the accept loop when the process (or the system) is out of descriptors or memory:
// retrying at once would spin a core and flood the log while nothing can be accepted anyway.
constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{1000};

bool out_of_resources(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == beast::error_code(ENFILE, boost::system::system_category()) ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, const tcp::endpoint& ep, std::shared_ptr<const SessionContext> sh)
      : ioc(io), acceptor(asio::make_strand(io)), backoff_timer(acceptor.get_executor()), shared(std::move(sh)) {
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  // Everything below runs on the acceptor's strand.
  void accept() {
    acceptor.async_accept(asio::make_strand(ioc),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
                            if (!ec) {
                              self->recovered();
                              socket.set_option(tcp::no_delay(true), ec);
                              start_session(std::move(socket), self->shared);
                            } else if (out_of_resources(ec)) {
                              return self->back_off(ec);
                            } else {
                              log_line(LogLevel::warn, "accept failed: " + ec.message());
                            }
                            self->accept();
                          });
  }

  // Waits before the next accept: 50 ms, doubling to 1 s while accepts keep failing. One log line
  // when a streak starts and one when it ends, whatever the number of retries in between.
  void back_off(const beast::error_code& ec) {
    if (backoff.count() == 0) {
      backoff = kFirstBackoff;
      log_line(LogLevel::warn, "accept failed: " + ec.message() + "; retrying after 50 ms, doubling to 1 s, until a " +
                                   "connection can be accepted");
    } else {
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
    ++failures;
    backoff_timer.expires_after(backoff);
    backoff_timer.async_wait([self = shared_from_this()](beast::error_code wec) {
      if (wec || !self->acceptor.is_open()) return;
      self->accept();
    });
  }

  void recovered() {
    if (backoff.count() == 0) return;
    log_line(LogLevel::warn, "accepting again after " + std::to_string(failures) + " failed accept(s)");
    backoff = std::chrono::milliseconds{0};
    failures = 0;
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  asio::steady_timer backoff_timer;
  std::chrono::milliseconds backoff{0};  // 0: not backing off
  std::int64_t failures = 0;             // failed accepts of the current streak
  std::shared_ptr<const SessionContext> shared;
};

Server::Server(asio::io_context& ioc, const tcp::endpoint& endpoint, RequestHandler handler, ServerLimits limits,
               RequestHooks hooks)
    : impl_(std::make_shared<Impl>(
          ioc, endpoint,
          std::make_shared<const SessionContext>(SessionContext{std::move(handler), limits, std::move(hooks)}))) {}

Server::~Server() = default;

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::start() {
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] { impl->accept(); });
}

void Server::stop() {
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->backoff_timer.cancel();
  });
}

}  // namespace paratro::http