// Unit tests for the chain and token registry: the facts clients see in asset responses
// (decimals, type, contract address) must match token-registry.json exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/registry.hpp"

namespace d = paratro::domain;

TEST_CASE("every chain is found by name and is well formed") {
  const auto chains = d::all_chains();
  CHECK(chains.size() == 10);
  const std::vector<std::string_view> expected_names = {"ethereum", "bsc",  "polygon", "avalanche", "arbitrum",
                                                        "optimism", "base", "tron",    "bitcoin",   "solana"};
  std::set<std::string_view> seen;
  for (const d::ChainInfo& c : chains) {
    CAPTURE(c.name);
    CHECK(seen.insert(c.name).second);
    CHECK(d::find_chain(c.name) == &c);
    CHECK(c.network == "mainnet");
    CHECK(c.block_time_ms > 0);
    CHECK(c.confirmations > 0);
    CHECK_FALSE(c.native_symbol.empty());
    // The native asset resolves on its own chain.
    const auto native = d::find_token(c.native_symbol, c.name);
    REQUIRE(native.has_value());
    CHECK(native->asset_type == "NATIVE");
    CHECK(native->contract_address == "0x");
    CHECK(native->symbol == c.native_symbol);
  }
  for (std::string_view name : expected_names) {
    CAPTURE(name);
    CHECK(seen.count(name) == 1);
  }
}

TEST_CASE("chain facts") {
  struct Case {
    std::string_view name;
    d::ChainFamily family;
    std::string_view native;
    std::uint32_t block_time_ms;
    std::uint32_t confirmations;
  };
  using F = d::ChainFamily;
  const Case cases[] = {
      {"ethereum", F::evm, "ETH", 12000, 12}, {"bsc", F::evm, "BNB", 3000, 15},
      {"polygon", F::evm, "MATIC", 2000, 64}, {"avalanche", F::evm, "AVAX", 2000, 12},
      {"arbitrum", F::evm, "ETH", 250, 20},   {"optimism", F::evm, "ETH", 2000, 10},
      {"base", F::evm, "ETH", 2000, 10},      {"tron", F::tvm, "TRX", 3000, 19},
      {"bitcoin", F::utxo, "BTC", 600000, 6}, {"solana", F::svm, "SOL", 400, 32},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const d::ChainInfo* info = d::find_chain(c.name);
    REQUIRE(info != nullptr);
    CHECK(info->family == c.family);
    CHECK(info->native_symbol == c.native);
    CHECK(info->block_time_ms == c.block_time_ms);
    CHECK(info->confirmations == c.confirmations);
  }
}

TEST_CASE("unknown chain names are not found") {
  for (std::string_view name :
       {"", "Ethereum", "ETH", "eth", "bsc ", "binance", "matic", "tron\n", "sol", "litecoin"}) {
    CAPTURE(name);
    CHECK(d::find_chain(name) == nullptr);
    CHECK_FALSE(d::find_token("USDT", name).has_value());
  }
}

