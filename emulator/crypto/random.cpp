// RandomSource implementations: the OS-backed generator used in production and the seeded,
// hash-based stream that makes ids and keys reproducible when the emulator runs with a seed.
#include "emulator/crypto/random.hpp"

#include "emulator/crypto/hash.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace paratro::crypto {
namespace {

void put_u64_be(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

}  // namespace

std::uint64_t RandomSource::next_u64() {
  std::array<std::uint8_t, 8> bytes{};
  fill(bytes);
  std::uint64_t v = 0;
  for (std::uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

std::array<std::uint8_t, 10> RandomSource::id_bits(std::int64_t unix_ms) {
  std::lock_guard lock(id_mutex_);
  bool carry = true;
  if (id_started_ && unix_ms == id_ms_) {
    for (std::size_t i = id_last_.size(); carry && i-- > 0;) carry = ++id_last_[i] == 0;
  }
  if (carry) fill(id_last_);  // a new millisecond (or the bits ran over)
  id_started_ = true;
  id_ms_ = unix_ms;
  return id_last_;
}

void SystemRandom::fill(std::span<std::uint8_t> out) {
  // Small requests (ids, nonces, keys: one per write on the writer thread) are served from a
  // per-thread block of RAND_bytes output, one generator call per 1 KiB instead of per request;
  // each byte is handed out once. Larger requests go to RAND_bytes directly.
  constexpr std::size_t kBlock = 1024;
  constexpr std::size_t kSmall = 64;
  thread_local std::array<std::uint8_t, kBlock> block{};
  thread_local std::size_t used = kBlock;
  if (out.size() <= kSmall) {
    if (kBlock - used < out.size()) {
      if (RAND_bytes(block.data(), static_cast<int>(kBlock)) != 1) throw std::runtime_error("RAND_bytes failed");
      used = 0;
    }
    std::memcpy(out.data(), block.data() + used, out.size());
    std::memset(block.data() + used, 0, out.size());  // no copy of handed-out bytes stays behind
    used += out.size();
    return;
  }
  // RAND_bytes takes an int length, so very large requests are split.
  while (!out.empty()) {
    const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    out = out.subspan(n);
  }
}

SeededRandom::SeededRandom(std::uint64_t seed) : seed_(seed) {}

void SeededRandom::fill(std::span<std::uint8_t> out) {
  std::lock_guard lock(mutex_);
  while (!out.empty()) {
    if (used_ == block_.size()) {
      std::array<std::uint8_t, 16> input{};
      put_u64_be(input.data(), seed_);
      put_u64_be(input.data() + 8, counter_++);
      block_ = sha256(input);
      used_ = 0;
    }
    const std::size_t n = std::min(out.size(), block_.size() - used_);
    std::memcpy(out.data(), block_.data() + used_, n);
    used_ += n;
    out = out.subspan(n);
  }
}

}  // namespace paratro::crypto
