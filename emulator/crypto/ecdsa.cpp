// Recoverable secp256k1 ECDSA on OpenSSL 3.0's BIGNUM and EC_POINT API. OpenSSL 3.0 has neither
// deterministic ECDSA nor public-key recovery, so both are written out here from SEC 1 §4.1.6 and
// RFC 6979 §3.2, with OpenSSL doing only the field and group arithmetic. Every OpenSSL object is
// owned by a unique_ptr; secret scalars are wiped when freed.
#include "emulator/crypto/ecdsa.hpp"

#include "emulator/crypto/hash.hpp"
#include "emulator/crypto/openssl_ptr.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

namespace paratro::crypto {
namespace {

// The group order n and n/2 (rounded down), big-endian.
constexpr Scalar32 kOrder = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                             0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                             0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
constexpr Scalar32 kHalfOrder = {0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4,
                                 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0};

using Bn = ossl::BnPtr;
using Point = ossl::PointPtr;

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("ecdsa: ") + what); }

// Big-endian byte strings of equal length compare like the integers they encode.
bool is_zero(const Scalar32& a) {
  return std::all_of(a.begin(), a.end(), [](std::uint8_t b) { return b == 0; });
}
bool in_scalar_range(const Scalar32& a) { return !is_zero(a) && a < kOrder; }

// a - b for a >= b (no borrow out).
Scalar32 subtract(const Scalar32& a, const Scalar32& b) {
  Scalar32 out{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int d = int(a[i]) - int(b[i]) - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<std::uint8_t>(d + (borrow << 8));
  }
  return out;
}

// RFC 6979 §3.2 HMAC_DRBG state; next() yields the candidates k in order (step h).
class Rfc6979 {
 public:
  Rfc6979(const Scalar32& x, const Scalar32& h1) {
    // bits2octets(h1): h1 as an integer (qlen == hlen) reduced mod n once (h1 < 2^256 < 2n).
    const Scalar32 h = h1 < kOrder ? h1 : subtract(h1, kOrder);
    v_.fill(0x01);
    k_.fill(0x00);
    for (std::uint8_t sep : {std::uint8_t{0x00}, std::uint8_t{0x01}}) {  // steps d-g
      Bytes msg(v_.begin(), v_.end());
      msg.push_back(sep);
      msg.insert(msg.end(), x.begin(), x.end());
      msg.insert(msg.end(), h.begin(), h.end());
      k_ = hmac_sha256(k_, msg);
      v_ = hmac_sha256(k_, v_);
      OPENSSL_cleanse(msg.data(), msg.size());
    }
  }
  ~Rfc6979() {
    OPENSSL_cleanse(k_.data(), k_.size());
    OPENSSL_cleanse(v_.data(), v_.size());
  }
  Rfc6979(const Rfc6979&) = delete;
  Rfc6979& operator=(const Rfc6979&) = delete;

  Scalar32 next() {
    for (;;) {
      if (!first_) {  // step h.3: a rejected candidate re-keys the generator
        Bytes msg(v_.begin(), v_.end());
        msg.push_back(0x00);
        k_ = hmac_sha256(k_, msg);
        v_ = hmac_sha256(k_, v_);
      }
      first_ = false;
      v_ = hmac_sha256(k_, v_);  // qlen == hlen: one block is T
      if (in_scalar_range(v_)) return v_;
    }
  }

 private:
  Scalar32 k_{};
  Scalar32 v_{};
  bool first_ = true;
};

struct Curve {
  ossl::GroupPtr group{EC_GROUP_new_by_curve_name(NID_secp256k1)};
  ossl::BnCtxPtr ctx{BN_CTX_new()};
  Curve() {
    if (!group || !ctx) fail("allocation failed");
  }
  const BIGNUM* order() const { return EC_GROUP_get0_order(group.get()); }
};

// This thread's curve: building the group costs about as much as a tenth of a recovery (OpenSSL
// 3.0 looks the curve up and sets up its Montgomery contexts each time), and neither the group nor
// the BN_CTX may be shared between threads. Neither call below re-enters, so one per thread is enough.
Curve& thread_curve() {
  thread_local Curve curve;
  return curve;
}

Bn new_bn(bool secret) {
  Bn bn(secret ? BN_secure_new() : BN_new());
  if (!bn) fail("allocation failed");
  if (secret) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Bn bn_from(const Scalar32& bytes, bool secret) {
  Bn bn = new_bn(secret);
  if (BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), bn.get()) == nullptr) fail("BN_bin2bn failed");
  return bn;
}

Scalar32 bytes_of(const BIGNUM* bn) {
  Scalar32 out{};
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) != 32) fail("BN_bn2binpad failed");
  return out;
}

Point new_point(const Curve& c) {
  Point p(EC_POINT_new(c.group.get()));
  if (!p) fail("allocation failed");
  return p;
}

}  // namespace

Scalar32 rfc6979_nonce(const Scalar32& private_key, const Scalar32& digest) {
  Rfc6979 gen(private_key, digest);
  return gen.next();
}

bool is_low_s(const Scalar32& s) { return !(kHalfOrder < s); }