TEST_CASE("token facts") {
  struct Case {
    std::string_view symbol;
    std::string_view chain;
    std::string_view name;
    unsigned decimals;
    std::string_view type;
    std::string_view contract;
  };
  const Case cases[] = {
      {"USDT", "bsc", "Tether USD", 18, "BEP20", "0x55d398326f99059fF775485246999027B3197955"},
      {"USDT", "ethereum", "Tether USD", 6, "ERC20", "0xdAC17F958D2ee523a2206206994597C13D831ec7"},
      {"USDT", "polygon", "Tether USD", 6, "ERC20", "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"},
      {"USDT", "avalanche", "Tether USD", 6, "ERC20", "0x9702230A8Ea53601f5cD2dc00fDBc13d4dF4A8c7"},
      {"USDT", "arbitrum", "Tether USD", 6, "ERC20", "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"},
      {"USDT", "optimism", "Tether USD", 6, "ERC20", "0x94b008aA00579c1307B0EF2c499aD98a8ce58e58"},
      {"USDT", "tron", "Tether USD", 6, "TRC20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
      {"USDC", "ethereum", "USD Coin", 6, "ERC20", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"},
      {"USDC", "bsc", "USD Coin", 18, "BEP20", "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"},
      {"USDC", "polygon", "USD Coin", 6, "ERC20", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"},
      {"USDC", "avalanche", "USD Coin", 6, "ERC20", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E"},
      {"USDC", "arbitrum", "USD Coin", 6, "ERC20", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"},
      {"USDC", "optimism", "USD Coin", 6, "ERC20", "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85"},
      {"USDC", "base", "USD Coin", 6, "ERC20", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"},
      {"ETH", "ethereum", "Ethereum", 18, "NATIVE", "0x"},
      {"ETH", "arbitrum", "Ethereum", 18, "NATIVE", "0x"},
      {"ETH", "optimism", "Ethereum", 18, "NATIVE", "0x"},
      {"ETH", "base", "Ethereum", 18, "NATIVE", "0x"},
      {"BNB", "bsc", "BNB", 18, "NATIVE", "0x"},
      {"MATIC", "polygon", "Polygon", 18, "NATIVE", "0x"},
      {"AVAX", "avalanche", "Avalanche", 18, "NATIVE", "0x"},
      {"TRX", "tron", "TRON", 6, "NATIVE", "0x"},
      {"BTC", "bitcoin", "Bitcoin", 8, "NATIVE", "0x"},
      {"SOL", "solana", "Solana", 9, "NATIVE", "0x"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.symbol);
    CAPTURE(c.chain);
    const auto token = d::find_token(c.symbol, c.chain);
    REQUIRE(token.has_value());
    CHECK(token->symbol == c.symbol);
    CHECK(token->name == c.name);
    CHECK(token->decimals == c.decimals);
    CHECK(token->asset_type == c.type);
    CHECK(token->contract_address == c.contract);
  }
}

TEST_CASE("pairs that do not exist") {
  const std::pair<std::string_view, std::string_view> absent[] = {
      {"USDC", "tron"},    {"USDT", "base"},    {"USDT", "bitcoin"}, {"USDC", "solana"},
      {"ETH", "bsc"},      {"ETH", "polygon"},  {"ETH", "tron"},     {"BNB", "ethereum"},
      {"TRX", "ethereum"}, {"BTC", "ethereum"}, {"SOL", "ethereum"}, {"usdt", "ethereum"},
      {"eth", "ethereum"}, {"DAI", "ethereum"}, {"", "ethereum"},    {"MATIC", "ethereum"},
  };
  for (const auto& pair : absent) {
    // Plain variables rather than a structured binding: older Clang cannot capture those.
    const std::string_view symbol = pair.first;
    const std::string_view chain = pair.second;
    CAPTURE(symbol);
    CAPTURE(chain);
    CHECK_FALSE(d::find_token(symbol, chain).has_value());
  }
}

TEST_CASE("supported symbols and their chains") {
  for (std::string_view s : {"ETH", "TRX", "USDT", "USDC", "BNB", "MATIC", "BTC", "SOL", "AVAX"}) {
    CAPTURE(s);
    CHECK(d::is_supported_symbol(s));
    const auto chains = d::chains_for_symbol(s);
    CHECK_FALSE(chains.empty());
    for (std::string_view chain : chains) CHECK(d::find_token(s, chain).has_value());
  }
  for (std::string_view s : {"", "eth", "usdt", "DAI", "WBTC", "ETH ", "POL"}) {
    CAPTURE(s);
    CHECK_FALSE(d::is_supported_symbol(s));
    CHECK(d::chains_for_symbol(s).empty());
  }
  using V = std::vector<std::string_view>;
  CHECK(d::chains_for_symbol("ETH") == V{"ethereum", "arbitrum", "optimism", "base"});
  CHECK(d::chains_for_symbol("USDT") == V{"ethereum", "bsc", "polygon", "avalanche", "arbitrum", "optimism", "tron"});
  CHECK(d::chains_for_symbol("USDC") == V{"ethereum", "bsc", "polygon", "avalanche", "arbitrum", "optimism", "base"});
  CHECK(d::chains_for_symbol("TRX") == V{"tron"});
  CHECK(d::chains_for_symbol("BTC") == V{"bitcoin"});
}
