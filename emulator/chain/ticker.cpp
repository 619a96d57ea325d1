// Implementation of ticker.hpp.
#include "emulator/chain/ticker.hpp"

namespace paratro::chain {

Ticker::Ticker(boost::asio::io_context& ioc, store::Store& store, const domain::Clock& clock,
               std::chrono::milliseconds period)
    : timer_(ioc), store_(store), clock_(clock), period_(period) {}

void Ticker::start() {
  stopped_ = false;
  tick();
  schedule();
}

void Ticker::stop() {
  stopped_ = true;
  timer_.cancel();
}

int Ticker::tick() { return store_.activate_due_wallets(clock_.now_ms()); }

void Ticker::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    try {
      tick();
    } catch (const std::exception&) {
      // A busy or failing database is retried on the next tick.
    }
    schedule();
  });
}

}  // namespace paratro::chain
