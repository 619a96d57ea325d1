// HS256 JWT signing and verification (see jwt.hpp). JSON is read with RapidJSON's SAX reader in
// iterative mode into a flat list of top-level members: the stack use is constant whatever the
// input, nesting past a few levels and duplicate member names are refused outright (duplicates are
// how two parsers are made to disagree about a claim), and no DOM is built for hostile input.
#include "emulator/domain/jwt.hpp"
#include "emulator/domain/json_writer.hpp"

#include <limits>
#include <vector>

#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/base64.hpp"

namespace paratro::domain {
namespace {

// Our header, byte for byte; signing never varies it.
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

// Headers and payloads are flat; a little headroom lets a foreign token with one nested claim be
// reported as malformed by the claim checks rather than by the parser.
constexpr unsigned kMaxJsonDepth = 4;
constexpr std::size_t kMaxMembers = 32;

struct FlatMember {
  enum class Kind { string, integer, other };
  std::string key;
  Kind kind = Kind::other;
  std::string text;
  std::int64_t integer = 0;
};

// SAX handler collecting the members of a root object; returning false aborts the parse.
class FlatObjectHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FlatObjectHandler> {
 public:
  std::vector<FlatMember>& members() { return members_; }

  bool Default() { return scalar(FlatMember::Kind::other, {}, 0); }
  bool Int(int i) { return scalar(FlatMember::Kind::integer, {}, i); }
  bool Uint(unsigned u) { return scalar(FlatMember::Kind::integer, {}, u); }
  bool Int64(std::int64_t i) { return scalar(FlatMember::Kind::integer, {}, i); }
  bool Uint64(std::uint64_t u) {
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return scalar(FlatMember::Kind::other, {}, 0);
    }
    return scalar(FlatMember::Kind::integer, {}, static_cast<std::int64_t>(u));
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (escaped_surrogate({s, len})) return false;
    return scalar(FlatMember::Kind::string, std::string_view(s, len), 0);
  }

  bool StartObject() {
    if (depth_ == 1) members_.back().kind = FlatMember::Kind::other;
    return ++depth_ <= kMaxJsonDepth;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (escaped_surrogate({s, len})) return false;
    if (depth_ != 1) return true;
    const std::string_view key(s, len);
    if (members_.size() == kMaxMembers) return false;
    for (const FlatMember& m : members_) {
      if (m.key == key) return false;
    }
    members_.push_back(FlatMember{std::string(key), FlatMember::Kind::other, {}, 0});
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() {
    if (depth_ == 0) return false;  // the root must be an object
    if (depth_ == 1) members_.back().kind = FlatMember::Kind::other;
    return ++depth_ <= kMaxJsonDepth;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

 private:
  // The raw bytes were validated as UTF-8, but RapidJSON decodes an escaped lone low surrogate
  // (\uDC00-\uDFFF) into ED B0-BF xx, which is not UTF-8: such text could not be written back
  // into a token that verifies (the jwt fuzz target found it), so it is malformed here. In UTF-8,
  // ED is only ever followed by 80-9F.
  static bool escaped_surrogate(std::string_view text) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      if (static_cast<unsigned char>(text[i]) == 0xED && static_cast<unsigned char>(text[i + 1]) >= 0xA0) return true;
    }
    return false;
  }

  bool scalar(FlatMember::Kind kind, std::string_view text, std::int64_t integer) {
    if (depth_ == 0) return false;  // a bare scalar is not an object
    if (depth_ == 1) {
      FlatMember& m = members_.back();
      m.kind = kind;
      m.text.assign(text);
      m.integer = integer;
    }
    return true;
  }