std::optional<RecoverableSignature> sign_recoverable(const Scalar32& private_key, const Scalar32& digest) {
  if (!in_scalar_range(private_key)) return std::nullopt;
  Curve& c = thread_curve();
  const Bn d = bn_from(private_key, true);
  const Bn z = bn_from(digest, false);
  Rfc6979 gen(private_key, digest);
  Point big_r = new_point(c);
  Bn x = new_bn(false), y = new_bn(false), t = new_bn(true), s = new_bn(true);
  for (;;) {
    Scalar32 k_bytes = gen.next();
    const Bn k = bn_from(k_bytes, true);
    OPENSSL_cleanse(k_bytes.data(), k_bytes.size());
    if (EC_POINT_mul(c.group.get(), big_r.get(), k.get(), nullptr, nullptr, c.ctx.get()) != 1 ||
        EC_POINT_get_affine_coordinates(c.group.get(), big_r.get(), x.get(), y.get(), c.ctx.get()) != 1) {
      fail("k*G failed");
    }
    const Scalar32 r = bytes_of(x.get());
    if (!in_scalar_range(r)) continue;  // x >= n: recovery id 2/3 has no v in {27, 28}
    int recovery_id = BN_is_odd(y.get()) ? 1 : 0;

    // s = k^-1 (z + r d) mod n
    Bn k_inv(BN_mod_inverse(nullptr, k.get(), c.order(), c.ctx.get()));
    if (!k_inv) fail("BN_mod_inverse failed");
    if (BN_mod_mul(t.get(), x.get(), d.get(), c.order(), c.ctx.get()) != 1 ||
        BN_mod_add(t.get(), t.get(), z.get(), c.order(), c.ctx.get()) != 1 ||
        BN_mod_mul(s.get(), k_inv.get(), t.get(), c.order(), c.ctx.get()) != 1) {
      fail("scalar arithmetic failed");
    }
    if (BN_is_zero(s.get())) continue;
    Scalar32 s_bytes = bytes_of(s.get());
    if (!is_low_s(s_bytes)) {
      if (BN_sub(s.get(), c.order(), s.get()) != 1) fail("BN_sub failed");
      s_bytes = bytes_of(s.get());
      recovery_id ^= 1;  // -s corresponds to the point -R, whose y has the other parity
    }
    return RecoverableSignature{r, s_bytes, static_cast<std::uint8_t>(27 + recovery_id)};
  }
}

std::optional<std::array<std::uint8_t, 65>> recover_public_key(const Scalar32& digest, const Scalar32& r,
                                                               const Scalar32& s, std::uint8_t v, HighS high_s) {
  if (v != 27 && v != 28) return std::nullopt;
  if (!in_scalar_range(r) || !in_scalar_range(s)) return std::nullopt;
  if (high_s == HighS::reject && !is_low_s(s)) return std::nullopt;

  Curve& c = thread_curve();
  const Bn r_bn = bn_from(r, false);
  const Bn s_bn = bn_from(s, false);
  const Bn z = bn_from(digest, false);

  // R = the curve point with x = r and the y parity of the recovery id. r < n < p, and recovery
  // ids 2/3 (x = r + n) cannot be expressed in v 27/28, so x = r is the only candidate.
  Point big_r = new_point(c);
  if (EC_POINT_set_compressed_coordinates(c.group.get(), big_r.get(), r_bn.get(), v - 27, c.ctx.get()) != 1) {
    ERR_clear_error();  // r is not on the curve: an invalid signature, not an OpenSSL failure
    return std::nullopt;
  }

  // Q = r^-1 (s R - z G) = u1 G + u2 R with u1 = -z r^-1, u2 = s r^-1 (mod n).
  Bn r_inv(BN_mod_inverse(nullptr, r_bn.get(), c.order(), c.ctx.get()));
  if (!r_inv) fail("BN_mod_inverse failed");
  Bn u1 = new_bn(false), u2 = new_bn(false), zero = new_bn(false);
  BN_zero(zero.get());
  if (BN_nnmod(u1.get(), z.get(), c.order(), c.ctx.get()) != 1 ||
      BN_mod_sub(u1.get(), zero.get(), u1.get(), c.order(), c.ctx.get()) != 1 ||
      BN_mod_mul(u1.get(), u1.get(), r_inv.get(), c.order(), c.ctx.get()) != 1 ||
      BN_mod_mul(u2.get(), s_bn.get(), r_inv.get(), c.order(), c.ctx.get()) != 1) {
    fail("scalar arithmetic failed");
  }
  Point q = new_point(c);
  if (EC_POINT_mul(c.group.get(), q.get(), u1.get(), big_r.get(), u2.get(), c.ctx.get()) != 1) {
    fail("EC_POINT_mul failed");
  }
  if (EC_POINT_is_at_infinity(c.group.get(), q.get()) == 1) return std::nullopt;

  std::array<std::uint8_t, 65> out{};
  if (EC_POINT_point2oct(c.group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(), c.ctx.get()) !=
      out.size()) {
    fail("point encoding failed");
  }
  return out;
}

RecoverableSignature high_s_twin(const RecoverableSignature& sig) {
  return RecoverableSignature{sig.r, subtract(kOrder, sig.s), static_cast<std::uint8_t>(sig.v == 27 ? 28 : 27)};
}

std::array<std::uint8_t, 65> encode_rsv(const RecoverableSignature& sig) {
  std::array<std::uint8_t, 65> out{};
  std::copy(sig.r.begin(), sig.r.end(), out.begin());
  std::copy(sig.s.begin(), sig.s.end(), out.begin() + 32);
  out[64] = sig.v;
  return out;
}

}  // namespace paratro::crypto
