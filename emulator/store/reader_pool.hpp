// The store's idle read-only connections (file databases only): a ReadScope takes one, reads through
// it and gives it back, so there is at most one per thread reading at once. In WAL mode a connection
// goes back with its read transaction still open (`open`, begun when the store had counted `seen`
// commits), and the next scope reuses that snapshot while nothing has been committed since; in
// another journal mode an open reader would block writes, so `keep_snapshots` is off there.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "emulator/store/database.hpp"

namespace paratro::store {

class ReaderPool {
 public:
  struct Reader {
    std::unique_ptr<Database> conn;
    std::uint64_t seen = 0;
    bool open = false;
  };

  // An idle reader, or an empty one (no connection) when none is idle.
  Reader take();
  void give(Reader reader);
  // Ends the open read transactions of idle readers (before a checkpoint, which they would hold
  // back); a reader whose COMMIT fails is dropped.
  void end_snapshots();

  bool keep_snapshots = false;

 private:
  std::mutex mu_;
  std::vector<Reader> idle_;
};

}  // namespace paratro::store
