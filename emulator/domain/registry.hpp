// The chain and token registry: which chains the emulator simulates, how fast they produce and
// confirm blocks, and which assets (natives plus USDT/USDC) exist on each with their decimals, type
// and mainnet contract address. It is our own compiled-in copy of the facts in the shared
// token-registry.json, so lookups need no I/O and cannot fail at start-up. All data is static:
// returned pointers, spans and string_views stay valid for the life of the program.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace paratro::domain {

enum class ChainFamily { evm, tvm, utxo, svm };

struct ChainInfo {
  std::string_view name;  // lowercase API name, e.g. "ethereum"
  ChainFamily family;
  std::string_view native_symbol;  // e.g. "ETH"
  std::string_view network;        // always "mainnet": the sandbox mirrors mainnet asset facts
  std::uint32_t block_time_ms;
  std::uint32_t confirmations;  // confirmations before a transfer counts as final
};

// Exact, case-sensitive match on the lowercase chain name; nullptr when unknown.
const ChainInfo* find_chain(std::string_view name);

// Every supported chain, in a fixed order (the order of the registry file).
std::span<const ChainInfo> all_chains();

struct TokenInfo {
  std::string_view symbol;  // e.g. "USDT"
  std::string_view name;    // e.g. "Tether USD"
  unsigned decimals;
  std::string_view asset_type;        // "NATIVE", "ERC20", "BEP20" or "TRC20"
  std::string_view contract_address;  // "0x" for native assets, as the API reports them
};

// The asset `symbol` (exact, uppercase) on `chain` (exact, lowercase): the chain's native asset or
// a token deployed there. nullopt when the pair does not exist (e.g. USDC on tron, ETH on bsc).
std::optional<TokenInfo> find_token(std::string_view symbol, std::string_view chain);

// The token (never a native asset) deployed on `chain` at `contract` (compared case-insensitively).
std::optional<TokenInfo> find_token_by_contract(std::string_view contract, std::string_view chain);

// Whether `symbol` is one of the asset symbols the gateway knows on some chain.
bool is_supported_symbol(std::string_view symbol);

// The chains on which find_token(symbol, chain) succeeds, in all_chains() order.
std::vector<std::string_view> chains_for_symbol(std::string_view symbol);

}  // namespace paratro::domain
