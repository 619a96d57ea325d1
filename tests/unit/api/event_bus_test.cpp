// Unit tests for the event bus (api/events/bus.hpp): numbering, the ring's bound and resumption
// (including stream.gap), filters, the subscriber cap, and the drop of a subscriber whose queue fills.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emulator/api/events/bus.hpp"

namespace events = paratro::api::events;

namespace {

events::Draft draft(std::string type, std::string client = "") {
  return events::Draft{std::move(type), std::move(client), "2026-01-01T00:00:00Z", "{\"n\":1}"};
}

// The ids (or "gap") of every frame a subscription has ready.
std::vector<std::string> frames(events::Subscription& s) {
  std::string out;
  REQUIRE(s.next(out));
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while ((pos = out.find("\n\n")) != std::string::npos) {
    const std::string frame = out.substr(0, pos);
    out.erase(0, pos + 2);
    if (frame.rfind("id: ", 0) == 0) {
      ids.push_back(frame.substr(4, frame.find('\n') - 4));
    } else if (frame.find("event: stream.gap") != std::string::npos) {
      ids.push_back("gap");
    } else {
      ids.push_back("comment");
    }
  }
  return ids;
}

}  // namespace

TEST_CASE("event bus: ids increase and frames carry the envelope") {
  auto bus = std::make_shared<events::Bus>();
  auto s = bus->subscribe({}, std::nullopt);
  REQUIRE(s);
  bus->publish(draft("clock.moved"));
  bus->publish(draft("wallet.created", "c1"));
  std::string out;
  REQUIRE(s->next(out));
  CHECK(out ==
        "id: 1\nevent: clock.moved\ndata: {\"id\":1,\"type\":\"clock.moved\",\"at\":\"2026-01-01T00:00:00Z\","
        "\"client_id\":null,\"data\":{\"n\":1}}\n\n"
        "id: 2\nevent: wallet.created\ndata: {\"id\":2,\"type\":\"wallet.created\",\"at\":\"2026-01-01T00:00:00Z\","
        "\"client_id\":\"c1\",\"data\":{\"n\":1}}\n\n");
}

TEST_CASE("event bus: the ring keeps the newest events and resumption reports a gap") {
  auto bus = std::make_shared<events::Bus>(events::BusOptions{4, 8, 16});
  for (int i = 0; i < 10; ++i) bus->publish(draft("clock.moved"));
  const auto st = bus->stats();
  CHECK(st.ring == 4);
  CHECK(st.oldest == 7);
  CHECK(st.newest == 10);
  SUBCASE("within the ring: exactly the missed events") {
    auto s = bus->subscribe({}, 8);
    CHECK(frames(*s) == std::vector<std::string>{"9", "10"});
  }
  SUBCASE("up to date: nothing") {
    auto s = bus->subscribe({}, 10);
    CHECK(frames(*s).empty());
  }
  SUBCASE("older than the ring: a gap, then the whole ring") {
    auto s = bus->subscribe({}, 2);
    CHECK(frames(*s) == std::vector<std::string>{"gap", "7", "8", "9", "10"});
  }
  SUBCASE("just before the oldest: no gap") {
    auto s = bus->subscribe({}, 6);
    CHECK(frames(*s) == std::vector<std::string>{"7", "8", "9", "10"});
  }
  SUBCASE("newer than any event (an earlier process): a gap") {
    auto s = bus->subscribe({}, 99);
    CHECK(frames(*s) == std::vector<std::string>{"gap", "7", "8", "9", "10"});
  }
}

TEST_CASE("event bus: type and client filters") {
  auto bus = std::make_shared<events::Bus>();
  events::Filter by_type;
  by_type.types = {"wallet.created"};
  events::Filter by_client;
  by_client.client_id = "c1";
  auto a = bus->subscribe(by_type, std::nullopt);
  auto b = bus->subscribe(by_client, std::nullopt);
  bus->publish({draft("clock.moved"), draft("wallet.created", "c2"), draft("account.created", "c1")});
  CHECK(frames(*a) == std::vector<std::string>{"2"});
  CHECK(frames(*b) == std::vector<std::string>{"3"});  // clientless events are left out
}

