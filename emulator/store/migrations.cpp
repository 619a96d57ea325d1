// apply_migrations(): see migrations.hpp.
#include "emulator/store/migrations.hpp"

#include <ctime>
#include <string>

namespace paratro::store {

int apply_migrations(Database& db, const std::vector<Migration>& migrations) {
  {
    // A database with tables but no migration record belongs to another application: adding the
    // emulator's tables to it would damage it.
    auto st = db.use(
        "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'), "
        "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')");
    if (st->step() && st->column_int(0) > 0 && st->column_int(1) == 0) {
      throw StoreError(0, db.path() +
                              " is a SQLite database of another application (it has tables but no "
                              "schema_migrations): the emulator will not change it; give --database a new file");
    }
  }
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  int current = 0;
  {
    auto st = db.use("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (st->step()) current = static_cast<int>(st->column_int(0));
  }
  int newest_known = 0;
  for (const auto& m : migrations) newest_known = std::max(newest_known, m.version);
  if (current > newest_known) {
    throw StoreError(0, "database schema version " + std::to_string(current) + " is newer than this build knows (" +
                            std::to_string(newest_known) + ")");
  }
  int applied = 0;
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    WriteTransaction tx(db);
    db.exec(m.sql);
    auto st = db.use("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
    st->bind(1, m.version).bind(2, m.name).bind(3, static_cast<std::int64_t>(std::time(nullptr))).run();
    tx.commit();
    ++applied;
  }
  return applied;
}

}  // namespace paratro::store
