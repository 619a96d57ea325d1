// Implementation of publish.hpp.
#include "emulator/api/events/publish.hpp"

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "emulator/api/events/bus.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/sandbox/webhook_json.hpp"
#include "emulator/domain/clock.hpp"

namespace paratro::api::events {
namespace {

using Kind = store::RowChange::Kind;

constexpr std::string_view kTypes[] = {
    "wallet.created",
    "wallet.updated",
    "account.created",
    "asset.created",
    "balance.changed",
    "transaction.created",
    "transaction.updated",
    "deposit.created",
    "webhook.event.created",
    "webhook.delivery.attempted",
    "clock.moved",
    "sandbox.reset",
    "sandbox.restored",
    "fault.fired",
    "stream.gap",
};

template <typename T, typename Write>
std::string shape(const T& item, Write write) {
  JsonWriter w;
  write(w, item);
  return w.take();
}

// The events of one changed row, appended to `out`.
void build_one(Services& s, const store::RowChange& c, const std::string& at, std::vector<Draft>& out) {
  auto add = [&](std::string_view type, std::string data) {
    out.push_back(Draft{std::string(type), c.client_id, at, std::move(data)});
  };
  switch (c.kind) {
    case Kind::wallet:
      if (auto w = s.store.find_wallet(c.client_id, c.id))
        add(c.inserted ? "wallet.created" : "wallet.updated", shape(*w, write_wallet));
      break;
    case Kind::account:
      if (!c.inserted) break;  // accounts change no field a client sees after creation
      if (auto a = s.store.find_account(c.client_id, c.id)) add("account.created", shape(*a, write_account));
      break;
    case Kind::asset:
      if (!c.inserted) break;  // balances are reported through Kind::balance
      if (auto a = s.store.find_asset(c.client_id, c.id)) add("asset.created", shape(*a, write_asset));
      break;
    case Kind::balance:
      if (auto a = s.store.find_asset(c.client_id, c.id)) add("balance.changed", shape(*a, write_asset));
      break;
    case Kind::transaction:
      if (auto t = s.store.find_transaction_any(c.id)) {
        t->confirmations = s.scheduler.chains().confirmations_at(*t, s.clock.now_ms());  // as GET shows it
        // The 2026-04 shape, the one with confirmations and block_number, whatever the client's version.
        std::string data = shape(*t, write_transaction);
        if (c.inserted && t->origin == domain::TxOrigin::deposit) add("deposit.created", data);
        add(c.inserted ? "transaction.created" : "transaction.updated", std::move(data));
      }
      break;
    case Kind::webhook_event:
      if (!c.inserted) break;
      if (auto e = s.store.find_webhook_event(c.id)) add("webhook.event.created", shape(*e, write_event));
      break;
    case Kind::webhook_delivery:
      if (c.inserted) break;  // a delivery is shown when an attempt is made
      // change_capture only reports deliveries an attempt finished (pending again, succeeded, failed).
      if (auto d = s.store.find_webhook_delivery(c.id)) add("webhook.delivery.attempted", shape(*d, write_delivery));
      break;
  }
}

}  // namespace

std::span<const std::string_view> event_types() { return kTypes; }

store::ChangeBuilder make_change_builder(Services& s) {
  return [&s](const std::vector<store::RowChange>& changes, std::int64_t skipped) -> std::function<void()> {
    if (!s.events->listening()) {  // nobody to tell: no reads, no JSON (see Bus::skip_unheard)
      s.events->skip_unheard();
      return {};
    }
    const std::string at = domain::format_rfc3339(s.clock.now_ms());
    std::vector<Draft> drafts;
    drafts.reserve(changes.size() + 1);
    std::set<std::pair<Kind, std::string>> seen;  // a balance row can change twice in one commit
    for (const auto& c : changes) {
      if (!seen.emplace(c.kind, c.id).second) continue;
      build_one(s, c, at, drafts);
    }
    if (skipped > 0) {
      // One exclusive operation (a long advance) changed more rows than the ring holds: the rest are
      // left out, and subscribers learn to reload the state.
      JsonWriter w;
      w.begin_object()
          .field("skipped", skipped)
          .field("reason", "one operation changed more rows than the event ring holds")
          .end_object();
      drafts.push_back(Draft{"stream.gap", "", at, w.take()});
    }
    if (drafts.empty()) return {};
    return [bus = s.events, drafts = std::move(drafts)]() mutable { bus->publish(std::move(drafts)); };
  };
}

store::ChangeGate make_change_gate(Services& s) {
  return [&s] {
    if (s.events->listening()) return true;
    s.events->skip_unheard();
    return false;
  };
}

void publish(Services& s, std::string type, std::string client_id, std::string data_json) {
  if (!s.events) return;
  s.events->publish(
      Draft{std::move(type), std::move(client_id), domain::format_rfc3339(s.clock.now_ms()), std::move(data_json)});
}

}  // namespace paratro::api::events
