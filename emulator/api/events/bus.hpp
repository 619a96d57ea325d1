// The event bus behind GET /_sandbox/events: every committed change (and the few events not tied to
// rows) is published here once, numbered, kept in a bounded ring for resumption and handed to each
// subscriber whose filter takes it.
//
// Bounds and what happens at them:
// - the ring holds the newest `ring` events; publishing past it forgets the oldest. A subscriber
//   resuming from an id older than the oldest kept first gets a `stream.gap` event (no id;
//   data {"requested": N, "oldest": M}), then the whole ring.
// - at most `subscribers` subscriptions at once; subscribe() answers null past it (503).
// - each subscriber has a send queue of at most `queue` live events (its replay comes on top); a
//   subscriber whose queue is full when an event arrives is dropped: its stream ends and the session
//   closes the connection. Nothing waits for a subscriber and no memory grows with a slow one.
// Publishing takes one mutex for O(events x subscribers) pointer pushes and never blocks on I/O;
// an idle subscriber costs nothing (no timers, no polling; the session is woken when it has data).
// - while nobody subscribes, the writer builds no row events at all (skip_unheard()): the ring is
//   emptied and one id is skipped, so a client resuming afterwards gets stream.gap and reloads
//   rather than missing changes silently. Writes cost nothing extra when nobody listens. "Nobody"
//   starts `linger` after the last subscriber left (wall time), so a client that reconnects within
//   it (an EventSource retry, a page reload) resumes with exactly the events it missed.
// Ids start at 1 with each process; they do not survive a restart.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/api/request.hpp"

namespace paratro::api::events {

// An event before it has an id: its type, owning client ("" for none), virtual time (RFC 3339) and
// the resource as the API shows it (a JSON object).
struct Draft {
  std::string type;
  std::string client_id;
  std::string at;
  std::string data;
};

struct Event {
  std::int64_t id = 0;
  std::string type;
  std::string client_id;
  std::string wire;  // the whole SSE frame: "id: ..\nevent: ..\ndata: {..}\n\n"
};
using EventPtr = std::shared_ptr<const Event>;

struct BusOptions {
  std::size_t ring = 4096;
  std::size_t subscribers = 32;
  std::size_t queue = 1024;
  std::chrono::seconds linger{30};
};

struct Filter {
  std::vector<std::string> types;  // empty: every type
  std::string client_id;           // empty: every event; else only that client's (clientless excluded)
  bool matches(const Event& e) const;
};

struct BusStats {
  std::int64_t published = 0;           // events numbered so far
  std::int64_t dropped = 0;             // subscribers dropped for a full queue
  std::size_t subscribers = 0;          // connected right now
  std::size_t ring = 0;                 // events kept right now
  std::int64_t oldest = 0, newest = 0;  // ids in the ring (0: empty)
};

class Bus;

// One subscriber: the send queue the bus fills and the stream the HTTP session drains.
class Subscription final : public ResponseStream {
 public:
  Subscription(std::shared_ptr<Bus> bus, Filter filter) : bus_(std::move(bus)), filter_(std::move(filter)) {}
  ~Subscription() override;  // leaves the bus if close() was never called
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  void open(std::function<void()> wake) override;
  bool next(std::string& out) override;
  bool ended() const override;
  void close() override;

 private:
  friend class Bus;
  std::shared_ptr<Bus> bus_;
  Filter filter_;
  // Guarded by the bus's mutex.
  std::deque<std::string> preface_;  // a stream.gap frame before the replay
  std::deque<EventPtr> queue_;
  std::size_t replay_ = 0;  // how many of queue_'s first events are the replay (outside the bound)
  bool heartbeat_ = false;
  bool ended_ = false;
  std::function<void()> wake_;
};

class Bus : public std::enable_shared_from_this<Bus> {
 public:
  explicit Bus(BusOptions options = {}) : options_(options) {}

  // Numbers and delivers `drafts` in order. Thread-safe; never blocks on a subscriber.
  void publish(std::vector<Draft> drafts);
  void publish(Draft draft);
  // A new subscriber, or null at the subscriber cap. With `last_id`, the ring's events after it come
  // first (after a stream.gap when it is older than the ring, or newer than any event).
  std::shared_ptr<Subscription> subscribe(Filter filter, std::optional<std::int64_t> last_id);
  // Whether events are being kept: someone is subscribed, or the last one left less than `linger`
  // ago. Relaxed reads (the writer checks it per commit); the clock is read only when nobody is.
  bool listening() const;
  // Called instead of publishing row events while nobody listens: forgets the ring and skips one id
  // (once per quiet spell), so resuming across the spell reports a gap.
  void skip_unheard();
  // Queues an SSE comment for every subscriber (the keep-alive a single timer sends every 15 s).
  void heartbeat();
  BusStats stats() const;
  const BusOptions& options() const { return options_; }

 private:
  friend class Subscription;
  void remove(Subscription* s);     // with mu_ held
  void deliver(const EventPtr& e);  // with mu_ held
  void count_subscribers();         // with mu_ held: publishes the count; the linger starts at 1 -> 0

  BusOptions options_;
  mutable std::mutex mu_;
  std::deque<EventPtr> ring_;
  std::vector<Subscription*> subs_;  // each stays alive while listed (the session holds it)
  std::int64_t next_id_ = 1;
  std::int64_t dropped_ = 0;
  bool unheard_ = false;                          // skip_unheard() ran since the last subscription
  std::atomic<std::size_t> subscribers_{0};       // subs_.size(), readable without the lock
  std::atomic<std::int64_t> linger_until_ns_{0};  // steady clock; set when the last subscriber leaves
};

// One SSE frame ("id: <id>\nevent: <type>\ndata: <envelope>\n\n"); the envelope is
// {"id","type","at","client_id" (null when none),"data"}.
std::string sse_frame(std::int64_t id, const Draft& d);

}  // namespace paratro::api::events
