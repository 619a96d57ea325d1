// The webhook delivery loop; see dispatcher.hpp.
#include "emulator/webhooks/dispatcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cassert>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include "emulator/webhooks/endpoint.hpp"
#include "emulator/webhooks/http_client.hpp"
#include "emulator/webhooks/signature.hpp"

namespace paratro::webhooks {

namespace {
// Clients whose endpoint is saturated are left out of a claim; the list is capped so the claim
// query keeps a small set of shapes.
constexpr std::size_t kMaxSkippedClients = 8;
constexpr std::size_t kFlushBatch = 256;
}  // namespace

struct Dispatcher::Impl {
  Impl(store::Store& store, const domain::Clock& due_clock, const domain::Clock& wall, DispatcherOptions options);
  ~Impl();
  void start();
  void stop();
  void notify();
  void reset();

  void run();  // the thread's body
  struct Job {
    store::Store::DeliveryJob job;
    std::uint64_t generation = 0;
    // Virtual time at which the attempt started: recorded as last_attempt_at and the base of the
    // retry delay, so a clock that moves while the receiver answers changes neither.
    std::int64_t started_ms = 0;
  };
  struct ClientQueue {
    std::deque<Job> waiting;
    int in_flight = 0;
  };
  void schedule_poll();
  void poll();
  void pump(const std::string& client_id);
  void launch(Job job);
  void on_result(Job job, std::string url, HttpResult r);
  void flush();
  // Runs `work` through options_.write (or inline); `done` comes back on the dispatcher's thread.
  void write(std::function<void()> work, std::function<void(bool)> done = {});
  void report_failure(const store::Store::DeliveryJob& job, const store::Store::DeliveryOutcome& o) const;

  store::Store& store_;
  const domain::Clock& due_clock_;
  const domain::Clock& wall_;
  DispatcherOptions options_;
  boost::asio::io_context ioc_;
  boost::asio::steady_timer timer_;
  std::unique_ptr<HttpClient> client_;
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_{};  // set by the thread itself, for asserts
  // Touched only on the dispatcher thread.
  std::map<std::string, ClientQueue> queues_;
  std::uint64_t generation_ = 0;
  bool poll_failing_ = false;          // the last poll threw (logged once per streak); dispatcher thread only
  std::vector<std::string> launched_;  // queued deliveries now posting, not yet marked sending
  std::vector<store::Store::DeliveryOutcome> outcomes_;
  std::chrono::steady_clock::time_point last_prune_{};
  bool claiming_ = false;  // a claim is with the writer; the next poll waits for it
  DeliveryCounters counters_;
};

Dispatcher::Impl::Impl(store::Store& store, const domain::Clock& due_clock, const domain::Clock& wall,
                       DispatcherOptions options)
    : store_(store),
      due_clock_(due_clock),
      wall_(wall),
      options_(options),
      timer_(ioc_),
      client_(std::make_unique<HttpClient>(ioc_, options.http)) {}

Dispatcher::Impl::~Impl() { stop(); }

void Dispatcher::Impl::start() {
  store_.release_claimed_deliveries();
  schedule_poll();
  thread_ = std::thread([this] { run(); });
}

// The thread's top level: a handler that throws (a database error in a claim, a failing completion)
// is reported and the loop goes on; only stop() ends it. Polls re-arm themselves whatever happens
// (schedule_poll), so deliveries resume once the cause is gone.
void Dispatcher::Impl::run() {
  thread_id_ = std::this_thread::get_id();
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "webhook dispatcher: a handler failed, delivering on: %s\n", e.what());
    }
  }
}

void Dispatcher::Impl::stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(ioc_, [this] {
    flush();
    client_->close_idle();
    ioc_.stop();
  });
  thread_.join();
}

void Dispatcher::Impl::notify() {
  boost::asio::post(ioc_, [this] { poll(); });
}

void Dispatcher::Impl::reset() {
  std::promise<void> done;
  auto fut = done.get_future();
  boost::asio::post(ioc_, [this, &done] {
    ++generation_;
    launched_.clear();
    outcomes_.clear();
    for (auto& [id, q] : queues_) q.waiting.clear();
    client_->close_idle();
    done.set_value();
  });
  if (thread_.joinable()) fut.wait();
  store_.release_claimed_deliveries();
}

