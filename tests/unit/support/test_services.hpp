// Test support: the Services every handler works with, over an in-memory store, a fixed wall clock,
// a manual virtual clock, a seeded random source and a scheduler nobody ticks (so nothing happens
// behind a test's back). Tests call handlers, or api::dispatch, on `services`.
#pragma once

#include <cstdint>
#include <memory>

#include "emulator/api/context.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/store/store.hpp"

namespace paratro::testing {

class FixedClock final : public domain::Clock {
 public:
  std::int64_t now_ms() const override { return 1767225600000; }  // 2026-01-01T00:00:00Z
};

// Services as main() wires them, minus the server and the webhook dispatcher.
struct World {
  store::Store store{":memory:"};
  FixedClock wall;
  chain::VirtualClock clock{wall, chain::ClockState{true, 1.0, wall.now_ms(), wall.now_ms()}};
  chain::ChainTable chains;
  crypto::SeededRandom rng{7};
  chain::Scheduler scheduler{store, clock, chains, chain::LifecycleTiming{}, rng};
  api::Services services = [this] {
    api::Services s(store, clock, wall, rng, scheduler);
    s.jwt_key = "key";
    return s;
  }();
};

}  // namespace paratro::testing
