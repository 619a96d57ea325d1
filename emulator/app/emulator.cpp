// See emulator.hpp. start() is the wiring, in the order the parts depend on each other; the policies
// it applies live beside it (start_policy.hpp, default_client.hpp, fixture_file.hpp) and the
// dispatcher's metrics in api/sandbox/webhook_metrics.cpp.
#include "emulator/app/emulator.hpp"

#include <malloc.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include "emulator/api/handlers.hpp"
#include "emulator/api/routes.hpp"
#include "emulator/api/sandbox/metrics.hpp"
#include "emulator/app/default_client.hpp"
#include "emulator/app/event_stream.hpp"
#include "emulator/app/fixture_file.hpp"
#include "emulator/app/port_file.hpp"
#include "emulator/app/request_path.hpp"
#include "emulator/app/start_policy.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/http/log.hpp"
#include "emulator/http/pipeline.hpp"
#include "emulator/http/server.hpp"
#include "emulator/store/writer.hpp"
#include "emulator/webhooks/dispatcher.hpp"

namespace paratro::app {

namespace asio = boost::asio;

// Declared in construction order; destroyed in reverse, so nothing outlives what it borrows: the
// server, dispatcher and writer go before the services, scheduler and store they use, and the
// io_context outlives every socket and pending handler (the writer's queue may hold the last
// reference to a connection).
struct Emulator::Parts {
  explicit Parts(const Config& cfg) : port_file(cfg.port_file), ioc(static_cast<int>(cfg.threads)) {}

  PortFile port_file;
  std::optional<store::Store> store;
  domain::SystemClock wall;
  crypto::SystemRandom system_rng;
  std::optional<crypto::SeededRandom> seeded_rng;
  crypto::RandomSource* rng = nullptr;
  chain::ChainTable chains;
  std::optional<chain::VirtualClock> clock;
  bool fresh_clock = true;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<chain::Scheduler> scheduler;
  std::optional<api::Services> services;
  std::optional<store::Writer> writer;
  std::optional<EventKeepAlive> keep_alive;
  std::optional<webhooks::Dispatcher> dispatcher;
  std::optional<http::Server> server;
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;
  bool stopped = false;
};

namespace {

StartRefusal refuse(std::string message) { return StartRefusal{std::move(message), {}}; }

webhooks::DispatcherOptions dispatcher_options(const Config& cfg, store::Writer& writer) {
  webhooks::DispatcherOptions o;
  o.retry.max_attempts = cfg.webhook_max_attempts;
  o.http.timeout = std::chrono::milliseconds(cfg.webhook_timeout_ms);
  o.http.verify_tls = !cfg.webhook_insecure;
  o.max_in_flight_per_client = cfg.webhook_max_in_flight;
  o.retention = cfg.webhook_retention;
  o.on_failed_attempt = [](const std::string& line) { http::log_line(http::LogLevel::warn, line); };
  o.write = [&writer](std::function<void()> work, std::function<void(bool)> done) {
    writer.submit_internal(store::Writer::Kind::batched, std::move(work), std::move(done));
  };
  return o;
}

std::string listen_failure(const Config& cfg, bool v6, const boost::system::system_error& e) {
  const std::string where = (v6 ? "[" + cfg.host + "]" : cfg.host) + ":" + std::to_string(cfg.port);
  const bool in_use = e.code() == asio::error::address_in_use;
  return "cannot listen on " + where + ": " +
         (in_use ? "the address is already in use (another emulator? choose another --port, or --port 0 for a free one)"
                 : e.code().message());
}

// An I/O thread's top level. Sessions answer a throwing handler with 500 themselves; anything that
// still escapes a handler (an allocation failure, a bug) is logged and the thread serves on: one
// failed request must not end the process.
void run_io_thread(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      http::log_line(http::LogLevel::error, std::string("I/O thread: a handler failed, serving on: ") + e.what());
    }
  }
}

}  // namespace

Emulator::Emulator(Config config) : config_(std::move(config)) {}

Emulator::~Emulator() { stop(); }

