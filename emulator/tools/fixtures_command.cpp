// `paratro-emulator fixtures validate FILE`: the loader itself, run against a scratch in-memory
// database, so "ok" here means --fixtures FILE loads. Exit 0 when valid, 1 when not, 2 on misuse.
#include <iostream>
#include <string>

#include "emulator/api/context.hpp"
#include "emulator/api/fixture.hpp"
#include "emulator/app/fixture_file.hpp"
#include "emulator/chain/chain_table.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/store/store.hpp"
#include "emulator/tools/commands.hpp"

namespace paratro::tools {

int fixtures_command(int argc, char** argv) {
  const char* usage = "usage: paratro-emulator fixtures validate FILE";
  if (argc < 3 || std::string(argv[2]) != "validate") {
    std::cerr << "paratro-emulator: unknown command 'fixtures" << (argc >= 3 ? std::string(" ") + argv[2] : "") << "'; "
              << usage << "\n";
    return 2;
  }
  if (argc != 4) {
    std::cerr << "paratro-emulator: fixtures validate takes exactly one FILE; " << usage << "\n";
    return 2;
  }
  const std::string path = argv[3];
  const auto text = app::read_fixture_file(path);
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
    const api::FixtureContext ctx{
        scratch, rng, chains, wall.now_ms(), 3000, api::ApiOptions{}.default_max_wallets, domain::kDefaultApiVersion};
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

}  // namespace paratro::tools
