// Compiled-in registry tables (see registry.hpp). Values are transcribed from token-registry.json;
// registry_test pins the facts clients depend on so a typo here fails a test, not a customer.
#include "emulator/domain/registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace paratro::domain {
namespace {

constexpr std::array<ChainInfo, 10> kChains{{
    {"ethereum", ChainFamily::evm, "ETH", "mainnet", 12000, 12},
    {"bsc", ChainFamily::evm, "BNB", "mainnet", 3000, 15},
    {"polygon", ChainFamily::evm, "MATIC", "mainnet", 2000, 64},
    {"avalanche", ChainFamily::evm, "AVAX", "mainnet", 2000, 12},
    {"arbitrum", ChainFamily::evm, "ETH", "mainnet", 250, 20},
    {"optimism", ChainFamily::evm, "ETH", "mainnet", 2000, 10},
    {"base", ChainFamily::evm, "ETH", "mainnet", 2000, 10},
    {"tron", ChainFamily::tvm, "TRX", "mainnet", 3000, 19},
    {"bitcoin", ChainFamily::utxo, "BTC", "mainnet", 600000, 6},
    {"solana", ChainFamily::svm, "SOL", "mainnet", 400, 32},
}};

// Native assets by symbol; a chain's native is found through ChainInfo::native_symbol.
constexpr std::array<TokenInfo, 7> kNatives{{
    {"ETH", "Ethereum", 18, "NATIVE", "0x"},
    {"BNB", "BNB", 18, "NATIVE", "0x"},
    {"MATIC", "Polygon", 18, "NATIVE", "0x"},
    {"AVAX", "Avalanche", 18, "NATIVE", "0x"},
    {"TRX", "TRON", 6, "NATIVE", "0x"},
    {"BTC", "Bitcoin", 8, "NATIVE", "0x"},
    {"SOL", "Solana", 9, "NATIVE", "0x"},
}};

struct TokenDeployment {
  std::string_view chain;
  TokenInfo info;
};

constexpr std::string_view kUsdt = "Tether USD";
constexpr std::string_view kUsdc = "USD Coin";

constexpr std::array<TokenDeployment, 14> kTokens{{
    {"ethereum", {"USDT", kUsdt, 6, "ERC20", "0xdAC17F958D2ee523a2206206994597C13D831ec7"}},
    {"bsc", {"USDT", kUsdt, 18, "BEP20", "0x55d398326f99059fF775485246999027B3197955"}},
    {"polygon", {"USDT", kUsdt, 6, "ERC20", "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"}},
    {"avalanche", {"USDT", kUsdt, 6, "ERC20", "0x9702230A8Ea53601f5cD2dc00fDBc13d4dF4A8c7"}},
    {"arbitrum", {"USDT", kUsdt, 6, "ERC20", "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"}},
    {"optimism", {"USDT", kUsdt, 6, "ERC20", "0x94b008aA00579c1307B0EF2c499aD98a8ce58e58"}},
    {"tron", {"USDT", kUsdt, 6, "TRC20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"}},
    {"ethereum", {"USDC", kUsdc, 6, "ERC20", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}},
    {"bsc", {"USDC", kUsdc, 18, "BEP20", "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"}},
    {"polygon", {"USDC", kUsdc, 6, "ERC20", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"}},
    {"avalanche", {"USDC", kUsdc, 6, "ERC20", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E"}},
    {"arbitrum", {"USDC", kUsdc, 6, "ERC20", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"}},
    {"optimism", {"USDC", kUsdc, 6, "ERC20", "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85"}},
    {"base", {"USDC", kUsdc, 6, "ERC20", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}},
}};

}  // namespace

const ChainInfo* find_chain(std::string_view name) {
  const auto it = std::find_if(kChains.begin(), kChains.end(), [name](const ChainInfo& c) { return c.name == name; });
  return it == kChains.end() ? nullptr : &*it;
}

std::span<const ChainInfo> all_chains() { return kChains; }

std::optional<TokenInfo> find_token(std::string_view symbol, std::string_view chain) {
  const ChainInfo* info = find_chain(chain);
  if (info == nullptr) return std::nullopt;
  if (info->native_symbol == symbol) {
    for (const TokenInfo& native : kNatives) {
      if (native.symbol == symbol) return native;
    }
    return std::nullopt;  // unreachable while every chain's native is in kNatives
  }
  for (const TokenDeployment& t : kTokens) {
    if (t.chain == chain && t.info.symbol == symbol) return t.info;
  }
  return std::nullopt;
}

std::optional<TokenInfo> find_token_by_contract(std::string_view contract, std::string_view chain) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  for (const TokenDeployment& t : kTokens) {
    if (t.chain != chain || t.info.contract_address.size() != contract.size()) continue;
    if (std::equal(contract.begin(), contract.end(), t.info.contract_address.begin(),
                   [&](char a, char b) { return lower(a) == lower(b); })) {
      return t.info;
    }
  }
  return std::nullopt;
}

bool is_supported_symbol(std::string_view symbol) {
  const auto same = [symbol](const TokenInfo& t) { return t.symbol == symbol; };
  return std::any_of(kNatives.begin(), kNatives.end(), same) ||
         std::any_of(kTokens.begin(), kTokens.end(), [&same](const TokenDeployment& t) { return same(t.info); });
}

std::vector<std::string_view> chains_for_symbol(std::string_view symbol) {
  std::vector<std::string_view> chains;
  for (const ChainInfo& c : kChains) {
    if (find_token(symbol, c.name)) chains.push_back(c.name);
  }
  return chains;
}

}  // namespace paratro::domain