// The first half: checks that need nothing, then the database and everything derived from it (random
// stream, clock, scheduler, services, fixture and reset baseline, the default client's flags).
std::optional<StartRefusal> Emulator::start() {
  assert(!parts_ && "start() runs once");
  Config& cfg = config_;
  http::LogLevel level{};
  if (http::parse_log_level(cfg.log_level, level)) http::set_log_level(level);
  if (auto st = api::check_webhook_config(cfg.webhook_url, cfg.webhook_secret); !st)
    return refuse("--" + st.error().message);
  const auto address = asio::ip::make_address(cfg.host);
  // The control plane can mint clients and balances: off loopback it must not be open to anyone.
  if (!address.is_loopback() && cfg.admin_token.empty()) {
    return refuse(
        "--host " + cfg.host +
        " is not a loopback address; set --admin-token (or PARATRO_EMULATOR_ADMIN_TOKEN) to protect /_sandbox");
  }
  parts_ = std::make_unique<Parts>(cfg);
  Parts& p = *parts_;
  for (const auto& spec : cfg.chain_overrides) {
    std::string err;
    if (!p.chains.apply_override(spec, err)) return refuse("--chain " + err);
  }
  // A file that is not an emulator database (corrupt, another application's) is refused like a bad
  // flag: nothing was started, and the message names the file and what to do.
  try {
    p.store.emplace(cfg.database);
  } catch (const store::StoreError& e) {
    return refuse(e.what());
  }
  store::Store& store = *p.store;
  if (cfg.seed) {
    p.seeded_rng.emplace(seed_for_this_start(store, *cfg.seed));
    p.rng = &*p.seeded_rng;
  } else {
    p.rng = &p.system_rng;
  }
  auto clock_start = restore_clock(store, cfg, p.wall);
  if (!clock_start) return refuse(clock_start.error().message);
  p.fresh_clock = clock_start->fresh;
  p.clock.emplace(p.wall, clock_start->state);
  if (!p.fresh_clock) p.clock->configure(cfg.manual_clock, cfg.clock_speed);
  const std::string epoch =
      store.get_or_create_setting("chain_epoch_ms", [&] { return std::to_string(p.clock->now_ms()); });
  p.chains.set_epoch(std::stoll(epoch));

  const chain::LifecycleTiming timing{cfg.sign_delay_ms, cfg.broadcast_delay_ms, cfg.webhook_every_confirmation};
  p.scheduler.emplace(store, *p.clock, p.chains, timing, *p.rng);
  p.scheduler->persist_clock();
  // Tokens live in real time in every mode, so an SDK's token cache (kept by wall time) stays right
  // whatever the virtual clock does.
  api::Services& services = p.services.emplace(store, *p.clock, p.wall, *p.rng, *p.scheduler);
  services.options.token_ttl_s = cfg.token_ttl_s;
  services.options.keygen_delay_ms = cfg.keygen_delay_ms;
  services.options.default_api_version = cfg.api_version.value_or(domain::kDefaultApiVersion);
  services.jwt_key = store.get_or_create_setting("jwt_signing_key", [&] {
    std::array<std::uint8_t, 32> key{};
    p.rng->fill(key);
    return crypto::to_hex(key);
  });
  // Fixture and reset baseline before the listener exists: once the port accepts connections, the
  // fixture is in place.
  std::optional<std::string> fixture_text;
  if (!cfg.fixtures.empty()) {
    fixture_text = read_fixture_file(cfg.fixtures);
    if (!fixture_text) return refuse("cannot read --fixtures " + cfg.fixtures);
  }
  StartRefusal fixture_refusal;
  if (auto st = api::prepare_start_state(services, fixture_text ? &*fixture_text : nullptr, cfg.fixtures,
                                         fixture_refusal.details);
      !st) {
    fixture_refusal.message = st.error().message;
    return fixture_refusal;
  }
  apply_default_client_flags(services, cfg);
  store.set_webhook_every_confirmation(cfg.webhook_every_confirmation);
  return start_serving(address);
}

