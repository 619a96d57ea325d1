// Unit tests for domain/x402's tables: the USDC EIP-712 domains, network names, CAIP-2 ids and
// chains, and uint256 decimals.
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/uint256.hpp"
#include "emulator/domain/x402.hpp"
#include "emulator/domain/x402_typed_data.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

using namespace paratro;
using namespace paratro::domain;
#include "tests/unit/domain/x402_fixtures.hpp"

TEST_CASE("x402: the USDC EIP-712 domain separators of sdk-1.6.md A3") {
  const std::map<std::string, std::string> expected = {
      {"ethereum", "0x06c37168a7db5138defc7866392bb87a741f9b3d104deb5094588ce041cae335"},
      {"base", "0x02fa7265e7c5d81118673727957699e4d68f74cd74b7db77da710fe8a2c7834f"},
      {"base-sepolia", "0x71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818"},
      {"polygon", "0xcaa2ce1a5703ccbe253a34eb3166df60a705c561b44b192061e28f2a985be2ca"},
  };
  for (const auto& row : expected) {
    const auto& name = row.first;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
    CAPTURE(name);
    const X402Network* n = find_x402_network(name);
    REQUIRE(n != nullptr);
    CHECK(hex0x(domain_separator(n->usdc)) == row.second);
  }
  CHECK(hex0x(transfer_with_authorization_typehash()) ==
        "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267");
}

TEST_CASE("x402: network names map to chains, CAIP-2 ids and USDC domains") {
  struct Case {
    const char* network;
    const char* chain;  // nullptr = unknown network
    std::uint64_t chain_id;
    const char* domain_name;
  };
  const Case cases[] = {
      {"base", "base", 8453, "USD Coin"},
      {"eip155:8453", "base", 8453, "USD Coin"},
      {"base-sepolia", "", 84532, "USDC"},
      {"eip155:84532", "", 84532, "USDC"},
      {"ethereum", "ethereum", 1, "USD Coin"},
      {"eip155:1", "ethereum", 1, "USD Coin"},
      {"polygon", "polygon", 137, "USD Coin"},
      {"eip155:137", "polygon", 137, "USD Coin"},
      {"avalanche", "avalanche", 43114, "USD Coin"},
      {"eip155:43114", "avalanche", 43114, "USD Coin"},
      {"eip155:42161", "arbitrum", 42161, "USD Coin"},
      // x402 v1 names no arbitrum/optimism; no USDC domain is sourced for optimism or bsc.
      {"arbitrum", nullptr, 0, nullptr},
      {"optimism", nullptr, 0, nullptr},
      {"eip155:10", nullptr, 0, nullptr},
      {"eip155:56", nullptr, 0, nullptr},
      {"sepolia", nullptr, 0, nullptr},
      {"avalanche-fuji", nullptr, 0, nullptr},
      {"Base", nullptr, 0, nullptr},
      {"eip155:08453", nullptr, 0, nullptr},
      {"eip155:", nullptr, 0, nullptr},
      {"eip155:8453 ", nullptr, 0, nullptr},
      {"eip155:99999999999999999999999", nullptr, 0, nullptr},
      {"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", nullptr, 0, nullptr},
      {"", nullptr, 0, nullptr},
  };
  for (const auto& c : cases) {
    CAPTURE(c.network);
    const X402Network* n = find_x402_network(c.network);
    if (c.chain == nullptr) {
      CHECK(n == nullptr);
      continue;
    }
    REQUIRE(n != nullptr);
    CHECK(n->chain == c.chain);
    CHECK(n->chain_id == c.chain_id);
    CHECK(n->usdc.chain_id == c.chain_id);
    CHECK(n->usdc.name == c.domain_name);
    CHECK(n->usdc.version == "2");
    CHECK(caip2_of(*n) == "eip155:" + std::to_string(c.chain_id));
    CHECK(n->verify_only == (c.chain_id == 84532));
  }
}

TEST_CASE("x402: every signable network is an emulator chain whose USDC contract is the domain's") {
  for (const X402Network& n : x402_networks()) {
    CAPTURE(n.chain_id);
    CHECK(is_valid_evm_address(n.usdc.verifying_contract));
    if (n.verify_only) {
      CHECK(find_x402_network_by_chain(n.chain) == nullptr);
      continue;
    }
    CHECK(find_x402_network_by_chain(n.chain) == &n);
    const auto usdc = find_token("USDC", n.chain);
    REQUIRE(usdc.has_value());
    CHECK(usdc->contract_address == n.usdc.verifying_contract);
  }
  for (const char* chain : {"bsc", "optimism", "tron", "bitcoin", "solana", "base-sepolia", ""}) {
    CAPTURE(chain);
    CHECK(find_x402_network_by_chain(chain) == nullptr);
  }
}

TEST_CASE("x402: uint256 decimals up to 2^256 - 1") {
  const std::string max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  const auto v = parse_uint256(max);
  REQUIRE(v.has_value());
  for (auto b : v->be) CHECK(b == 0xff);
  CHECK(to_decimal(*v) == max);
  CHECK_FALSE(parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639936"));
  CHECK_FALSE(parse_uint256(max + "0"));
  for (const char* bad : {"", "-1", "+1", "1.0", "1e3", " 1", "0x10", "١"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_uint256(bad).has_value());
  }
  CHECK(to_decimal(*parse_uint256("0")) == "0");
  CHECK(to_decimal(*parse_uint256("000123")) == "123");
  CHECK(*parse_uint256("18446744073709551616") > uint256_from_u64(~std::uint64_t{0}));
  CHECK(to_decimal(uint256_from_u64(1740672154)) == "1740672154");
  CHECK(to_amount(*parse_uint256("99999999999999999999999999999999999999")) == kMaxAmount);
  CHECK_FALSE(to_amount(*parse_uint256("100000000000000000000000000000000000000")).has_value());
  CHECK(to_decimal(uint256_from_amount(kMaxAmount)) == "99999999999999999999999999999999999999");
}
