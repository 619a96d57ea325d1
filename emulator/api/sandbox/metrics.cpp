// Atomic request counters and histograms, and their text exposition (see metrics.hpp).
#include "emulator/api/sandbox/metrics.hpp"

#include <array>
#include <cstdio>

#include "emulator/api/routes.hpp"

namespace paratro::api {

namespace {

constexpr std::array<std::string_view, 8> kMethods{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OTHER"};
constexpr std::array<int, 15> kStatuses{200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 429, 431, 500, 503, 0};
// Upper bounds in microseconds; the last bucket is +Inf.
constexpr std::array<std::int64_t, 15> kBucketsUs{500,    1000,   2500,    5000,    10000,   25000,    50000,   100000,
                                                  250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000};
constexpr std::size_t kBuckets = kBucketsUs.size() + 1;

std::size_t method_index(std::string_view m) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i)
    if (kMethods[i] == m) return i;
  return kMethods.size() - 1;
}

std::size_t status_index(int s) {
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == s) return i;
  return kStatuses.size() - 1;
}

std::string_view route_name(std::size_t i) {
  const auto t = route_templates();
  return i < t.size() ? t[i] : kUnmatchedRoute;
}

std::string seconds_text(std::uint64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(us / 1000000),
                static_cast<unsigned long long>(us % 1000000));
  return buf;
}

// A bucket bound as Prometheus clients print it: 0.0005, 1, 2.5.
std::string bound_text(std::int64_t us) {
  std::string text = seconds_text(static_cast<std::uint64_t>(us));
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

void write_sample(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

void write_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

Metrics::Metrics()
    : routes_(route_templates().size() + 1),
      requests_(std::make_unique<std::atomic<std::uint64_t>[]>(routes_ * kMethods.size() * kStatuses.size())),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(routes_ * kBuckets)),
      sum_us_(std::make_unique<std::atomic<std::uint64_t>[]>(routes_)) {}

void Metrics::record(int route, std::string_view method, int status, std::int64_t latency_us) {
  const std::size_t r =
      route < 0 || static_cast<std::size_t>(route) >= routes_ - 1 ? routes_ - 1 : static_cast<std::size_t>(route);
  requests_[(r * kMethods.size() + method_index(method)) * kStatuses.size() + status_index(status)].fetch_add(
      1, std::memory_order_relaxed);
  const std::uint64_t us = latency_us < 0 ? 0 : static_cast<std::uint64_t>(latency_us);
  std::size_t b = 0;
  while (b < kBucketsUs.size() && static_cast<std::int64_t>(us) > kBucketsUs[b]) ++b;
  buckets_[r * kBuckets + b].fetch_add(1, std::memory_order_relaxed);
  sum_us_[r].fetch_add(us, std::memory_order_relaxed);
}

void Metrics::write(std::string& out) const {
  write_header(out, "paratro_http_requests_total", "counter",
               "HTTP requests answered, by route template, method and status.");
  std::string labels;
  for (std::size_t r = 0; r < routes_; ++r) {
    for (std::size_t m = 0; m < kMethods.size(); ++m) {
      for (std::size_t s = 0; s < kStatuses.size(); ++s) {
        const auto n = requests_[(r * kMethods.size() + m) * kStatuses.size() + s].load(std::memory_order_relaxed);
        if (n == 0) continue;
        labels.assign("route=\"").append(route_name(r)).append("\",method=\"").append(kMethods[m]);
        labels.append("\",status=\"").append(kStatuses[s] ? std::to_string(kStatuses[s]) : "other").append("\"");
        write_sample(out, "paratro_http_requests_total", labels, std::to_string(n));
      }
    }
  }
  write_header(out, "paratro_http_request_duration_seconds", "histogram",
               "Time from a request's first header byte to its response being ready (injected latency included).");
  for (std::size_t r = 0; r < routes_; ++r) {
    std::array<std::uint64_t, kBuckets> counts{};
    std::uint64_t total = 0;
    for (std::size_t b = 0; b < kBuckets; ++b)
      total += counts[b] = buckets_[r * kBuckets + b].load(std::memory_order_relaxed);
    if (total == 0) continue;
    const std::string route_label = "route=\"" + std::string(route_name(r)) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      cumulative += counts[b];
      const std::string le = b < kBucketsUs.size() ? bound_text(kBucketsUs[b]) : "+Inf";
      write_sample(out, "paratro_http_request_duration_seconds_bucket", route_label + ",le=\"" + le + "\"",
                   std::to_string(cumulative));
    }
    write_sample(out, "paratro_http_request_duration_seconds_sum", route_label,
                 seconds_text(sum_us_[r].load(std::memory_order_relaxed)));
    write_sample(out, "paratro_http_request_duration_seconds_count", route_label, std::to_string(total));
  }
}

}  // namespace paratro::api
