// The fixture loader's field readers (fixture_loader.hpp): each checks one member of an object and
// reports a refusal at the member's JSON path, so one run lists every error of a fixture.
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>

#include "emulator/api/fixture_loader.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/x402_typed_data.hpp"

namespace paratro::api::fixture_detail {

void Loader::error(const std::string& path, std::string message) {
  if (out_.errors.size() < kMaxFixtureErrors) {
    out_.errors.push_back({path, std::move(message)});
  } else if (out_.errors.size() == kMaxFixtureErrors) {
    out_.errors.push_back(
        {"$", "more errors follow; only the first " + std::to_string(kMaxFixtureErrors) + " are listed"});
  }
}

void Loader::known_fields(const Value& obj, const std::string& path, Fields allowed) {
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    const std::string_view name(m->name.GetString(), m->name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      error(path + "." + std::string(name), "unknown field");
    }
  }
}

bool Loader::fail(const std::string& path, const domain::Error& e) {
  error(path, e.message);
  return false;
}

// Absent or null: `out` stays empty, an error only when `required`. Checked against `max_chars`.
bool Loader::get_string(const Value& obj, const std::string& path, const char* name, std::optional<std::string>& out,
                        bool required, std::size_t max_chars) {
  out.reset();
  const std::string field = path + "." + name;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    if (required) error(field, "is required");
    return !required;
  }
  if (!it->value.IsString()) {
    error(field, "must be a string");
    return false;
  }
  std::string v(it->value.GetString(), it->value.GetStringLength());
  if (required && v.empty()) {
    error(field, "must not be empty");
    return false;
  }
  if (auto st = check_length(name, v, max_chars); !st) return fail(field, st.error());
  out = std::move(v);
  return true;
}

bool Loader::get_int(const Value& obj, const std::string& path, const char* name, std::int64_t& out, std::int64_t min,
                     std::int64_t max) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsInt64() || it->value.GetInt64() < min || it->value.GetInt64() > max) {
    error(path + "." + name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  out = it->value.GetInt64();
  return true;
}

bool Loader::get_bool(const Value& obj, const std::string& path, const char* name, bool& out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsBool()) {
    error(path + "." + name, "must be true or false");
    return false;
  }
  out = it->value.GetBool();
  return true;
}

const Value* Loader::get_array(const Value& obj, const std::string& path, const char* name, bool required) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    if (required) error(path + "." + name, "is required");
    return nullptr;
  }
  if (!it->value.IsArray()) {
    error(path + "." + name, "must be an array");
    return nullptr;
  }
  return &it->value;
}

bool Loader::get_enum(const Value& obj, const std::string& path, const char* name, std::string& out, Fields allowed,
                      bool required) {
  std::optional<std::string> v;
  if (!get_string(obj, path, name, v, required, 32)) return false;
  if (!v) return true;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    error(path + "." + name, "must be one of " + list + ", got " + quoted(*v));
    return false;
  }
  out = *v;
  return true;
}

// RFC 3339 ("2026-01-15T10:40:00Z") or a negative ISO 8601 duration before the load instant
// ("-P14DT2H"). Absent: `fallback`. Must lie in [not_before, now].
bool Loader::get_time(const Value& obj, const std::string& path, const char* name, std::int64_t& out,
                      std::int64_t fallback, std::int64_t not_before, std::string_view parent, bool required) {
  std::optional<std::string> text;
  if (!get_string(obj, path, name, text, required, 64)) return false;
  const std::string field = path + "." + name;
  if (!text) {
    out = fallback;
    return true;
  }
  std::optional<std::int64_t> t;
  if (!text->empty() && (*text)[0] == '-') {
    if (auto d = domain::parse_duration_ms(std::string_view(*text).substr(1))) t = ctx_.now_ms - *d;
  } else {
    t = domain::parse_rfc3339_ms(*text);
  }
  if (!t) {
    error(field, "must be an RFC 3339 time such as 2026-01-15T10:40:00Z or a negative duration such as -P14DT2H");
    return false;
  }
  if (*t > ctx_.now_ms) {
    error(field, "is in the future (the load instant is " + domain::format_rfc3339(ctx_.now_ms) + ")");
    return false;
  }
  if (*t < not_before) {
    error(field, "is before the " + std::string(parent) + "'s created_at (" + domain::format_rfc3339(not_before) + ")");
    return false;
  }
  out = *t;
  return true;
}

// A pinned id (checked: prefix, length, characters, unique in the fixture) or a fresh one.
bool Loader::get_id(const Value& obj, const std::string& path, const char* name, std::string_view prefix,
                    std::int64_t at_ms, std::string& out) {
  std::optional<std::string> v;
  if (!get_string(obj, path, name, v, false, kMaxId)) return false;
  const std::string field = path + "." + name;
  if (!v) {
    out = domain::make_id(prefix, at_ms, ctx_.rng);
    return true;
  }
  const bool chars_ok =
      std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
  if (v->size() <= prefix.size() || v->compare(0, prefix.size(), prefix) != 0 || !chars_ok) {
    error(field, "must start with " + quoted(prefix) + " followed by letters, digits, '_' or '-'");
    return false;
  }
  if (!unique(ids_, *v, field, "id")) return false;
  out = *v;
  return true;
}

bool Loader::unique(std::map<std::string, std::string>& seen, const std::string& key, const std::string& path,
                    std::string_view what) {
  auto [it, inserted] = seen.emplace(key, path);
  if (!inserted) {
    error(path, "duplicate " + std::string(what) + " (also at " + it->second + ")");
    return false;
  }
  return true;
}

}  // namespace paratro::api::fixture_detail
