// The event stream's wiring (GET /_sandbox/events): the bus on the services, the writer publishing
// every commit to it, its metrics, and one keep-alive timer shared by all subscribers. With
// --events-ring 0 nothing is attached: the writer captures nothing and the route answers 503.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "emulator/api/context.hpp"
#include "emulator/app/config.hpp"
#include "emulator/store/writer.hpp"

namespace paratro::app {

// Creates the bus and hooks it to `writer` (before the writer starts). No-op when the ring is 0.
void attach_event_stream(const Config& cfg, api::Services& services, store::Writer& writer);

// Sends a keep-alive comment to every subscriber every 15 s, on `ioc`, until cancel() or the
// io_context stops. One timer for all subscribers: an idle subscriber costs no timer of its own.
class EventKeepAlive {
 public:
  EventKeepAlive(boost::asio::io_context& ioc, api::Services& services);
  void start();
  void cancel();

 private:
  void arm();
  boost::asio::steady_timer timer_;
  api::Services& services_;
};

}  // namespace paratro::app
