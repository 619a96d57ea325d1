// Drives time-based state changes from an Asio timer: every `period` it asks the store to apply
// whatever has fallen due by the clock's now (today: wallets finishing key generation). Due times
// live in SQLite, so a restart picks up where the process stopped; a late tick simply applies more.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "emulator/domain/clock.hpp"
#include "emulator/store/store.hpp"

namespace paratro::chain {

class Ticker {
 public:
  Ticker(boost::asio::io_context& ioc, store::Store& store, const domain::Clock& clock,
         std::chrono::milliseconds period = std::chrono::milliseconds(50));
  // Applies everything due now, then keeps ticking until stop().
  void start();
  void stop();
  // One pass, synchronously; returns how many state changes it applied.
  int tick();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  store::Store& store_;
  const domain::Clock& clock_;
  std::chrono::milliseconds period_;
  bool stopped_ = false;
};

}  // namespace paratro::chain
