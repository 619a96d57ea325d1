// The human-facing webhook receiver; see webhooks_listener.hpp. One thread per connection (capped), blocking
// reads: it serves one developer's terminal or a benchmark, not the internet.
#include "emulator/tools/webhooks_listener.hpp"

#include <rapidjson/document.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "emulator/domain/amount.hpp"
#include "emulator/webhooks/signature.hpp"

namespace paratro::tools {

using webhooks::kSignatureHeader;
using webhooks::kTimestampHeader;
using webhooks::Verdict;
using webhooks::verdict_text;
using webhooks::verify_payload;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr int kMaxConnections = 512;
std::mutex print_mu;
std::atomic<int> connections{0};
std::atomic<std::int64_t> received{0};

std::string field(const rapidjson::Document& d, const char* name) {
  auto it = d.FindMember(name);
  if (it == d.MemberEnd()) return "-";
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return "-";
}

// The payload's `amount` (smallest units) in whole tokens, as a person reads it; as sent when it
// is not an integer string or `decimals` is missing.
std::string human_amount(const rapidjson::Document& d) {
  const std::string text = field(d, "amount");
  auto it = d.FindMember("decimals");
  const auto units = domain::from_base_units_string(text);
  if (!units || it == d.MemberEnd() || !it->value.IsInt() || it->value.GetInt() < 0 || it->value.GetInt() > 38) {
    return text;
  }
  return domain::format_amount(*units, static_cast<unsigned>(it->value.GetInt()));
}

void print_event(const ListenerOptions& o, const std::string& body, Verdict verdict) {
  if (o.quiet) return;
  std::lock_guard lock(print_mu);
  if (o.print_json) {
    // stdout carries accepted bodies only (pipe it to jq); a rejected one goes to stderr, marked.
    if (verdict == Verdict::ok) {
      std::printf("%s\n", body.c_str());
    } else {
      std::fprintf(stderr, "rejected (%s): %s\n", std::string(verdict_text(verdict)).c_str(), body.c_str());
      std::fflush(stderr);
    }
  } else {
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    if (d.HasParseError() || !d.IsObject()) {
      std::printf("%-22s (body is not a JSON object)  [%s]\n", "?", std::string(verdict_text(verdict)).c_str());
    } else {
      std::printf("%-22s %s %s %-10s %s %s %s conf %s/%s  [%s]\n", field(d, "event_type").c_str(),
                  field(d, "event_id").c_str(), field(d, "source_id").c_str(), field(d, "status").c_str(),
                  human_amount(d).c_str(), field(d, "symbol").c_str(), field(d, "chain").c_str(),
                  field(d, "confirmations").c_str(), field(d, "required_confirmations").c_str(),
                  std::string(verdict_text(verdict)).c_str());
    }
  }
  std::fflush(stdout);
}

void serve(tcp::socket socket, const ListenerOptions& o) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    http::read(socket, buffer, parser, ec);
    if (ec) break;
    const auto& req = parser.get();
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "application/json");
    if (req.method() != http::verb::post) {
      res.result(http::status::method_not_allowed);
      res.body() = R"({"error":"send webhooks with POST"})";
    } else {
      Verdict v = Verdict::ok;
      if (!o.secret.empty()) {
        const auto now_s =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        v = verify_payload(o.secret, req[std::string(kTimestampHeader)], req[std::string(kSignatureHeader)], req.body(),
                           now_s, o.tolerance_s);
      }
      ++received;
      print_event(o, req.body(), v);
      if (v == Verdict::ok) {
        res.result(static_cast<unsigned>(o.status));
        res.body() = R"({"received":true})";
      } else {
        res.result(http::status::bad_request);
        res.body() = std::string(R"({"error":")") + std::string(verdict_text(v)) + "\"}";
      }
    }
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

int run_listener(const ListenerOptions& o) {
  try {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::make_address(o.host), o.port});
    std::printf("paratro-emulator webhooks listening on http://%s:%u (%s)\n", o.host.c_str(),
                static_cast<unsigned>(acceptor.local_endpoint().port()),
                o.secret.empty() ? "signatures not checked" : "checking signatures");
    std::fflush(stdout);
    // A failed accept (out of descriptors) waits 100 ms before the next try instead of spinning,
    // and says so once per streak.
    asio::steady_timer retry(ioc);
    bool failing = false;
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      beast::error_code ec;
      acceptor.close(ec);
      retry.cancel();
      ioc.stop();
    });
    std::function<void()> do_accept = [&] {
      acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        if (ec) {
          if (!failing) std::fprintf(stderr, "accept failed: %s; retrying every 100 ms\n", ec.message().c_str());
          failing = true;
          retry.expires_after(std::chrono::milliseconds(100));
          retry.async_wait([&](beast::error_code wec) {
            if (!wec) do_accept();
          });
          return;
        }
        failing = false;
        if (connections.load() >= kMaxConnections) {
          socket.close(ec);
        } else {
          ++connections;
          // A connection's thread ends with its connection, whatever happens while serving it.
          std::thread([s = std::move(socket), &o]() mutable {
            try {
              serve(std::move(s), o);
            } catch (const std::exception& e) {
              std::fprintf(stderr, "connection failed: %s\n", e.what());
            }
            --connections;
          }).detach();
        }
        do_accept();
      });
    };
    do_accept();
    ioc.run();
    std::fprintf(stderr, "received %lld webhook(s)\n", static_cast<long long>(received.load()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paratro-emulator webhooks listen: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace paratro::tools
