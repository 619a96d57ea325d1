// libFuzzer target: request bodies as every handler reads them (api/json): parse_object, then each
// field reader on every member the body has and on names it lacks. The first byte says whether an
// empty body is allowed. Properties: what a reader accepts agrees with the member it read (a
// required string is non-empty, every top-level key and string is UTF-8, an integer is inside its range, a known field
// list accepts the body's own names) and a rejected body or field carries an error message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/api/json.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace a = paratro::api;

namespace {

void read_member(const rapidjson::Value& body, const char* name) {
  const auto text = a::optional_string(body, name);
  if (text && text->has_value()) FUZZ_CHECK(a::check_length(name, **text, 1 << 20).ok());
  if (!text) FUZZ_CHECK(!text.error().message.empty());
  if (const auto required = a::required_string(body, name)) FUZZ_CHECK(!required->empty());
  if (const auto n = a::optional_int(body, name, -5, 1'000'000); n && n->has_value()) {
    FUZZ_CHECK(**n >= -5 && **n <= 1'000'000);
  }
  (void)a::optional_api_version(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool allow_empty = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto body = a::parse_object(text, allow_empty);
  if (!body) {
    FUZZ_CHECK(!body.error().message.empty());
    return 0;
  }
  const rapidjson::Value& object = *body;
  FUZZ_CHECK(object.IsObject());
  // Every key and string of an accepted body is UTF-8 (so it can be stored and echoed as it is).
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    FUZZ_CHECK(a::valid_utf8(name) == name);
    if (it->value.IsString()) {
      const std::string_view value(it->value.GetString(), it->value.GetStringLength());
      FUZZ_CHECK(a::valid_utf8(value) == value);
    }
  }
  for (const char* name : {"amount", "chain", "wallet_name", "api_version", "limit"}) read_member(object, name);
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    read_member(object, name.c_str());
    FUZZ_CHECK(a::check_known_fields(object, {name}).ok() || object.MemberCount() > 1);
  }
  if (object.MemberCount() > 0) FUZZ_CHECK(!a::check_known_fields(object, {}).ok());
  return 0;
}
