// Test support for the chain tests: a chain table at a fixed epoch, hash-format checks, a pending
// transfer, a settable wall clock.
#pragma once

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

inline constexpr std::int64_t kEpoch = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

inline c::ChainTable table_at_epoch() {
  c::ChainTable t;
  t.set_epoch(kEpoch);
  return t;
}

inline bool is_lower_hex(std::string_view s) {
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

// Checks `hash` has the format of `family`'s transaction hashes.
inline void check_hash_format(d::ChainFamily family, const std::string& hash) {
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

inline d::TransactionRecord pending_transfer(std::string chain, std::int64_t created_ms, std::int64_t sign_ms) {
  d::TransactionRecord t;
  t.tx_id = "tx_test";
  t.chain = std::move(chain);
  t.status = "PENDING";
  t.origin = "api";
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
