// Verified Bearer tokens and their clients, so a request with a token seen before skips the HMAC,
// JSON parse and client lookup. Bounded: at `capacity` entries the cache is emptied and refills
// from live traffic (tokens are cheap to re-verify). Entries are checked against `exp` on every
// hit, so caching never extends a token's life. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/domain/model.hpp"

namespace paratro::api {

class TokenCache {
 public:
  explicit TokenCache(std::size_t capacity = 4096) : capacity_(capacity) {}

  struct Entry {
    domain::ClientRecord client;
    std::int64_t expires_at = 0;  // unix seconds
  };

  std::optional<Entry> find(std::string_view token) {
    std::lock_guard lock(mu_);
    auto it = map_.find(std::string(token));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

  // Forgets every token: after a reset or restore (whose clients may differ) or a change to a client
  // record (the cache holds copies of it).
  void clear() {
    std::lock_guard lock(mu_);
    map_.clear();
  }

  void put(std::string_view token, Entry entry) {
    std::lock_guard lock(mu_);
    if (map_.size() >= capacity_) map_.clear();
    map_.insert_or_assign(std::string(token), std::move(entry));
  }

 private:
  std::mutex mu_;
  std::size_t capacity_;
  std::unordered_map<std::string, Entry> map_;
};

}  // namespace paratro::api
