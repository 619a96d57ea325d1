// Unit tests for chain/lifecycle: every step of a transaction's life on the simulated chain,
// magic memos, forced steps and transaction hashes.
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
    CHECK(u1.tx.status == "SIGNED");
    CHECK(u1.settle == Settlement::none);
    CHECK(u1.twin_id.empty());
    CHECK(u1.tx.updated_at_ms == t1);
    CHECK(u1.tx.next_due_ms == t1 + timing.broadcast_ms);
    CHECK(u1.tx.required_confirmations == p.confirmations);
    CHECK(u1.tx.tx_hash.empty());

    // SIGNED -> BROADCAST: the hash appears; inclusion is due at the next block boundary.
    const std::int64_t t2 = u1.tx.next_due_ms;
    const auto u2 = c::next_step(u1.tx, t2, chains, timing, rng);
    CHECK(u2.tx.status == "BROADCAST");
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
    CHECK(u3.tx.status == "CONFIRMING");
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
    CHECK(u4.tx.status == "CONFIRMED");
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
    CHECK(u5.tx.status == "CONFIRMED");
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
  tx.status = "SIGNED";
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
  tx.origin = "deposit";
  tx.direction = "INBOUND";
  tx.status = "BROADCAST";
  const std::int64_t at = chains.block_time(tron, tron.base_height + 3);
  const auto u = c::next_step(tx, at, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.status == "CONFIRMING");
  CHECK(u.twin_id.empty());
  CHECK(u.tx.required_confirmations == tron.confirmations);
  const auto done = c::next_step(u.tx, u.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(done.tx.status == "CONFIRMED");
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
  tx.outcome = "fail_signing";
  const auto u = c::next_step(tx, tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(u.tx.status == "FAILED");
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
  tx.outcome = "fail_onchain";
  const auto signed_ = c::next_step(tx, tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  REQUIRE(signed_.tx.status == "SIGNED");
  const auto broadcast = c::next_step(signed_.tx, signed_.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  REQUIRE(broadcast.tx.status == "BROADCAST");
  const auto included = c::next_step(broadcast.tx, broadcast.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(included.tx.status == "CONFIRMING");
  CHECK(included.tx.confirmations == 1);
  CHECK(included.settle == Settlement::none);
  CHECK(included.tx.next_due_ms == chains.block_time(eth, included.tx.block_number + 1));

  const auto failed = c::next_step(included.tx, included.tx.next_due_ms, chains, c::LifecycleTiming{}, rng);
  CHECK(failed.tx.status == "FAILED");
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
  CHECK(u.tx.status == "FAILED");
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
    CHECK(c::outcome_from_memo(cs.memo) == cs.outcome);
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
      tx.status = status;
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
        CHECK(u.tx.status == "CONFIRMED");
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
        CHECK(u.tx.status == "FAILED");
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
  dep.origin = "deposit";
  dep.status = "BROADCAST";
  const auto u = c::forced_step(dep, true, kEpoch + 5'000, chains, rng);
  CHECK(u.tx.status == "CONFIRMED");
  CHECK(u.settle == Settlement::confirm);
  CHECK(u.twin_id.empty());
}
