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

  // The 80 random bits (big-endian) of an id made at `unix_ms` (domain::make_id). The first id of
  // a millisecond draws them from fill(); each further id of the same millisecond takes the
  // previous bits plus one (ULID's monotonic form, drawn afresh in the unreachable case that they
  // overflow), so the ids of one millisecond sort in the order they were made and go in side by
  // side at the end of an index instead of on random pages of it. Thread-safe.
  std::array<std::uint8_t, 10> id_bits(std::int64_t unix_ms);

 private:
  std::mutex id_mutex_;
  bool id_started_ = false;
  std::int64_t id_ms_ = 0;                  // the millisecond of the last id
  std::array<std::uint8_t, 10> id_last_{};  // its random bits
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
