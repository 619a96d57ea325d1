// Unit tests for domain/address_codec's addresses: derivation from known keys, and the per-chain
// validators on real mainnet addresses and near-misses.
#include "emulator/domain/address_codec.hpp"

#include "emulator/crypto/hash.hpp"
#include "emulator/crypto/keys.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>
#include "tests/unit/domain/address_test_support.hpp"

using namespace paratro::domain;
using paratro::crypto::Bytes;
using paratro::crypto::from_hex;
using paratro::crypto::to_hex;
using namespace paratro::testing;

TEST_CASE("addresses derived from known secp256k1 keys") {
  struct Case {
    const char* priv;
    const char* evm;
    const char* tron;
  };
  const Case cases[] = {
      {"0000000000000000000000000000000000000000000000000000000000000001", "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
       "TMVQGm1qAQYVdetCeGRRkTWYYrLXuHK2HC"},
      {"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
       nullptr},
      {"be88df1d0bf30a923cb39c3bb953178baaf3726e8d3ce81e7c8462e046e0d835", nullptr,
       "THRF3GuPnvvPzKoaT8pJex5XHmo8NNbCb3"},
      {"8d596057e510b14cbb9bf24f88803a6d6dbd138dd303a62b175b9e6cc0f3f941", nullptr,
       "TY72iA3SBtrds3QLYsS7LwYfkzXwAXCRWT"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.priv);
    const auto key = key_from_hex(c.priv);
    const std::string evm = evm_address(key.public_uncompressed);
    const std::string tron = tron_address(key.public_uncompressed);
    if (c.evm != nullptr) CHECK(evm == c.evm);
    if (c.tron != nullptr) CHECK(tron == c.tron);
    CHECK(is_valid_evm_address(evm));
    CHECK(is_valid_tron_address(tron));
    // Tron and EVM addresses of one key share the same 20 account bytes.
    const auto payload = base58check_decode(tron);
    REQUIRE(payload.has_value());
    CHECK(to_hex(std::span(*payload).subspan(1)) == lower(evm.substr(2)));
  }
}

TEST_CASE("bitcoin_p2wpkh_address of the generator key is the BIP-173 example") {
  const auto key = key_from_hex("0000000000000000000000000000000000000000000000000000000000000001");
  CHECK(bitcoin_p2wpkh_address(key.public_compressed) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
}

TEST_CASE("hash160 + base58check reproduce the Bitcoin wiki P2PKH example") {
  const Bytes pub = unhex("0250863ad64a87ae8a2fe83c1af1a8403cb53f53e486d8511dad8a04887e5b2352");
  Bytes payload{0x00};
  const auto h160 = paratro::crypto::ripemd160(paratro::crypto::sha256(pub));
  payload.insert(payload.end(), h160.begin(), h160.end());
  CHECK(base58check_encode(payload) == "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs");
}

TEST_CASE("is_valid_tron_address") {
  struct Case {
    std::string_view address;
    bool valid;
  };
  const Case cases[] = {
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", true},
      {"TMVQGm1qAQYVdetCeGRRkTWYYrLXuHK2HC", true},
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", false},  // last character changed
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", false},   // truncated
      {"tR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", false},
      {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", false},  // valid base58check, wrong prefix
      {"0xdAC17F958D2ee523a2206206994597C13D831ec7", false},
      {"", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    CHECK(is_valid_tron_address(c.address) == c.valid);
  }
}

TEST_CASE("is_valid_bitcoin_address") {
  // Testnet base58 forms built from a known hash so the prefixes are exercised.
  const Bytes hash = unhex("f54a5851e9372b87810a8e60cdd2e7cfd80b6e31");
  auto with_prefix = [&](std::uint8_t prefix) {
    Bytes p{prefix};
    p.insert(p.end(), hash.begin(), hash.end());
    return base58check_encode(p);
  };
  const std::string testnet_p2pkh = with_prefix(0x6f);
  const std::string testnet_p2sh = with_prefix(0xc4);
  const std::string tron_prefix = with_prefix(0x41);
  CHECK((testnet_p2pkh.front() == 'm' || testnet_p2pkh.front() == 'n'));
  CHECK(testnet_p2sh.front() == '2');

  struct Case {
    std::string address;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", true},
      {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", true},
      {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", true},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", true},
      {testnet_p2pkh, true},
      {testnet_p2sh, true},
      {"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", false},  // checksum
      {"BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", true},   // all upper is allowed
      {"bC1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", false},  // mixed case
      {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", false},
      {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", false},
      {tron_prefix, false},
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", false},
      {"0xdAC17F958D2ee523a2206206994597C13D831ec7", false},
      {"", false},
      {std::string(5000, '1'), false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    CHECK(is_valid_bitcoin_address(c.address) == c.valid);
  }
}

TEST_CASE("solana addresses") {
  const auto key = paratro::crypto::ed25519_from_seed(
      unhex_array<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  const std::string addr = solana_address(key.public_key);
  CHECK(addr == "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z");
  CHECK(base58_decode(addr) == Bytes(key.public_key.begin(), key.public_key.end()));
  CHECK(solana_address({}) == "11111111111111111111111111111111");  // system program

  struct Case {
    std::string address;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"So11111111111111111111111111111111111111112", true},   // wrapped SOL mint
      {"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", true},   // SPL token program
      {"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", true},  // USDC mint
      {"11111111111111111111111111111111", true},
      {addr, true},
      {"1111111111111111111111111111111", false},               // 31 zero bytes
      {"111111111111111111111111111111111", false},             // 33 zero bytes
      {"So1111111111111111111111111111111111111111", false},    // decodes to 31 bytes
      {"So111111111111111111111111111111111111111120", false},  // '0' is not base58
      {"0xdAC17F958D2ee523a2206206994597C13D831ec7", false},
      {"", false},
      {std::string(5000, 'z'), false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    CHECK(is_valid_solana_address(c.address) == c.valid);
  }
}
