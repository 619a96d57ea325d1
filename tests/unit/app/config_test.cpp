// app/config: flags and PARATRO_EMULATOR_* variables -> Config, and the one-line refusals.
#include <doctest/doctest.h>

#include "emulator/app/config.hpp"

namespace a = paratro::app;
using Action = a::ParsedCommandLine::Action;

namespace {
a::ParsedCommandLine parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return a::parse_config(args, env);
}
}  // namespace

TEST_CASE("config: defaults, flags, variables, and a flag wins over its variable") {
  const auto none = parse({});
  REQUIRE(none.action == Action::run);
  CHECK(none.config.port == 8080);
  CHECK_FALSE(none.config.clock_speed.has_value());
  CHECK_FALSE(none.config.manual_clock.has_value());

  const auto p = parse({"--port", "0", "--clock-speed=2.5", "--manual-clock", "--seed", "18446744073709551615",
                        "--chain", "ethereum:1000:3", "--chain", "bsc:500:2"},
                       {{"PARATRO_EMULATOR_PORT", "9999"},
                        {"PARATRO_EMULATOR_TOKEN_TTL", "60"},
                        {"PARATRO_EMULATOR_BIN", "/not/a/flag"}});
  REQUIRE(p.action == Action::run);
  CHECK(p.config.port == 0);
  CHECK(p.config.token_ttl_s == 60);
  CHECK(*p.config.clock_speed == 2.5);
  CHECK(p.config.clock_speed_from == "--clock-speed");
  CHECK(*p.config.manual_clock);
  CHECK(p.config.manual_clock_from == "--manual-clock");
  CHECK(*p.config.seed == 18446744073709551615ull);
  CHECK(p.config.chain_overrides == std::vector<std::string>{"ethereum:1000:3", "bsc:500:2"});

  const auto off = parse({}, {{"PARATRO_EMULATOR_MANUAL_CLOCK", "false"}});
  REQUIRE(off.action == Action::run);
  CHECK_FALSE(*off.config.manual_clock);
  CHECK(off.config.manual_clock_from == "PARATRO_EMULATOR_MANUAL_CLOCK");
  CHECK_FALSE(*parse({"--manual-clock=false"}).config.manual_clock);

  CHECK(parse({"--help"}).action == Action::help);
  CHECK(parse({"--port", "1", "-h"}).action == Action::help);
  CHECK(parse({"--version"}).action == Action::version);
}

TEST_CASE("config: each mistake is one line naming the flag or variable") {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    const char* message;
  };
  const Case cases[] = {
      {{"fixture", "validate", "x.json"}, {}, "unknown command 'fixture'"},
      {{"--port", "8080", "stray"}, {}, "unexpected argument 'stray'"},
      {{"--prot", "1"}, {}, "unknown option --prot"},
      {{"--port"}, {}, "--port needs a value"},
      {{"--port", "-1"}, {}, "--port must be an integer from 0 to 65535, got '-1'"},
      {{"--port", "65536"}, {}, "--port must be an integer from 0 to 65535"},
      {{"--port", "80x"}, {}, "--port must be an integer"},
      {{"--port", "1", "--port", "2"}, {}, "--port is given twice"},
      {{"--seed", "-1"}, {}, "--seed must be an integer from 0 to 18446744073709551615, got '-1'"},
      {{"--token-ttl", "0"}, {}, "--token-ttl must be an integer from 1"},
      {{"--token-ttl", "-5"}, {}, "--token-ttl must be an integer from 1"},
      {{"--sign-delay-ms", "-1"}, {}, "--sign-delay-ms must be an integer from 0"},
      {{"--keygen-delay-ms", "-1"}, {}, "--keygen-delay-ms must be an integer from 0"},
      {{"--threads", "0"}, {}, "--threads must be an integer from 1 to 64"},
      {{"--clock-speed", "0"}, {}, "--clock-speed must be a number greater than 0"},
      {{"--clock-speed", "nan"}, {}, "--clock-speed must be a number"},
      {{"--manual-clock=maybe"}, {}, "--manual-clock must be true or false"},
      {{"--log-level", "loud"}, {}, "--log-level must be debug, info, warn, error or off"},
      {{"--host", "localhost"}, {}, "--host must be an IP address"},
      {{"--start-time", "yesterday"}, {}, "--start-time must look like 2026-01-15T10:40:00Z"},
      {{}, {{"PARATRO_EMULATOR_MANUAL_CLOCK", ""}}, "PARATRO_EMULATOR_MANUAL_CLOCK is empty"},
      {{}, {{"PARATRO_EMULATOR_JOURNAL_BODIES", ""}}, "PARATRO_EMULATOR_JOURNAL_BODIES is empty"},
      {{}, {{"PARATRO_EMULATOR_PORT", ""}}, "PARATRO_EMULATOR_PORT is empty"},
      {{}, {{"PARATRO_EMULATOR_PORT", "-1"}}, "PARATRO_EMULATOR_PORT must be an integer from 0 to 65535, got '-1'"},
      {{},
       {{"PARATRO_EMULATOR_WEBHOOK_INSECURE", "yes please"}},
       "PARATRO_EMULATOR_WEBHOOK_INSECURE must be true or false"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    const auto p = parse(c.args, c.env);
    REQUIRE(p.action == Action::error);
    CHECK(p.error.find(c.message) != std::string::npos);
    CHECK(p.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("config: --help lists the subcommands and every flag with its default") {
  const std::string help = a::help_text();
  CHECK(help.find("webhooks listen") != std::string::npos);
  CHECK(help.find("fixtures validate FILE") != std::string::npos);
  CHECK(help.find("--clock-speed X") != std::string::npos);
  CHECK(help.find("--port-file FILE") != std::string::npos);
}
