// Unit tests for chain/chain_table: block heights and times, overrides, confirmations.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "emulator/chain/chain_table.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/chain/virtual_clock.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/registry.hpp"
#include "tests/unit/chain/chain_test_support.hpp"

TEST_CASE("chain parameters: the registry's confirmations, block times compressed to confirm within ~10 s") {
  const c::ChainTable chains;
  constexpr std::int64_t kSign = 2000, kBroadcast = 1000;  // the default delays
  for (const auto& info : d::all_chains()) {
    CAPTURE(info.name);
    const c::ChainParams* p = chains.find(info.name);
    REQUIRE(p != nullptr);
    CHECK(p->name == info.name);
    CHECK(p->family == info.family);
    CHECK(p->block_time_ms >= 1);
    CHECK(p->block_time_ms <= static_cast<std::int64_t>(info.block_time_ms));
    // Worst case: broadcast just after a block, so inclusion waits a whole block time.
    CHECK(kSign + kBroadcast + p->block_time_ms * p->confirmations <= 10'000);
    CHECK(p->confirmations == static_cast<std::int64_t>(info.confirmations));
    CHECK(p->base_height > 0);
  }
  CHECK(chains.find("dogecoin") == nullptr);
  CHECK(chains.find("") == nullptr);
  CHECK(chains.find("Ethereum") == nullptr);
}

TEST_CASE("height_at and block_time are inverse and monotonic on every chain") {
  const auto chains = table_at_epoch();
  CHECK(chains.epoch() == kEpoch);
  for (const auto& info : d::all_chains()) {
    CAPTURE(info.name);
    const c::ChainParams& p = *chains.find(info.name);
    const std::int64_t bt = p.block_time_ms;

    // Before and at the epoch the chain sits at its base height.
    CHECK(chains.height_at(p, kEpoch) == p.base_height);
    CHECK(chains.height_at(p, kEpoch - 1) == p.base_height);
    CHECK(chains.height_at(p, 0) == p.base_height);
    CHECK(chains.block_time(p, p.base_height) == kEpoch);

    for (std::int64_t k = 0; k <= 40; ++k) {
      CAPTURE(k);
      const std::int64_t h = p.base_height + k;
      const std::int64_t t = chains.block_time(p, h);
      CHECK(t == kEpoch + k * bt);
      CHECK(chains.height_at(p, t) == h);           // a block exists from its own time...
      CHECK(chains.height_at(p, t + bt - 1) == h);  // ...until just before the next
      if (k > 0) CHECK(chains.height_at(p, t - 1) == h - 1);
    }

    // Monotonic, and never more than one block per block time.
    std::int64_t prev = chains.height_at(p, kEpoch - 5000);
    const std::int64_t step = bt / 3 + 1;
    for (std::int64_t t = kEpoch - 5000; t < kEpoch + 30 * bt; t += step) {
      const std::int64_t h = chains.height_at(p, t);
      CHECK(h >= prev);
      CHECK(h - prev <= 1);
      prev = h;
    }
  }
}

TEST_CASE("apply_override parses chain:block_time_ms:confirmations") {
  SUBCASE("a good spec changes only that chain") {
    c::ChainTable chains;
    const c::ChainParams bsc_before = *chains.find("bsc");
    std::string error;
    CHECK(chains.apply_override("ethereum:1000:3", error));
    CHECK(error.empty());
    CHECK(chains.find("ethereum")->block_time_ms == 1000);
    CHECK(chains.find("ethereum")->confirmations == 3);
    CHECK(chains.find("bsc")->block_time_ms == bsc_before.block_time_ms);
    CHECK(chains.find("bsc")->confirmations == bsc_before.confirmations);
    // A later override replaces an earlier one.
    CHECK(chains.apply_override("ethereum:1:1", error));
    CHECK(chains.find("ethereum")->block_time_ms == 1);
    CHECK(chains.find("ethereum")->confirmations == 1);
  }
  SUBCASE("bad specs are refused and change nothing") {
    struct Case {
      std::string_view spec;
      std::string_view error_contains;
    };
    const Case cases[] = {
        {"", "expected"},
        {"ethereum", "expected"},
        {"ethereum:1000", "expected"},
        {"dogecoin:1000:3", "unknown chain"},
        {"Ethereum:1000:3", "unknown chain"},
        {":1000:3", "unknown chain"},
        {"ethereum:0:3", "positive"},
        {"ethereum:1000:0", "positive"},
        {"ethereum:-1:3", "positive"},
        {"ethereum:1000:-3", "positive"},
        {"ethereum:abc:3", "positive"},
        {"ethereum::3", "positive"},
        {"ethereum:1000:", "positive"},
        {"ethereum:1000:3x", "positive"},
        {"ethereum: 1000:3", "positive"},
        {"ethereum:1.5:3", "positive"},
        {"ethereum:1000:3:4", "positive"},
        {"ethereum:99999999999999999999:3", "positive"},
    };
    for (const auto& cs : cases) {
      CAPTURE(cs.spec);
      c::ChainTable chains;
      std::string error;
      CHECK_FALSE(chains.apply_override(cs.spec, error));
      CHECK(error.find(cs.error_contains) != std::string::npos);
      CHECK(chains.find("ethereum")->block_time_ms == 400);  // the default, unchanged
      CHECK(chains.find("ethereum")->confirmations == 12);
    }
  }
}

TEST_CASE("confirmations_at counts one per block, clamped to the requirement") {
  const auto chains = table_at_epoch();
  const c::ChainParams& eth = *chains.find("ethereum");
  d::TransactionRecord t;
  t.chain = "ethereum";
  t.status = "CONFIRMING";
  t.block_number = eth.base_height + 10;
  t.confirmations = 1;
  t.required_confirmations = 12;

  for (std::int64_t k = 0; k <= 20; ++k) {
    CAPTURE(k);
    const std::int64_t expected = std::min<std::int64_t>(k + 1, 12);
    const std::int64_t block_start = chains.block_time(eth, t.block_number + k);
    CHECK(chains.confirmations_at(t, block_start) == expected);
    CHECK(chains.confirmations_at(t, block_start + eth.block_time_ms - 1) == expected);
  }
  // Asked about a moment before its block, it still has the confirmation it was stored with.
  CHECK(chains.confirmations_at(t, chains.block_time(eth, t.block_number) - 1) == 1);

  // Other states report what is stored.
  for (const char* status : {"PENDING", "SIGNED", "BROADCAST", "CONFIRMED", "FAILED"}) {
    CAPTURE(status);
    d::TransactionRecord other = t;
    other.status = status;
    other.confirmations = 7;
    CHECK(chains.confirmations_at(other, chains.block_time(eth, t.block_number + 30)) == 7);
  }
}
