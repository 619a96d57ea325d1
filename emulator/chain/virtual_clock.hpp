// The one clock of the simulated world. Two modes:
//  - running: virtual now = anchor_virtual + (wall now - anchor_wall) x speed;
//  - manual:  virtual now moves only through advance() / set().
// Its state is a few numbers the Scheduler persists in the settings table, so a restart continues
// the same timeline (a running clock keeps moving while the process is down, a manual one does not).
// At the default speed 1 a running clock is the wall clock plus whatever was advanced on purpose.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "emulator/domain/clock.hpp"

namespace paratro::chain {

struct ClockState {
  bool manual = false;
  double speed = 1.0;
  std::int64_t anchor_virtual_ms = 0;
  std::int64_t anchor_wall_ms = 0;
};

class VirtualClock final : public domain::Clock {
 public:
  VirtualClock(const domain::Clock& wall, ClockState state);
  std::int64_t now_ms() const override;
  // Moves virtual time forward by `delta_ms` (>= 0) in either mode.
  void advance(std::int64_t delta_ms);
  // Jumps to `virtual_ms` (may not go backwards: returns false then).
  bool set(std::int64_t virtual_ms);
  ClockState state() const;
  // Changes mode and/or speed from the current instant on (time neither jumps nor goes back);
  // an absent value keeps the current one. `speed` must be > 0.
  void configure(std::optional<bool> manual, std::optional<double> speed);
  // Takes `state` as a whole (it may move time backwards): virtual time continues from
  // state.anchor_virtual_ms at the current wall instant, in the state's mode and speed. For a
  // snapshot restore, where the saved instant is where the world resumes.
  void resume(const ClockState& state);

 private:
  std::int64_t now_locked() const;
  const domain::Clock& wall_;
  mutable std::mutex mu_;
  ClockState s_;
};

}  // namespace paratro::chain
