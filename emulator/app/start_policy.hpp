// What a start takes over from the database it opens: the random stream of a seeded run and the
// virtual clock. Policy, kept apart from the wiring (emulator.cpp) so that it reads as rules.
#pragma once

#include <cstdint>
#include <string>

#include "emulator/app/config.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/store/store.hpp"

namespace paratro::app {

// The seed of this start's random stream. Each start of a seeded database draws from its own stream
// (start 0 is the seed itself, the generation is counted in the settings), so a restart never hands
// out key material or ids again, and fresh runs still repeat exactly.
std::uint64_t seed_for_this_start(store::Store& store, std::uint64_t seed);

struct ClockStart {
  chain::ClockState state;
  bool fresh = true;  // the database had no clock: the flags' or the defaults' state
};

// The clock continues the database's timeline; a clock flag given (command line or environment)
// wins over what the database remembers, from the current instant on (the caller applies that with
// VirtualClock::configure when !fresh). A fresh seeded run starts at a fixed instant so that its
// responses repeat byte for byte. Error: --start-time given for a database that has its clock.
domain::Result<ClockStart> restore_clock(store::Store& store, const Config& cfg, const domain::Clock& wall);

// "running at 1x" / "manual": the banner's clock mode.
std::string clock_mode_text(const chain::ClockState& st);
// Which setting holds for the clock: the flag (or variable) given, else the database's memory, else
// the defaults of a fresh database.
std::string clock_source_text(const Config& cfg, bool fresh);

}  // namespace paratro::app
