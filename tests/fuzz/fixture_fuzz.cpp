// libFuzzer target: fixture files (api/fixture.cpp's loader) over an in-memory store. Property:
// the loader's contract, "any error leaves the store untouched": a rejected fixture reports at least
// one error, at most kMaxFixtureErrors (+1 line saying the rest was cut), each with a JSONPath, and
// the store stays empty; an accepted one holds the counts it reports. The store is reused while
// loads fail (cheap) and replaced after a load that wrote something.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "emulator/api/fixture.hpp"
#include "emulator/chain/chain_table.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/store/store.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace a = paratro::api;

namespace {

constexpr std::int64_t kNow = 1767225600000LL;  // 2026-01-01T00:00:00Z

bool empty(paratro::store::Store& store) {
  const auto c = store.counts();
  return c.clients == 0 && c.wallets == 0 && c.accounts == 0 && c.assets == 0 && c.transactions == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<paratro::store::Store> store;
  static paratro::chain::ChainTable chains;
  if (!store) {
    store = std::make_unique<paratro::store::Store>(":memory:");
    chains.set_epoch(kNow);
  }
  paratro::crypto::SeededRandom rng{7};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const a::FixtureResult result =
      a::load_fixture({*store, rng, chains, kNow, 3000, 100, paratro::domain::kDefaultApiVersion}, text);
  if (!result.ok()) {
    FUZZ_CHECK(result.errors.size() <= a::kMaxFixtureErrors + 1);
    for (const auto& e : result.errors) FUZZ_CHECK(!e.message.empty());
    FUZZ_CHECK(empty(*store));
    return 0;
  }
  const auto c = store->counts();
  FUZZ_CHECK(c.clients == result.counts.clients && c.wallets == result.counts.wallets);
  FUZZ_CHECK(c.accounts == result.counts.accounts && c.assets == result.counts.assets);
  FUZZ_CHECK(c.transactions == result.counts.transactions);
  if (!empty(*store)) store.reset();
  return 0;
}
