// Unit tests for domain/ids: the ULID shape, ids of one millisecond counting up in the order they
// were made (RandomSource::id_bits), a new millisecond drawing afresh, and seeded determinism.
#include "emulator/domain/ids.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace d = paratro::domain;
using paratro::crypto::RandomSource;
using paratro::crypto::SeededRandom;

namespace {

// Hands out the scripted blocks in turn, one per fill().
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint8_t> fills) : fills_(std::move(fills)) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = fills_.at(next_ % fills_.size());
    ++next_;
    ++calls;
  }
  int calls = 0;

 private:
  std::vector<std::uint8_t> fills_;  // the byte each successive fill() repeats
  std::size_t next_ = 0;
};

}  // namespace

TEST_CASE("ids of one millisecond count up in the order they were made; a new millisecond draws afresh") {
  ScriptedRandom rng({0x12, 0x99});
  const std::int64_t ms = 1'796'658'464'160;
  std::vector<std::string> same_ms;
  for (int i = 0; i < 300; ++i) same_ms.push_back(d::make_id("tx_", ms, rng));
  CHECK(rng.calls == 1);  // one draw for the whole millisecond
  for (const auto& id : same_ms) {
    REQUIRE(id.size() == 3 + 26);
    CHECK(id.rfind("tx_", 0) == 0);
    CHECK(id.substr(3, 10) == same_ms.front().substr(3, 10));  // the time part
  }
  CHECK(std::is_sorted(same_ms.begin(), same_ms.end()));
  CHECK(std::set<std::string>(same_ms.begin(), same_ms.end()).size() == same_ms.size());
  // The first id carries the draw itself; the 300th is 299 more (in its last two base32 characters).
  ScriptedRandom fresh({0x12});
  CHECK(same_ms[0] == d::make_id("tx_", ms, fresh));
  CHECK(same_ms[0].substr(0, 27) == same_ms[299].substr(0, 27));

  const std::string next_ms = d::make_id("tx_", ms + 1, rng);
  CHECK(rng.calls == 2);
  CHECK(next_ms > same_ms.back());
  // Back in the first millisecond (a restored clock): a fresh draw, not a continuation.
  const std::string again = d::make_id("tx_", ms, rng);
  CHECK(rng.calls == 3);
  CHECK(again.substr(3 + 10) == same_ms[0].substr(3 + 10));  // the scripted source repeats 0x12
}

TEST_CASE("random bits that would run over are drawn afresh") {
  ScriptedRandom rng({0xFF, 0x00});
  const auto first = rng.id_bits(5);
  CHECK(std::all_of(first.begin(), first.end(), [](std::uint8_t b) { return b == 0xFF; }));
  const auto second = rng.id_bits(5);  // FF..FF + 1 overflows 80 bits: the second fill (00..00)
  CHECK(rng.calls == 2);
  CHECK(std::all_of(second.begin(), second.end(), [](std::uint8_t b) { return b == 0x00; }));
  const auto third = rng.id_bits(5);
  CHECK(rng.calls == 2);
  CHECK(third.back() == 0x01);
}

TEST_CASE("a seed fixes the ids, and a source shared by threads never repeats one") {
  SeededRandom a(42), b(42);
  for (std::int64_t ms : {1000, 1000, 1000, 1001, 1001, 999}) CHECK(d::make_id("w_", ms, a) == d::make_id("w_", ms, b));

  SeededRandom shared(7);
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& out : made) {
    threads.emplace_back([&shared, &out] {
      for (int i = 0; i < 2000; ++i) out.push_back(d::make_id("tx_", 1000 + i / 500, shared));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) all.insert(out.begin(), out.end());
  CHECK(all.size() == 4 * 2000);
}
