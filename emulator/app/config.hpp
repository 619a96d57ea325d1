// The server's configuration: command-line flags and PARATRO_EMULATOR_* environment variables ->
// Config, refusing mistakes instead of guessing. A flag given on the command line wins over its
// variable; unrelated PARATRO_EMULATOR_* variables are ignored. Every error is one line naming the
// flag or variable at fault (main prints it and exits with status 2). Pure: no I/O, unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/domain/api_version.hpp"

namespace paratro::app {

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string database = "paratro-emulator.db";
  std::string log_level = "info";
  unsigned threads = 2;
  std::int64_t token_ttl_s = 900;
  std::int64_t keygen_delay_ms = 3000;
  std::size_t max_body_bytes = 1 << 20;
  // From accepting a connection (or the first byte of a request on a kept-alive one) to its last
  // header line; a connection that sends nothing is closed then, not at the idle timeout.
  std::int64_t header_timeout_s = 10;
  // Clock flags are optional: absent means "what the database remembers" (defaults on a fresh one:
  // running at speed 1). `*_from` names the flag or variable that set them, for the banner.
  std::optional<double> clock_speed;
  std::string clock_speed_from;
  std::optional<bool> manual_clock;
  std::string manual_clock_from;
  std::optional<std::int64_t> start_ms;  // --start-time
  std::optional<std::uint64_t> seed;
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
  std::size_t events_ring = 4096;  // GET /_sandbox/events (api/events/bus.hpp)
  std::size_t events_subscribers = 32;
  std::size_t events_queue = 1024;
  std::int64_t events_linger_s = 30;  // events still kept after the last subscriber left
  std::size_t write_queue = 8192;     // client writes queued for the writer (store/writer.hpp)
  bool journal_bodies = false;
  std::string admin_token;
  std::string port_file;
  std::string fixtures;
  // --api-version: pins the default client (on every start and reset) and is the version of new
  // clients that name none; absent: the default client keeps what the database says.
  std::optional<domain::ApiVersion> api_version;
};

struct ParsedCommandLine {
  enum class Action { run, help, version, error };
  Action action = Action::run;
  Config config;
  std::string error;  // Action::error: one line, without the program name
};

// `args` are argv[1..] of the server command (no subcommand); `env` the process environment.
ParsedCommandLine parse_config(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

// The --help text: usage, subcommands, every flag with its variable and default.
std::string help_text();

// The subcommands, for --help and for the "unknown command" message.
inline constexpr const char* kSubcommands[] = {"webhooks listen", "fixtures validate"};

// Strict readers shared with the subcommands: the whole text must be a number within [lo, hi].
std::optional<std::int64_t> parse_int_in(std::string_view text, std::int64_t lo, std::int64_t hi);
// true/false, 1/0, yes/no, on/off (any case); nullopt for anything else, "" included.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace paratro::app
