// Webhook signatures as the gateway computes them: X-Paratro-Signature = "v1=" + lowercase hex of
// HMAC-SHA256(secret, "{timestamp}.{raw body}"), X-Paratro-Timestamp = unix seconds of the attempt.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paratro::webhooks {

inline constexpr std::string_view kTimestampHeader = "X-Paratro-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Paratro-Signature";
// Sent with every delivery too: the signature scheme ("v1") and the event's `event_id`, the key a
// receiver de-duplicates retries on.
inline constexpr std::string_view kSignatureVersionHeader = "X-Paratro-Signature-Version";
inline constexpr std::string_view kSignatureVersion = "v1";
inline constexpr std::string_view kEventIdHeader = "X-Paratro-Event-Id";
// Receivers reject timestamps further than this from their own clock.
inline constexpr std::int64_t kSignatureToleranceS = 300;

std::string sign_payload(std::string_view secret, std::int64_t timestamp_s, std::string_view body);

enum class Verdict { ok, malformed, mismatch, stale };
std::string_view verdict_text(Verdict v);

// Checks headers the way a receiver does: a v1 signature over exactly these bytes, and a timestamp
// within `tolerance_s` of `now_s` (either direction).
Verdict verify_payload(std::string_view secret, std::string_view timestamp_header, std::string_view signature_header,
                       std::string_view body, std::int64_t now_s, std::int64_t tolerance_s = kSignatureToleranceS);

}  // namespace paratro::webhooks
