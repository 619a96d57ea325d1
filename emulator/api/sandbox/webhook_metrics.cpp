// The webhook dispatcher's section of GET /_sandbox/metrics, read from its atomic counters (relaxed:
// a scrape is a snapshot, not a transaction).
#include "emulator/api/sandbox/metrics.hpp"
#include "emulator/webhooks/dispatcher.hpp"

namespace paratro::api {

void write_webhook_metrics(const webhooks::DeliveryCounters& c, std::string& out) {
  write_header(out, "paratro_webhook_deliveries_total", "counter",
               "Webhook deliveries finished, by outcome (succeeded: a 2xx; failed: gave up after the last attempt)");
  write_sample(out, "paratro_webhook_deliveries_total", "outcome=\"succeeded\"", std::to_string(c.succeeded.load()));
  write_sample(out, "paratro_webhook_deliveries_total", "outcome=\"failed\"", std::to_string(c.failed.load()));
  write_header(out, "paratro_webhook_attempts_total", "counter", "Webhook delivery attempts made");
  write_sample(out, "paratro_webhook_attempts_total", "", std::to_string(c.attempts.load()));
  write_header(out, "paratro_webhook_retries_total", "counter", "Failed webhook attempts that were scheduled again");
  write_sample(out, "paratro_webhook_retries_total", "", std::to_string(c.retried.load()));
  write_header(out, "paratro_webhook_in_flight", "gauge", "Webhook attempts posting right now");
  write_sample(out, "paratro_webhook_in_flight", "", std::to_string(c.in_flight.load()));
}

}  // namespace paratro::api
