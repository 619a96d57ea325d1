// paratro-emulator: the subcommands (tools/), or the server — configuration from flags and
// PARATRO_EMULATOR_* variables (app/config.hpp), then the emulator (app/emulator.hpp) until SIGINT
// or SIGTERM. Exit status: 0 after a clean shutdown, 2 when the configuration is refused, 1 when
// something unexpected failed.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "emulator/app/banner.hpp"
#include "emulator/app/config.hpp"
#include "emulator/app/emulator.hpp"
#include "emulator/tools/commands.hpp"

using namespace paratro;

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "webhooks") return tools::webhooks_command(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "fixtures") return tools::fixtures_command(argc, argv);
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos && kv.rfind("PARATRO_EMULATOR_", 0) == 0)
      env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
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
  try {
    app::Emulator emulator(std::move(parsed.config));
    emulator.stop_on_signals();
    if (auto refusal = emulator.start()) {
      std::fprintf(stderr, "paratro-emulator: %s\n", refusal->message.c_str());
      for (const auto& line : refusal->details) std::fprintf(stderr, "  %s\n", line.c_str());
      return 2;
    }
    std::fputs(app::banner_text(emulator).c_str(), stdout);
    std::fflush(stdout);
    emulator.wait();
    emulator.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paratro-emulator: %s\n", e.what());
    return 1;
  }
  return 0;
}
