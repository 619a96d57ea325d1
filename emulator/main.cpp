// paratro-emulator: flags and PARATRO_EMULATOR_* environment variables -> configuration, wiring of
// store, services and HTTP server, the start-up banner, and signal-driven shutdown.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emulator/app/config.hpp"
#include "emulator/app/request_path.hpp"
#include "emulator/api/events/bus.hpp"
#include "emulator/api/events/publish.hpp"
#include "emulator/api/fixture.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/sandbox/metrics.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/http/log.hpp"
#include "emulator/http/pipeline.hpp"
#include "emulator/api/routes.hpp"
#include "emulator/http/server.hpp"
#include "emulator/webhooks/dispatcher.hpp"
#include "emulator/webhooks/listener.hpp"

namespace po = boost::program_options;
using namespace paratro;

namespace {

// `paratro-emulator webhooks listen ...`: the receiver for humans.
int webhooks_command(int argc, char** argv) {
  webhooks::ListenerOptions o;
  po::options_description opts("paratro-emulator webhooks listen [options]");
  opts.add_options()
      ("help,h", "show this help")
      ("host", po::value(&o.host)->default_value(o.host), "address to listen on")
      ("port", po::value(&o.port)->default_value(o.port), "port to listen on; 0 picks a free one")
      ("secret", po::value(&o.secret), "webhook secret (whsec_...); without it signatures are not checked")
      ("status", po::value(&o.status)->default_value(o.status), "HTTP status to answer correctly signed events with")
      ("tolerance", po::value(&o.tolerance_s)->default_value(o.tolerance_s), "accepted timestamp age, seconds")
      ("json", po::bool_switch(&o.print_json), "print each raw body instead of a summary line")
      ("quiet", po::bool_switch(&o.quiet), "print nothing per event");
  po::variables_map vm;
  try {
    if (argc < 3 || std::string(argv[2]) != "listen") throw std::runtime_error("usage: paratro-emulator webhooks listen [options]");
    po::store(po::parse_command_line(argc - 2, argv + 2, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "paratro-emulator: " << e.what() << "\n" << opts << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (o.status < 100 || o.status > 599) {
    std::cerr << "paratro-emulator: --status must be an HTTP status code\n";
    return 2;
  }
  return webhooks::run_listener(o);
}

// --port-file: written once the emulator is ready (temporary file + rename, so a script polling
// for it never reads half a file) and removed when the process ends, so a readiness loop never
// picks up the port of a previous run.
class PortFile {
 public:
  explicit PortFile(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);  // a leftover of a killed run is stale by definition
  }
  ~PortFile() {
    if (!written_) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  PortFile(const PortFile&) = delete;
  PortFile& operator=(const PortFile&) = delete;

  void write(unsigned short port) {
    if (path_.empty()) return;
    const std::string tmp = path_ + ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << port << "\n";
      out.flush();
      if (!out) throw std::runtime_error("cannot write --port-file " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path_, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error("cannot write --port-file " + path_);
    }
    written_ = true;
  }

 private:
  std::string path_;
  bool written_ = false;
};

// "running at 1x" / "manual": the banner's clock mode.
std::string clock_mode_text(const chain::ClockState& st) {
  if (st.manual) return "manual";
  char buf[64];
  std::snprintf(buf, sizeof buf, "running at %gx", st.speed);
  return buf;
}

// Which setting holds for the clock: the flag (or variable) given, else the database's memory, else
// the defaults of a fresh database.
std::string clock_source_text(const app::Config& cfg, bool fresh) {
  const char* otherwise = fresh ? "default" : "from the database";
  auto part = [otherwise](const char* what, const std::string& from) {
    return std::string(what) + " " + (from.empty() ? std::string(otherwise) : "from " + from);
  };
  return part("mode", cfg.manual_clock_from) + ", " + part("speed", cfg.clock_speed_from);
}

// Reads a whole file (at most api::kMaxFixtureBytes + 1 bytes, so an oversize one is reported).
std::optional<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= api::kMaxFixtureBytes) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return std::nullopt;
  return text;
}

// `paratro-emulator fixtures validate FILE`: the loader itself, run against a scratch in-memory
// database, so "ok" here means --fixtures FILE loads. Exit 0 when valid, 1 when not, 2 on misuse.
int fixtures_command(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "validate") {
    std::cerr << "paratro-emulator: unknown command 'fixtures" << (argc >= 3 ? std::string(" ") + argv[2] : "")
              << "'; usage: paratro-emulator fixtures validate FILE\n";
    return 2;
  }
  if (argc != 4) {
    std::cerr << "paratro-emulator: fixtures validate takes exactly one FILE; usage: paratro-emulator fixtures validate FILE\n";
    return 2;
  }
  const std::string path = argv[3];
  const auto text = read_file(path);
  if (!text) {
    std::cerr << "paratro-emulator: cannot read " << path << "\n";
    return 2;
  }
  try {
    store::Store scratch(":memory:");
    domain::SystemClock wall;
    crypto::SystemRandom rng;
    chain::ChainTable chains;
    chains.set_epoch(wall.now_ms());
    const api::FixtureContext ctx{scratch, rng, chains, wall.now_ms(), 3000, api::ApiOptions{}.default_max_wallets,
                                  domain::kDefaultApiVersion};
    const auto result = api::load_fixture(ctx, *text);
    if (!result.ok()) {
      for (const auto& e : result.errors) std::cout << e.path << ": " << e.message << "\n";
      return 1;
    }
    std::cout << "ok: " << api::describe(result.counts) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "paratro-emulator: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "webhooks") return webhooks_command(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "fixtures") return fixtures_command(argc, argv);
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos && kv.rfind("PARATRO_EMULATOR_", 0) == 0) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  auto parsed = app::parse_config(std::vector<std::string>(argv + 1, argv + argc), env);
  switch (parsed.action) {
    case app::ParsedCommandLine::Action::help:
      std::cout << "paratro-emulator " << PARATRO_EMULATOR_VERSION
                << " - an offline emulator of the Paratro MPC-wallet gateway\n\n"
                << app::help_text();
      return 0;
    case app::ParsedCommandLine::Action::version:
      std::cout << "paratro-emulator " << PARATRO_EMULATOR_VERSION << "\n";
      return 0;
    case app::ParsedCommandLine::Action::error:
      std::cerr << "paratro-emulator: " << parsed.error << "\n";
      return 2;
    case app::ParsedCommandLine::Action::run:
      break;
  }
  app::Config& cfg = parsed.config;
  http::LogLevel level{};
  http::parse_log_level(cfg.log_level, level);
  http::set_log_level(level);
  if (auto st = api::check_webhook_config(cfg.webhook_url, cfg.webhook_secret); !st) {
    std::cerr << "paratro-emulator: --" << st.error().message << "\n";
    return 2;
  }
  const auto address = boost::asio::ip::make_address(cfg.host);
  // The control plane can mint clients and balances: off loopback it must not be open to anyone.
  if (!address.is_loopback() && cfg.admin_token.empty()) {
    std::cerr << "paratro-emulator: --host " << cfg.host
              << " is not a loopback address; set --admin-token (or PARATRO_EMULATOR_ADMIN_TOKEN) to protect /_sandbox\n";
    return 2;
  }
  const bool seeded = cfg.seed.has_value();
  chain::ChainTable chains;
  for (const auto& spec : cfg.chain_overrides) {
    std::string err;
    if (!chains.apply_override(spec, err)) {
      std::cerr << "paratro-emulator: --chain " << err << "\n";
      return 2;
    }
  }
  PortFile port_file(cfg.port_file);

  try {
    // A file that is not an emulator database (corrupt, another application's) is refused like a
    // bad flag: nothing was started, and the message names the file and what to do.
    std::optional<store::Store> opened;
    try {
      opened.emplace(cfg.database);
    } catch (const store::StoreError& e) {
      std::fprintf(stderr, "paratro-emulator: %s\n", e.what());
      return 2;
    }
    store::Store& store = *opened;
    domain::SystemClock wall;
    crypto::SystemRandom system_rng;
    // Each start of a seeded database draws from its own stream (start 0 is the seed itself), so a
    // restart never hands out key material or ids again, and fresh runs still repeat exactly.
    std::uint64_t generation = 0;
    if (seeded) {
      if (auto g = store.get_setting("seed_generation")) generation = std::stoull(*g) + 1;
      store.put_setting("seed_generation", std::to_string(generation));
    }
    crypto::SeededRandom seeded_rng(cfg.seed.value_or(0) ^ (generation * 0x9E3779B97F4A7C15ull));
    crypto::RandomSource& rng = seeded ? static_cast<crypto::RandomSource&>(seeded_rng) : system_rng;

    // The clock continues the database's timeline; a clock flag given (on the command line or in the
    // environment) wins over what the database remembers, from the current instant on.
    chain::ClockState clock_state;
    const auto saved = store.get_setting("clock");
    const bool fresh_clock = !saved || !chain::decode_clock_state(*saved, clock_state);
    if (fresh_clock) {
      clock_state.manual = cfg.manual_clock.value_or(false);
      clock_state.speed = cfg.clock_speed.value_or(1.0);
      // A seeded run starts at a fixed instant so that its responses repeat byte for byte.
      clock_state.anchor_virtual_ms = cfg.start_ms ? *cfg.start_ms : seeded ? 1767225600000LL /* 2026-01-01 */ : wall.now_ms();
      clock_state.anchor_wall_ms = wall.now_ms();
    } else if (cfg.start_ms) {
      std::fprintf(stderr,
                   "paratro-emulator: --start-time applies to a fresh database only; %s already has its clock (now %s): "
                   "drop the flag, advance with POST /_sandbox/clock/advance, or give --database a new file\n",
                   cfg.database.c_str(), domain::format_rfc3339(chain::VirtualClock(wall, clock_state).now_ms()).c_str());
      return 2;
    }
    chain::VirtualClock clock(wall, clock_state);
    if (!fresh_clock) clock.configure(cfg.manual_clock, cfg.clock_speed);
    const std::string epoch = store.get_or_create_setting("chain_epoch_ms", [&] { return std::to_string(clock.now_ms()); });
    chains.set_epoch(std::stoll(epoch));

    boost::asio::io_context ioc(static_cast<int>(cfg.threads));
    chain::LifecycleTiming timing{cfg.sign_delay_ms, cfg.broadcast_delay_ms, cfg.webhook_every_confirmation};
    chain::Scheduler scheduler(store, clock, chains, timing, rng);
    scheduler.persist_clock();
    // Tokens live in real time in every mode, so an SDK's token cache (kept by wall time) stays right
    // whatever the virtual clock does.
    api::Services services{store, clock, wall, rng, {}, {}, scheduler, std::make_shared<api::TokenCache>(),
                           {}, nullptr, std::make_shared<api::Ops>(), {}, std::make_shared<api::Snapshots>()};
    services.options.token_ttl_s = cfg.token_ttl_s;
    services.options.keygen_delay_ms = cfg.keygen_delay_ms;
    services.options.default_api_version = cfg.api_version.value_or(domain::kDefaultApiVersion);
    services.jwt_key = store.get_or_create_setting("jwt_signing_key", [&] {
      std::array<std::uint8_t, 32> key{};
      rng.fill(key);
      return crypto::to_hex(key);
    });
    // Fixture and reset baseline before the listener exists: once the port accepts connections, the
    // fixture is in place.
    std::optional<std::string> fixture_text;
    if (!cfg.fixtures.empty()) {
      fixture_text = read_file(cfg.fixtures);
      if (!fixture_text) {
        std::fprintf(stderr, "paratro-emulator: cannot read --fixtures %s\n", cfg.fixtures.c_str());
        return 2;
      }
    }
    std::vector<std::string> fixture_errors;
    if (auto st = api::prepare_start_state(services, fixture_text ? &*fixture_text : nullptr, cfg.fixtures, fixture_errors);
        !st) {
      std::fprintf(stderr, "paratro-emulator: %s\n", st.error().message.c_str());
      for (const auto& e : fixture_errors) std::fprintf(stderr, "  %s\n", e.c_str());
      return 2;
    }
    // --webhook-url/--webhook-secret configure the default client on every start, and again after a
    // reset or restore: flags are the process's configuration and win over stored state.
    auto apply_webhook_flags = [&cfg, &store, &rng] {
      if (cfg.webhook_url.empty() && cfg.webhook_secret.empty()) return;
      const auto current = store.find_client(api::kDefaultClientId);
      if (!current) return;
      std::string url = cfg.webhook_url.empty() ? current->webhook_url : cfg.webhook_url;
      std::string secret = cfg.webhook_secret.empty() ? current->webhook_secret : cfg.webhook_secret;
      if (secret.empty()) {
        secret = api::new_webhook_secret(rng);
        cfg.webhook_secret = secret;  // the same generated secret after every reset
      }
      if (auto st = store.set_client_webhook(api::kDefaultClientId, url, secret); !st) {
        std::cerr << "paratro-emulator: cannot set the default client's webhook: " << st.error().message << "\n";
      }
    };
    apply_webhook_flags();
    services.reset_hooks.push_back(apply_webhook_flags);
    // --api-version pins the default client, like the webhook flags on every start and reset.
    auto apply_version_flag = [&cfg, &store] {
      if (cfg.api_version) (void)store.set_client_api_version(api::kDefaultClientId, *cfg.api_version);
    };
    apply_version_flag();
    services.reset_hooks.push_back(apply_version_flag);
    store.set_webhook_every_confirmation(cfg.webhook_every_confirmation);
    webhooks::DispatcherOptions hook_options;
    hook_options.retry.max_attempts = cfg.webhook_max_attempts;
    hook_options.http.timeout = std::chrono::milliseconds(cfg.webhook_timeout_ms);
    hook_options.http.verify_tls = !cfg.webhook_insecure;
    hook_options.max_in_flight_per_client = cfg.webhook_max_in_flight;
    hook_options.retention = cfg.webhook_retention;
    hook_options.on_failed_attempt = [](const std::string& line) { http::log_line(http::LogLevel::warn, line); };
    // Every write from here on goes through the single writer (store/writer.hpp).
    store::WriterOptions writer_options;
    writer_options.capacity = cfg.write_queue;
    store::Writer writer(store, writer_options);
    services.writer = &writer;
    hook_options.write = [&writer](std::function<void()> work, std::function<void(bool)> done) {
      writer.submit_internal(store::Writer::Kind::batched, std::move(work), std::move(done));
    };
    webhooks::Dispatcher dispatcher(store, clock, wall, hook_options);
    services.webhooks = &dispatcher;
    services.reset_hooks.push_back([&dispatcher] { dispatcher.reset(); });
    services.metric_writers.push_back([&dispatcher](std::string& out) {
      const auto& c = dispatcher.counters();
      api::write_header(out, "paratro_webhook_deliveries_total", "counter",
                        "Webhook deliveries finished, by outcome (succeeded: a 2xx; failed: gave up after the last attempt)");
      api::write_sample(out, "paratro_webhook_deliveries_total", "outcome=\"succeeded\"", std::to_string(c.succeeded.load()));
      api::write_sample(out, "paratro_webhook_deliveries_total", "outcome=\"failed\"", std::to_string(c.failed.load()));
      api::write_header(out, "paratro_webhook_attempts_total", "counter", "Webhook delivery attempts made");
      api::write_sample(out, "paratro_webhook_attempts_total", "", std::to_string(c.attempts.load()));
      api::write_header(out, "paratro_webhook_retries_total", "counter", "Failed webhook attempts that were scheduled again");
      api::write_sample(out, "paratro_webhook_retries_total", "", std::to_string(c.retried.load()));
      api::write_header(out, "paratro_webhook_in_flight", "gauge", "Webhook attempts posting right now");
      api::write_sample(out, "paratro_webhook_in_flight", "", std::to_string(c.in_flight.load()));
    });
    services.ops->admin_token = cfg.admin_token;
    services.ops->rate_limiter.set_default_rate(cfg.rate_limit);
    services.ops->journal.set_capacity(cfg.journal_size);
    services.ops->journal.set_record_bodies(cfg.journal_bodies);
    api::add_ops_reset_hook(services);

    // The event stream (GET /_sandbox/events): the bus, the writer publishing every commit to it,
    // its metrics, and one keep-alive timer for all subscribers.
    // --events-ring 0 turns it off: no capture in the writer, and the route answers 503.
    if (cfg.events_ring > 0) {
      services.events = std::make_shared<api::events::Bus>(
          api::events::BusOptions{cfg.events_ring, cfg.events_subscribers, cfg.events_queue});
      writer.set_change_builder(api::events::make_change_builder(services), cfg.events_ring,
                                api::events::make_change_gate(services));
    }
    if (services.events) services.metric_writers.push_back([bus = services.events](std::string& out) {
      const auto st = bus->stats();
      api::write_header(out, "paratro_events_published_total", "counter", "Events published on /_sandbox/events");
      api::write_sample(out, "paratro_events_published_total", "", std::to_string(st.published));
      api::write_header(out, "paratro_events_subscribers", "gauge", "Event stream subscribers connected");
      api::write_sample(out, "paratro_events_subscribers", "", std::to_string(st.subscribers));
      api::write_header(out, "paratro_events_dropped_subscribers_total", "counter",
                        "Event stream subscribers dropped because their queue was full");
      api::write_sample(out, "paratro_events_dropped_subscribers_total", "", std::to_string(st.dropped));
    });
    boost::asio::steady_timer keep_alive(ioc);
    std::function<void()> arm_keep_alive = [&] {
      keep_alive.expires_after(std::chrono::seconds(15));
      keep_alive.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        if (services.events) services.events->heartbeat();
        arm_keep_alive();
      });
    };
    arm_keep_alive();

