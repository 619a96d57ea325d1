// Schema migrations: numbered SQL files from schema/, compiled into the binary, applied in order at
// start-up inside one transaction each and recorded in schema_migrations, so a database written by
// an older build opens in a newer one.
#pragma once

// For store.cpp, which uses SQLite's result codes and reaches SQLite only through this header (it
// was database.hpp's until the SQLite types were forward-declared). Remove once store.cpp includes
// <sqlite3.h> itself (the store split).
#include <sqlite3.h>

#include <string_view>
#include <vector>

#include "emulator/store/database.hpp"

namespace paratro::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& embedded_migrations();

// Applies every migration newer than the database's; returns how many ran. Throws StoreError if
// the database was written by a newer build (a version we do not know).
int apply_migrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace paratro::store
