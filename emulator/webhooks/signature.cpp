// HMAC signing and checking of webhook bodies; see signature.hpp.
#include "emulator/webhooks/signature.hpp"

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/number.hpp"

namespace paratro::webhooks {

std::string sign_payload(std::string_view secret, std::int64_t timestamp_s, std::string_view body) {
  std::string message = std::to_string(timestamp_s);
  message.push_back('.');
  message.append(body);
  return "v1=" + crypto::to_hex(crypto::hmac_sha256(secret, message));
}

std::string_view verdict_text(Verdict v) {
  switch (v) {
    case Verdict::ok:
      return "signature ok";
    case Verdict::malformed:
      return "missing or malformed signature headers";
    case Verdict::mismatch:
      return "signature mismatch";
    case Verdict::stale:
      return "timestamp outside tolerance";
  }
  return "?";
}

Verdict verify_payload(std::string_view secret, std::string_view timestamp_header, std::string_view signature_header,
                       std::string_view body, std::int64_t now_s, std::int64_t tolerance_s) {
  std::int64_t ts = 0;
  if (!domain::parse_digits(timestamp_header, ts)) return Verdict::malformed;
  if (signature_header.substr(0, 3) != "v1=" || signature_header.size() != 3 + 64) return Verdict::malformed;
  const std::string expected = sign_payload(secret, ts, body);
  if (!crypto::constant_time_equal(expected, signature_header)) return Verdict::mismatch;
  if (ts < now_s - tolerance_s || ts > now_s + tolerance_s) return Verdict::stale;
  return Verdict::ok;
}

}  // namespace paratro::webhooks
