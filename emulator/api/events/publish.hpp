// What the API publishes on the event bus: the builder the writer calls with each commit's changed
// rows (each turned into the resource as the API shows it), and the events that are not rows
// (clock moved, reset, restore, fault fired), published by the control plane directly.
//
// Types: wallet.created, wallet.updated, account.created, asset.created, balance.changed (the asset
// with its new balance), transaction.created, transaction.updated (every status or confirmation
// step), deposit.created, webhook.event.created, webhook.delivery.attempted, clock.moved,
// sandbox.reset, sandbox.restored, fault.fired, and stream.gap (events left out).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"
#include "emulator/store/row_change.hpp"

namespace paratro::api::events {

// Every type a subscriber can ask for with ?types=.
std::span<const std::string_view> event_types();

// The writer's ChangeBuilder for `s` (s.events must be set): reads each changed row through the
// store on the writer's connection and returns the publication of its events.
store::ChangeBuilder make_change_builder(Services& s);
// The gate beside it: true while someone subscribes; otherwise it tells the bus the changes went
// unheard (Bus::skip_unheard) and the writer skips them unread.
store::ChangeGate make_change_gate(Services& s);

// Publishes one event stamped with the virtual clock's now; nothing when s.events is null.
void publish(Services& s, std::string type, std::string client_id, std::string data_json);

}  // namespace paratro::api::events
