// JSON in and out for handlers: one builder for every error body, a writer for resources, and
// strict field readers that turn a wrong or missing field into the contract's error. Parsing is
// RapidJSON's iterative (non-recursive) mode, so deeply nested input cannot exhaust the stack.
#pragma once

#include <initializer_list>

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/api/request.hpp"
#include "emulator/domain/api_version.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/json_writer.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::api {

// Builds `{"code","type","message"}` with the error's HTTP status.
ApiResponse error_response(const domain::Error& error);
ApiResponse error_response(domain::ErrorCode code, std::string message);

// The one JSON writer (domain/json_writer.hpp), under the name handlers have always used.
using domain::JsonWriter;

ApiResponse json_response(int status, std::string body);

// A parsed request body: must be a JSON object (an empty body counts as `{}` only when allowed).
domain::Result<rapidjson::Document> parse_object(std::string_view body, bool allow_empty = false);

// Reads an optional string field: absent or null -> nullopt; another type -> invalid_parameter.
domain::Result<std::optional<std::string>> optional_string(const rapidjson::Value& obj, const char* name);
// Reads a required, non-empty string field: absent, null or "" -> invalid_parameter.
domain::Result<std::string> required_string(const rapidjson::Value& obj, const char* name);
// The optional "api_version" member: absent/null -> nullopt; not a known version -> invalid_parameter.
domain::Result<std::optional<domain::ApiVersion>> optional_api_version(const rapidjson::Value& obj);
// Reads an optional integer field within [lo, hi]: absent or null -> nullopt; another type or a
// value out of range -> invalid_parameter naming the field and the range.
domain::Result<std::optional<std::int64_t>> optional_int(const rapidjson::Value& obj, const char* name, std::int64_t lo,
                                                         std::int64_t hi);
// Reads an optional boolean field: absent or null -> nullopt; another type -> invalid_parameter.
domain::Result<std::optional<bool>> optional_bool(const rapidjson::Value& obj, const char* name);
// invalid_parameter "Unknown field NAME" for the first member of `obj` not in `known`: control-plane
// bodies refuse what they do not understand (usually a typo) instead of ignoring it.
domain::Status check_known_fields(const rapidjson::Value& obj, std::initializer_list<std::string_view> known);
// The number of characters of UTF-8 `text`; each byte that starts no valid sequence counts as one
// (as valid_utf8 would replace it).
std::size_t utf8_length(std::string_view text);
// `text` as valid UTF-8: each byte that starts no valid sequence (binary bodies, a cut through a
// character at a size cap) becomes U+FFFD, so JSON written from it stays valid.
std::string valid_utf8(std::string_view text);
// validation_failed naming the field when `value` is longer than `max_chars` characters.
domain::Status check_length(std::string_view field, std::string_view value, std::size_t max_chars);

}  // namespace paratro::api
