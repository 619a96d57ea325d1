// One description per table row: its columns in order, each tied to a record member and to the
// codec of that member's type (text, integers, bool, amounts as base-unit text, state enums as their
// API text, times where -1 is NULL). The SELECT column list, the INSERT statement, the row reader
// and the INSERT binder all come from that one list, so a table's columns are written once.
// Descriptions are constexpr tables of plain function pointers; SQL built from them is made once
// (function-local statics), so hot paths pay no string building per query.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

#include "emulator/domain/api_version.hpp"
#include "emulator/store/row_codec.hpp"

namespace paratro::store {

// How a member of type T is read from and bound to a column.
template <typename T>
struct ColumnCodec;
template <>
struct ColumnCodec<std::string> {
  static std::string read(const Statement& s, int i) { return s.column_text(i); }
  static void bind(Statement& s, int i, const std::string& v) { s.bind(i, v); }
};
template <>
struct ColumnCodec<std::int64_t> {
  static std::int64_t read(const Statement& s, int i) { return s.column_int(i); }
  static void bind(Statement& s, int i, std::int64_t v) { s.bind(i, v); }
};
template <>
struct ColumnCodec<int> {
  static int read(const Statement& s, int i) { return static_cast<int>(s.column_int(i)); }
  static void bind(Statement& s, int i, int v) { s.bind(i, v); }
};
template <>
struct ColumnCodec<bool> {
  static bool read(const Statement& s, int i) { return s.column_int(i) != 0; }
  static void bind(Statement& s, int i, bool v) { s.bind(i, v ? 1 : 0); }
};
template <>
struct ColumnCodec<domain::Amount> {
  static domain::Amount read(const Statement& s, int i) { return read_amount(s, i); }
  static void bind(Statement& s, int i, domain::Amount v) { s.bind(i, domain::to_base_units_string(v)); }
};
template <>
struct ColumnCodec<domain::ApiVersion> {
  // An unknown stored version reads as the default (rows written before the column existed).
  static domain::ApiVersion read(const Statement& s, int i) {
    return domain::parse_api_version(s.column_text(i)).value_or(domain::kDefaultApiVersion);
  }
  static void bind(Statement& s, int i, domain::ApiVersion v) { s.bind(i, domain::api_version_name(v)); }
};
template <domain::NamedEnum E>
struct ColumnCodec<E> {
  static E read(const Statement& s, int i) { return read_enum<E>(s, i); }
  static void bind(Statement& s, int i, E v) { s.bind(i, domain::to_string(v)); }
};
// A time in ms where -1 ("none") is stored as NULL.
struct OptionalMs {
  static std::int64_t read(const Statement& s, int i) { return s.column_is_null(i) ? -1 : s.column_int(i); }
  static void bind(Statement& s, int i, std::int64_t v) {
    if (v < 0)
      s.bind_null(i);
    else
      s.bind(i, v);
  }
};

template <typename R>
struct Column {
  std::string_view name;    // the column, as INSERT names it (and SELECT, prefixed by the alias)
  std::string_view select;  // a SELECT expression replacing the name ("" for the plain column)
  void (*read)(const Statement&, int, R&);
  void (*bind)(Statement&, int, const R&);
};

namespace detail {
template <typename M>
struct MemberOf;
template <typename R, typename T>
struct MemberOf<T R::*> {
  using Record = R;
  using Type = T;
};
}  // namespace detail

// The column `name` holding member `M`, through `Codec` (by default the member type's codec).
template <auto M, typename Codec = ColumnCodec<typename detail::MemberOf<decltype(M)>::Type>>
constexpr Column<typename detail::MemberOf<decltype(M)>::Record> col(std::string_view name,
                                                                     std::string_view select = {}) {
  using R = typename detail::MemberOf<decltype(M)>::Record;
  return {name, select, [](const Statement& s, int i, R& r) { r.*M = Codec::read(s, i); },
          [](Statement& s, int i, const R& r) { Codec::bind(s, i, r.*M); }};
}

// "a.x, a.y, COALESCE(...)": the SELECT list of `row`, plain columns prefixed by `alias`.
template <typename R, std::size_t N>
std::string select_list(const std::array<Column<R>, N>& row, std::string_view alias = {}) {
  std::string out;
  for (const auto& c : row) {
    if (!out.empty()) out.append(", ");
    if (c.select.empty())
      out.append(alias).append(c.name);
    else
      out.append(c.select);
  }
  return out;
}

// An extra column of an INSERT beyond the row's own: bound after the row's parameters when `value`
// is empty, else given by the SQL expression `value` (which may name the row's parameters as ?N,
// see param_of).
struct ExtraColumn {
  std::string_view name;
  std::string_view value = {};
  ExtraColumn(const char* n) : name(n) {}  // NOLINT(google-explicit-constructor): a plain name
  ExtraColumn(std::string_view n, std::string_view v) : name(n), value(v) {}
};

// "INSERT INTO table(cols..., extra...) VALUES (?,...)"; extra columns without an expression are
// bound after the row's.
template <typename R, std::size_t N>
std::string insert_sql(std::string_view table, const std::array<Column<R>, N>& row,
                       std::initializer_list<ExtraColumn> extra = {}) {
  std::string out = std::string("INSERT INTO ").append(table).append("(");
  std::string values;
  auto add = [&](std::string_view name, std::string_view value) {
    out.append(values.empty() ? "" : ", ").append(name);
    values.append(values.empty() ? "" : ",").append(value.empty() ? "?" : value);
  };
  for (const auto& c : row) add(c.name, {});
  for (const auto& e : extra) add(e.name, e.value);
  return out.append(") VALUES (").append(values).append(")");
}

// The parameter number (1-based) an insert_sql statement binds column `name` of `row` to.
template <typename R, std::size_t N>
constexpr int param_of(const std::array<Column<R>, N>& row, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (row[i].name == name) return static_cast<int>(i) + 1;
  // A compile-time error where used in a constant expression; at run time, an error the caller's
  // operation fails with (every use names a literal column the unit tests exercise).
  throw std::invalid_argument("no such column");
}

// The record in the current row, its columns starting at `first`.
template <typename R, std::size_t N>
R read_row(const std::array<Column<R>, N>& row, const Statement& s, int first = 0) {
  R r;
  for (std::size_t i = 0; i < N; ++i) row[i].read(s, first + static_cast<int>(i), r);
  return r;
}

// Binds `r` to parameters 1..N of an insert_sql statement.
template <typename R, std::size_t N>
void bind_row(const std::array<Column<R>, N>& row, Statement& s, const R& r) {
  for (std::size_t i = 0; i < N; ++i) row[i].bind(s, static_cast<int>(i) + 1, r);
}

}  // namespace paratro::store