    // Start-up work first (catching up on what fell due while stopped); only then open the port,
    // so a connection that succeeds means the emulator is ready.
    scheduler.catch_up();
    writer.set_tick(std::chrono::milliseconds(20), [&scheduler] { scheduler.tick(); });
    writer.start();
    http::ServerLimits limits;
    limits.body_limit = cfg.max_body_bytes;
    const app::Route route = [&services](const api::ApiRequest& r) { return api::dispatch(services, r); };
    std::optional<http::Server> server;
    try {
      server.emplace(ioc, boost::asio::ip::tcp::endpoint{address, cfg.port},
                     [&](const api::ApiRequest& r, http::Reply reply) {
                       app::serve(store, writer, route, r, std::move(reply));
                     },
                     limits,
                     http::make_request_hooks(services));
    } catch (const boost::system::system_error& e) {
      const std::string where = (address.is_v6() ? "[" + cfg.host + "]" : cfg.host) + ":" + std::to_string(cfg.port);
      const bool in_use = e.code() == boost::asio::error::address_in_use;
      std::fprintf(stderr, "paratro-emulator: cannot listen on %s: %s%s\n", where.c_str(),
                   in_use ? "the address is already in use" : e.code().message().c_str(),
                   in_use ? " (another emulator? choose another --port, or --port 0 for a free one)" : "");
      return 2;
    }
    dispatcher.start();
    server->start();
    port_file.write(server->port());

