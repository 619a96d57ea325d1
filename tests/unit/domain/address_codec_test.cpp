// Unit tests for domain/address_codec's codecs: base58/base58check (Bitcoin Core vectors),
// bech32/bech32m and segwit (BIP-173/BIP-350 vectors), EIP-55 (spec vectors).
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

TEST_CASE("base58 matches Bitcoin Core's base58_encode_decode vectors") {
  struct Case {
    const char* hex;
    const char* text;
  };
  const Case cases[] = {
      {"", ""},
      {"61", "2g"},
      {"626262", "a3gV"},
      {"636363", "aPEr"},
      {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
      {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
      {"516b6fcd0f", "ABnLTmg"},
      {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
      {"572e4794", "3EFU7m"},
      {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
      {"10c8511e", "Rt5zm"},
      {"00000000000000000000", "1111111111"},
      {"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
       "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
      {"271F359E", "zzzzy"},
      {"271F359F", "zzzzz"},
      {"271F35A0", "211111"},
      {"271F35A1", "211112"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const Bytes bytes = unhex(c.hex);
    CHECK(base58_encode(bytes) == c.text);
    const auto decoded = base58_decode(c.text);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == bytes);
  }
}

TEST_CASE("base58_decode rejects characters outside the alphabet") {
  for (std::string_view bad : {"0", "O", "I", "l", "3SEo3LWLoPntC ", " 3SEo", "3SE+o", "2g\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(base58_decode(bad).has_value());
  }
  CHECK_FALSE(base58_decode(std::string_view("2g\0", 3)).has_value());
}

TEST_CASE("base58check round-trips published addresses") {
  struct Case {
    const char* payload_hex;
    const char* text;
  };
  const Case cases[] = {
      // Bitcoin P2PKH / P2SH.
      {"0077bff20c60e522dfaa3350c39b030a5d004e839a", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"},
      {"05b472a266d0bd89c13706a4132ccfb16f7c3b9fcb", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"},
      {"00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31", "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs"},
      // Tron (0x41 prefix), including the USDT contract.
      {"41a614f803b6fd780986a42c78ec9c7f77e6ded13c", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
      {"411a6ac17c82ad141ebc524a9ffc94965848f35279", "TCNtTa1rveKkovHR2ebABu4K66U6ocUCZX"},
      {"412eb90f8356345c903d9f85e58d1b8177890adfb6", "TEEFn7rQqx4Xc3GL1Bx27A155xAj7w5W7a"},
      {"4149a5f0cda413ab723fff9baf956329ecfe5d1a23", "TGgd7pXdZALo9GyT4pmF2tT6JRf7ETWVcL"},
      {"4159d3ad9d126e153b9564417d3a05cf51c1964edf", "TJAAinkKN2h9KxtBZXw6SyL7HwCQXnzFsE"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const Bytes payload = unhex(c.payload_hex);
    CHECK(base58check_encode(payload) == c.text);
    const auto decoded = base58check_decode(c.text);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == payload);
  }
}

TEST_CASE("base58check_decode rejects bad checksums and short input") {
  for (std::string_view bad : {
           "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",  // valid base58, checksum does not match
           "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
           "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
           "",
           "2g",
           "1111",
           "0BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
       }) {
    CAPTURE(bad);
    CHECK_FALSE(base58check_decode(bad).has_value());
  }
}

TEST_CASE("bech32_decode: BIP-173 and BIP-350 checksum vectors") {
  const std::vector<std::string> valid_bech32 = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
      "?1ezyfcl",
  };
  const std::vector<std::string> valid_bech32m = {
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
  };
  auto check_valid = [](const std::vector<std::string>& list, Bech32Variant variant) {
    for (const auto& s : list) {
      CAPTURE(s);
      const auto decoded = bech32_decode(s);
      REQUIRE(decoded.has_value());
      CHECK(decoded->variant == variant);
      CHECK(decoded->hrp == lower(s.substr(0, s.rfind('1'))));
      // Any single-character change after the separator must break the checksum.
      std::string mutated = s;
      const std::size_t pos = s.rfind('1') + 1;
      mutated[pos] = static_cast<char>(mutated[pos] ^ 1);
      CHECK_FALSE(bech32_decode(mutated).has_value());
    }
  };
  check_valid(valid_bech32, Bech32Variant::bech32);
  check_valid(valid_bech32m, Bech32Variant::bech32m);

  const std::vector<std::string> invalid_bech32 = {
      " 1nwldj5",
      "\x7f"
      "1axkwrx",
      "\x80"
      "1eym55h",
      "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
      "pzry9x0s0muk",
      "1pzry9x0s0muk",
      "x1b4n0q5v",
      "li1dgmt3",
      "de1lg7wt"
      "\xff",
      "A1G7SGD8",
      "10a06t8",
      "1qzzfhee",
  };
  const std::vector<std::string> invalid_bech32m = {
      " 1xj0phk",
      "\x7f"
      "1g6xzxy",
      "\x80"
      "1vctc34",
      "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
      "qyrz8wqd2c9m",
      "1qyrz8wqd2c9m",
      "y1b0jsk6g",
      "lt1igcx5c0",
      "in1muywd",
      "mm1crxm3i",
      "au1s5cgom",
      "M1VUXWEZ",
      "16plkw9",
      "1p2gdwpf",
  };
  auto check_invalid = [](const std::vector<std::string>& list, Bech32Variant variant) {
    for (const auto& s : list) {
      CAPTURE(s);
      const auto decoded = bech32_decode(s);
      CHECK((!decoded.has_value() || decoded->variant != variant));
    }
  };
  check_invalid(invalid_bech32, Bech32Variant::bech32);
  check_invalid(invalid_bech32m, Bech32Variant::bech32m);
}

TEST_CASE("segwit: BIP-173/BIP-350 valid addresses decode and re-encode") {
  struct Case {
    const char* address;
    const char* script_pubkey;  // OP_n <len> <program>
  };
  const Case cases[] = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
       "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
       "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"BC1SW50QGDZ25J", "6002751e"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
       "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
       "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
       "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    const Bytes script = unhex(c.script_pubkey);
    const int version = script[0] == 0 ? 0 : script[0] - 0x50;
    const Bytes program(script.begin() + 2, script.end());
    REQUIRE(script[1] == program.size());

    const auto decoded = segwit_decode(c.address);
    REQUIRE(decoded.has_value());
    CHECK(decoded->witness_version == version);
    CHECK(decoded->program == program);
    CHECK(segwit_encode(decoded->hrp, version, program) == lower(c.address));
    CHECK(is_valid_bitcoin_address(c.address));
  }
}

TEST_CASE("segwit: BIP-350 invalid addresses are rejected") {
  // The first entry has an unknown HRP; it is a well-formed segwit string, so only the Bitcoin
  // validator (which knows bc/tb) rejects it.
  CHECK_FALSE(is_valid_bitcoin_address("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut"));
  for (std::string_view bad : {
           "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",                // bech32 for v1
           "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",                // bech32 for v2
           "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",                // bech32 for v16
           "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",                                    // bech32m for v0
           "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",                // bech32m for v0
           "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",                // bad checksum char
           "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",                // version 17
           "bc1pw5dgrnzv",                                                                  // 1-byte program
           "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  // 41 bytes
           "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",                                          // v0 with 16 bytes
           "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",                // mixed case
           "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",              // >4 padding bits
           "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",                // non-zero padding
           "bc1gmk9yu",                                                                     // empty data
       }) {
    CAPTURE(bad);
    CHECK_FALSE(segwit_decode(bad).has_value());
    CHECK_FALSE(is_valid_bitcoin_address(bad));
  }
}

TEST_CASE("segwit_encode refuses inputs that cannot form a valid address") {
  struct Case {
    const char* hrp;
    int version;
    std::size_t length;
  };
  const Case cases[] = {{"BC", 0, 20},  {"bc", 0, 21},  {"bc", 17, 32}, {"bc", 1, 1},
                        {"bc", 16, 41}, {"bc", -1, 20}, {"", 0, 20}};
  for (const auto& c : cases) {
    CAPTURE(c.hrp);
    CAPTURE(c.version);
    CAPTURE(c.length);
    CHECK(segwit_encode(c.hrp, c.version, Bytes(c.length, 0)) == "");
  }
}

TEST_CASE("eip55 matches the EIP-55 specification vectors") {
  for (std::string_view addr : {
           // all caps
           "0x52908400098527886E0F7030069857D2E4169EE7",
           "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
           // all lower
           "0xde709f2102306220921060314715629080e2fb77",
           "0x27b1fdb04752bbc536007a920d24acb045561c26",
           // normal
           "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
           "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
           "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
           "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
           // USDT contract
           "0xdAC17F958D2ee523a2206206994597C13D831ec7",
       }) {
    CAPTURE(addr);
    const Bytes raw = unhex(addr.substr(2));
    CHECK(eip55_encode(std::span<const std::uint8_t, 20>(raw.data(), 20)) == addr);
    CHECK(is_valid_evm_address(addr));
  }
}

TEST_CASE("is_valid_evm_address") {
  struct Case {
    std::string_view address;
    bool valid;
  };
  const Case cases[] = {
      {"0xdAC17F958D2ee523a2206206994597C13D831ec7", true},
      {"0xdac17f958d2ee523a2206206994597c13d831ec7", true},   // all lower: no checksum
      {"0xDAC17F958D2EE523A2206206994597C13D831EC7", true},   // all upper: no checksum
      {"0xDAC17F958D2ee523a2206206994597C13D831ec7", false},  // one letter's case flipped
      {"0xdAC17F958D2ee523a2206206994597C13D831eC7", false},
      {"dAC17F958D2ee523a2206206994597C13D831ec7", false},  // no prefix
      {"0XdAC17F958D2ee523a2206206994597C13D831ec7", false},
      {"0xdAC17F958D2ee523a2206206994597C13D831ec", false},    // 39 digits
      {"0xdAC17F958D2ee523a2206206994597C13D831ec70", false},  // 41 digits
      {"0xgAC17F958D2ee523a2206206994597C13D831ec7", false},
      {"", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    CHECK(is_valid_evm_address(c.address) == c.valid);
  }
}
