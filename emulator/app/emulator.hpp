// The emulator as one object: it owns every part (database, clocks, random source, scheduler,
// services, the single writer, the webhook dispatcher, the HTTP server and its I/O threads), builds
// them in dependency order in start() and takes them down in stop() (and the destructor) in reverse.
// main.cpp is a thin shell around it; unit tests run it in-process on port 0 with a temporary
// database.
//
// Threads: start(), wait() and stop() are called from one controlling thread (main's, or a test's),
// never from an I/O thread. request_stop() may be called from anywhere (a signal handler on an I/O
// thread does).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/app/config.hpp"

namespace boost::asio::ip {
class address;
}
namespace paratro::chain {
class VirtualClock;
}
namespace paratro::store {
class Store;
}

namespace paratro::app {

// Why a start was refused: one line (plus detail lines, e.g. a fixture's errors) for stderr; the
// process exits with status 2 (the configuration or the environment is at fault, nothing ran).
struct StartRefusal {
  std::string message;
  std::vector<std::string> details;
};

class Emulator {
 public:
  explicit Emulator(Config config);
  ~Emulator();  // stop()s if running
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Opens the database, restores the clock, prepares the fixture, starts the writer, the dispatcher,
  // the listener and the I/O threads (config().threads of them). On success the port accepts
  // connections (and --port-file is written). Returns the refusal, with nothing left running, when
  // the configuration cannot work; throws only on unexpected failures (std::exception).
  [[nodiscard]] std::optional<StartRefusal> start();
  // Call before start(): from the moment the port accepts, SIGINT and SIGTERM log "shutting down"
  // and request_stop().
  void stop_on_signals();
  // Blocks until request_stop() (or a signal) asks the emulator to end.
  void wait();
  void request_stop();
  // Stops accepting, ends the I/O threads and the dispatcher, finishes the writer's queue and saves
  // the clock. Idempotent.
  void stop();

  // After a successful start():
  unsigned short port() const;
  const Config& config() const;
  store::Store& store();
  const chain::VirtualClock& clock() const;
  bool fresh_clock() const;  // the database had no clock (for the banner)

 private:
  struct Parts;
  std::optional<StartRefusal> start_serving(const boost::asio::ip::address& address);
  Config config_;
  bool handle_signals_ = false;
  std::unique_ptr<Parts> parts_;
};

}  // namespace paratro::app
