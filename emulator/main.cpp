// paratro-emulator: flags and PARATRO_EMULATOR_* environment variables -> configuration, wiring of
// store, services and HTTP server, the start-up banner, and signal-driven shutdown.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emulator/api/fixture.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/sandbox/metrics.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/http/log.hpp"
#include "emulator/http/pipeline.hpp"
#include "emulator/http/router.hpp"
#include "emulator/http/server.hpp"
#include "emulator/webhooks/dispatcher.hpp"
#include "emulator/webhooks/listener.hpp"

namespace po = boost::program_options;
using namespace paratro;

namespace {

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string database = "paratro-emulator.db";
  std::string log_level = "info";
  unsigned threads = 2;
  std::int64_t token_ttl_s = 900;
  std::int64_t keygen_delay_ms = 3000;
  std::size_t max_body_bytes = 1 << 20;
  double clock_speed = 60.0;
  bool manual_clock = false;
  std::string start_time;
  std::uint64_t seed = 0;
  std::int64_t sign_delay_ms = 2000;
  std::int64_t broadcast_delay_ms = 1000;
  std::vector<std::string> chain_overrides;
  std::string webhook_url;
  std::string webhook_secret;
  bool webhook_every_confirmation = false;
  int webhook_max_attempts = 8;
  std::int64_t webhook_timeout_ms = 10'000;
  int webhook_max_in_flight = 32;
  bool webhook_insecure = false;
  std::int64_t webhook_retention = 10'000;
  std::int64_t rate_limit = 0;
  std::size_t journal_size = 1000;
  bool journal_bodies = false;
  std::string admin_token;
  std::string port_file;
  std::string fixtures;
  std::string api_version = "2026-04";
};

// Flag name for each PARATRO_EMULATOR_* variable (PARATRO_EMULATOR_LOG_LEVEL -> log-level); other
// variables, including unrelated PARATRO_EMULATOR_* ones, are ignored.
std::string env_to_option(const po::options_description& opts, const std::string& env) {
  static const std::string prefix = "PARATRO_EMULATOR_";
  if (env.rfind(prefix, 0) != 0) return {};
  std::string name = env.substr(prefix.size());
  for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "help" || name == "version" || !opts.find_nothrow(name, false)) return {};
  return name;
}

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

