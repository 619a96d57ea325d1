// Implementation of config.hpp: one table of options, each with its reader, so the command line,
// the environment and --help cannot drift apart.
#include "emulator/app/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <cmath>
#include <functional>
#include <set>

#include "emulator/api/handlers.hpp"
#include "emulator/api/sandbox/rate_limiter.hpp"
#include "emulator/api/sandbox/request_journal.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/http/log.hpp"

namespace paratro::app {

namespace {

constexpr std::int64_t kMaxDelayMs = 1'000'000'000'000;  // about 31 years

// Reads `value` into the config; returns "" or what is wrong with it ("must be ...").
using Reader = std::function<std::string(Config&, const std::string& value, const std::string& source)>;

struct Option {
  const char* name;      // without "--"
  const char* hint;      // value placeholder for --help ("" for a boolean)
  const char* fallback;  // default shown by --help
  const char* help;
  Reader read;
  bool repeatable = false;
};

std::string range_text(std::int64_t lo, std::int64_t hi) {
  return "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

template <typename T>
Reader integer(T Config::*field, std::int64_t lo, std::int64_t hi) {
  return [field, lo, hi](Config& c, const std::string& v, const std::string&) -> std::string {
    const auto n = parse_int_in(v, lo, hi);
    if (!n) return range_text(lo, hi);
    c.*field = static_cast<T>(*n);
    return {};
  };
}

Reader boolean(bool Config::*field) {
  return [field](Config& c, const std::string& v, const std::string&) -> std::string {
    const auto b = parse_bool(v);
    if (!b) return "must be true or false";
    c.*field = *b;
    return {};
  };
}

Reader text(std::string Config::*field) {
  return [field](Config& c, const std::string& v, const std::string&) -> std::string {
    c.*field = v;
    return {};
  };
}

const std::vector<Option>& options() {
  static const std::vector<Option> table = {
      {"host", "IP", "127.0.0.1", "address to listen on; off loopback --admin-token is required",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         boost::system::error_code ec;
         boost::asio::ip::make_address(v, ec);
         if (ec) return "must be an IP address, e.g. 127.0.0.1 or 0.0.0.0";
         c.host = v;
         return {};
       }},
      {"port", "N", "8080", "port to listen on; 0 picks a free one", integer(&Config::port, 0, 65535)},
      {"database", "FILE", "paratro-emulator.db", "SQLite file, or :memory:",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         if (v.empty()) return "must name a file (or :memory:)";
         c.database = v;
         return {};
       }},
      {"log-level", "LEVEL", "info", "debug, info, warn, error or off",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         http::LogLevel level{};
         if (!http::parse_log_level(v, level)) return "must be debug, info, warn, error or off";
         c.log_level = v;
         return {};
       }},
      {"threads", "N", "2", "I/O threads", integer(&Config::threads, 1, 64)},
      {"token-ttl", "SECONDS", "900", "expires_in of issued tokens (real seconds)",
       integer(&Config::token_ttl_s, 1, 31'536'000)},
      {"keygen-delay-ms", "MS", "3000", "simulated MPC key generation of a new wallet; 0: ACTIVE at once",
       integer(&Config::keygen_delay_ms, 0, kMaxDelayMs)},
      {"clock-speed", "X", "1 (or the database's)", "virtual seconds per real second of the running clock",
       [](Config& c, const std::string& v, const std::string& source) -> std::string {
         double d = 0;
         const auto* end = v.data() + v.size();
         const auto [p, ec] = std::from_chars(v.data(), end, d);
         if (v.empty() || ec != std::errc() || p != end || !std::isfinite(d) || !(d > 0) || d > api::kMaxClockSpeed) {
           return "must be a number greater than 0 and at most 1000000";
         }
         c.clock_speed = d;
         c.clock_speed_from = source;
         return {};
       }},
      {"manual-clock", "", "off (or the database's)", "time moves only through POST /_sandbox/clock/advance",
       [](Config& c, const std::string& v, const std::string& source) -> std::string {
         const auto b = parse_bool(v);
         if (!b) return "must be true or false";
         c.manual_clock = *b;
         c.manual_clock_from = source;
         return {};
       }},
      {"start-time", "RFC3339", "now", "virtual start time of a fresh database, e.g. 2026-01-15T10:40:00Z",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         c.start_ms = domain::parse_rfc3339_ms(v);
         return c.start_ms ? "" : "must look like 2026-01-15T10:40:00Z";
       }},
      {"seed", "N", "none", "deterministic ids, keys, addresses and hashes from this seed",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         std::uint64_t n = 0;
         const auto* end = v.data() + v.size();
         const auto [p, ec] = std::from_chars(v.data(), end, n);
         if (v.empty() || ec != std::errc() || p != end) return "must be an integer from 0 to 18446744073709551615";
         c.seed = n;
         return {};
       }},
      {"sign-delay-ms", "MS", "2000", "PENDING -> SIGNED, virtual ms", integer(&Config::sign_delay_ms, 0, kMaxDelayMs)},
      {"broadcast-delay-ms", "MS", "1000", "SIGNED -> BROADCAST, virtual ms",
       integer(&Config::broadcast_delay_ms, 0, kMaxDelayMs)},
      {"chain", "NAME:BLOCK_MS:CONF", "see README", "override a chain's timing (repeatable)",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         c.chain_overrides.push_back(v);
         return {};
       },
       true},
      {"fixtures", "FILE", "none", "JSON fixture loaded into a fresh database; reset returns to it",
       text(&Config::fixtures)},
      {"api-version", "VERSION", "2026-04", "API version of the default client and of new clients: 2026-04 or 2026-09",
       [](Config& c, const std::string& v, const std::string&) -> std::string {
         const auto version = domain::parse_api_version(v);
         if (!version) return "must be one of " + std::string(domain::api_version_list());
         c.api_version = *version;
         return {};
       }},
      {"max-body-bytes", "N", "1048576", "request body limit", integer(&Config::max_body_bytes, 1, 1 << 30)},
      {"header-timeout-s", "S", "10", "seconds a connection has to send a request's headers (a silent one is closed)",
       integer(&Config::header_timeout_s, 1, 3600)},
      {"webhook-url", "URL", "none", "webhook endpoint of the default client (http:// or https://)",
       text(&Config::webhook_url)},
      {"webhook-secret", "whsec_...", "generated", "its signing secret", text(&Config::webhook_secret)},
      {"webhook-every-confirmation", "", "off", "transaction.confirming on every confirmation",
       boolean(&Config::webhook_every_confirmation)},
      {"webhook-max-attempts", "N", "8", "attempts per delivery before it is failed",
       integer(&Config::webhook_max_attempts, 1, 100)},
      {"webhook-timeout-ms", "MS", "10000", "per-attempt timeout, real ms",
       integer(&Config::webhook_timeout_ms, 1, 3'600'000)},
      {"webhook-max-in-flight", "N", "32", "concurrent deliveries per client endpoint",
       integer(&Config::webhook_max_in_flight, 1, 1024)},
      {"webhook-insecure", "", "off", "do not verify TLS certificates of https:// webhook URLs",
       boolean(&Config::webhook_insecure)},
      {"webhook-retention", "N", "10000", "finished webhook events kept for inspection",
       integer(&Config::webhook_retention, 0, 1'000'000'000)},
      {"rate-limit", "N", "0 (off)", "requests per second (and burst) per API client",
       integer(&Config::rate_limit, 0, api::RateLimiter::kMaxRate)},
      {"write-queue", "N", "8192", "writes waiting for the writer before new ones answer 503 with Retry-After",
       integer(&Config::write_queue, 1, 1000000)},
      {"events-ring", "N", "4096",
       "events GET /_sandbox/events keeps for Last-Event-ID resumption; 0 turns the stream off",
       integer(&Config::events_ring, 0, 1'000'000)},
      {"events-subscribers", "N", "32", "event stream subscribers at once; more answer 503",
       integer(&Config::events_subscribers, 1, 10'000)},
      {"events-queue", "N", "1024", "events queued per stream subscriber before it is dropped as too slow",
       integer(&Config::events_queue, 1, 1'000'000)},
      {"events-linger-s", "S", "30",
       "seconds the stream keeps events after its last subscriber left, so a reconnect resumes without a gap",
       integer(&Config::events_linger_s, 0, 86'400)},
      {"journal-size", "N", "1000", "requests kept by GET /_sandbox/requests; 0 disables the journal",
       integer(&Config::journal_size, 0, static_cast<std::int64_t>(api::RequestJournal::kMaxCapacity))},
      {"journal-bodies", "", "off", "keep request and response bodies in the journal",
       boolean(&Config::journal_bodies)},
      {"admin-token", "TOKEN", "none", "token every /_sandbox request must present", text(&Config::admin_token)},
      {"port-file", "FILE", "none", "write the listening port to this file once ready (removed at exit)",
       text(&Config::port_file)},
  };
  return table;
}

const Option* find_option(std::string_view name) {
  for (const auto& o : options())
    if (name == o.name) return &o;
  return nullptr;
}

std::string env_name(std::string_view option) {
  std::string out = "PARATRO_EMULATOR_";
  for (char c : option) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_boolean(const Option& o) { return *o.hint == '\0'; }

std::string subcommand_list() {
  std::string out;
  for (const char* s : kSubcommands) {
    if (!out.empty()) out.append(", ");
    out.append(s);
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> parse_int_in(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc() || p != end || n < lo || n > hi) return std::nullopt;
  return n;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t(text);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return std::nullopt;
}

ParsedCommandLine parse_config(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  ParsedCommandLine out;
  auto fail = [&out](std::string message) {
    out.action = ParsedCommandLine::Action::error;
    out.error = std::move(message);
    return out;
  };
  std::set<std::string> given;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.action = ParsedCommandLine::Action::help;
      return out;
    }
    if (arg == "--version") {
      out.action = ParsedCommandLine::Action::version;
      return out;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      if (i == 0) return fail("unknown command '" + arg + "' (commands: " + subcommand_list() + "; see --help)");
      return fail("unexpected argument '" + arg + "' (values follow their flag: --port 8080 or --port=8080)");
    }
    const auto eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Option* o = find_option(name);
    if (!o) return fail("unknown option --" + name + " (see --help)");
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (is_boolean(*o)) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail("--" + name + " needs a value");
    }
    if (!o->repeatable && !given.insert(name).second) return fail("--" + name + " is given twice");
    const std::string source = "--" + name;
    if (auto err = o->read(out.config, value, source); !err.empty())
      return fail(source + " " + err + ", got '" + value + "'");
  }
  for (const auto& o : options()) {
    if (given.count(o.name)) continue;
    const std::string var = env_name(o.name);
    const auto it = env.find(var);
    if (it == env.end()) continue;
    if (it->second.empty()) {
      // An empty boolean is a mistake (does "set but empty" mean on or off?); an empty text or
      // number variable is as good as unset only for text.
      if (is_boolean(o)) return fail(var + " is empty: set it to true or false, or unset it");
      if (o.read(out.config, "", var).empty()) continue;
      return fail(var + " is empty: set a value or unset it");
    }
    if (auto err = o.read(out.config, it->second, var); !err.empty())
      return fail(var + " " + err + ", got '" + it->second + "'");
  }
  return out;
}

std::string help_text() {
  std::string out =
      "usage: paratro-emulator [options]\n"
      "       paratro-emulator webhooks listen [options]   a webhook receiver for humans (--help for its options)\n"
      "       paratro-emulator fixtures validate FILE      check a fixture without starting the server\n\n"
      "Options (each also read from PARATRO_EMULATOR_<NAME>, e.g. PARATRO_EMULATOR_PORT; a flag wins;\n"
      "booleans take no value or =true / =false):\n";
  for (const auto& o : options()) {
    std::string flag("  --");
    flag.append(o.name);
    if (!is_boolean(o)) flag.append(" ").append(o.hint);
    if (flag.size() < 34) flag.resize(34, ' ');
    out.append(flag).append(" ").append(o.help).append(" [default: ").append(o.fallback).append("]\n");
  }
  out +=
      "  --help, -h                         show this help\n"
      "  --version                          print the version\n";
  return out;
}

}  // namespace paratro::app