void Dispatcher::Impl::schedule_poll() {
  timer_.expires_after(options_.poll);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    try {
      poll();
      if (poll_failing_) std::fprintf(stderr, "webhook dispatcher: polls succeed again\n");
      poll_failing_ = false;
    } catch (const std::exception& e) {
      // One line per streak of failures (a full disk fails every poll), not one every 20 ms.
      if (!poll_failing_)
        std::fprintf(stderr, "webhook dispatcher: poll failed, retried on every poll: %s\n", e.what());
      poll_failing_ = true;
    }
    schedule_poll();
  });
}

void Dispatcher::Impl::poll() {
  assert(std::this_thread::get_id() == thread_id_);  // queues_ and the batches are the thread's alone
  flush();
  int held = 0;  // claimed deliveries in memory: waiting or posting
  for (const auto& [id, q] : queues_) held += static_cast<int>(q.waiting.size()) + q.in_flight;
  const int room = options_.max_claimed - held;
  if (room > 0) {
    std::vector<std::string> skip;
    for (const auto& [id, q] : queues_) {
      if (q.in_flight >= options_.max_in_flight_per_client && !q.waiting.empty() && skip.size() < kMaxSkippedClients) {
        skip.push_back(id);
      }
    }
    if (claiming_) return;
    claiming_ = true;
    auto jobs = std::make_shared<std::vector<store::Store::DeliveryJob>>();
    write([this, jobs, room,
           skip = std::move(skip)] { *jobs = store_.claim_due_deliveries(due_clock_.now_ms(), room, skip); },
          [this, jobs](bool committed) {
            claiming_ = false;
            if (!committed) return;  // the claim was rolled back: the rows are still due
            for (auto& j : *jobs) {
              const std::string client = j.client_id;
              queues_[client].waiting.push_back({std::move(j), generation_});
            }
            for (auto& [id, q] : queues_) {
              if (!q.waiting.empty()) pump(id);
            }
            flush();  // mark what just started as sending
          });
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_prune_ > std::chrono::seconds(5)) {
    last_prune_ = now;
    const std::int64_t keep = options_.retention;
    write([this, keep] { store_.prune_webhook_events(keep); });
  }
  for (auto it = queues_.begin(); it != queues_.end();) {
    it = it->second.in_flight == 0 && it->second.waiting.empty() ? queues_.erase(it) : std::next(it);
  }
}

void Dispatcher::Impl::pump(const std::string& client_id) {
  assert(std::this_thread::get_id() == thread_id_);  // queues_ and the batches are the thread's alone
  auto& q = queues_[client_id];
  while (q.in_flight < options_.max_in_flight_per_client && !q.waiting.empty()) {
    Job job = std::move(q.waiting.front());
    q.waiting.pop_front();
    ++q.in_flight;
    launch(std::move(job));
  }
}

void Dispatcher::Impl::launch(Job job) {
  job.started_ms = due_clock_.now_ms();
  launched_.push_back(job.job.delivery_id);
  ++counters_.in_flight;
  ++counters_.attempts;
  std::string error;
  const std::string url = job.job.url;
  auto endpoint = url.empty() ? std::nullopt : parse_endpoint(url, error);
  if (!endpoint) {
    HttpResult r;
    r.error = url.empty() ? "the client has no webhook URL" : "bad webhook URL: " + error;
    boost::asio::post(ioc_, [this, job = std::move(job), url, r = std::move(r)]() mutable {
      on_result(std::move(job), url, std::move(r));
    });
    return;
  }
  const std::int64_t ts = wall_.now_ms() / 1000;
  HttpClient::Headers headers{{std::string(kTimestampHeader), std::to_string(ts)},
                              {std::string(kSignatureHeader), sign_payload(job.job.secret, ts, job.job.body)},
                              {std::string(kSignatureVersionHeader), std::string(kSignatureVersion)},
                              {std::string(kEventIdHeader), job.job.event_id}};
  std::string body = job.job.body;
  client_->post(
      *endpoint, std::move(body), std::move(headers),
      [this, job = std::move(job), url](HttpResult r) mutable { on_result(std::move(job), url, std::move(r)); });
}

