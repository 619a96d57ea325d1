// Implementation of the hash primitives. SHA-256, RIPEMD-160 and HMAC go through OpenSSL 3 with
// algorithms fetched once per process and contexts reused per thread, because they run on every
// request and an implicit fetch takes a global lock each time. Keccak-256 is implemented here:
// OpenSSL 3.0 only offers the standardised SHA3 padding, which Ethereum does not use.
#include "emulator/crypto/hash.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace paratro::crypto {
namespace {

// Fetched algorithms live for the whole process: freeing them at exit would race with threads
// still hashing during shutdown, and they stay reachable so leak checkers do not complain.
const EVP_MD* fetched_md(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) {
    throw std::runtime_error(std::string("OpenSSL digest unavailable: ") + name);
  }
  return md;
}

const EVP_MD* sha256_md() {
  static const EVP_MD* md = fetched_md("SHA256");
  return md;
}

const EVP_MD* ripemd160_md() {
  // RIPEMD160 is in the default provider since OpenSSL 3.0.7; older 3.0.x only has it in the
  // legacy provider, which we deliberately do not load behind the application's back.
  static const EVP_MD* md = fetched_md("RIPEMD160");
  return md;
}

EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) throw std::runtime_error("OpenSSL HMAC unavailable");
    return m;
  }();
  return mac;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MD_CTX* thread_md_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::runtime_error("EVP_MD_CTX_new failed");
  return ctx.get();
}

// One HMAC context per thread with the digest bound once; each call only re-keys it.
EVP_MAC_CTX* thread_hmac_ctx() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> c(EVP_MAC_CTX_new(hmac_mac()));
    if (!c) throw std::runtime_error("EVP_MAC_CTX_new failed");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(c.get(), params) != 1) {
      throw std::runtime_error("HMAC digest setup failed");
    }
    return c;
  }();
  return ctx.get();
}

template <std::size_t N>
std::array<std::uint8_t, N> digest_with(const EVP_MD* md, const void* data, std::size_t size) {
  std::array<std::uint8_t, N> out{};
  EVP_MD_CTX* ctx = thread_md_ctx();
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, data, size) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != N) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return out;
}

// ---- Keccak-f[1600] (FIPS 202 permutation; constants from the Keccak reference) ----

constexpr std::array<std::uint64_t, 24> kRoundConstants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// Rotation offset of lane (x, y), indexed x + 5*y.
constexpr std::array<int, 25> kRotations = {
    0,  1,  62, 28, 27,  //
    36, 44, 6,  55, 20,  //
    3,  10, 43, 25, 39,  //
    41, 45, 15, 21, 8,   //
    18, 2,  61, 56, 14,
};

void keccak_f1600(std::array<std::uint64_t, 25>& a) {
  for (std::uint64_t rc : kRoundConstants) {
    // theta
    std::array<std::uint64_t, 5> c{};
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) {
      const std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
    }
    // rho and pi: lane (x, y) moves to (y, 2x + 3y).
    std::array<std::uint64_t, 25> b{};
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = std::rotl(a[x + 5 * y], kRotations[x + 5 * y]);
      }
    }
    // chi
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; ++x) {
        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
      }
    }
    // iota
    a[0] ^= rc;
  }
}

// Lanes are little-endian regardless of the host, so bytes are (de)serialised explicitly.
void absorb_block(std::array<std::uint64_t, 25>& state, const std::uint8_t* block, std::size_t rate) {
  for (std::size_t i = 0; i < rate / 8; ++i) {
    std::uint64_t lane = 0;
    for (int k = 7; k >= 0; --k) lane = (lane << 8) | block[i * 8 + static_cast<std::size_t>(k)];
    state[i] ^= lane;
  }
  keccak_f1600(state);
}

}  // namespace

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data) {
  return digest_with<32>(sha256_md(), data.data(), data.size());
}

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  return digest_with<32>(sha256_md(), data.data(), data.size());
}

std::array<std::uint8_t, 32> keccak256(std::span<const std::uint8_t> data) {
  constexpr std::size_t kRate = 136;  // 1600 - 2*256 bits of capacity
  std::array<std::uint64_t, 25> state{};

  std::size_t offset = 0;
  for (; data.size() - offset >= kRate; offset += kRate) absorb_block(state, data.data() + offset, kRate);

  std::array<std::uint8_t, kRate> last{};
  const std::size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(last.data(), data.data() + offset, rest);
  last[rest] ^= 0x01;  // original Keccak domain padding, not SHA-3's 0x06
  last[kRate - 1] ^= 0x80;
  absorb_block(state, last.data(), kRate);

  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

std::array<std::uint8_t, 32> keccak256(std::string_view data) {
  return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::array<std::uint8_t, 20> ripemd160(std::span<const std::uint8_t> data) {
  return digest_with<20>(ripemd160_md(), data.data(), data.size());
}

std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  EVP_MAC_CTX* ctx = thread_hmac_ctx();
  // A null key pointer would tell OpenSSL to keep the previous call's key, so an empty key
  // must still be passed as a valid pointer.
  static constexpr std::uint8_t kEmpty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  std::array<std::uint8_t, 32> out{};
  std::size_t len = 0;
  if (EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) != 1 || EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return out;
}

std::array<std::uint8_t, 32> hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                     std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::string to_hex(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(data.size() * 2, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

std::optional<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace paratro::crypto
