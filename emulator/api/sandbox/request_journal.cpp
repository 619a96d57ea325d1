// The request journal's ring buffer (see request_journal.hpp).
#include "emulator/api/sandbox/request_journal.hpp"

#include <algorithm>

namespace paratro::api {

namespace {

void keep_body(std::string& slot, bool& truncated, std::string_view body) {
  truncated = body.size() > RequestJournal::kBodyCap;
  slot.assign(body.substr(0, RequestJournal::kBodyCap));
}

bool matches(const JournalEntry& e, const JournalFilter& f) {
  if (!f.method.empty() && e.method != f.method) return false;
  if (!f.path_prefix.empty() && e.path.compare(0, f.path_prefix.size(), f.path_prefix) != 0) return false;
  if (f.status != 0 && e.status != f.status) return false;
  if (!f.client_id.empty() && e.client_id != f.client_id) return false;
  if (f.since_ms >= 0 && e.time_ms < f.since_ms) return false;
  return e.seq > f.after_seq;
}

}  // namespace

RequestJournal::RequestJournal(std::size_t capacity) : capacity_(std::min(capacity, kMaxCapacity)) {}

void RequestJournal::set_capacity(std::size_t capacity) {
  std::lock_guard lock(mu_);
  capacity_ = std::min(capacity, kMaxCapacity);
  ring_.clear();
  ring_.shrink_to_fit();
  next_ = count_ = 0;
}

std::size_t RequestJournal::capacity() {
  std::lock_guard lock(mu_);
  return capacity_;
}

void RequestJournal::record(std::int64_t time_ms, std::string_view method, std::string_view path,
                            std::string_view query, int status, std::int64_t latency_us, std::string_view client_id,
                            std::string_view request_id, std::string_view request_body, std::string_view response_body,
                            bool idempotent_replay) {
  const bool bodies = record_bodies();
  std::lock_guard lock(mu_);
  if (capacity_ == 0) return;
  // The ring grows to its capacity on demand, so an idle emulator does not hold empty slots.
  if (ring_.size() < capacity_ && next_ == ring_.size()) ring_.emplace_back();
  JournalEntry& e = ring_[next_];
  next_ = (next_ + 1) % capacity_;
  count_ = std::min(count_ + 1, capacity_);
  e.seq = ++seq_;
  e.time_ms = time_ms;
  e.method.assign(method);
  e.path.assign(path);
  e.query.assign(query);
  e.status = status;
  e.latency_us = latency_us;
  e.client_id.assign(client_id);
  e.request_id.assign(request_id);
  e.idempotent_replay = idempotent_replay;
  e.has_bodies = bodies;
  if (bodies) {
    keep_body(e.request_body, e.request_body_truncated, request_body);
    keep_body(e.response_body, e.response_body_truncated, response_body);
  } else {
    e.request_body.clear();
    e.response_body.clear();
    e.request_body_truncated = e.response_body_truncated = false;
  }
}

std::vector<JournalEntry> RequestJournal::query(const JournalFilter& filter, std::size_t& matched) {
  std::lock_guard lock(mu_);
  std::vector<JournalEntry> out;
  matched = 0;
  // Walk from the newest entry backwards.
  for (std::size_t i = 0; i < count_; ++i) {
    const std::size_t slot = (next_ + capacity_ - 1 - i) % capacity_;
    const JournalEntry& e = ring_[slot];
    if (!matches(e, filter)) continue;
    if (matched++ < filter.limit) out.push_back(e);
  }
  return out;
}

std::size_t RequestJournal::clear() {
  std::lock_guard lock(mu_);
  const std::size_t n = count_;
  next_ = count_ = 0;
  return n;
}

std::size_t RequestJournal::size() {
  std::lock_guard lock(mu_);
  return count_;
}

}  // namespace paratro::api