void Dispatcher::Impl::on_result(Job job, std::string url, HttpResult r) {
  --counters_.in_flight;
  const std::string client = job.job.client_id;
  if (auto it = queues_.find(client); it != queues_.end()) --it->second.in_flight;
  if (job.generation == generation_) {
    store::Store::DeliveryOutcome o;
    o.delivery_id = job.job.delivery_id;
    o.status_code = r.status;
    o.latency_ms = r.latency_ms;
    o.attempted_at_ms = job.started_ms;
    o.url = std::move(url);
    const std::int64_t attempt = job.job.attempts + 1;
    if (r.status >= 200 && r.status <= 299) {
      o.status = domain::DeliveryStatus::succeeded;
      ++counters_.succeeded;
    } else {
      o.error = !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status);
      if (!r.body_excerpt.empty()) o.error += ": " + r.body_excerpt;
      if (attempt >= options_.retry.max_attempts) {
        o.status = domain::DeliveryStatus::failed;
        ++counters_.failed;
      } else {
        o.status = domain::DeliveryStatus::pending;
        const bool honour = r.status == 429 || r.status == 503;
        o.next_attempt_ms =
            o.attempted_at_ms + retry_delay_ms(options_.retry, attempt, o.delivery_id, honour ? r.retry_after_s : -1);
        ++counters_.retried;
      }
      report_failure(job.job, o);
    }
    outcomes_.push_back(std::move(o));
    if (outcomes_.size() + launched_.size() >= kFlushBatch) flush();
  }
  pump(client);
}

void Dispatcher::Impl::report_failure(const store::Store::DeliveryJob& job,
                                      const store::Store::DeliveryOutcome& o) const {
  if (!options_.on_failed_attempt) return;
  std::string line = "webhook " + job.event_type + " " + job.event_id + " (delivery " + job.delivery_id + ", attempt " +
                     std::to_string(job.attempts + 1) + "/" + std::to_string(options_.retry.max_attempts) + ") to " +
                     (o.url.empty() ? std::string("(no URL)") : o.url) + " failed: " + o.error;
  if (o.status == domain::DeliveryStatus::failed) {
    line += "; giving up";
  } else {
    line += "; next attempt at " + domain::format_rfc3339(o.next_attempt_ms) + " (virtual time)";
  }
  options_.on_failed_attempt(line);
}

void Dispatcher::Impl::flush() {
  assert(std::this_thread::get_id() == thread_id_);  // queues_ and the batches are the thread's alone
  if (launched_.empty() && outcomes_.empty()) return;
  write([this, launched = std::move(launched_), outcomes = std::move(outcomes_)] {
    store_.record_delivery_progress(launched, outcomes);
  });
  launched_.clear();
  outcomes_.clear();
}

void Dispatcher::Impl::write(std::function<void()> work, std::function<void(bool)> done) {
  if (!options_.write) {
    bool ok = true;
    try {
      work();
    } catch (const std::exception&) {
      ok = false;
    }
    if (done) done(ok);
    return;
  }
  options_.write(std::move(work), [this, done = std::move(done)](bool committed) {
    if (done) boost::asio::post(ioc_, [done, committed] { done(committed); });
  });
}

// The public face forwards to Impl.
Dispatcher::Dispatcher(store::Store& store, const domain::Clock& due_clock, const domain::Clock& wall,
                       DispatcherOptions options)
    : impl_(std::make_unique<Impl>(store, due_clock, wall, std::move(options))) {}
Dispatcher::~Dispatcher() = default;
void Dispatcher::start() { impl_->start(); }
void Dispatcher::stop() { impl_->stop(); }
void Dispatcher::notify() { impl_->notify(); }
void Dispatcher::reset() { impl_->reset(); }
const DeliveryCounters& Dispatcher::counters() const { return impl_->counters_; }
const DispatcherOptions& Dispatcher::options() const { return impl_->options_; }

}  // namespace paratro::webhooks
