// Implementation of event_stream.hpp.
#include "emulator/app/event_stream.hpp"

#include <chrono>
#include <memory>
#include <string>

#include "emulator/api/events/bus.hpp"
#include "emulator/api/events/publish.hpp"
#include "emulator/api/sandbox/metrics.hpp"

namespace paratro::app {

void attach_event_stream(const Config& cfg, api::Services& services, store::Writer& writer) {
  if (cfg.events_ring == 0) return;
  services.events = std::make_shared<api::events::Bus>(api::events::BusOptions{
      cfg.events_ring, cfg.events_subscribers, cfg.events_queue, std::chrono::seconds(cfg.events_linger_s)});
  writer.set_change_builder(api::events::make_change_builder(services), cfg.events_ring,
                            api::events::make_change_gate(services));
  services.metric_writers.push_back([bus = services.events](std::string& out) {
    const auto st = bus->stats();
    api::write_header(out, "paratro_events_published_total", "counter", "Events published on /_sandbox/events");
    api::write_sample(out, "paratro_events_published_total", "", std::to_string(st.published));
    api::write_header(out, "paratro_events_subscribers", "gauge", "Event stream subscribers connected");
    api::write_sample(out, "paratro_events_subscribers", "", std::to_string(st.subscribers));
    api::write_header(out, "paratro_events_dropped_subscribers_total", "counter",
                      "Event stream subscribers dropped because their queue was full");
    api::write_sample(out, "paratro_events_dropped_subscribers_total", "", std::to_string(st.dropped));
  });
}

EventKeepAlive::EventKeepAlive(boost::asio::io_context& ioc, api::Services& services)
    : timer_(ioc), services_(services) {}

void EventKeepAlive::start() {
  if (services_.events) arm();
}

void EventKeepAlive::cancel() { timer_.cancel(); }

void EventKeepAlive::arm() {
  timer_.expires_after(std::chrono::seconds(15));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    services_.events->heartbeat();
    arm();
  });
}

}  // namespace paratro::app