// The second half of start(): the state is in place; the writer, the dispatcher, the listener and the
// I/O threads start, in that order.
std::optional<StartRefusal> Emulator::start_serving(const asio::ip::address& address) {
  const Config& cfg = config_;
  Parts& p = *parts_;
  store::Store& store = *p.store;
  api::Services& services = *p.services;
  // Every write from here on goes through the single writer (store/writer.hpp).
  store::WriterOptions writer_options;
  writer_options.capacity = cfg.write_queue;
  store::Writer& writer = p.writer.emplace(store, writer_options);
  services.writer = &writer;
  webhooks::Dispatcher& dispatcher = p.dispatcher.emplace(store, *p.clock, p.wall, dispatcher_options(cfg, writer));
  services.webhooks = &dispatcher;
  services.reset_hooks.push_back([&dispatcher] { dispatcher.reset(); });
  services.metric_writers.push_back(
      [&dispatcher](std::string& out) { api::write_webhook_metrics(dispatcher.counters(), out); });
  services.ops->admin_token = cfg.admin_token;
  services.ops->rate_limiter.set_default_rate(cfg.rate_limit);
  services.ops->journal.set_capacity(cfg.journal_size);
  services.ops->journal.set_record_bodies(cfg.journal_bodies);
  api::add_ops_reset_hook(services);
  attach_event_stream(cfg, services, writer);
  p.keep_alive.emplace(p.ioc, services);
  p.keep_alive->start();

  // Start-up work first (catching up on what fell due while stopped); only then open the port, so a
  // connection that succeeds means the emulator is ready.
  // The catch-up runs on the writer like every other state change, so the locks are always taken in
  // one order (the store's, then the scheduler's).
  writer.set_tick(std::chrono::milliseconds(20), [&p] { p.scheduler->tick(); });
  writer.start();
  std::promise<void> caught_up;
  writer.submit_internal(
      store::Writer::Kind::exclusive,
      [&p] {
        p.scheduler->catch_up();
        p.store->release_cache();
      },
      [&caught_up](bool) { caught_up.set_value(); });
  caught_up.get_future().wait();
  // Loading the fixture and the reset baseline went through the write connection's page cache; it
  // is freed above (pages are read again as they are needed) and the heap's free pages go back to
  // the OS, so an idle emulator holds only what it uses.
  malloc_trim(0);
  http::ServerLimits limits;
  limits.body_limit = cfg.max_body_bytes;
  limits.header_timeout = std::chrono::seconds(cfg.header_timeout_s);
  const Route route = [&services](const api::ApiRequest& r) { return api::dispatch(services, r); };
  auto handler = [&store, &writer, route](const api::ApiRequest& r, http::Reply reply) {
    serve(store, writer, route, r, std::move(reply));
  };
  try {
    p.server.emplace(p.ioc, asio::ip::tcp::endpoint{address, cfg.port}, handler, limits,
                     http::make_request_hooks(services));
  } catch (const boost::system::system_error& e) {
    return refuse(listen_failure(cfg, address.is_v6(), e));
  }
  if (handle_signals_) {
    // Installed before the port accepts: once a client can see the emulator ready, SIGTERM is a
    // clean shutdown, never the default action.
    p.signals.emplace(p.ioc, SIGINT, SIGTERM);
    p.signals->async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;  // cancelled by stop()
      http::log_line(http::LogLevel::info, "shutting down");
      request_stop();
    });
  }
  dispatcher.start();
  p.server->start();
  p.work.emplace(p.ioc.get_executor());
  for (unsigned i = 0; i < std::max(1u, cfg.threads); ++i) p.threads.emplace_back([&p] { run_io_thread(p.ioc); });
  p.port_file.write(p.server->port());
  return std::nullopt;
}

void Emulator::stop_on_signals() {
  assert(!parts_ && "before start(): a signal must find its handler once the port accepts");
  handle_signals_ = true;
}

void Emulator::request_stop() {
  if (!parts_) return;
  std::lock_guard lock(parts_->mu);
  parts_->stop_requested = true;
  parts_->cv.notify_all();
}

void Emulator::wait() {
  if (!parts_) return;
  std::unique_lock lock(parts_->mu);
  parts_->cv.wait(lock, [this] { return parts_->stop_requested; });
}

void Emulator::stop() {
  if (!parts_ || parts_->stopped) return;
  Parts& p = *parts_;
  p.stopped = true;
  for ([[maybe_unused]] const auto& t : p.threads)
    assert(t.get_id() != std::this_thread::get_id() && "stop() from an I/O thread");
  if (p.server) p.server->stop();
  if (p.dispatcher) p.dispatcher->stop();
  if (p.keep_alive) p.keep_alive->cancel();
  p.work.reset();
  p.ioc.stop();
  for (auto& t : p.threads) t.join();
  p.threads.clear();
  // What was accepted is finished (its answers are dropped with the connections), then the clock is
  // saved with nothing else writing.
  if (p.writer) p.writer->stop();
  if (p.scheduler) p.scheduler->persist_clock();
  request_stop();
}

unsigned short Emulator::port() const { return parts_->server->port(); }
const Config& Emulator::config() const { return config_; }
store::Store& Emulator::store() { return *parts_->store; }
const chain::VirtualClock& Emulator::clock() const { return *parts_->clock; }
bool Emulator::fresh_clock() const { return parts_->fresh_clock; }

}  // namespace paratro::app
