// Implementation of scheduler.hpp.
#include "emulator/chain/scheduler.hpp"

#include <cstdio>
#include <sstream>

namespace paratro::chain {

namespace {
constexpr int kBatch = 2000;  // steps per SQLite transaction
}

Scheduler::Scheduler(store::Store& store, VirtualClock& clock, ChainTable& chains, LifecycleTiming timing,
                     crypto::RandomSource& rng)
    : store_(store), clock_(clock), chains_(chains), timing_(timing), rng_(rng) {}

void Scheduler::catch_up() { run_until(clock_.now_ms()); }

void Scheduler::tick() {
  try {
    if (!clock_.state().manual) run_until(clock_.now_ms());
    if (failing_) std::fprintf(stderr, "scheduler: passes succeed again\n");
    failing_ = false;
  } catch (const std::exception& e) {
    // One line per streak of failures, not one every 20 ms.
    if (!failing_) std::fprintf(stderr, "scheduler: pass failed, retried on every tick: %s\n", e.what());
    failing_ = true;
  }
}

std::int64_t Scheduler::run_until(std::int64_t until_ms) {
  std::lock_guard lock(mu_);
  std::int64_t steps = store_.activate_due_wallets(until_ms);
  for (;;) {
    // x402 authorizations still unsettled at their validBefore expire and release their lock.
    steps += store_.expire_x402_authorizations(until_ms);
    std::vector<std::int64_t> seqs;
    auto due = store_.due_transactions(until_ms, kBatch, &seqs);
    if (due.empty()) break;
    std::vector<store::Store::TxUpdate> updates;
    updates.reserve(due.size());
    for (std::size_t i = 0; i < due.size(); ++i) {
      auto& t = due[i];
      const std::int64_t at = t.next_due_ms;
      const domain::TxStatus status = t.status;
      const std::int64_t confirmations = t.confirmations;
      auto& u = updates.emplace_back(next_step(std::move(t), at, chains_, timing_, rng_));
      // The row as this pass read it: nothing else writes between the read and the update.
      u.prev_known = true;
      u.prev_status = status;
      u.prev_confirmations = confirmations;
      u.seq = seqs[i];
    }
    store_.apply_tx_updates(updates);
    steps += static_cast<std::int64_t>(updates.size());
  }
  return steps;
}

std::int64_t Scheduler::advance(std::int64_t delta_ms) {
  std::lock_guard lock(mu_);
  const std::int64_t target = clock_.now_ms() + std::max<std::int64_t>(0, delta_ms);
  const std::int64_t steps = run_until(target);
  clock_.set(target);
  persist_clock();
  return steps;
}

domain::Status Scheduler::force(std::string_view tx_id, bool confirm) {
  std::lock_guard lock(mu_);
  auto t = store_.find_transaction_any(tx_id);
  if (!t) return domain::make_error(domain::ErrorCode::not_found, "Transaction not found");
  if (t->origin == domain::TxOrigin::internal) {
    return domain::make_error(domain::ErrorCode::conflict,
                              "An internal inbound follows its outbound transfer " + t->twin_of);
  }
  if (domain::is_terminal(t->status)) {
    return domain::make_error(domain::ErrorCode::conflict,
                              "Transaction is already " + std::string(domain::to_string(t->status)));
  }
  store_.apply_tx_updates({forced_step(std::move(*t), confirm, clock_.now_ms(), chains_, rng_)});
  return domain::ok_status();
}

domain::Status Scheduler::release(std::string_view tx_id) {
  std::lock_guard lock(mu_);
  auto t = store_.find_transaction_any(tx_id);
  if (!t) return domain::make_error(domain::ErrorCode::not_found, "Transaction not found");
  if (t->outcome != domain::TxOutcome::hold || t->next_due_ms >= 0 || t->status != domain::TxStatus::pending) {
    return domain::make_error(domain::ErrorCode::conflict, "Transaction is not held");
  }
  // Signing starts at release, so the usual signing delay follows.
  t->outcome = domain::TxOutcome::none;
  t->next_due_ms = clock_.now_ms() + timing_.sign_ms;
  store_.apply_tx_updates({{std::move(*t), store::Store::Settlement::none, {}}});
  return domain::ok_status();
}

void Scheduler::exclusive(const std::function<void()>& fn) {
  std::lock_guard lock(mu_);
  fn();
}

void Scheduler::reload_clock() {
  std::lock_guard lock(mu_);
  ClockState state;
  const auto saved = store_.get_setting("clock");
  if (saved && decode_clock_state(*saved, state)) clock_.resume(state);
  persist_clock();
}

void Scheduler::configure_clock(std::optional<bool> manual, std::optional<double> speed) {
  std::lock_guard lock(mu_);
  if (!clock_.state().manual) run_until(clock_.now_ms());  // what fell due before the change happens at its time
  clock_.configure(manual, speed);
  persist_clock();
}

void Scheduler::persist_clock() { store_.put_setting("clock", encode_clock_state(clock_.state())); }

std::string encode_clock_state(const ClockState& s) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s %.6f %lld %lld", s.manual ? "manual" : "running", s.speed,
                static_cast<long long>(s.anchor_virtual_ms), static_cast<long long>(s.anchor_wall_ms));
  return buf;
}

bool decode_clock_state(std::string_view text, ClockState& out) {
  std::istringstream in{std::string(text)};
  std::string mode;
  long long v = 0, w = 0;
  double speed = 0;
  if (!(in >> mode >> speed >> v >> w) || (mode != "manual" && mode != "running") || speed <= 0) return false;
  if (!(in >> std::ws).eof()) return false;  // trailing junk: not a state we wrote
  out.manual = mode == "manual";
  out.speed = speed;
  out.anchor_virtual_ms = v;
  out.anchor_wall_ms = w;
  return true;
}

}  // namespace paratro::chain
