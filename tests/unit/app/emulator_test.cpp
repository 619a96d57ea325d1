// app/emulator: the whole emulator in-process — started on port 0 over a temporary database, one real
// HTTP request over a socket, a clean stop that leaves the clock saved — and the start refusals that
// leave nothing running.
#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <string>

#include "emulator/app/emulator.hpp"
#include "emulator/store/store.hpp"
#include "tests/unit/support/temp_dir.hpp"

namespace a = paratro::app;
namespace asio = boost::asio;

namespace {

using paratro::testing::TempDir;

a::Config quiet_config(const TempDir& dir) {
  a::Config cfg;
  cfg.port = 0;
  cfg.database = dir.file("emulator.db");
  cfg.threads = 1;
  cfg.log_level = "warn";
  cfg.manual_clock = true;
  return cfg;
}

// One HTTP/1.1 exchange with Connection: close; the whole response as received.
std::string http_get(unsigned short port, const std::string& target) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::string response;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(response), ec);  // until the server closes: eof
  CHECK(ec == asio::error::eof);
  return response;
}

}  // namespace

TEST_CASE("emulator: starts on port 0, answers a real request, stops cleanly and saves its clock") {
  TempDir dir;
  {
    a::Emulator emulator(quiet_config(dir));
    const auto refusal = emulator.start();
    REQUIRE_FALSE(refusal.has_value());
    REQUIRE(emulator.port() != 0);
    const std::string response = http_get(emulator.port(), "/_sandbox/health");
    CHECK(response.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(response.find("\"status\":\"ok\"") != std::string::npos);
    emulator.request_stop();
    emulator.wait();  // returns at once: the stop was requested
    emulator.stop();
    emulator.stop();  // idempotent
  }
  paratro::store::Store reopened(dir.file("emulator.db"));
  const auto clock = reopened.get_setting("clock");
  REQUIRE(clock.has_value());
  CHECK(clock->find("manual") != std::string::npos);
}

TEST_CASE("emulator: a refused start says why and leaves nothing running") {
  TempDir dir;
  struct Case {
    const char* name;
    void (*change)(a::Config&);
    const char* message_starts;
  };
  const Case cases[] = {
      {"off loopback without an admin token", [](a::Config& c) { c.host = "0.0.0.0"; }, "--host 0.0.0.0"},
      {"a bad chain override", [](a::Config& c) { c.chain_overrides.push_back("nochain:1:1"); }, "--chain "},
      {"an unreadable fixture", [](a::Config& c) { c.fixtures = "/nonexistent/fixture.json"; },
       "cannot read --fixtures /nonexistent/fixture.json"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    a::Config cfg = quiet_config(dir);
    c.change(cfg);
    a::Emulator emulator(cfg);
    const auto refusal = emulator.start();
    REQUIRE(refusal.has_value());
    CHECK(refusal->message.rfind(c.message_starts, 0) == 0);
  }
  // --start-time on a database that already has its clock.
  {
    a::Emulator first(quiet_config(dir));
    REQUIRE_FALSE(first.start().has_value());
  }
  a::Config again = quiet_config(dir);
  again.start_ms = 1767225600000;
  a::Emulator second(again);
  const auto refusal = second.start();
  REQUIRE(refusal.has_value());
  CHECK(refusal->message.rfind("--start-time applies to a fresh database only", 0) == 0);
}
