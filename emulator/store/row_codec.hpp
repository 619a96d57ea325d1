// Reading typed values out of a stored row: amounts (decimal text of base units) and state enums
// (their API text). Both were written by us from typed values, so anything unreadable means a
// corrupt database and throws StoreError(SQLITE_CORRUPT) rather than inventing a value.
#pragma once

#include <sqlite3.h>

#include <string>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/record_enums.hpp"
#include "emulator/store/database.hpp"

namespace paratro::store {

inline domain::Amount read_amount(const Statement& s, int col) {
  auto v = domain::from_base_units_string(s.column_view(col));
  if (!v) throw StoreError(SQLITE_CORRUPT, "stored amount is not an integer: " + s.column_text(col));
  return *v;
}

template <domain::NamedEnum E>
E read_enum(const Statement& s, int col) {
  auto v = domain::parse_enum<E>(s.column_view(col));
  if (!v) throw StoreError(SQLITE_CORRUPT, "stored state is not a known value: " + s.column_text(col));
  return *v;
}

}  // namespace paratro::store
