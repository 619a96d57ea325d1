// Drives the simulated world forward: wallets finishing key generation and transactions taking
// their next lifecycle step, in due order, each batch in one SQLite transaction. With a running
// clock the store's writer calls tick() every few milliseconds (see store/writer.hpp) to process
// whatever fell due; with a manual clock only advance() moves time,
// and it returns after everything due up to the new time was processed. Due times live in SQLite,
// so after a restart (even kill -9) every pending lifecycle resumes and anything that fell due while
// the process was down is processed on the first pass. All methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "emulator/chain/chain_table.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/chain/virtual_clock.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/store/store.hpp"

namespace paratro::chain {

class Scheduler {
 public:
  Scheduler(store::Store& store, VirtualClock& clock, ChainTable& chains, LifecycleTiming timing,
            crypto::RandomSource& rng);

  // Processes what is already due (start-up catch-up after a restart).
  void catch_up();
  // With a running clock, processes what fell due by now. Errors (a failing database) are logged
  // to stderr once per streak and retried on the next tick: the due rows are still there.
  void tick();

  // Processes everything due by `until_ms`; returns the number of steps applied.
  std::int64_t run_until(std::int64_t until_ms);
  // Moves the clock forward by `delta_ms`, processing everything that falls due on the way.
  std::int64_t advance(std::int64_t delta_ms);
  // Forces a non-terminal transaction to CONFIRMED or FAILED now. not_found / conflict.
  domain::Status force(std::string_view tx_id, bool confirm);
  // Lets a held transaction (memo sandbox:hold) continue its normal lifecycle from now.
  domain::Status release(std::string_view tx_id);

  void persist_clock();
  // Changes the clock's mode and/or speed from now on (see VirtualClock::configure) and persists
  // it. Switching to manual waits for a pass in flight, so nothing is applied after the freeze.
  void configure_clock(std::optional<bool> manual, std::optional<double> speed);
  // Runs `fn` with no scheduler pass in flight (timer passes, advances and controls wait). For
  // snapshots: persist_clock() first, then copy, so the copy carries the clock of its rows.
  void exclusive(const std::function<void()>& fn);
  // After the database was replaced (reset, snapshot restore): the clock takes the state saved in
  // the new contents (settings "clock"), resuming from its instant now; the state is persisted.
  // Call inside exclusive().
  void reload_clock();
  const LifecycleTiming& timing() const { return timing_; }
  const ChainTable& chains() const { return chains_; }
  VirtualClock& clock() { return clock_; }

 private:
  store::Store& store_;
  VirtualClock& clock_;
  ChainTable& chains_;
  LifecycleTiming timing_;
  crypto::RandomSource& rng_;
  std::recursive_mutex mu_;  // one pass at a time (ticks, advance and controls)
  bool failing_ = false;     // the last tick failed (its error was logged once)
};

// Settings keys and the text form of the clock state.
std::string encode_clock_state(const ClockState& s);
bool decode_clock_state(std::string_view text, ClockState& out);

}  // namespace paratro::chain
