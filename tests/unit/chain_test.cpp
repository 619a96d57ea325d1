// Unit tests for the simulated chain: block heights, the transaction lifecycle, the virtual clock and its persisted form.
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

namespace c = paratro::chain;
namespace d = paratro::domain;
using paratro::crypto::SeededRandom;
using Settlement = paratro::store::Store::Settlement;

namespace {

constexpr std::int64_t kEpoch = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

c::ChainTable table_at_epoch() {
  c::ChainTable t;
  t.set_epoch(kEpoch);
  return t;
}

bool is_lower_hex(std::string_view s) {
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

// Checks `hash` has the format of `family`'s transaction hashes.
void check_hash_format(d::ChainFamily family, const std::string& hash) {
  CAPTURE(hash);
  switch (family) {
    case d::ChainFamily::evm:
      REQUIRE(hash.size() == 66);
      CHECK(hash.substr(0, 2) == "0x");
      CHECK(is_lower_hex(std::string_view(hash).substr(2)));
      break;
    case d::ChainFamily::tvm:
    case d::ChainFamily::utxo:
      CHECK(hash.size() == 64);
      CHECK(is_lower_hex(hash));
      break;
    case d::ChainFamily::svm: {
      const auto raw = d::base58_decode(hash);
      REQUIRE(raw.has_value());
      CHECK(raw->size() == 64);
      CHECK(d::base58_encode(*raw) == hash);
      break;
    }
  }
}

d::TransactionRecord pending_transfer(std::string chain, std::int64_t created_ms, std::int64_t sign_ms) {
  d::TransactionRecord t;
  t.tx_id = "tx_test";
  t.chain = std::move(chain);
  t.status = d::TxStatus::pending;
  t.origin = d::TxOrigin::api;
  t.created_at_ms = created_ms;
  t.updated_at_ms = created_ms;
  t.next_due_ms = created_ms + sign_ms;
  return t;
}

// A wall clock the test moves by hand.
class FakeWall final : public d::Clock {
 public:
  explicit FakeWall(std::int64_t now) : now_(now) {}
  std::int64_t now_ms() const override { return now_; }
  void set(std::int64_t now) { now_ = now; }
  void add(std::int64_t delta) { now_ += delta; }

 private:
  std::int64_t now_;
};

}  // namespace

// ---- chain table

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
  t.status = d::TxStatus::confirming;
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
    other.status = *d::parse_enum<d::TxStatus>(status);
    other.confirmations = 7;
    CHECK(chains.confirmations_at(other, chains.block_time(eth, t.block_number + 30)) == 7);
  }
}

// ---- lifecycle

