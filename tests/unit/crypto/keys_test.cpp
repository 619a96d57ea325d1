// Unit tests for crypto/keys and crypto/ecdsa: key derivation (SEC 2 curve points, RFC 8032),
// scalar range checks, seeded generation, RFC 6979 nonces and low-s signatures (the secp256k1 vector
// set, web3.js), recovery and USDC's ECRecover rules.
#include "emulator/crypto/keys.hpp"
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/hash.hpp"
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

TEST_CASE("secp256k1 public keys match known curve points") {
  struct Case {
    const char* priv;
    const char* uncompressed;
    const char* compressed;
  };
  const Case cases[] = {
      // k = 1: the generator G (SEC 2).
      {"0000000000000000000000000000000000000000000000000000000000000001",
       "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
       "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
       "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
      // k = 2, 3.
      {"0000000000000000000000000000000000000000000000000000000000000002",
       "04c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
       "1ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a",
       "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"},
      {"0000000000000000000000000000000000000000000000000000000000000003",
       "04f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
       "388f7b0f632de8140fe337e62a37f3566500a99934c2231b6cb9fd7584b8e672",
       "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"},
      // k = n - 1: -G, same x with odd y.
      {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
       "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
       "b7c52588d95c3b9aa25b0403f1eef75702e84bb7597aabe663b82f6f04ef2777",
       "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.priv);
    const auto key = secp256k1_from_private(unhex_array<32>(c.priv));
    REQUIRE(key.has_value());
    CHECK(to_hex(key->private_key) == c.priv);
    CHECK(to_hex(key->public_uncompressed) == c.uncompressed);
    CHECK(to_hex(key->public_compressed) == c.compressed);
  }
}

TEST_CASE("secp256k1 rejects scalars outside [1, n-1]") {
  for (const char* priv : {
           "0000000000000000000000000000000000000000000000000000000000000000",
           "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",  // n
           "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       }) {
    CAPTURE(priv);
    CHECK_FALSE(secp256k1_from_private(unhex_array<32>(priv)).has_value());
  }
}

namespace {

// Yields a fixed sequence of 32-byte blocks, then zeros; lets a test drive rejection sampling.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<Bytes> blocks) : blocks_(std::move(blocks)) {}
  void fill(std::span<std::uint8_t> out) override {
    std::fill(out.begin(), out.end(), 0);
    if (next_ < blocks_.size()) {
      std::copy_n(blocks_[next_].begin(), std::min(out.size(), blocks_[next_].size()), out.begin());
    }
    ++next_;
  }
  std::size_t calls() const { return next_; }

 private:
  std::vector<Bytes> blocks_;
  std::size_t next_ = 0;
};

}  // namespace

TEST_CASE("generate_secp256k1 rejection-samples invalid scalars") {
  ScriptedRandom rng({
      Bytes(32, 0x00),  // zero
      Bytes(32, 0xff),  // above n
      unhex("0000000000000000000000000000000000000000000000000000000000000001"),
  });
  const auto key = generate_secp256k1(rng);
  CHECK(rng.calls() == 3);
  CHECK(to_hex(key.public_compressed) == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
}

TEST_CASE("key generation is deterministic under a seed") {
  SeededRandom a(2024);
  SeededRandom b(2024);
  const auto ka = generate_secp256k1(a);
  const auto kb = generate_secp256k1(b);
  CHECK(ka.private_key == kb.private_key);
  CHECK(ka.public_uncompressed == kb.public_uncompressed);
  const auto ea = generate_ed25519(a);
  const auto eb = generate_ed25519(b);
  CHECK(ea.seed == eb.seed);
  CHECK(ea.public_key == eb.public_key);
  CHECK(ea.seed != ka.private_key);  // the stream advanced between the two keys
}

TEST_CASE("ed25519 public keys match RFC 8032 section 7.1") {
  struct Case {
    const char* seed;
    const char* pub;
  };
  const Case cases[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.seed);
    const auto key = ed25519_from_seed(unhex_array<32>(c.seed));
    CHECK(to_hex(key.seed) == c.seed);
    CHECK(to_hex(key.public_key) == c.pub);
  }
}

namespace {

// Last 20 bytes of keccak256(X || Y), lowercase hex without 0x: the EVM address of a public key,
// computed here so the crypto tests do not lean on domain/.
std::string evm_address_hex(const std::array<std::uint8_t, 65>& pub) {
  const auto h = keccak256(std::span<const std::uint8_t>(pub.data() + 1, 64));
  return to_hex(std::span<const std::uint8_t>(h.data() + 12, 20));
}

constexpr const char* kOrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
constexpr const char* kHalfOrderHex = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";

}  // namespace

// The secp256k1 / SHA-256 RFC 6979 vectors first published on bitcointalk
// (https://bitcointalk.org/index.php?topic=285142.msg3299061) and used by python-bitcoinlib,
// trezor-crypto (tests/test_check.c, test_rfc6979) and btclib (tests/ecc/rfc6979_test.py), which
// also pins the low-s form of each signature that is checked here.
TEST_CASE("RFC 6979 nonces and low-s signatures match the secp256k1 vectors") {
  struct Case {
    const char* priv;
    const char* message;  // signed as SHA-256(message)
    const char* k;
    const char* r;
    const char* s;
  };
  const Case cases[] = {
      {"0000000000000000000000000000000000000000000000000000000000000001", "Satoshi Nakamoto",
       "8f8a276c19f4149656b280621e358cce24f5f52542772691ee69063b74f15d15",
       "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8",
       "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"},
      {"0000000000000000000000000000000000000000000000000000000000000001",
       "All those moments will be lost in time, like tears in rain. Time to die...",
       "38aa22d72376b4dbc472e06c3ba403ee0a394da63fc58d88686c611aba98d6b3",
       "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b",
       "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21"},
      {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", "Satoshi Nakamoto",
       "33a19b60e25fb6f4435af53a3d42d493644827367e6453928554f43e49aa6f90",
       "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0",
       "6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5"},
      {"f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181", "Alan Turing",
       "525a82b70e67874398067543fd84c83d30c175fdc45fdeee082fe13b1d7cfdf1",
       "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c",
       "58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea"},
      {"e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2",
       "There is a computer disease that anybody who works with computers knows about. It's a very "
       "serious disease and it interferes completely with the work. The trouble with computers is "
       "that you 'play' with them!",
       "1f4b84c23a86a221d233f2521be018d9318639d5b8bbd6374a8a59232d16ad3d",
       "b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b",
       "279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    CAPTURE(c.priv);
    const auto priv = unhex_array<32>(c.priv);
    const auto digest = sha256(std::string_view(c.message));
    CHECK(to_hex(rfc6979_nonce(priv, digest)) == c.k);

    const auto sig = sign_recoverable(priv, digest);
    REQUIRE(sig.has_value());
    CHECK(to_hex(sig->r) == c.r);
    CHECK(to_hex(sig->s) == c.s);
    CHECK(is_low_s(sig->s));
    CHECK((sig->v == 27 || sig->v == 28));

    const auto key = secp256k1_from_private(priv);
    REQUIRE(key.has_value());
    const auto pub = recover_public_key(digest, sig->r, sig->s, sig->v);
    REQUIRE(pub.has_value());
    CHECK(*pub == key->public_uncompressed);
    // The other recovery id yields a valid but different key (or none).
    const auto other = recover_public_key(digest, sig->r, sig->s, sig->v == 27 ? 28 : 27);
    CHECK((!other.has_value() || *other != key->public_uncompressed));
  }
}

// web3.js `eth.accounts.sign('Some data', key)` from the web3.js documentation (also in
// eth-account's tests): EIP-191 digest of "Some data", v = 0x1c.
TEST_CASE("sign_recoverable and recover_public_key reproduce the web3.js signing example") {
  const auto priv = unhex_array<32>("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  const std::string prefixed = std::string("\x19") + "Ethereum Signed Message:\n9Some data";
  const auto digest = keccak256(std::string_view(prefixed));
  REQUIRE(to_hex(digest) == "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");

  const auto sig = sign_recoverable(priv, digest);
  REQUIRE(sig.has_value());
  CHECK(to_hex(sig->r) == "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd");
  CHECK(to_hex(sig->s) == "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029");
  CHECK(sig->v == 28);
  CHECK(to_hex(encode_rsv(*sig)) ==
        "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
        "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");

  const auto pub = recover_public_key(digest, sig->r, sig->s, 28);
  REQUIRE(pub.has_value());
  CHECK(evm_address_hex(*pub) == "2c7536e3605d9c16a7a3d7b1898e529396a65c23");
}

TEST_CASE("sign -> recover round trips, always low-s, deterministic, digest-bound") {
  SeededRandom rng(11);
  for (int i = 0; i < 40; ++i) {
    CAPTURE(i);
    const auto key = generate_secp256k1(rng);
    Scalar32 digest{};
    rng.fill(digest);
    const auto sig = sign_recoverable(key.private_key, digest);
    REQUIRE(sig.has_value());
    CHECK(is_low_s(sig->s));
    CHECK((sig->v == 27 || sig->v == 28));

    const auto again = sign_recoverable(key.private_key, digest);
    REQUIRE(again.has_value());
    CHECK(again->r == sig->r);
    CHECK(again->s == sig->s);
    CHECK(again->v == sig->v);

    const auto pub = recover_public_key(digest, sig->r, sig->s, sig->v);
    REQUIRE(pub.has_value());
    CHECK(*pub == key.public_uncompressed);

    // A tampered digest still "recovers", but to somebody else.
    Scalar32 tampered = digest;
    tampered[i % 32] ^= 0x01;
    const auto other = recover_public_key(tampered, sig->r, sig->s, sig->v);
    CHECK((!other.has_value() || *other != key.public_uncompressed));
  }
}

TEST_CASE("recover_public_key enforces USDC's ECRecover rules") {
  const auto priv = unhex_array<32>("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  Scalar32 digest{};
  digest.fill(0x42);
  const auto sig = sign_recoverable(priv, digest);
  REQUIRE(sig.has_value());
  const auto key = secp256k1_from_private(priv);
  REQUIRE(key.has_value());

  SUBCASE("v must be 27 or 28") {
    for (int v : {0, 1, 2, 26, 29, 35, 255}) {
      CAPTURE(v);
      CHECK_FALSE(recover_public_key(digest, sig->r, sig->s, static_cast<std::uint8_t>(v)).has_value());
    }
  }
  SUBCASE("high s is rejected unless asked for, and then recovers with the flipped v") {
    // n - s is the other valid ECDSA signature of the same digest (malleability).
    const RecoverableSignature twin = high_s_twin(*sig);
    const Scalar32& high = twin.s;
    CHECK(high != sig->s);
    CHECK_FALSE(is_low_s(high));
    const std::uint8_t flipped = twin.v;
    CHECK(flipped != sig->v);
    CHECK_FALSE(recover_public_key(digest, sig->r, high, flipped).has_value());
    const auto pub = recover_public_key(digest, sig->r, high, flipped, HighS::accept);
    REQUIRE(pub.has_value());
    CHECK(*pub == key->public_uncompressed);
  }
  SUBCASE("r and s outside [1, n-1]") {
    const Scalar32 zero{};
    const auto n = unhex_array<32>(kOrderHex);
    Scalar32 ones{};
    ones.fill(0xff);
    for (const auto& bad : {zero, n, ones}) {
      CHECK_FALSE(recover_public_key(digest, bad, sig->s, sig->v, HighS::accept).has_value());
      CHECK_FALSE(recover_public_key(digest, sig->r, bad, sig->v, HighS::accept).has_value());
    }
  }
  SUBCASE("r that is not the x of a curve point") {
    // x = 5: 5^3 + 7 = 132 is not a square mod p (y^2 = x^3 + 7 has no solution).
    Scalar32 r{};
    r[31] = 5;
    CHECK_FALSE(recover_public_key(digest, r, sig->s, 27).has_value());
    CHECK_FALSE(recover_public_key(digest, r, sig->s, 28).has_value());
  }
  SUBCASE("the low-s boundary is n/2 inclusive") {
    const auto half = unhex_array<32>(kHalfOrderHex);
    CHECK(is_low_s(half));
    Scalar32 above = half;
    above[31] += 1;
    CHECK_FALSE(is_low_s(above));
  }
}

TEST_CASE("sign_recoverable rejects private keys outside [1, n-1]") {
  const Scalar32 digest{};
  CHECK_FALSE(sign_recoverable(Scalar32{}, digest).has_value());
  CHECK_FALSE(sign_recoverable(unhex_array<32>(kOrderHex), digest).has_value());
}
