// Timing of each simulated chain: block time, required confirmations and the height of its first
// simulated block. Confirmations come from the registry; block times are the registry's, compressed
// (see chain_table.cpp), unless a flag overrides them. Heights are a pure function of
// virtual time (height = base + floor((t - epoch) / block_time)), so every chain advances on its
// own without any stored per-block state and a restart computes the same heights.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/model.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::chain {

struct ChainParams {
  std::string name;
  domain::ChainFamily family;
  std::int64_t block_time_ms;
  std::int64_t confirmations;
  std::int64_t base_height;
};

class ChainTable {
 public:
  ChainTable();
  const ChainParams* find(std::string_view name) const;
  // Applies "chain:block_time_ms:confirmations" (e.g. "ethereum:12000:12"); false + message on error.
  bool apply_override(std::string_view spec, std::string& error);

  void set_epoch(std::int64_t epoch_ms) { epoch_ms_ = epoch_ms; }
  std::int64_t epoch() const { return epoch_ms_; }
  // What a height before the epoch (the first start) means to the caller.
  enum class BeforeEpoch {
    hold,    // the live chain: it had not started, every earlier time is at base_height
    extend,  // history that predates the first start (fixture rows): the schedule runs backwards
  };
  // The one block-height function: base_height + floor((t_ms - epoch) / block_time), at least 1;
  // before the epoch as `before` says.
  std::int64_t height_at(const ChainParams& c, std::int64_t t_ms, BeforeEpoch before = BeforeEpoch::hold) const;
  std::int64_t block_time(const ChainParams& c, std::int64_t height) const;
  // What a client sees for a transaction at `now`: CONFIRMING counts blocks as they are mined.
  std::int64_t confirmations_at(const domain::TransactionRecord& t, std::int64_t now_ms) const;

 private:
  std::vector<ChainParams> chains_;
  std::int64_t epoch_ms_ = 0;
};

}  // namespace paratro::chain
