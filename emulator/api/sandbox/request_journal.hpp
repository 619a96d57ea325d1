// The request journal: the most recent /api/v1 requests with what was answered, so a CI test can
// assert what its client sent (like WireMock's request log). A ring of `capacity` entries (the
// `--journal-size` flag; 0 disables it): when full, the oldest entry is overwritten. Bodies are
// kept only while body recording is on (`--journal-bodies`, or switched at run time), each cut to
// kBodyCap bytes. Slots are reused, so a full journal records without allocating for typical
// sizes. Thread-safe: one short critical section per request.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace paratro::api {

struct JournalEntry {
  std::uint64_t seq = 0;     // 1, 2, ... in arrival order of the responses
  std::int64_t time_ms = 0;  // real wall-clock time the response was ready, Unix ms
  std::string method;
  std::string path;
  std::string query;  // raw query string, without '?'
  int status = 0;
  std::int64_t latency_us = 0;  // first header byte to response ready, injected latency included
  std::string client_id;        // "" unless the request was authenticated
  std::string request_id;
  bool idempotent_replay = false;  // answered from the Idempotency-Key store
  bool has_bodies = false;
  std::string request_body;
  std::string response_body;
  bool request_body_truncated = false;
  bool response_body_truncated = false;
};

struct JournalFilter {
  std::string method;           // exact, upper case; "" any
  std::string path_prefix;      // "" any
  int status = 0;               // 0 any
  std::string client_id;        // "" any
  std::int64_t since_ms = -1;   // time_ms >= since_ms
  std::uint64_t after_seq = 0;  // seq > after_seq
  std::size_t limit = 100;
};

class RequestJournal {
 public:
  static constexpr std::size_t kBodyCap = 4096;  // bytes kept of each body
  static constexpr std::size_t kMaxCapacity = 100'000;

  explicit RequestJournal(std::size_t capacity = 1000);

  // Sets the capacity (clamped to kMaxCapacity) and empties the journal.
  void set_capacity(std::size_t capacity);
  std::size_t capacity();
  void set_record_bodies(bool on) { record_bodies_.store(on, std::memory_order_relaxed); }
  bool record_bodies() const { return record_bodies_.load(std::memory_order_relaxed); }

  void record(std::int64_t time_ms, std::string_view method, std::string_view path, std::string_view query, int status,
              std::int64_t latency_us, std::string_view client_id, std::string_view request_id,
              std::string_view request_body, std::string_view response_body, bool idempotent_replay = false);

  // Matching entries, newest first, at most filter.limit; `matched` receives how many matched.
  std::vector<JournalEntry> query(const JournalFilter& filter, std::size_t& matched);
  // Empties the journal; returns how many entries it held.
  std::size_t clear();
  std::size_t size();

 private:
  std::atomic<bool> record_bodies_{false};
  std::mutex mu_;
  std::vector<JournalEntry> ring_;
  std::size_t capacity_;
  std::size_t next_ = 0;   // slot the next entry goes to
  std::size_t count_ = 0;  // entries held (<= capacity_)
  std::uint64_t seq_ = 0;
};

}  // namespace paratro::api
