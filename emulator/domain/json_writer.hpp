// The one way the emulator writes JSON: a chaining writer over RapidJSON's (keys, strings, numbers,
// booleans, null, verbatim objects, state enums as their API text). Handlers, webhook bodies and
// tokens all write through it, so escaping and number formatting are the same everywhere.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

class JsonWriter {
 public:
  JsonWriter() : w_(buf_) {}
  JsonWriter& begin_object() {
    w_.StartObject();
    return *this;
  }
  JsonWriter& end_object() {
    w_.EndObject();
    return *this;
  }
  JsonWriter& begin_array() {
    w_.StartArray();
    return *this;
  }
  JsonWriter& end_array() {
    w_.EndArray();
    return *this;
  }
  JsonWriter& key(std::string_view k) { return str(k); }  // a key is a string the writer expects there
  JsonWriter& str(std::string_view v) {
    if (plain(v)) {
      w_.block(v, rapidjson::kStringType, true);
    } else {
      w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    return *this;
  }
  JsonWriter& num(std::int64_t v) {
    w_.Int64(v);
    return *this;
  }
  JsonWriter& boolean(bool v) {
    w_.Bool(v);
    return *this;
  }
  JsonWriter& real(double v) {
    w_.Double(v);
    return *this;
  }
  JsonWriter& null() {
    w_.Null();
    return *this;
  }
  // Inserts an already serialised JSON object verbatim (e.g. a stored webhook body).
  JsonWriter& raw_object(std::string_view json) {
    w_.block(json, rapidjson::kObjectType, false);
    return *this;
  }
  JsonWriter& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  JsonWriter& field(std::string_view k, const char* v) { return key(k).str(v); }
  JsonWriter& field(std::string_view k, const std::string& v) { return key(k).str(v); }
  JsonWriter& field(std::string_view k, std::int64_t v) { return key(k).num(v); }
  JsonWriter& field(std::string_view k, int v) { return key(k).num(v); }
  JsonWriter& field(std::string_view k, bool v) { return key(k).boolean(v); }
  // A state enum as the text the API shows (record_enums.hpp).
  template <NamedEnum E>
  JsonWriter& field(std::string_view k, E v) {
    return key(k).str(to_string(v));
  }
  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  // RapidJSON's writer, plus one way in: a value copied into the buffer in one block (RapidJSON
  // copies strings and raw values byte by byte, which was most of the time a list page took).
  class Out : public rapidjson::Writer<rapidjson::StringBuffer> {
   public:
    explicit Out(rapidjson::StringBuffer& buf) : Writer(buf) {}
    void block(std::string_view v, rapidjson::Type type, bool quoted) {
      Prefix(type);  // the comma or colon before it, and the nesting checks
      const std::size_t q = quoted ? 1 : 0;
      char* out = os_->Push(v.size() + 2 * q);
      if (quoted) out[0] = out[v.size() + 1] = '"';
      if (!v.empty()) std::memcpy(out + q, v.data(), v.size());
      EndValue(true);
    }
  };
  // Text RapidJSON would write unchanged: no control character, quote or backslash (other bytes,
  // UTF-8 included, go out as they are, as RapidJSON's default writer leaves them).
  // Eight bytes at a time: a word has a byte below 0x20, or a byte equal to one of the two, exactly
  // when the usual borrow tests set a high bit (exact for existence, which is all this asks).
  static bool plain(std::string_view v) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t x) { return ((x - ones) & ~x & highs) != 0; };
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, v.data() + i, 8);
      if (((w - ones * 0x20) & ~w & highs) != 0 || has_zero(w ^ (ones * '"')) || has_zero(w ^ (ones * '\\')))
        return false;
    }
    for (; i < v.size(); ++i) {
      const char c = v[i];
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') return false;
    }
    return true;
  }
  rapidjson::StringBuffer buf_;
  Out w_;
};

}  // namespace paratro::domain
