// See start_policy.hpp.
#include "emulator/app/start_policy.hpp"

#include <cstdio>

#include "emulator/domain/clock.hpp"

namespace paratro::app {

std::uint64_t seed_for_this_start(store::Store& store, std::uint64_t seed) {
  std::uint64_t generation = 0;
  if (auto g = store.get_setting("seed_generation")) generation = std::stoull(*g) + 1;
  store.put_setting("seed_generation", std::to_string(generation));
  return seed ^ (generation * 0x9E3779B97F4A7C15ull);
}

domain::Result<ClockStart> restore_clock(store::Store& store, const Config& cfg, const domain::Clock& wall) {
  ClockStart out;
  const auto saved = store.get_setting("clock");
  out.fresh = !saved || !chain::decode_clock_state(*saved, out.state);
  if (out.fresh) {
    out.state = {};
    out.state.manual = cfg.manual_clock.value_or(false);
    out.state.speed = cfg.clock_speed.value_or(1.0);
    constexpr std::int64_t kSeededStartMs = 1767225600000LL;  // 2026-01-01T00:00:00Z
    out.state.anchor_virtual_ms = cfg.start_ms ? *cfg.start_ms : cfg.seed ? kSeededStartMs : wall.now_ms();
    out.state.anchor_wall_ms = wall.now_ms();
  } else if (cfg.start_ms) {
    const auto now = domain::format_rfc3339(chain::VirtualClock(wall, out.state).now_ms());
    return domain::make_error(domain::ErrorCode::invalid_parameter,
                              "--start-time applies to a fresh database only; " + cfg.database +
                                  " already has its clock (now " + now +
                                  "): drop the flag, advance with POST /_sandbox/clock/advance, or give --database a "
                                  "new file");
  }
  return out;
}

std::string clock_mode_text(const chain::ClockState& st) {
  if (st.manual) return "manual";
  char buf[64];
  std::snprintf(buf, sizeof buf, "running at %gx", st.speed);
  return buf;
}

std::string clock_source_text(const Config& cfg, bool fresh) {
  const char* otherwise = fresh ? "default" : "from the database";
  auto part = [otherwise](const char* what, const std::string& from) {
    return std::string(what) + " " + (from.empty() ? std::string(otherwise) : "from " + from);
  };
  return part("mode", cfg.manual_clock_from) + ", " + part("speed", cfg.clock_speed_from);
}

}  // namespace paratro::app