    const std::string host_for_url = address.is_v6() ? "[" + cfg.host + "]" : cfg.host;
    std::printf(
        "paratro-emulator %s listening on http://%s:%u\n"
        "  API key:    %s\n"
        "  API secret: %s\n"
        "  database:   %s (journal %s)\n"
        "  clock:      %s, %s (%s)\n"
        "  fixtures:   %s\n",
        PARATRO_EMULATOR_VERSION, host_for_url.c_str(), static_cast<unsigned>(server->port()),
        std::string(api::kDefaultApiKey).c_str(), std::string(api::kDefaultApiSecret).c_str(), cfg.database.c_str(),
        store.journal_mode().c_str(), clock_mode_text(clock.state()).c_str(),
        domain::format_rfc3339(clock.now_ms()).c_str(), clock_source_text(cfg, fresh_clock).c_str(), cfg.fixtures.empty() ? "none" : cfg.fixtures.c_str());
    if (const auto c = store.find_client(api::kDefaultClientId)) {
      std::printf("  api:        version %s (%s)\n", std::string(domain::api_version_name(c->api_version)).c_str(),
                  cfg.api_version ? "from --api-version" : "of the default client");
      if (!c->webhook_url.empty()) {
        std::printf("  webhooks:   %s (secret %s)\n", c->webhook_url.c_str(), c->webhook_secret.c_str());
      }
    }
    std::fflush(stdout);

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      http::log_line(http::LogLevel::info, "shutting down");
      server->stop();
      dispatcher.stop();
      keep_alive.cancel();
      ioc.stop();
    });

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < cfg.threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
    // What was accepted is finished (its answers are dropped with the connections), then the
    // clock is saved with nothing else writing.
    writer.stop();
    scheduler.persist_clock();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paratro-emulator: %s\n", e.what());
    return 1;
  }
  return 0;
}
