// Implementation of chain_table.hpp.
#include "emulator/chain/chain_table.hpp"

#include <algorithm>

#include "emulator/domain/number.hpp"

namespace paratro::chain {

namespace {
// Plausible mainnet heights to start from, so block numbers look like real ones.
std::int64_t base_height_of(std::string_view chain) {
  if (chain == "ethereum") return 21'000'000;
  if (chain == "bsc") return 45'000'000;
  if (chain == "polygon") return 65'000'000;
  if (chain == "avalanche") return 55'000'000;
  if (chain == "arbitrum") return 280'000'000;
  if (chain == "optimism") return 128'000'000;
  if (chain == "base") return 23'000'000;
  if (chain == "tron") return 67'000'000;
  if (chain == "bitcoin") return 870'000;
  if (chain == "solana") return 300'000'000;
  return 1'000'000;
}

// The simulated block time: the registry's mainnet figure compressed so that, with the default
// signing (2 s) and broadcast (1 s) delays, every chain reaches its mainnet number of
// confirmations within about 10 s of wall time on a clock running at speed 1 (README, "Time").
// The calendar is never sped up for this; only durations shrink.
std::int64_t simulated_block_time_of(std::string_view chain, std::int64_t mainnet_ms) {
  if (chain == "ethereum") return 400;   // 12 confirmations: 4.4 s after inclusion
  if (chain == "bsc") return 300;        // 15: 4.2 s
  if (chain == "polygon") return 75;     // 64: 4.7 s
  if (chain == "avalanche") return 400;  // 12: 4.4 s
  if (chain == "arbitrum") return 250;   // 20: 4.75 s (the mainnet figure)
  if (chain == "optimism") return 500;   // 10: 4.5 s
  if (chain == "base") return 500;       // 10: 4.5 s
  if (chain == "tron") return 250;       // 19: 4.5 s
  if (chain == "bitcoin") return 1000;   // 6: 5 s
  if (chain == "solana") return 150;     // 32: 4.65 s
  return mainnet_ms;
}
}  // namespace

ChainTable::ChainTable() {
  for (const auto& c : domain::all_chains()) {
    chains_.push_back({std::string(c.name), c.family,
                       std::max<std::int64_t>(1, simulated_block_time_of(c.name, c.block_time_ms)),
                       std::max<std::int64_t>(1, c.confirmations), base_height_of(c.name)});
  }
}

const ChainParams* ChainTable::find(std::string_view name) const {
  for (const auto& c : chains_)
    if (c.name == name) return &c;
  return nullptr;
}

bool ChainTable::apply_override(std::string_view spec, std::string& error) {
  const auto a = spec.find(':');
  const auto b = a == std::string_view::npos ? a : spec.find(':', a + 1);
  if (b == std::string_view::npos) {
    error = "expected chain:block_time_ms:confirmations, got '" + std::string(spec) + "'";
    return false;
  }
  const auto name = spec.substr(0, a);
  auto* c = const_cast<ChainParams*>(find(name));
  if (!c) {
    error = "unknown chain '" + std::string(name) + "'";
    return false;
  }
  auto number = [](std::string_view s, std::int64_t& out) { return domain::parse_digits(s, out) && out >= 1; };
  std::int64_t bt = 0, conf = 0;
  if (!number(spec.substr(a + 1, b - a - 1), bt) || !number(spec.substr(b + 1), conf)) {
    error = "block time and confirmations must be positive integers in '" + std::string(spec) + "'";
    return false;
  }
  c->block_time_ms = bt;
  c->confirmations = conf;
  return true;
}

std::int64_t ChainTable::height_at(const ChainParams& c, std::int64_t t_ms, BeforeEpoch before) const {
  if (t_ms <= epoch_ms_ && before == BeforeEpoch::hold) return c.base_height;
  const std::int64_t d = t_ms - epoch_ms_;
  std::int64_t blocks = d / c.block_time_ms;
  if (d < 0 && d % c.block_time_ms != 0) --blocks;  // floor, not truncation, before the epoch
  return std::max<std::int64_t>(1, c.base_height + blocks);
}

std::int64_t ChainTable::block_time(const ChainParams& c, std::int64_t height) const {
  return epoch_ms_ + (height - c.base_height) * c.block_time_ms;
}

std::int64_t ChainTable::confirmations_at(const domain::TransactionRecord& t, std::int64_t now_ms) const {
  if (t.status != domain::TxStatus::confirming || t.block_number <= 0) return t.confirmations;
  const ChainParams* c = find(t.chain);
  if (!c) return t.confirmations;
  const std::int64_t seen = height_at(*c, now_ms) - t.block_number + 1;
  return std::clamp<std::int64_t>(seen, std::max<std::int64_t>(1, t.confirmations),
                                  std::max<std::int64_t>(1, t.required_confirmations));
}

}  // namespace paratro::chain