  unsigned depth_ = 0;
  std::vector<FlatMember> members_;
};

// Parses `json` as a flat-ish object; nullopt for anything else (including invalid UTF-8,
// trailing content, or an embedded NUL, which RapidJSON would otherwise take as end of input).
std::optional<std::vector<FlatMember>> parse_flat_object(const std::string& json) {
  if (json.find('\0') != std::string::npos) return std::nullopt;
  FlatObjectHandler handler;
  rapidjson::Reader reader;
  // A bounded stream, not a NUL-terminated one: validating the encoding reads a multi-byte
  // sequence's continuation bytes, and a lead byte at the very end made a StringStream read past
  // the terminator (a heap overflow found by the jwt fuzz target).
  rapidjson::MemoryStream bytes(json.data(), json.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError()) return std::nullopt;
  return std::move(handler.members());
}

const FlatMember* find_member(const std::vector<FlatMember>& members, std::string_view key) {
  for (const FlatMember& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

// HMAC-SHA256 of the signing input ("header.payload" as transmitted), as raw bytes.
std::string mac_bytes(std::string_view signing_input, std::string_view key) {
  const auto mac = crypto::hmac_sha256(key, signing_input);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

JwtVerification fail(JwtError error) {
  JwtVerification v;
  v.error = error;
  return v;
}

}  // namespace

std::string jwt_sign(const JwtClaims& claims, std::string_view key) {
  JsonWriter payload_json;
  payload_json.begin_object()
      .field("sub", claims.subject)
      .field("iat", claims.issued_at)
      .field("exp", claims.expires_at)
      .field("jti", claims.token_id)
      .end_object();
  const std::string payload = payload_json.take();

  std::string token = base64url_encode(kHeaderJson);
  token.push_back('.');
  token += base64url_encode(payload);
  const std::string signature = base64url_encode(mac_bytes(token, key));
  token.push_back('.');
  token += signature;
  return token;
}

JwtVerification jwt_verify(std::string_view token, std::string_view key, std::int64_t now_unix) {
  if (token.size() > kMaxJwtLength) return fail(JwtError::malformed);

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return fail(JwtError::malformed);
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return fail(JwtError::malformed);
  }
  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);
  // An empty signature is the shape of an unsecured ("alg":"none") token: not ours at all.
  if (header_b64.empty() || payload_b64.empty() || signature_b64.empty()) {
    return fail(JwtError::malformed);
  }

  const auto header_json = base64url_decode(header_b64);
  const auto payload_json = base64url_decode(payload_b64);
  const auto signature = base64url_decode(signature_b64);
  if (!header_json || !payload_json || !signature) return fail(JwtError::malformed);

  const auto header = parse_flat_object(*header_json);
  if (!header) return fail(JwtError::malformed);
  const FlatMember* alg = find_member(*header, "alg");
  if (alg == nullptr || alg->kind != FlatMember::Kind::string || alg->text != "HS256") {
    return fail(JwtError::malformed);
  }
  // RFC 7515 §4.1.11: a token listing critical extensions we do not implement must be refused.
  if (find_member(*header, "crit") != nullptr) return fail(JwtError::malformed);

  const std::string expected = mac_bytes(token.substr(0, second_dot), key);
  if (signature->size() != expected.size() || !crypto::constant_time_equal(expected, *signature)) {
    return fail(JwtError::bad_signature);
  }

  const auto payload = parse_flat_object(*payload_json);
  if (!payload) return fail(JwtError::malformed);
  const FlatMember* sub = find_member(*payload, "sub");
  const FlatMember* exp = find_member(*payload, "exp");
  const FlatMember* iat = find_member(*payload, "iat");
  const FlatMember* jti = find_member(*payload, "jti");
  if (sub == nullptr || sub->kind != FlatMember::Kind::string || sub->text.empty() || exp == nullptr ||
      exp->kind != FlatMember::Kind::integer || (iat != nullptr && iat->kind != FlatMember::Kind::integer) ||
      (jti != nullptr && jti->kind != FlatMember::Kind::string)) {
    return fail(JwtError::malformed);
  }

  JwtVerification result;
  result.claims.subject = sub->text;
  result.claims.expires_at = exp->integer;
  result.claims.issued_at = iat != nullptr ? iat->integer : 0;
  result.claims.token_id = jti != nullptr ? jti->text : std::string{};
  if (result.claims.expires_at <= now_unix) {
    // Authentic but stale: report expiry without handing out the claims.
    return fail(JwtError::expired);
  }
  return result;
}

}  // namespace paratro::domain
