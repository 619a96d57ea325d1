// Delivers the webhook outbox. A thread of its own runs an io_context: every `poll` it claims the
// deliveries due by the virtual clock (bounded: at most `max_claimed` held in memory, at most
// `max_in_flight_per_client` posting to one client's endpoint at once), signs each attempt with the
// wall-clock time of that attempt, posts it, and records outcomes in batches — claims and outcomes go
// through the store's writer, so this thread never holds the database. A slow or dead receiver
// only occupies its own client's slots, never an API thread. After a crash, deliveries that were in
// flight are sent again (at least once; the event_id lets receivers de-duplicate).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emulator/domain/clock.hpp"
#include "emulator/store/store.hpp"
#include "emulator/webhooks/http_options.hpp"
#include "emulator/webhooks/retry_policy.hpp"

namespace paratro::webhooks {

struct DispatcherOptions {
  RetryPolicy retry;
  HttpClientOptions http;
  int max_in_flight_per_client = 32;
  int max_claimed = 2048;
  std::int64_t retention = 10'000;  // events kept once delivered or failed
  std::chrono::milliseconds poll{20};
  // Called on the dispatcher's thread with one line per failed attempt (event, URL, status or
  // error, and when the next attempt is due or that the delivery gave up). Empty: not reported.
  std::function<void(const std::string&)> on_failed_attempt;
  // How the dispatcher's bookkeeping reaches the database: `write(work, done)` runs `work` on the
  // store's writer and later calls `done(committed)` on the writer thread (see store/writer.hpp).
  // Empty: run inline on the dispatcher's thread (tests without a writer).
  std::function<void(std::function<void()> work, std::function<void(bool)> done)> write;
};

struct DeliveryCounters {
  std::atomic<std::int64_t> succeeded{0};  // deliveries acknowledged with a 2xx
  std::atomic<std::int64_t> failed{0};     // deliveries that gave up after the last attempt
  std::atomic<std::int64_t> retried{0};    // failed attempts followed by a retry
  std::atomic<std::int64_t> attempts{0};   // attempts made
  std::atomic<std::int64_t> in_flight{0};  // attempts posting right now
};

class Dispatcher {
 public:
  // `due_clock` decides when deliveries are due (the virtual clock); `wall` stamps signatures.
  Dispatcher(store::Store& store, const domain::Clock& due_clock, const domain::Clock& wall, DispatcherOptions options);
  ~Dispatcher();  // stop()s
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  void stop();
  // Look for due deliveries now instead of at the next poll.
  void notify();
  // The database was replaced (reset, snapshot restore): forget queued work and ignore the results
  // of attempts still in flight.
  void reset();

  const DeliveryCounters& counters() const;
  const DispatcherOptions& options() const;

 private:
  struct Impl;  // the io_context, its thread and the delivery state (dispatcher.cpp)
  std::unique_ptr<Impl> impl_;
};

}  // namespace paratro::webhooks
