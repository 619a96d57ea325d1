// Unit tests for JsonWriter: strings and keys that need no escaping take a block copy (a literal name
// and its value one copy together), the rest RapidJSON's escaper; either way the output must be byte
// for byte what RapidJSON's own writer makes, for every length and position of each byte that needs
// escaping (lengths past two 16-byte blocks, so the overlapping last block is tried everywhere).
#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "emulator/domain/json_writer.hpp"

namespace {

using paratro::domain::JsonWriter;

// {"k<s>": "<s>", "name": "<s>", "n": 7, "a": ["<s>", 1, {"r": 2}]} through RapidJSON's writer alone.
std::string reference(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const std::string k = "k" + s;
  w.StartObject();
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.Key("name");
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.Key("n");
  w.Int64(7);
  w.Key("a");
  w.StartArray();
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.Int64(1);
  w.RawValue("{\"r\":2}", 7, rapidjson::kObjectType);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ours(const std::string& s) {
  JsonWriter w;
  w.begin_object()
      .key("k" + s)
      .str(s)
      .field("name", s)
      .field("n", 7)
      .key("a")
      .begin_array()
      .str(s)
      .num(1)
      .raw_object("{\"r\":2}")
      .end_array()
      .end_object();
  return w.take();
}

}  // namespace

TEST_CASE("JsonWriter writes every string as RapidJSON's writer does") {
  // Bytes that need escaping and bytes next to them in value (the word-at-a-time test must not
  // confuse them), UTF-8 and high bytes that pass unchanged.
  const std::vector<char> specials = {'\0', '\x01', '\x1f', ' ',    '!',    '"',   '#',
                                      '\\', ']',    '\x7f', '\x80', '\xc3', '\xff'};
  std::vector<std::string> cases = {"", "plain", "w_1765000000000_abcdefghijklmnop", "caf\xc3\xa9",
                                    "2026-12-07T13:00:00Z"};
  for (std::size_t len = 1; len <= 40; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      for (const char c : specials) {
        std::string s(len, 'a');
        s[at] = c;
        cases.push_back(s);
      }
    }
  }
  for (const auto& s : cases) {
    CAPTURE(s);
    CHECK(ours(s) == reference(s));
  }
  // And the result is valid JSON holding the same text.
  rapidjson::Document d;
  const std::string tricky = std::string("a\"b\\c\x01") + "d";
  const std::string out = ours(tricky);
  REQUIRE_FALSE(d.Parse(out.data(), out.size()).HasParseError());
  CHECK(std::string(d["a"][0].GetString(), d["a"][0].GetStringLength()) == tricky);
  CHECK(std::string(d["name"].GetString(), d["name"].GetStringLength()) == tricky);
}