// Writes the port to `path` through a temporary file and a rename, so a script polling for the
// file never reads a half-written one.
void write_port_file(const std::string& path, unsigned short port) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write --port-file " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error("cannot write --port-file " + path);
  }
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
  if (argc != 4 || std::string(argv[2]) != "validate") {
    std::cerr << "usage: paratro-emulator fixtures validate FILE\n";
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
  Config cfg;
  po::options_description opts("Options (each also read from PARATRO_EMULATOR_<NAME>, e.g. PARATRO_EMULATOR_PORT)");
  opts.add_options()
      ("help,h", "show this help")
      ("version", "print the version")
      ("host", po::value(&cfg.host)->default_value(cfg.host), "address to listen on")
      ("port", po::value(&cfg.port)->default_value(cfg.port), "port to listen on; 0 picks a free one")
      ("database", po::value(&cfg.database)->default_value(cfg.database), "SQLite file, or :memory:")
      ("log-level", po::value(&cfg.log_level)->default_value(cfg.log_level), "debug, info, warn, error or off")
      ("threads", po::value(&cfg.threads)->default_value(cfg.threads), "I/O threads")
      ("token-ttl", po::value(&cfg.token_ttl_s)->default_value(cfg.token_ttl_s), "expires_in of issued tokens, seconds")
      ("keygen-delay-ms", po::value(&cfg.keygen_delay_ms)->default_value(cfg.keygen_delay_ms),
       "simulated MPC key generation time of a new wallet, virtual milliseconds")
      ("clock-speed", po::value(&cfg.clock_speed)->default_value(cfg.clock_speed, "60"),
       "virtual seconds per real second of the running clock")
      ("manual-clock", po::bool_switch(&cfg.manual_clock), "time moves only through POST /_sandbox/clock/advance")
      ("start-time", po::value(&cfg.start_time), "virtual start time of a fresh database, RFC 3339 (UTC)")
      ("seed", po::value(&cfg.seed), "deterministic ids, keys, addresses and hashes from this seed")
      ("sign-delay-ms", po::value(&cfg.sign_delay_ms)->default_value(cfg.sign_delay_ms), "PENDING -> SIGNED, virtual ms")
      ("broadcast-delay-ms", po::value(&cfg.broadcast_delay_ms)->default_value(cfg.broadcast_delay_ms),
       "SIGNED -> BROADCAST, virtual ms")
      ("chain", po::value(&cfg.chain_overrides)->composing(),
       "override a chain's timing: NAME:BLOCK_TIME_MS:CONFIRMATIONS (repeatable)")
      ("webhook-url", po::value(&cfg.webhook_url), "webhook endpoint of the default client (http:// or https://)")
      ("webhook-secret", po::value(&cfg.webhook_secret), "webhook secret of the default client (whsec_...; generated if absent)")
      ("webhook-every-confirmation", po::bool_switch(&cfg.webhook_every_confirmation),
       "send transaction.confirming on every confirmation, not only on entering CONFIRMING")
      ("webhook-max-attempts", po::value(&cfg.webhook_max_attempts)->default_value(cfg.webhook_max_attempts),
       "attempts per delivery before it is marked failed")
      ("webhook-timeout-ms", po::value(&cfg.webhook_timeout_ms)->default_value(cfg.webhook_timeout_ms),
       "per-attempt timeout of a webhook delivery, real milliseconds")
      ("webhook-max-in-flight", po::value(&cfg.webhook_max_in_flight)->default_value(cfg.webhook_max_in_flight),
       "concurrent deliveries per client endpoint")
      ("webhook-insecure", po::bool_switch(&cfg.webhook_insecure), "do not verify TLS certificates of https:// webhook URLs")
      ("webhook-retention", po::value(&cfg.webhook_retention)->default_value(cfg.webhook_retention),
       "finished webhook events kept for inspection (older ones are pruned)")
      ("max-body-bytes", po::value(&cfg.max_body_bytes)->default_value(cfg.max_body_bytes), "request body limit")
      ("rate-limit", po::value(&cfg.rate_limit)->default_value(cfg.rate_limit),
       "requests per second (and burst) per API client; 0: off. A client's own limit wins")
      ("journal-size", po::value(&cfg.journal_size)->default_value(cfg.journal_size),
       "requests kept by GET /_sandbox/requests (max 100000); 0 disables the journal")
      ("journal-bodies", po::bool_switch(&cfg.journal_bodies), "keep request and response bodies in the journal")
      ("admin-token", po::value(&cfg.admin_token),
       "token every /_sandbox request must present; required when --host is not a loopback address")
      ("port-file", po::value(&cfg.port_file), "write the listening port to this file once ready")

      ("api-version", po::value(&cfg.api_version)->default_value(cfg.api_version),
       "API version of the default client and of new clients that name none: 2026-04 or 2026-09")
      ("fixtures", po::value(&cfg.fixtures),
       "JSON fixture loaded into a fresh database at start-up (see fixtures/README.md); reset returns to it");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::store(po::parse_environment(opts, [&opts](const std::string& env) { return env_to_option(opts, env); }), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "paratro-emulator: " << e.what() << "\n" << opts << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "paratro-emulator " << PARATRO_EMULATOR_VERSION
              << " - an offline emulator of the Paratro MPC-wallet gateway\n\n"
              << opts << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "paratro-emulator " << PARATRO_EMULATOR_VERSION << "\n";
    return 0;
  }
  http::LogLevel level{};
  if (!http::parse_log_level(cfg.log_level, level)) {
    std::cerr << "paratro-emulator: unknown log level '" << cfg.log_level << "'\n";
    return 2;
  }
  http::set_log_level(level);
  if (cfg.threads < 1 || cfg.threads > 64) cfg.threads = 2;
  if (cfg.token_ttl_s < 1) cfg.token_ttl_s = 900;
  if (!(cfg.clock_speed > 0 && cfg.clock_speed <= 1e6)) {
    std::cerr << "paratro-emulator: --clock-speed must be in (0, 1000000]\n";
    return 2;
  }
  std::optional<std::int64_t> start_ms;
  if (!cfg.start_time.empty()) {
    start_ms = domain::parse_rfc3339_ms(cfg.start_time);
    if (!start_ms) {
      std::cerr << "paratro-emulator: --start-time must look like 2026-01-15T10:40:00Z\n";
      return 2;
    }
  }
  if (cfg.webhook_max_attempts < 1 || cfg.webhook_max_attempts > 100 || cfg.webhook_timeout_ms < 1 ||
      cfg.webhook_max_in_flight < 1 || cfg.webhook_max_in_flight > 1024 || cfg.webhook_retention < 0) {
    std::cerr << "paratro-emulator: webhook limits out of range (max-attempts 1..100, timeout-ms >= 1, "
                 "max-in-flight 1..1024, retention >= 0)\n";
    return 2;
  }
  if (auto st = api::check_webhook_config(cfg.webhook_url, cfg.webhook_secret); !st) {
    std::cerr << "paratro-emulator: --" << st.error().message << "\n";
    return 2;
  }
  if (cfg.rate_limit < 0 || cfg.rate_limit > api::RateLimiter::kMaxRate) {
    std::cerr << "paratro-emulator: --rate-limit must be between 0 and " << api::RateLimiter::kMaxRate << "\n";
    return 2;
  }
  if (cfg.journal_size > api::RequestJournal::kMaxCapacity) {
    std::cerr << "paratro-emulator: --journal-size must be at most " << api::RequestJournal::kMaxCapacity << "\n";
    return 2;
  }
  const auto api_version = domain::parse_api_version(cfg.api_version);
  if (!api_version) {
    std::cerr << "paratro-emulator: --api-version must be one of " << domain::api_version_list() << "\n";
    return 2;
  }
  boost::system::error_code host_ec;
  const auto address = boost::asio::ip::make_address(cfg.host, host_ec);
  if (host_ec) {
    std::cerr << "paratro-emulator: --host must be an IP address, e.g. 127.0.0.1 or 0.0.0.0\n";
    return 2;
  }
  // The control plane can mint clients and balances: off loopback it must not be open to anyone.
  if (!address.is_loopback() && cfg.admin_token.empty()) {
    std::cerr << "paratro-emulator: --host " << cfg.host
              << " is not a loopback address; set --admin-token (or PARATRO_EMULATOR_ADMIN_TOKEN) to protect /_sandbox\n";
    return 2;
  }
  const bool seeded = vm.count("seed") > 0;
  chain::ChainTable chains;
  for (const auto& spec : cfg.chain_overrides) {
    std::string err;
    if (!chains.apply_override(spec, err)) {
      std::cerr << "paratro-emulator: --chain " << err << "\n";
      return 2;
    }
  }

  try {
    store::Store store(cfg.database);
    domain::SystemClock wall;
    crypto::SystemRandom system_rng;
    // Each start of a seeded database draws from its own stream (start 0 is the seed itself), so a
    // restart never hands out key material or ids again, and fresh runs still repeat exactly.
    std::uint64_t generation = 0;
    if (seeded) {
      if (auto g = store.get_setting("seed_generation")) generation = std::stoull(*g) + 1;
      store.put_setting("seed_generation", std::to_string(generation));
    }
    crypto::SeededRandom seeded_rng(cfg.seed ^ (generation * 0x9E3779B97F4A7C15ull));
    crypto::RandomSource& rng = seeded ? static_cast<crypto::RandomSource&>(seeded_rng) : system_rng;

    // The clock continues the database's timeline; flags given explicitly change mode and speed.
    chain::ClockState clock_state;
    const auto saved = store.get_setting("clock");
    if (!saved || !chain::decode_clock_state(*saved, clock_state)) {
      clock_state.manual = cfg.manual_clock;
      clock_state.speed = cfg.clock_speed;
      // A seeded run starts at a fixed instant so that its responses repeat byte for byte.
      clock_state.anchor_virtual_ms = start_ms ? *start_ms : seeded ? 1767225600000LL /* 2026-01-01 */ : wall.now_ms();
      clock_state.anchor_wall_ms = wall.now_ms();
    } else {
      if (!vm["clock-speed"].defaulted()) {
        // Re-anchor at the old speed first, so only time from now on runs at the new one.
        clock_state = chain::VirtualClock(wall, clock_state).state();
        clock_state.speed = cfg.clock_speed;
      }
      if (cfg.manual_clock && !clock_state.manual) {
        chain::VirtualClock tmp(wall, clock_state);
        clock_state = tmp.state();
        clock_state.manual = true;
      }
    }
    chain::VirtualClock clock(wall, clock_state);
    const std::string epoch = store.get_or_create_setting("chain_epoch_ms", [&] { return std::to_string(clock.now_ms()); });
    chains.set_epoch(std::stoll(epoch));

    boost::asio::io_context ioc(static_cast<int>(cfg.threads));
    chain::LifecycleTiming timing{std::max<std::int64_t>(0, cfg.sign_delay_ms), std::max<std::int64_t>(0, cfg.broadcast_delay_ms),
                                  cfg.webhook_every_confirmation};
    chain::Scheduler scheduler(ioc, store, clock, chains, timing, rng);
    scheduler.persist_clock();
    // Seeded runs take token times from the virtual clock too, so token bytes repeat as well.
    const domain::Clock& token_clock = seeded ? static_cast<const domain::Clock&>(clock) : wall;
    api::Services services{store, clock, token_clock, rng, {}, {}, scheduler, std::make_shared<api::TokenCache>(),
                           {}, nullptr, std::make_shared<api::Ops>(), {}, std::make_shared<api::Snapshots>()};
    services.options.token_ttl_s = cfg.token_ttl_s;
    services.options.keygen_delay_ms = cfg.keygen_delay_ms;
    services.options.default_api_version = *api_version;
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
      store.set_client_webhook(api::kDefaultClientId, url, secret);
    };
    apply_webhook_flags();
    services.reset_hooks.push_back(apply_webhook_flags);
    // --api-version pins the default client, like the webhook flags on every start and reset.
    auto apply_version_flag = [&vm, &store, &services] {
      if (vm["api-version"].defaulted()) return;
      (void)store.set_client_api_version(api::kDefaultClientId, services.options.default_api_version);
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

    // Start-up work first (catching up on what fell due while stopped); only then open the port,
    // so a connection that succeeds means the emulator is ready.
    scheduler.start();
    http::ServerLimits limits;
    limits.body_limit = cfg.max_body_bytes;
    http::Server server(ioc, {address, cfg.port}, [&](const api::ApiRequest& r) { return http::route(services, r); },
                        limits, http::make_request_hooks(services));
    dispatcher.start();
    server.start();
    if (!cfg.port_file.empty()) write_port_file(cfg.port_file, server.port());

    const std::string host_for_url = address.is_v6() ? "[" + cfg.host + "]" : cfg.host;
    std::printf(
        "paratro-emulator %s listening on http://%s:%u\n"
        "  API key:    %s\n"
        "  API secret: %s\n"
        "  database:   %s (journal %s)\n"
        "  clock:      %s, %s\n"
        "  fixtures:   %s\n",
        PARATRO_EMULATOR_VERSION, host_for_url.c_str(), static_cast<unsigned>(server.port()),
        std::string(api::kDefaultApiKey).c_str(), std::string(api::kDefaultApiSecret).c_str(), cfg.database.c_str(),
        store.journal_mode().c_str(), clock.state().manual ? "manual" : "running",
        domain::format_rfc3339(clock.now_ms()).c_str(), cfg.fixtures.empty() ? "none" : cfg.fixtures.c_str());
    if (const auto c = store.find_client(api::kDefaultClientId); c && !c->webhook_url.empty()) {
      std::printf("  webhooks:   %s (secret %s)\n", c->webhook_url.c_str(), c->webhook_secret.c_str());
    }
    std::fflush(stdout);

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      http::log_line(http::LogLevel::info, "shutting down");
      server.stop();
      scheduler.stop();
      dispatcher.stop();
      scheduler.persist_clock();
      ioc.stop();
    });

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < cfg.threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paratro-emulator: %s\n", e.what());
    return 1;
  }
  return 0;
}
