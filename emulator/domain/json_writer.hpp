// The one way the emulator writes JSON: a chaining writer over RapidJSON's (keys, strings, numbers,
// booleans, null, verbatim objects, state enums as their API text). Handlers, webhook bodies and
// tokens all write through it, so escaping and number formatting are the same everywhere.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
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
  JsonWriter& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  JsonWriter& str(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
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
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
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
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace paratro::domain