TEST_CASE("event bus: the subscriber cap, and a closed subscriber frees its slot") {
  auto bus = std::make_shared<events::Bus>(events::BusOptions{16, 2, 16});
  auto a = bus->subscribe({}, std::nullopt);
  auto b = bus->subscribe({}, std::nullopt);
  CHECK(a);
  CHECK(b);
  CHECK_FALSE(bus->subscribe({}, std::nullopt));
  a->close();
  CHECK(bus->stats().subscribers == 1);
  CHECK(bus->subscribe({}, std::nullopt));
}

TEST_CASE("event bus: a subscriber whose queue is full is dropped, others are not") {
  auto bus = std::make_shared<events::Bus>(events::BusOptions{64, 4, 3});
  auto slow = bus->subscribe({}, std::nullopt);
  auto fast = bus->subscribe({}, std::nullopt);
  int woken = 0;
  slow->open([&woken] { ++woken; });
  fast->open([] {});
  for (int i = 0; i < 3; ++i) {
    bus->publish(draft("clock.moved"));
    CHECK(frames(*fast).size() == 1);  // keeps up
  }
  CHECK_FALSE(slow->ended());
  bus->publish(draft("clock.moved"));  // the fourth does not fit the slow one's queue of 3
  CHECK(slow->ended());
  CHECK(woken >= 4);  // woken for the drop too, so its session closes the connection
  std::string out;
  CHECK_FALSE(slow->next(out));
  CHECK(out.empty());
  CHECK(frames(*fast).size() == 1);
  CHECK(bus->stats().dropped == 1);
  CHECK(bus->stats().subscribers == 1);
  // The replay of a resuming subscriber does not count against its queue.
  auto resumed = bus->subscribe({}, 0);
  bus->publish(draft("clock.moved"));
  CHECK_FALSE(resumed->ended());
  CHECK(frames(*resumed).size() == 5);  // a replay of 4 beyond the queue of 3, then one live
}

TEST_CASE("event bus: keep-alive comments only when nothing else is sent") {
  auto bus = std::make_shared<events::Bus>();
  auto s = bus->subscribe({}, std::nullopt);
  bus->heartbeat();
  CHECK(frames(*s) == std::vector<std::string>{"comment"});
  bus->heartbeat();
  bus->publish(draft("clock.moved"));
  CHECK(frames(*s) == std::vector<std::string>{"1"});
}

TEST_CASE("event bus: changes nobody heard make a later resume report a gap") {
  auto bus = std::make_shared<events::Bus>();
  bus->publish(draft("clock.moved"));  // id 1
  CHECK_FALSE(bus->listening());
  bus->skip_unheard();  // the writer skipped row events: the ring is forgotten, id 2 is skipped
  bus->skip_unheard();  // once per quiet spell
  CHECK(bus->stats().ring == 0);
  auto s = bus->subscribe({}, 1);
  CHECK(bus->listening());
  CHECK(frames(*s) == std::vector<std::string>{"gap"});
  bus->publish(draft("clock.moved"));
  CHECK(frames(*s) == std::vector<std::string>{"3"});
  bus->skip_unheard();  // someone listens: nothing is forgotten
  CHECK(bus->stats().ring == 1);
}

TEST_CASE("event bus: events are kept for the linger after the last subscriber leaves") {
  // A linger far longer than the test: the subscriber that comes back resumes without a gap.
  auto bus = std::make_shared<events::Bus>(events::BusOptions{16, 4, 16, std::chrono::hours(1)});
  CHECK_FALSE(bus->listening());  // nobody ever subscribed: nothing to linger for
  auto s = bus->subscribe({}, std::nullopt);
  bus->publish(draft("clock.moved"));  // id 1
  CHECK(frames(*s) == std::vector<std::string>{"1"});
  s.reset();  // the subscriber leaves
  CHECK(bus->listening());
  bus->skip_unheard();                 // the writer would not call it while listening(); even so nothing is forgotten
  bus->publish(draft("clock.moved"));  // id 2, while nobody is connected
  auto back = bus->subscribe({}, 1);
  CHECK(frames(*back) == std::vector<std::string>{"2"});

  // With no linger, the stream stops keeping events the moment the last subscriber leaves.
  auto quick = std::make_shared<events::Bus>(events::BusOptions{16, 4, 16, std::chrono::seconds(0)});
  auto q = quick->subscribe({}, std::nullopt);
  CHECK(quick->listening());
  q.reset();
  CHECK_FALSE(quick->listening());
}
