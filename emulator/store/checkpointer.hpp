// The background checkpointer of a file database in WAL mode: a thread with its own read-write
// connection that copies the WAL into the database file while the writer goes on committing, so
// the writer's own checkpoint at `wal_pages_max` (its WAL hook, which bounds the file) finds little
// left to copy. SQLite lets a checkpoint run beside a writer and readers; it copies only frames no
// reader still needs, and the writer's next transaction starts the WAL over once every frame is in
// the database file.
//
// The writer's connection reports the WAL size after each commit (note_wal_pages, from its WAL
// hook, so the many commits of a clock advance count too); at `soft_pages` or more the
// thread runs one passive checkpoint, first asking `before` to end idle readers' snapshots. It
// tries again only after the writer has reported a larger WAL than at its last attempt. Bounded:
// one pending request (a flag and the latest size), never a queue. The thread runs ten nice steps
// below its creator, so request threads come first when the cores are busy.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace paratro::store {

class Database;

class Checkpointer {
 public:
  // Opens its connection to `path` and starts the thread.
  Checkpointer(const std::string& path, std::int64_t soft_pages, std::function<void()> before);
  ~Checkpointer();  // stops and joins the thread
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // The WAL holds `pages` frames after the writer's latest commit or checkpoint. Never blocks.
  void note_wal_pages(std::int64_t pages);
  // Checkpoints this thread has finished: completed (every frame of the WAL then in the database
  // file) and attempted (completed or not).
  std::int64_t completed() const;
  std::int64_t attempted() const;

 private:
  void loop();

  std::unique_ptr<Database> conn_;
  const std::int64_t soft_pages_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::int64_t pages_ = 0;      // latest size the writer reported
  std::int64_t tried_at_ = -1;  // the size the last attempt was made for
  bool stopping_ = false;
  std::int64_t completed_ = 0;
  std::int64_t attempted_ = 0;
  std::thread thread_;
};

}  // namespace paratro::store
