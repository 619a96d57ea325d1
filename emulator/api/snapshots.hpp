// Saved states of the whole emulator for POST /_sandbox/reset and /_sandbox/snapshots: in-memory
// copies of the database (rows, pending lifecycles, the persisted clock), kept in memory only, so
// they end with the process. The baseline is the state reset returns to (the fixture, or the
// default client alone). Bounded: at most kCapacity snapshots besides the baseline; a further
// POST /_sandbox/snapshots is refused (409 conflict) until one is deleted. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/error.hpp"
#include "emulator/store/store.hpp"

namespace paratro::api {

struct SnapshotInfo {
  std::string snapshot_id;    // "snap_1", "snap_2", ... in creation order, never reused in a process
  std::string name;           // the caller's label, "" when none
  std::int64_t clock_ms = 0;  // virtual time of the saved state
  std::int64_t bytes = 0;     // size of the copy
  store::Counts counts;
};

class Snapshots {
 public:
  static constexpr std::size_t kCapacity = 32;

  void set_baseline(std::shared_ptr<const store::DatabaseImage> image, std::string fixture) {
    std::lock_guard lock(mu_);
    baseline_ = std::move(image);
    fixture_ = std::move(fixture);
  }
  std::shared_ptr<const store::DatabaseImage> baseline() const {
    std::lock_guard lock(mu_);
    return baseline_;
  }
  // The fixture path the baseline came from ("" when none).
  std::string fixture() const {
    std::lock_guard lock(mu_);
    return fixture_;
  }

  // Stores a snapshot and fills info.snapshot_id; conflict at kCapacity.
  domain::Result<SnapshotInfo> add(std::shared_ptr<const store::DatabaseImage> image, SnapshotInfo info);
  std::vector<SnapshotInfo> list() const;
  std::shared_ptr<const store::DatabaseImage> find(std::string_view id) const;
  bool remove(std::string_view id);

 private:
  struct Entry {
    SnapshotInfo info;
    std::shared_ptr<const store::DatabaseImage> image;
  };
  mutable std::mutex mu_;
  std::shared_ptr<const store::DatabaseImage> baseline_;
  std::string fixture_;
  std::vector<Entry> entries_;
  std::int64_t next_id_ = 1;
};

}  // namespace paratro::api
