// HS256 JSON Web Tokens (RFC 7519 / RFC 7515 compact form), the API's Bearer tokens. The emulator
// is both issuer and verifier, so only one algorithm is ever valid: the verifier pins HS256 and
// never trusts the token's header to choose (no "none", no algorithm confusion). Verification is
// bounded in size and nesting so a hostile token costs a small, fixed amount of work.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paratro::domain {

struct JwtClaims {
  std::string subject;          // "sub": the client_id the token was issued to
  std::int64_t issued_at = 0;   // "iat", Unix seconds
  std::int64_t expires_at = 0;  // "exp", Unix seconds
  std::string token_id;         // "jti": unique per issued token
};

// Longest token jwt_verify will look at; ours are a few hundred bytes.
inline constexpr std::size_t kMaxJwtLength = 4096;

// Returns header.payload.signature with header {"alg":"HS256","typ":"JWT"} and payload
// {"sub","iat","exp","jti"} in that order, each segment base64url without padding. Deterministic:
// the same claims and key give the same token. May throw only if the HMAC primitive fails.
std::string jwt_sign(const JwtClaims& claims, std::string_view key);

enum class JwtError {
  none,
  malformed,      // not a well-formed HS256 JWT of ours (-> 401 invalid_token)
  bad_signature,  // well-formed but the HMAC does not match this key (-> 401 invalid_token)
  expired,        // authentic but exp <= now (-> 401 token_expired)
};

struct JwtVerification {
  JwtError error = JwtError::none;
  JwtClaims claims;  // filled only when error == none
};

// Verifies `token` against `key` at time `now_unix`. Checks, in order: length <= kMaxJwtLength and
// exactly three non-empty base64url segments (malformed); header is a flat JSON object with "alg"
// exactly "HS256" and no "crit" (malformed); the signature is 32 bytes equal, in constant time, to
// HMAC-SHA256(key, header "." payload) (bad_signature); the payload is a flat JSON object whose
// "sub" is a non-empty string, "exp" an integer, and "iat"/"jti", if present, an integer/string
// (malformed); exp > now_unix (expired). The payload is only parsed after the signature matches.
JwtVerification jwt_verify(std::string_view token, std::string_view key, std::int64_t now_unix);

}  // namespace paratro::domain
