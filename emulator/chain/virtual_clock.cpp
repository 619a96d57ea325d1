// Implementation of virtual_clock.hpp.
#include "emulator/chain/virtual_clock.hpp"

#include <cmath>

namespace paratro::chain {

VirtualClock::VirtualClock(const domain::Clock& wall, ClockState state) : wall_(wall), s_(state) {}

std::int64_t VirtualClock::now_locked() const {
  if (s_.manual) return s_.anchor_virtual_ms;
  const auto elapsed = static_cast<double>(wall_.now_ms() - s_.anchor_wall_ms);
  return s_.anchor_virtual_ms + static_cast<std::int64_t>(std::floor(elapsed * s_.speed));
}

std::int64_t VirtualClock::now_ms() const {
  std::lock_guard lock(mu_);
  return now_locked();
}

void VirtualClock::advance(std::int64_t delta_ms) {
  if (delta_ms <= 0) return;
  std::lock_guard lock(mu_);
  // Re-anchor at the current instant so the jump adds to, rather than rescales, elapsed time.
  s_.anchor_virtual_ms = now_locked() + delta_ms;
  s_.anchor_wall_ms = wall_.now_ms();
}

bool VirtualClock::set(std::int64_t virtual_ms) {
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  if (virtual_ms < now) return false;
  s_.anchor_virtual_ms = virtual_ms;
  s_.anchor_wall_ms = wall_.now_ms();
  return true;
}

void VirtualClock::resume(const ClockState& state) {
  std::lock_guard lock(mu_);
  s_ = state;
  s_.anchor_wall_ms = wall_.now_ms();
}

void VirtualClock::configure(std::optional<bool> manual, std::optional<double> speed) {
  std::lock_guard lock(mu_);
  s_.anchor_virtual_ms = now_locked();
  s_.anchor_wall_ms = wall_.now_ms();
  if (manual) s_.manual = *manual;
  if (speed) s_.speed = *speed;
}

ClockState VirtualClock::state() const {
  std::lock_guard lock(mu_);
  ClockState copy = s_;
  // Anchored at "now", so persisting it loses nothing.
  copy.anchor_virtual_ms = now_locked();
  copy.anchor_wall_ms = wall_.now_ms();
  return copy;
}

}  // namespace paratro::chain
