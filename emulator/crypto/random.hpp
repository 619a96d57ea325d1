// Sources of random bytes for ids, keys and secrets. Everything that needs randomness takes a
// RandomSource& so production can use the OS generator while tests and `--seed` runs get a
// stream that is byte-identical on every run and machine (DESIGN.md: "deterministic on request").
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>

namespace paratro::crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // Fills `out` completely. Implementations are thread-safe; throws std::runtime_error if the
  // underlying generator fails (never returns partially filled output silently).
  virtual void fill(std::span<std::uint8_t> out) = 0;

  // Eight bytes from one fill() call, read big-endian so a seeded stream yields the same
  // numbers on every host.
  std::uint64_t next_u64();
};

// OpenSSL's CSPRNG (RAND_bytes), seeded by the OS; requests of up to 64 bytes are served from a
// per-thread 1 KiB block of its output (each byte handed out once).
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// Deterministic stream: block i is SHA-256(seed as 8 bytes big-endian || i as 8 bytes
// big-endian), concatenated. Not for real secrets — it exists so a seed fixes every id and key.
// The stream is shared by all callers; a mutex keeps concurrent fill() calls from interleaving
// within one request, so output order (not content) depends on call order.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::mutex mutex_;
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;  // index of the next block to generate
  std::array<std::uint8_t, 32> block_{};
  std::size_t used_ = 32;  // bytes of block_ already handed out
};

}  // namespace paratro::crypto
