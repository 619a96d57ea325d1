// Reading an amount column (base units as decimal text) of the store's tables: the one place that
// decides a malformed stored amount is database corruption. Internal to store/.
#pragma once

#include <sqlite3.h>

#include "emulator/domain/amount.hpp"
#include "emulator/store/database.hpp"

namespace paratro::store {

inline domain::Amount amount_column(const Statement& s, int col) {
  auto v = domain::from_base_units_string(s.column_text(col));
  if (!v) throw StoreError(SQLITE_CORRUPT, "stored amount is not an integer: " + s.column_text(col));
  return *v;
}

}  // namespace paratro::store
