// Unit tests for crypto/random: the seeded source is deterministic, seed-dependent, independent of
// how reads are split and thread-safe; the system source fills and varies.
#include "emulator/crypto/random.hpp"
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/crypto/keys.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include "tests/unit/support/hex.hpp"

using namespace paratro::crypto;
using paratro::testing::unhex;
using paratro::testing::unhex_array;

TEST_CASE("SeededRandom is deterministic and seed-dependent") {
  SeededRandom a(42);
  SeededRandom b(42);
  SeededRandom c(43);
  std::array<std::uint8_t, 100> ra{};
  std::array<std::uint8_t, 100> rb{};
  std::array<std::uint8_t, 100> rc{};
  a.fill(ra);
  b.fill(rb);
  c.fill(rc);
  CHECK(ra == rb);
  CHECK(ra != rc);

  // Pinned: SHA-256(be64(42) || be64(0)). Changing the stream would silently change every
  // seeded fixture's ids and addresses, so it must be a deliberate, visible decision.
  CHECK(to_hex(std::span(ra).first(32)) == "bf5e93c443151c95541e8a3161ea3c06a1fc12195ef52dbc49fb653f073cc0a4");
  CHECK(to_hex(std::span(ra).subspan(32, 32)) == "0506397db2e2556c62c21dea7ad4c2f7033a137f81b16b37118ca4786635bb62");
}

TEST_CASE("SeededRandom output does not depend on how reads are split") {
  SeededRandom whole(7);
  SeededRandom pieces(7);
  std::array<std::uint8_t, 97> expected{};
  whole.fill(expected);
  std::array<std::uint8_t, 97> got{};
  std::size_t pos = 0;
  for (std::size_t step : {1u, 5u, 31u, 32u, 0u, 28u}) {
    pieces.fill(std::span(got).subspan(pos, step));
    pos += step;
  }
  REQUIRE(pos == got.size());
  CHECK(got == expected);

  SeededRandom x(99);
  SeededRandom y(99);
  CHECK(x.next_u64() == y.next_u64());
  std::array<std::uint8_t, 8> raw{};
  SeededRandom(5).fill(raw);
  std::uint64_t big_endian = 0;
  for (auto byte : raw) big_endian = (big_endian << 8) | byte;
  CHECK(SeededRandom(5).next_u64() == big_endian);
}

TEST_CASE("SeededRandom hands out every byte exactly once across threads") {
  SeededRandom shared(1234);
  constexpr int kThreads = 4;
  constexpr int kReads = 200;
  std::vector<std::vector<std::uint64_t>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReads; ++i) results[static_cast<std::size_t>(t)].push_back(shared.next_u64());
    });
  }
  for (auto& th : threads) th.join();

  std::multiset<std::uint64_t> got;
  for (const auto& r : results) got.insert(r.begin(), r.end());
  SeededRandom reference(1234);
  std::multiset<std::uint64_t> expected;
  for (int i = 0; i < kThreads * kReads; ++i) expected.insert(reference.next_u64());
  CHECK(got == expected);
}

TEST_CASE("SystemRandom fills and varies") {
  SystemRandom rng;
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  rng.fill(a);
  rng.fill(b);
  CHECK(a != b);
  CHECK(a != std::array<std::uint8_t, 32>{});
}

// Small requests come from a per-thread block that is refilled when it runs short: across several
// refills (and requests that do not divide the block) no two outputs repeat, and a large request
// (straight from the generator) is filled completely too.
TEST_CASE("SystemRandom: small requests across block refills never repeat") {
  SystemRandom rng;
  std::set<std::vector<std::uint8_t>> seen;
  for (int i = 0; i < 200; ++i) {
    std::vector<std::uint8_t> v(i % 2 ? 24 : 64);  // 8,800 bytes: eight refills
    rng.fill(v);
    CHECK(seen.insert(v).second);
  }
  std::vector<std::uint8_t> large(5000, 0);
  rng.fill(large);
  CHECK(std::count(large.begin(), large.end(), 0) < 100);  // ~20 zero bytes expected, not 5,000
  std::vector<std::uint8_t> other(24);
  std::thread([&] { rng.fill(other); }).join();
  CHECK(seen.count(other) == 0);
}
