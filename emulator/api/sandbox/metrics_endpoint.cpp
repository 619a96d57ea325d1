// GET /_sandbox/metrics: the request metrics of Services::ops (metrics.hpp), row-count gauges of
// the store, the uptime, and the sections registered in Services::metric_writers, as Prometheus
// text.
#include <chrono>

#include "emulator/api/handlers.hpp"
#include "emulator/api/sandbox/metrics.hpp"

namespace paratro::api {

ApiResponse sandbox_metrics(Services& s) {
  std::string out;
  out.reserve(8192);
  s.ops->metrics.write(out);
  const auto counts = s.store.counts();
  const std::pair<const char*, std::int64_t> gauges[] = {{"clients", counts.clients},
                                                         {"wallets", counts.wallets},
                                                         {"accounts", counts.accounts},
                                                         {"assets", counts.assets},
                                                         {"transactions", counts.transactions}};
  write_header(out, "paratro_transactions_pending", "gauge", "Transactions not yet CONFIRMED or FAILED.");
  write_sample(out, "paratro_transactions_pending", "", std::to_string(counts.pending_transactions));
  for (const auto& [name, value] : gauges) {
    const std::string metric = std::string("paratro_") + name;
    write_header(out, metric, "gauge", std::string("Rows in the ") + name + " table.");
    write_sample(out, metric, "", std::to_string(value));
  }
  const auto uptime = std::chrono::steady_clock::now() - s.ops->started;
  write_header(out, "paratro_uptime_seconds", "gauge", "Seconds since the process started.");
  write_sample(out, "paratro_uptime_seconds", "",
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(uptime).count()));
  for (const auto& writer : s.metric_writers) writer(out);
  ApiResponse res;
  res.status = 200;
  res.body = std::move(out);
  res.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return res;
}

}  // namespace paratro::api
