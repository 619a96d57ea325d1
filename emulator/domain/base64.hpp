// Base64url (RFC 4648 §5) without padding, the encoding of every JWT segment. The decoder is strict
// so that each byte string has exactly one accepted text form: a token cannot be altered into
// another spelling that still verifies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paratro::domain {

// Encodes with the URL-safe alphabet ('-', '_') and no '=' padding.
std::string base64url_encode(std::string_view bytes);

// Decodes unpadded base64url. Returns nullopt for any character outside the URL-safe alphabet
// (including '=', '+', '/', whitespace), a length of 1 mod 4, or non-zero unused trailing bits
// (a non-canonical encoding). The empty string decodes to the empty string.
std::optional<std::string> base64url_decode(std::string_view text);

// Decodes standard or URL-safe base64 with optional padding (x402's X-PAYMENT header): trailing
// '=' and spaces are dropped, '+' and '/' read as '-' and '_', then base64url_decode's rules apply.
std::optional<std::string> base64_decode_lenient(std::string_view text);

}  // namespace paratro::domain
