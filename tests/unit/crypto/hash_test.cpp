// Unit tests for crypto/hash: SHA-256, HMAC-SHA256, Keccak-256, RIPEMD-160 against published
// vectors (FIPS 180, RFC 4231, the Keccak KATs, the RIPEMD-160 paper), the hex helpers and the
// constant-time comparison, so a regression shows up as a wrong byte, not a crash.
#include "emulator/crypto/hash.hpp"
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/crypto/random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include "tests/unit/support/hex.hpp"

using namespace paratro::crypto;
using paratro::testing::unhex;
using paratro::testing::unhex_array;

namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes repeat(std::uint8_t byte, std::size_t n) { return Bytes(n, byte); }

}  // namespace

TEST_CASE("sha256 matches FIPS 180 vectors") {
  struct Case {
    Bytes input;
    const char* digest;
  };
  const std::vector<Case> cases = {
      {text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {repeat('a', 1000000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input.size());
    CHECK(to_hex(sha256(c.input)) == c.digest);
  }
  CHECK(to_hex(sha256(std::string_view("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hmac_sha256 matches RFC 4231") {
  struct Case {
    Bytes key;
    Bytes data;
    const char* mac;
    std::size_t compare_bytes;  // test case 5 publishes a truncated tag
  };
  const std::vector<Case> cases = {
      {repeat(0x0b, 20), text("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
      {text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
      {repeat(0xaa, 20), repeat(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
      {repeat(0x0c, 20), text("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b", 16},
      {repeat(0xaa, 131), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
      {repeat(0xaa, 131),
       text("This is a test using a larger than block-size key and a larger than block-size data. "
            "The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i + 1);
    const auto mac = hmac_sha256(cases[i].key, cases[i].data);
    CHECK(to_hex(std::span(mac).first(cases[i].compare_bytes)) == cases[i].mac);
  }
  CHECK(to_hex(hmac_sha256(std::string_view("key"), std::string_view("The quick brown fox jumps over the lazy dog"))) ==
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

// Regression guard: the per-thread HMAC context is re-keyed on each call, and OpenSSL treats a
// null key as "keep the previous key". An empty key must not inherit the last caller's key.
TEST_CASE("hmac_sha256 with an empty key does not reuse the previous key") {
  (void)hmac_sha256(std::string_view("some-other-secret"), std::string_view("x"));
  CHECK(to_hex(hmac_sha256(std::string_view(""), std::string_view(""))) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  (void)hmac_sha256(std::string_view("another"), std::string_view("y"));
  CHECK(to_hex(hmac_sha256(std::span<const std::uint8_t>{}, text("The quick brown fox jumps over the lazy dog"))) ==
        "fb011e6154a19b9a4c767373c305275a5a69e8b68b0b4c9200c383dced19a416");
}

TEST_CASE("keccak256 is Ethereum Keccak, not SHA3-256") {
  struct Case {
    Bytes input;
    const char* digest;
  };
  const std::vector<Case> cases = {
      {text(""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
      {text("abc"), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
      {unhex("cc"), "eead6dbfc7340a56caedc044696a168870549a6a7f6f56961e84a54bd9970b8a"},
      {text("Transfer(address,address,uint256)"), "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"},
      {text("The quick brown fox jumps over the lazy dog"),
       "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
      // Keccak ShortMsgKAT Len=1928: 241 bytes, crosses the 136-byte rate boundary.
      {unhex("6172f1971a6e1e4e6170afbad95d5fec99bf69b24b674bc17dd78011615e502de6f56b86b1a71d3f"
             "4348087218ac7b7d09302993be272e4a591968aef18a1262d665610d1070ee91cc8da36e1f841a69"
             "a7a682c580e836941d21d909a3afc1f0b963e1ca5ab193e124a1a53df1c587470e5881fb54dae1b0"
             "d840f0c8f9d1b04c645ba1041c7d8dbf22030a623aa15638b3d99a2c400ff76f3252079af88d2b37"
             "f35ee66c1ad7801a28d3d388ac450b97d5f0f79e4541755356b3b1a5696b023f39ab7ab5f28df420"
             "2936bc97393b93bc915cb159ea1bd7a0a414cb4b7a1ac3af68f50d79f0c9c7314e750f7d02faa58bfa"),
       "4ea524e705020284b18284e34683725590e1ee565a6ff598ed4d42b1c987471e"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input.size());
    CHECK(to_hex(keccak256(c.input)) == c.digest);
  }
  CHECK(to_hex(keccak256(std::string_view("abc"))) ==
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST_CASE("keccak256 around the rate boundary gives distinct, stable digests") {
  // 135, 136 and 137 bytes exercise padding in the last free byte, a full extra padding block,
  // and one byte spilling into a second block.
  std::set<std::string> seen;
  for (std::size_t n : {135u, 136u, 137u, 272u}) {
    CAPTURE(n);
    const Bytes input(n, 0x61);
    const std::string d = to_hex(keccak256(input));
    CHECK(d == to_hex(keccak256(input)));
    CHECK(seen.insert(d).second);
  }
}

TEST_CASE("ripemd160 matches the published vectors") {
  struct Case {
    const char* input;
    const char* digest;
  };
  const Case cases[] = {
      {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
      {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
      {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
      {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
      {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(to_hex(ripemd160(text(c.input))) == c.digest);
  }
}

TEST_CASE("hex helpers") {
  CHECK(to_hex(Bytes{}) == "");
  CHECK(to_hex(Bytes{0x00, 0x0f, 0xa0, 0xff}) == "000fa0ff");
  CHECK(from_hex("000FA0ff") == Bytes{0x00, 0x0f, 0xa0, 0xff});
  CHECK(from_hex("") == Bytes{});
  for (const char* bad : {"0", "abc", "0g", "0x00", " 00", "00 ", "zz"}) {
    CAPTURE(bad);
    CHECK_FALSE(from_hex(bad).has_value());
  }
}

TEST_CASE("constant_time_equal") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("secret", "secret"));
  CHECK_FALSE(constant_time_equal("secret", "secreT"));
  CHECK_FALSE(constant_time_equal("secret", "secret2"));
  CHECK_FALSE(constant_time_equal("", "x"));
}
