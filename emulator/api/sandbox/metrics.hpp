// HTTP request metrics for GET /_sandbox/metrics (Prometheus text format 0.0.4): a counter per
// (route template, method, status) and a latency histogram per route template. Every label set is
// fixed up front: routes are the route table's templates (routes.hpp, plus "unmatched"), methods
// from a short list (plus "OTHER"), statuses from the codes the emulator answers (plus "other").
// So the storage is one array of relaxed atomics, sized at construction, and recording a request
// takes no lock and allocates nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace paratro::webhooks {
struct DeliveryCounters;
}

namespace paratro::api {

class Metrics {
 public:
  Metrics();

  // `route` is an index of route_templates() or -1 (unmatched).
  void record(int route, std::string_view method, int status, std::int64_t latency_us);

  // Appends the request counter and the histogram, with HELP/TYPE lines; only label sets that
  // were seen are written.
  void write(std::string& out) const;

 private:
  std::size_t routes_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> requests_;  // [route][method][status]
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;   // [route][bucket], not cumulative
  std::unique_ptr<std::atomic<std::uint64_t>[]> sum_us_;    // [route]
};

// Appends one Prometheus sample line: `name{labels} value\n` (labels may be empty).
void write_sample(std::string& out, std::string_view name, std::string_view labels, std::string_view value);
// Appends `# HELP` and `# TYPE` lines.
void write_header(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// Appends the webhook dispatcher's section (deliveries by outcome, attempts, retries, in flight);
// webhook_metrics.cpp. Registered in Services::metric_writers when deliveries are on.
void write_webhook_metrics(const webhooks::DeliveryCounters& c, std::string& out);

}  // namespace paratro::api
