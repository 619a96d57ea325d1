// Implementation of bus.hpp.
#include "emulator/api/events/bus.hpp"

#include <algorithm>

#include "emulator/api/json.hpp"

namespace paratro::api::events {
namespace {

constexpr std::size_t kMaxChunk = 64 * 1024;  // bytes handed to one socket write
constexpr std::string_view kKeepAlive = ": keep-alive\n\n";

std::string gap_frame(std::int64_t requested, std::int64_t oldest) {
  JsonWriter w;
  w.begin_object().field("requested", requested).field("oldest", oldest).end_object();
  return "event: stream.gap\ndata: " + w.take() + "\n\n";
}

}  // namespace

bool Filter::matches(const Event& e) const {
  if (!client_id.empty() && e.client_id != client_id) return false;
  return types.empty() || std::find(types.begin(), types.end(), e.type) != types.end();
}

std::string sse_frame(std::int64_t id, const Draft& d) {
  JsonWriter w;
  w.begin_object().field("id", id).field("type", d.type).field("at", d.at).key("client_id");
  if (d.client_id.empty()) {
    w.null();
  } else {
    w.str(d.client_id);
  }
  w.key("data").raw_object(d.data).end_object();
  std::string frame = "id: " + std::to_string(id) + "\nevent: " + d.type + "\ndata: ";
  frame += w.take();
  frame += "\n\n";
  return frame;
}

void Bus::publish(Draft draft) {
  std::vector<Draft> one;
  one.push_back(std::move(draft));
  publish(std::move(one));
}

void Bus::publish(std::vector<Draft> drafts) {
  if (drafts.empty()) return;
  std::lock_guard lock(mu_);
  for (auto& d : drafts) {
    auto e = std::make_shared<Event>();
    e->id = next_id_++;
    e->wire = sse_frame(e->id, d);
    e->type = std::move(d.type);
    e->client_id = std::move(d.client_id);
    EventPtr event = std::move(e);
    if (options_.ring > 0) {
      if (ring_.size() >= options_.ring) ring_.pop_front();
      ring_.push_back(event);
    }
    deliver(event);
  }
}

void Bus::deliver(const EventPtr& e) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < subs_.size(); ++i) {
    Subscription* s = subs_[i];
    bool keep = true;
    if (s->filter_.matches(*e)) {
      if (s->queue_.size() - s->replay_ >= options_.queue) {
        // Full: the subscriber is too slow for the stream. It ends; its session closes.
        s->ended_ = true;
        s->queue_.clear();
        s->replay_ = 0;
        ++dropped_;
        keep = false;
      } else {
        s->queue_.push_back(e);
      }
      if (s->wake_) s->wake_();
    }
    if (keep) subs_[kept++] = s;
  }
  subs_.resize(kept);
  count_subscribers();
}

namespace {
std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Bus::count_subscribers() {
  const std::size_t before = subscribers_.exchange(subs_.size(), std::memory_order_relaxed);
  if (before > 0 && subs_.empty()) {  // the last one left: the linger starts
    linger_until_ns_.store(steady_now_ns() + std::chrono::nanoseconds(options_.linger).count(),
                           std::memory_order_relaxed);
  }
}

bool Bus::listening() const {
  if (subscribers_.load(std::memory_order_relaxed) > 0) return true;
  return steady_now_ns() < linger_until_ns_.load(std::memory_order_relaxed);
}

void Bus::skip_unheard() {
  std::lock_guard lock(mu_);
  if (unheard_ || !subs_.empty() || steady_now_ns() < linger_until_ns_.load(std::memory_order_relaxed)) return;
  unheard_ = true;
  ring_.clear();
  ++next_id_;
}

std::shared_ptr<Subscription> Bus::subscribe(Filter filter, std::optional<std::int64_t> last_id) {
  auto sub = std::make_shared<Subscription>(shared_from_this(), std::move(filter));
  std::lock_guard lock(mu_);
  if (subs_.size() >= options_.subscribers) return nullptr;
  if (last_id) {
    const std::int64_t newest = next_id_ - 1;
    const std::int64_t oldest = ring_.empty() ? next_id_ : ring_.front()->id;
    // Older than the ring (events were forgotten), or newer than any event (an id of an earlier
    // process): the client cannot be brought up to date event by event.
    const bool gap = *last_id + 1 < oldest || *last_id > newest;
    if (gap) sub->preface_.push_back(gap_frame(*last_id, oldest));
    for (const auto& e : ring_) {
      if ((gap || e->id > *last_id) && sub->filter_.matches(*e)) sub->queue_.push_back(e);
    }
    sub->replay_ = sub->queue_.size();
  }
  subs_.push_back(sub.get());
  count_subscribers();
  unheard_ = false;
  return sub;
}

void Bus::heartbeat() {
  std::lock_guard lock(mu_);
  for (Subscription* s : subs_) {
    s->heartbeat_ = true;
    if (s->wake_) s->wake_();
  }
}

BusStats Bus::stats() const {
  std::lock_guard lock(mu_);
  BusStats st;
  st.published = next_id_ - 1;
  st.dropped = dropped_;
  st.subscribers = subs_.size();
  st.ring = ring_.size();
  if (!ring_.empty()) {
    st.oldest = ring_.front()->id;
    st.newest = ring_.back()->id;
  }
  return st;
}

void Bus::remove(Subscription* s) {
  std::erase(subs_, s);
  count_subscribers();
}

void Subscription::open(std::function<void()> wake) {
  std::lock_guard lock(bus_->mu_);
  wake_ = std::move(wake);
  if (!preface_.empty() || !queue_.empty() || ended_) wake_();
}

bool Subscription::next(std::string& out) {
  std::lock_guard lock(bus_->mu_);
  if (ended_) return false;
  while (!preface_.empty() && out.size() < kMaxChunk) {
    out += preface_.front();
    preface_.pop_front();
  }
  while (!queue_.empty() && out.size() < kMaxChunk) {
    out += queue_.front()->wire;
    queue_.pop_front();
    if (replay_ > 0) --replay_;
  }
  if (heartbeat_ && out.empty()) out += kKeepAlive;  // only needed when nothing else is sent
  heartbeat_ = false;  // what is left beyond this chunk is taken when the session's write is done
  return true;
}

Subscription::~Subscription() { close(); }

bool Subscription::ended() const {
  std::lock_guard lock(bus_->mu_);
  return ended_;
}

void Subscription::close() {
  std::lock_guard lock(bus_->mu_);
  if (!ended_) bus_->remove(this);
  ended_ = true;
  wake_ = nullptr;
  queue_.clear();
  preface_.clear();
}

}  // namespace paratro::api::events
