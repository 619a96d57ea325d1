// Implementation of the JSON helpers in json.hpp.
#include "emulator/api/json.hpp"

#include <algorithm>
#include <vector>

#include <rapidjson/error/en.h>

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;

ApiResponse error_response(const domain::Error& error) {
  const auto& info = domain::error_info(error.code);
  JsonWriter w;
  w.begin_object().field("code", info.code).field("type", info.type).field("message", error.message).end_object();
  return json_response(info.http_status, w.take());
}

ApiResponse error_response(ErrorCode code, std::string message) {
  return error_response(domain::Error{code, std::move(message)});
}

ApiResponse json_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

namespace {

// The length of the valid UTF-8 sequence that starts at `p[i]` (1 to 4), or 0 when the bytes there
// do not form one: overlong forms, surrogates and code points above U+10FFFF are invalid.
std::size_t utf8_sequence(const unsigned char* p, std::size_t n, std::size_t i) {
  const unsigned char c = p[i];
  const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  bool ok = len > 0 && i + len <= n;
  for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
  if (ok && len == 2) ok = c >= 0xC2;                                                            // overlong
  if (ok && len == 3) ok = !(c == 0xE0 && p[i + 1] < 0xA0) && !(c == 0xED && p[i + 1] >= 0xA0);  // overlong, surrogate
  if (ok && len == 4) ok = !(c == 0xF0 && p[i + 1] < 0x90) && c <= 0xF4 && !(c == 0xF4 && p[i + 1] >= 0x90);
  return ok ? len : 0;
}

bool is_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_sequence(p, text.size(), i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// RapidJSON validates the body's bytes, but decodes an escaped lone low surrogate (\uDC00-\uDFFF)
// into three bytes that are not UTF-8, which would then be stored and echoed. Only a body with an
// escape can hold one; its keys and strings are checked without recursion (nesting is unbounded).
bool decodes_to_invalid_text(std::string_view body, const rapidjson::Value& root) {
  if (body.find("\\u") == std::string_view::npos) return false;
  std::vector<const rapidjson::Value*> unvisited{&root};
  while (!unvisited.empty()) {
    const rapidjson::Value& v = *unvisited.back();
    unvisited.pop_back();
    if (v.IsString() && !is_utf8({v.GetString(), v.GetStringLength()})) return true;
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (!is_utf8({m.name.GetString(), m.name.GetStringLength()})) return true;
        unvisited.push_back(&m.value);
      }
    }
    if (v.IsArray()) {
      for (const auto& e : v.GetArray()) unvisited.push_back(&e);
    }
  }
  return false;
}

}  // namespace

domain::Result<rapidjson::Document> parse_object(std::string_view body, bool allow_empty) {
  rapidjson::Document doc;
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (allow_empty) {
      doc.SetObject();
      return doc;
    }
    return make_error(ErrorCode::bad_request, "Request body must be a JSON object");
  }
  // RapidJSON stops at a NUL byte and would ignore whatever follows it.
  if (body.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::bad_request, "Malformed JSON: the body contains a NUL byte");
  }
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    return make_error(ErrorCode::bad_request, std::string("Malformed JSON at offset ") +
                                                  std::to_string(doc.GetErrorOffset()) + ": " +
                                                  rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return make_error(ErrorCode::bad_request, "Request body must be a JSON object");
  if (decodes_to_invalid_text(body, doc)) {
    return make_error(ErrorCode::bad_request,
                      "Malformed JSON: a \\u escape in the range DC00-DFFF must follow a high surrogate");
  }
  return doc;
}

domain::Result<std::optional<std::string>> optional_string(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<std::string>();
  if (!it->value.IsString()) return make_error(ErrorCode::invalid_parameter, std::string(name) + " must be a string");
  return std::optional<std::string>(std::string(it->value.GetString(), it->value.GetStringLength()));
}

domain::Result<std::string> required_string(const rapidjson::Value& obj, const char* name) {
  auto v = optional_string(obj, name);
  if (!v) return v.error();
  if (!v->has_value() || (*v)->empty())
    return make_error(ErrorCode::invalid_parameter, std::string(name) + " is required");
  return std::move(**v);
}

domain::Result<std::optional<domain::ApiVersion>> optional_api_version(const rapidjson::Value& obj) {
  auto text = optional_string(obj, "api_version");
  if (!text) return text.error();
  if (!text->has_value()) return std::optional<domain::ApiVersion>();
  auto v = domain::parse_api_version(**text);
  if (!v) {
    return make_error(ErrorCode::invalid_parameter,
                      "api_version must be one of " + std::string(domain::api_version_list()));
  }
  return std::optional<domain::ApiVersion>(*v);
}

std::size_t utf8_length(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) i += std::max<std::size_t>(1, utf8_sequence(p, text.size(), i));
  return chars;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t len = utf8_sequence(p, text.size(), i)) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

domain::Status check_length(std::string_view field, std::string_view value, std::size_t max_chars) {
  if (utf8_length(value) > max_chars) {
    return make_error(ErrorCode::validation_failed,
                      std::string(field) + " must be at most " + std::to_string(max_chars) + " characters");
  }
  return domain::ok_status();
}

domain::Result<std::optional<std::int64_t>> optional_int(const rapidjson::Value& obj, const char* name, std::int64_t lo,
                                                         std::int64_t hi) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<std::int64_t>{};
  if (!it->value.IsInt64() || it->value.GetInt64() < lo || it->value.GetInt64() > hi) {
    return make_error(ErrorCode::invalid_parameter, std::string(name) + " must be an integer between " +
                                                        std::to_string(lo) + " and " + std::to_string(hi));
  }
  return std::optional<std::int64_t>{it->value.GetInt64()};
}

domain::Result<std::optional<bool>> optional_bool(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<bool>{};
  if (!it->value.IsBool())
    return make_error(ErrorCode::invalid_parameter, std::string(name) + " must be true or false");
  return std::optional<bool>{it->value.GetBool()};
}

domain::Status check_known_fields(const rapidjson::Value& obj, std::initializer_list<std::string_view> known) {
  for (const auto& m : obj.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool found = false;
    for (auto k : known) found = found || k == name;
    if (!found) return make_error(ErrorCode::invalid_parameter, "Unknown field " + std::string(name));
  }
  return domain::ok_status();
}

}  // namespace paratro::api
