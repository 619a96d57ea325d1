// Unit tests for chain/virtual_clock and its persisted form (encode/decode_clock_state).
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

TEST_CASE("a manual clock moves only through advance and set") {
  FakeWall wall(5'000);
  c::VirtualClock clock(wall, c::ClockState{true, 60.0, kEpoch, 5'000});
  CHECK(clock.now_ms() == kEpoch);
  wall.add(100'000);
  CHECK(clock.now_ms() == kEpoch);

  struct Step {
    std::int64_t delta;
    std::int64_t expected;
  };
  const Step steps[] = {{500, kEpoch + 500}, {0, kEpoch + 500}, {-200, kEpoch + 500}, {90'000, kEpoch + 90'500}};
  for (const auto& st : steps) {
    CAPTURE(st.delta);
    clock.advance(st.delta);
    CHECK(clock.now_ms() == st.expected);
  }

  CHECK(clock.set(kEpoch + 100'000));
  CHECK(clock.now_ms() == kEpoch + 100'000);
  CHECK(clock.set(kEpoch + 100'000));  // to the same instant is fine
  CHECK_FALSE(clock.set(kEpoch + 99'999));
  CHECK_FALSE(clock.set(0));
  CHECK(clock.now_ms() == kEpoch + 100'000);
  wall.add(1'000'000);
  CHECK(clock.now_ms() == kEpoch + 100'000);

  const auto st = clock.state();
  CHECK(st.manual);
  CHECK(st.speed == 60.0);
  CHECK(st.anchor_virtual_ms == kEpoch + 100'000);
}

TEST_CASE("a running clock follows the wall clock at its speed") {
  FakeWall wall(10'000);
  c::VirtualClock clock(wall, c::ClockState{false, 60.0, kEpoch, 10'000});
  CHECK(clock.now_ms() == kEpoch);

  struct Tick {
    std::int64_t wall_ms;
    std::int64_t virtual_ms;
  };
  const Tick ticks[] = {{10'000, kEpoch}, {10'001, kEpoch + 60}, {10'100, kEpoch + 6'000}, {11'000, kEpoch + 60'000}};
  for (const auto& t : ticks) {
    CAPTURE(t.wall_ms);
    wall.set(t.wall_ms);
    CHECK(clock.now_ms() == t.virtual_ms);
  }

  // advance adds to elapsed time; the clock keeps running from there at the same speed.
  clock.advance(5'000);
  CHECK(clock.now_ms() == kEpoch + 65'000);
  wall.add(10);
  CHECK(clock.now_ms() == kEpoch + 65'600);

  // set jumps forward, refuses to go back, and keeps running.
  CHECK_FALSE(clock.set(kEpoch + 65'599));
  CHECK(clock.now_ms() == kEpoch + 65'600);
  CHECK(clock.set(kEpoch + 1'000'000));
  CHECK(clock.now_ms() == kEpoch + 1'000'000);
  wall.add(1);
  CHECK(clock.now_ms() == kEpoch + 1'000'060);
}

TEST_CASE("a running clock with a fractional speed floors to whole milliseconds") {
  struct Case {
    double speed;
    std::int64_t elapsed_wall;
    std::int64_t elapsed_virtual;
  };
  const Case cases[] = {{0.5, 3, 1}, {0.5, 4, 2}, {1.0, 1234, 1234}, {2.5, 3, 7}, {1000.0, 7, 7000}};
  for (const auto& cs : cases) {
    CAPTURE(cs.speed);
    CAPTURE(cs.elapsed_wall);
    FakeWall wall(0);
    c::VirtualClock clock(wall, c::ClockState{false, cs.speed, 1'000, 0});
    wall.set(cs.elapsed_wall);
    CHECK(clock.now_ms() == 1'000 + cs.elapsed_virtual);
  }
}

TEST_CASE("state() re-anchors at now so a restored clock continues the same timeline") {
  FakeWall wall(50'000);
  c::VirtualClock clock(wall, c::ClockState{false, 60.0, kEpoch, 20'000});
  const std::int64_t now = clock.now_ms();
  CHECK(now == kEpoch + 30'000 * 60);

  const c::ClockState st = clock.state();
  CHECK_FALSE(st.manual);
  CHECK(st.speed == 60.0);
  CHECK(st.anchor_virtual_ms == now);
  CHECK(st.anchor_wall_ms == 50'000);

  c::VirtualClock restored(wall, st);
  CHECK(restored.now_ms() == now);
  // A running clock keeps moving while "the process is down".
  wall.add(2'000);
  CHECK(restored.now_ms() == clock.now_ms());
  CHECK(restored.now_ms() == now + 120'000);
}

TEST_CASE("encode_clock_state and decode_clock_state round-trip") {
  const c::ClockState cases[] = {
      {true, 60.0, kEpoch, 123},
      {false, 60.0, kEpoch, 1'767'225'600'123},
      {false, 1.0, 0, 0},
      {true, 0.5, -5'000, -1},
      {false, 2.25, 9'000'000'000'000'000, 8'000'000'000'000'000},
      {false, 1000.0, 1, 2},
  };
  for (const auto& st : cases) {
    const std::string text = c::encode_clock_state(st);
    CAPTURE(text);
    c::ClockState back{!st.manual, 99.0, 7, 7};
    REQUIRE(c::decode_clock_state(text, back));
    CHECK(back.manual == st.manual);
    CHECK(back.speed == st.speed);
    CHECK(back.anchor_virtual_ms == st.anchor_virtual_ms);
    CHECK(back.anchor_wall_ms == st.anchor_wall_ms);
  }
}

TEST_CASE("decode_clock_state rejects garbage and leaves its output alone") {
  const std::string_view cases[] = {
      "",
      "manual",
      "manual 60",
      "manual 60 1",
      "paused 60 1 2",
      "MANUAL 60 1 2",
      "manual 0 1 2",
      "running -60 1 2",
      "running abc 1 2",
      "running 60 x 2",
      "running 60 1 y",
      "60 running 1 2",
  };
  for (std::string_view text : cases) {
    CAPTURE(text);
    c::ClockState out{true, 7.0, 11, 13};
    CHECK_FALSE(c::decode_clock_state(text, out));
    CHECK(out.manual);
    CHECK(out.speed == 7.0);
    CHECK(out.anchor_virtual_ms == 11);
    CHECK(out.anchor_wall_ms == 13);
  }
}
