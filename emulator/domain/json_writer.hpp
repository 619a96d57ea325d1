// The one way the emulator writes JSON: a chaining writer over RapidJSON's (keys, strings, numbers,
// booleans, null, verbatim objects, state enums as their API text). Handlers, webhook bodies and
// tokens all write through it, so escaping and number formatting are the same everywhere.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

// A member name written in the source as a literal, checked while compiling to need no escaping, so
// the writer copies it out as it is. A name made at run time goes through JsonWriter::key instead.
class Name {
 public:
  template <std::size_t N>
  consteval Name(const char (&s)[N]) : text_(s, N - 1) {  // NOLINT: a literal converts implicitly
    for (const char c : text_) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') throw "a member name must need no escaping";
    }
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

class JsonWriter {
 public:
  JsonWriter() : w_(buf_) {}
  // Room for `capacity` bytes from the start (a list page knows roughly how much it will write; the
  // buffer otherwise starts at 256 bytes and grows by half again, copying what it holds each time).
  explicit JsonWriter(std::size_t capacity) : buf_(nullptr, capacity), w_(buf_) {}
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
  // One member of the object being written: a literal name and its value. A string value that
  // needs no escaping goes out with its name in one copy.
  JsonWriter& field(Name k, std::string_view v) {
    if (plain(v)) {
      w_.member(k.text(), v);
    } else {
      w_.name(k.text());
      w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    return *this;
  }
  JsonWriter& field(Name k, const char* v) { return field(k, std::string_view(v)); }
  JsonWriter& field(Name k, const std::string& v) { return field(k, std::string_view(v)); }
  JsonWriter& field(Name k, std::int64_t v) {
    w_.name(k.text());
    return num(v);
  }
  JsonWriter& field(Name k, int v) { return field(k, static_cast<std::int64_t>(v)); }
  JsonWriter& field(Name k, bool v) {
    w_.name(k.text());
    return boolean(v);
  }
  // A state enum as the text the API shows (record_enums.hpp).
  template <NamedEnum E>
  JsonWriter& field(Name k, E v) {
    return field(k, to_string(v));
  }
  // A member name known only at run time (a chain, a stored key): escaped like any string.
  JsonWriter& key(std::string_view k) { return str(k); }
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
    // A name that needs no escaping, as the next key of the object being written.
    void name(std::string_view k) { block(k, rapidjson::kStringType, true); }
    // `"k":"v"` in one copy, k and v both needing no escaping: the key's comma (if any) comes from
    // RapidJSON's bookkeeping, then the value is counted as written (no separator of its own).
    void member(std::string_view k, std::string_view v) {
      Prefix(rapidjson::kStringType);
      RAPIDJSON_ASSERT(!level_stack_.Empty());
      char* out = os_->Push(k.size() + v.size() + 5);
      *out++ = '"';
      if (!k.empty()) std::memcpy(out, k.data(), k.size());
      out += k.size();
      *out++ = '"';
      *out++ = ':';
      *out++ = '"';
      if (!v.empty()) std::memcpy(out, v.data(), v.size());
      out[v.size()] = '"';
      level_stack_.template Top<Level>()->valueCount++;
    }
  };
  // Text RapidJSON would write unchanged: no control character, quote or backslash (other bytes,
  // UTF-8 included, go out as they are, as RapidJSON's default writer leaves them). Sixteen bytes at
  // a time where SSE2 is there (the last block overlapping the one before), else eight: a word has a
  // byte below 0x20, or a byte equal to one of the two, exactly when the usual borrow tests set a
  // high bit (exact for existence, which is all this asks).
  static bool plain(std::string_view v) {
    std::size_t i = 0;
#if defined(__SSE2__)
    if (v.size() >= 16) {
      const __m128i low = _mm_set1_epi8(0x1f), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
      const auto clean = [&](std::size_t at) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + at));
        const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(x, low), low);  // x <= 0x1f, unsigned
        const __m128i bad = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
        return _mm_movemask_epi8(bad) == 0;
      };
      for (; i + 16 <= v.size(); i += 16) {
        if (!clean(i)) return false;
      }
      return i == v.size() || clean(v.size() - 16);
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t x) { return ((x - ones) & ~x & highs) != 0; };
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
