// Public-key derivation on OpenSSL 3: secp256k1 through the EC_POINT API (the EVP key-generation
// path cannot take a caller-chosen scalar without building a whole key object) and Ed25519
// through raw EVP keys. Every OpenSSL object is owned by a unique_ptr so failures cannot leak.
#include "emulator/crypto/keys.hpp"

#include "emulator/crypto/openssl_ptr.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <stdexcept>

namespace paratro::crypto {
namespace {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::GroupPtr;
using ossl::PkeyPtr;
using ossl::PointPtr;

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("secp/ed25519: ") + what); }

template <std::size_t N>
void point_to(const EC_GROUP* group, const EC_POINT* point, point_conversion_form_t form,
              std::array<std::uint8_t, N>& out, BN_CTX* ctx) {
  if (EC_POINT_point2oct(group, point, form, out.data(), out.size(), ctx) != N) {
    fail("point encoding failed");
  }
}

}  // namespace

std::optional<Secp256k1Key> secp256k1_from_private(const std::array<std::uint8_t, 32>& priv) {
  // A group per call (cheap) avoids sharing mutable OpenSSL state between threads.
  GroupPtr group(EC_GROUP_new_by_curve_name(NID_secp256k1));
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr scalar(BN_secure_new());
  if (!group || !ctx || !scalar) fail("allocation failed");

  if (BN_bin2bn(priv.data(), static_cast<int>(priv.size()), scalar.get()) == nullptr) {
    fail("BN_bin2bn failed");
  }
  const BIGNUM* order = EC_GROUP_get0_order(group.get());
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), order) >= 0) return std::nullopt;
  BN_set_flags(scalar.get(), BN_FLG_CONSTTIME);

  PointPtr pub(EC_POINT_new(group.get()));
  if (!pub) fail("allocation failed");
  if (EC_POINT_mul(group.get(), pub.get(), scalar.get(), nullptr, nullptr, ctx.get()) != 1) {
    fail("EC_POINT_mul failed");
  }

  Secp256k1Key key{};
  key.private_key = priv;
  point_to(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, key.public_uncompressed, ctx.get());
  point_to(group.get(), pub.get(), POINT_CONVERSION_COMPRESSED, key.public_compressed, ctx.get());
  return key;
}

Secp256k1Key generate_secp256k1(RandomSource& rng) {
  std::array<std::uint8_t, 32> candidate{};
  for (;;) {
    rng.fill(candidate);
    if (auto key = secp256k1_from_private(candidate)) {
      OPENSSL_cleanse(candidate.data(), candidate.size());
      return *key;
    }
  }
}

Ed25519Key ed25519_from_seed(const std::array<std::uint8_t, 32>& seed) {
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) fail("EVP_PKEY_new_raw_private_key failed");

  Ed25519Key key{};
  key.seed = seed;
  std::size_t len = key.public_key.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key.data(), &len) != 1 || len != key.public_key.size()) {
    fail("EVP_PKEY_get_raw_public_key failed");
  }
  return key;
}

Ed25519Key generate_ed25519(RandomSource& rng) {
  std::array<std::uint8_t, 32> seed{};
  rng.fill(seed);
  Ed25519Key key = ed25519_from_seed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

}  // namespace paratro::crypto
