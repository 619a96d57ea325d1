// libFuzzer target: Bearer tokens (domain/jwt) and the base64url under them (domain/base64). The
// first byte picks the mode: the rest is a whole token; or a payload (mode 1) or a header (mode 2)
// that the target wraps and signs with the verifier's key, so the checks behind the signature are
// reached. Properties: an unsigned token never verifies; a verified payload's claims, signed again,
// verify to the same claims; what base64url decodes re-encodes to text that decodes the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/base64.hpp"
#include "emulator/domain/jwt.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace d = paratro::domain;

namespace {

constexpr std::string_view kKey = "fuzz-signing-key";
constexpr std::int64_t kNow = 1767225600;

std::string signed_token(std::string_view header_json, std::string_view payload_json) {
  std::string token = d::base64url_encode(header_json) + "." + d::base64url_encode(payload_json);
  const auto mac = paratro::crypto::hmac_sha256(kKey, token);
  return token + "." + d::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0] % 3;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  if (mode == 0) {
    const d::JwtVerification v = d::jwt_verify(text, kKey, kNow);
    FUZZ_CHECK(v.error == d::JwtError::malformed || v.error == d::JwtError::bad_signature);
    if (const auto bytes = d::base64url_decode(text)) {
      const auto back = d::base64url_decode(d::base64url_encode(*bytes));
      FUZZ_CHECK(back && *back == *bytes);
    }
    return 0;
  }
  const std::string token = mode == 1 ? signed_token(R"({"alg":"HS256","typ":"JWT"})", text)
                                      : signed_token(text, R"({"sub":"c_1","iat":1,"exp":1767225700,"jti":"j"})");
  const d::JwtVerification v = d::jwt_verify(token, kKey, kNow);
  FUZZ_CHECK(v.error != d::JwtError::bad_signature);
  if (v.error == d::JwtError::none) {
    FUZZ_CHECK(!v.claims.subject.empty() && v.claims.expires_at > kNow);
    const d::JwtVerification again = d::jwt_verify(d::jwt_sign(v.claims, kKey), kKey, kNow);
    FUZZ_CHECK(again.error == d::JwtError::none);
    FUZZ_CHECK(again.claims.subject == v.claims.subject && again.claims.expires_at == v.claims.expires_at);
    FUZZ_CHECK(again.claims.issued_at == v.claims.issued_at && again.claims.token_id == v.claims.token_id);
  }
  return 0;
}