TEST_CASE("next_step walks an outbound transfer to CONFIRMED on every chain") {
  const auto chains = table_at_epoch();
  const c::LifecycleTiming timing{3000, 1500};
  SeededRandom rng(7);
  for (const auto& info : d::all_chains()) {
    CAPTURE(info.name);
    const c::ChainParams& p = *chains.find(info.name);
    const std::int64_t created = kEpoch + 123'457;
    auto tx = pending_transfer(std::string(info.name), created, timing.sign_ms);

    // PENDING -> SIGNED when signing is done; broadcast follows after its delay.
    const std::int64_t t1 = tx.next_due_ms;
    const auto u1 = c::next_step(tx, t1, chains, timing, rng);
    CHECK(u1.tx.status == d::TxStatus::signed_);
    CHECK(u1.settle == Settlement::none);
    CHECK(u1.twin_id.empty());
    CHECK(u1.tx.updated_at_ms == t1);
    CHECK(u1.tx.next_due_ms == t1 + timing.broadcast_ms);
    CHECK(u1.tx.required_confirmations == p.confirmations);
    CHECK(u1.tx.tx_hash.empty());

    // SIGNED -> BROADCAST: the hash appears; inclusion is due at the next block boundary.
    const std::int64_t t2 = u1.tx.next_due_ms;
    const auto u2 = c::next_step(u1.tx, t2, chains, timing, rng);
    CHECK(u2.tx.status == d::TxStatus::broadcast);
    CHECK(u2.settle == Settlement::none);
    check_hash_format(p.family, u2.tx.tx_hash);
    const std::int64_t h2 = chains.height_at(p, t2);
    CHECK(u2.tx.next_due_ms == chains.block_time(p, h2 + 1));
    CHECK(u2.tx.next_due_ms > t2);
    CHECK(u2.tx.next_due_ms <= t2 + p.block_time_ms);

    // BROADCAST -> CONFIRMING in that block, one confirmation; CONFIRMED due when the last
    // required block is mined.
    const std::int64_t t3 = u2.tx.next_due_ms;
    const auto u3 = c::next_step(u2.tx, t3, chains, timing, rng);
    CHECK(u3.tx.status == d::TxStatus::confirming);
    CHECK(u3.settle == Settlement::none);
    CHECK(u3.tx.block_number == h2 + 1);
    CHECK(u3.tx.confirmations == 1);
    CHECK(u3.tx.tx_hash == u2.tx.tx_hash);
    CHECK(u3.tx.next_due_ms == chains.block_time(p, u3.tx.block_number + p.confirmations - 1));
    CHECK(u3.twin_id.rfind("tx_", 0) == 0);
    CHECK(chains.confirmations_at(u3.tx, t3) == 1);
    CHECK(chains.confirmations_at(u3.tx, u3.tx.next_due_ms) == p.confirmations);

    // CONFIRMING -> CONFIRMED, settled.
    const std::int64_t t4 = u3.tx.next_due_ms;
    const auto u4 = c::next_step(u3.tx, t4, chains, timing, rng);
    CHECK(u4.tx.status == d::TxStatus::confirmed);
    CHECK(u4.settle == Settlement::confirm);
    CHECK(u4.tx.confirmations == p.confirmations);
    CHECK(u4.tx.confirmed_at_ms == t4);
    CHECK(u4.tx.updated_at_ms == t4);
    CHECK(u4.tx.next_due_ms == -1);
    CHECK(u4.tx.block_number == u3.tx.block_number);
    CHECK(u4.tx.tx_hash == u2.tx.tx_hash);
    CHECK(u4.tx.failure_reason.empty());

    // A terminal transaction stays as it is and unscheduled.
    const auto u5 = c::next_step(u4.tx, t4 + 60'000, chains, timing, rng);
    CHECK(u5.tx.status == d::TxStatus::confirmed);
    CHECK(u5.settle == Settlement::none);
    CHECK(u5.tx.next_due_ms == -1);
    CHECK(u5.tx.confirmations == p.confirmations);
  }
}

TEST_CASE("next_step includes a broadcast that lands exactly on a block boundary in the next block") {
  const auto chains = table_at_epoch();
  const c::ChainParams& eth = *chains.find("ethereum");
  SeededRandom rng(1);
  d::TransactionRecord tx = pending_transfer("ethereum", kEpoch, 0);
  tx.status = d::TxStatus::signed_;
  const std::int64_t at = chains.block_time(eth, eth.base_height + 5);
  const auto u = c::next_step(tx, at, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.next_due_ms == chains.block_time(eth, eth.base_height + 6));
}

TEST_CASE("a deposit confirms like a transfer but has no inbound twin") {
  const auto chains = table_at_epoch();
  const c::ChainParams& tron = *chains.find("tron");
  SeededRandom rng(3);
  d::TransactionRecord tx;
  tx.chain = "tron";
  tx.origin = d::TxOrigin::deposit;
  tx.direction = d::TxDirection::inbound;
  tx.status = d::TxStatus::broadcast;
  const std::int64_t at = chains.block_time(tron, tron.base_height + 3);
  const auto u = c::next_step(tx, at, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.status == d::TxStatus::confirming);
  CHECK(u.twin_id.empty());
  CHECK(u.tx.required_confirmations == tron.confirmations);
  const auto done = c::next_step(u.tx, u.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(done.tx.status == d::TxStatus::confirmed);
  CHECK(done.settle == Settlement::confirm);
}

TEST_CASE("make_tx_hash has each family's format and does not repeat") {
  SeededRandom rng(42);
  const d::ChainFamily families[] = {d::ChainFamily::evm, d::ChainFamily::tvm, d::ChainFamily::utxo,
                                     d::ChainFamily::svm};
  std::set<std::string> seen;
  for (auto family : families) {
    CAPTURE(static_cast<int>(family));
    for (int i = 0; i < 200; ++i) {
      const std::string h = c::make_tx_hash(family, rng);
      check_hash_format(family, h);
      CHECK(seen.insert(h).second);
    }
  }
}

TEST_CASE("a seed fixes the transaction hashes") {
  SeededRandom a(99), b(99);
  for (auto family : {d::ChainFamily::evm, d::ChainFamily::tvm, d::ChainFamily::utxo, d::ChainFamily::svm}) {
    CAPTURE(static_cast<int>(family));
    CHECK(c::make_tx_hash(family, a) == c::make_tx_hash(family, b));
  }
}

TEST_CASE("fail_signing fails at the signing step with nothing on chain") {
  const auto chains = table_at_epoch();
  SeededRandom rng(5);
  auto tx = pending_transfer("ethereum", kEpoch + 1000, 2000);
  tx.outcome = d::TxOutcome::fail_signing;
  const auto u = c::next_step(tx, tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.status == d::TxStatus::failed);
  CHECK(u.settle == Settlement::fail);
  CHECK(u.tx.failure_reason == "MPC signing failed");
  CHECK(u.tx.tx_hash.empty());
  CHECK(u.tx.block_number == 0);
  CHECK(u.tx.next_due_ms == -1);
  CHECK(u.tx.confirmed_at_ms == -1);
  CHECK(u.tx.updated_at_ms == kEpoch + 3000);
  CHECK(u.twin_id.empty());
}

TEST_CASE("fail_onchain is included, then fails one block later") {
  const auto chains = table_at_epoch();
  const c::ChainParams& eth = *chains.find("ethereum");
  SeededRandom rng(6);
  auto tx = pending_transfer("ethereum", kEpoch + 1000, 2000);
  tx.outcome = d::TxOutcome::fail_onchain;
  const auto signed_ = c::next_step(tx, tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  REQUIRE(signed_.tx.status == d::TxStatus::signed_);
  const auto broadcast = c::next_step(signed_.tx, signed_.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  REQUIRE(broadcast.tx.status == d::TxStatus::broadcast);
  const auto included = c::next_step(broadcast.tx, broadcast.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(included.tx.status == d::TxStatus::confirming);
  CHECK(included.tx.confirmations == 1);
  CHECK(included.settle == Settlement::none);
  CHECK(included.tx.next_due_ms == chains.block_time(eth, included.tx.block_number + 1));

  const auto failed = c::next_step(included.tx, included.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(failed.tx.status == d::TxStatus::failed);
  CHECK(failed.settle == Settlement::fail);
  CHECK(failed.tx.failure_reason == "transaction reverted on-chain");
  CHECK(failed.tx.block_number == included.tx.block_number);
  CHECK(failed.tx.tx_hash == broadcast.tx.tx_hash);
  CHECK(failed.tx.confirmations >= 1);
  CHECK(failed.tx.next_due_ms == -1);
  CHECK(failed.tx.confirmed_at_ms == -1);
}

TEST_CASE("next_step fails a transaction on an unknown chain") {
  const auto chains = table_at_epoch();
  SeededRandom rng(8);
  auto tx = pending_transfer("dogecoin", kEpoch, 2000);
  const auto u = c::next_step(tx, kEpoch + 2000, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.status == d::TxStatus::failed);
  CHECK(u.settle == Settlement::fail);
  CHECK(u.tx.next_due_ms == -1);
}

TEST_CASE("outcome_from_memo finds magic tokens anywhere in the memo") {
  struct Case {
    std::string_view memo;
    std::string_view outcome;
  };
  const Case cases[] = {
      {"", ""},
      {"invoice 42", ""},
      {"sandbox:fail_signing", "fail_signing"},
      {"sandbox:fail_onchain", "fail_onchain"},
      {"sandbox:hold", "hold"},
      {"pay sandbox:fail_onchain please", "fail_onchain"},
      {"ref=7;sandbox:hold", "hold"},
      {"sandbox:fail", ""},
      {"sandbox:", ""},
      {"fail_signing", ""},
      {"sandbox hold", ""},
  };
  for (const auto& cs : cases) {
    CAPTURE(cs.memo);
    CHECK(d::to_string(c::outcome_from_memo(cs.memo)) == cs.outcome);
  }
}

TEST_CASE("forced_step confirms or fails any non-terminal state") {
  const auto chains = table_at_epoch();
  const c::ChainParams& sol = *chains.find("solana");
  const std::int64_t at = kEpoch + 77'777;
  for (const char* status : {"PENDING", "SIGNED", "BROADCAST", "CONFIRMING"}) {
    for (const bool confirm : {true, false}) {
      CAPTURE(status);
      CAPTURE(confirm);
      SeededRandom rng(11);
      auto tx = pending_transfer("solana", kEpoch, 2000);
      tx.status = *d::parse_enum<d::TxStatus>(status);
      const bool on_chain = std::string_view(status) == "BROADCAST" || std::string_view(status) == "CONFIRMING";
      if (on_chain) tx.tx_hash = c::make_tx_hash(d::ChainFamily::svm, rng);
      if (std::string_view(status) == "CONFIRMING") {
        tx.block_number = sol.base_height + 2;
        tx.confirmations = 1;
      }
      const auto u = c::forced_step(tx, confirm, at, chains, rng);
      CHECK(u.tx.updated_at_ms == at);
      CHECK(u.tx.next_due_ms == -1);
      if (confirm) {
        CHECK(u.tx.status == d::TxStatus::confirmed);
        CHECK(u.settle == Settlement::confirm);
        CHECK(u.tx.confirmations == sol.confirmations);
        CHECK(u.tx.required_confirmations == sol.confirmations);
        CHECK(u.tx.confirmed_at_ms == at);
        check_hash_format(sol.family, u.tx.tx_hash);
        if (on_chain) CHECK(u.tx.tx_hash == tx.tx_hash);
        if (tx.block_number > 0) {
          CHECK(u.tx.block_number == tx.block_number);
        } else {
          CHECK(u.tx.block_number == chains.height_at(sol, at));
        }
        CHECK(u.twin_id.rfind("tx_", 0) == 0);
      } else {
        CHECK(u.tx.status == d::TxStatus::failed);
        CHECK(u.settle == Settlement::fail);
        CHECK(u.tx.failure_reason == "failed by sandbox control");
        CHECK(u.tx.tx_hash == tx.tx_hash);
        CHECK(u.tx.block_number == tx.block_number);
        CHECK(u.tx.confirmed_at_ms == -1);
        CHECK(u.twin_id.empty());
      }
    }
  }
}

TEST_CASE("forced confirmation of a deposit has no twin") {
  const auto chains = table_at_epoch();
  SeededRandom rng(12);
  d::TransactionRecord dep;
  dep.chain = "solana";
  dep.origin = d::TxOrigin::deposit;
  dep.status = d::TxStatus::broadcast;
  const auto u = c::forced_step(dep, true, kEpoch + 5'000, chains, rng);
  CHECK(u.tx.status == d::TxStatus::confirmed);
  CHECK(u.settle == Settlement::confirm);
  CHECK(u.twin_id.empty());
}

// ---- virtual clock

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
