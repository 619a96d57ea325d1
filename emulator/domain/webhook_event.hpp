// Transaction webhook events: which events a status change fires, their ids, and the exact JSON
// body the gateway sends (CONTRACT.md, "Webhooks": 26 fields, fixed JSON types). Pure functions:
// the store calls them inside the transaction that makes the change, so an event exists exactly
// when its change was committed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/model.hpp"

namespace paratro::domain {

// x402_settlement_confirmed: an x402 settlement credited to the seller (INBOUND, CONFIRMED); fired
// by the store's x402 settlement step, never by events_for_change.
enum class EventType { confirming, confirmed, failed, x402_settlement_confirmed };

// "transaction.confirming", "transaction.confirmed", "transaction.failed",
// "x402.settlement.confirmed".
std::string_view event_type_name(EventType type);
bool parse_event_type(std::string_view name, EventType& out);

// The events a change of `now` from (`old_status`, `old_confirmations`) fires: confirming on
// entering CONFIRMING (and, with `every_confirmation`, on each further confirmation while
// CONFIRMING), confirmed on entering CONFIRMED, failed on entering FAILED. An empty old status
// means the transaction did not exist before (an inbound twin created on the chain).
std::vector<EventType> events_for_change(std::string_view old_status, std::int64_t old_confirmations,
                                         const TransactionRecord& now, bool every_confirmation);

// A stable id for the event `type` of transaction `tx_id` at `confirmations`: the same change always
// has the same id (retries and redeliveries keep it), different changes never share one.
std::string make_event_id(std::string_view tx_id, EventType type, std::int64_t confirmations);

// The id of the `n`-th delivery (1-based) of event `event_id`.
std::string make_delivery_id(std::string_view event_id, std::int64_t n);

// The webhook body for `tx` (its current state) as event `event_id` of `type` at `event_time_ms`.
// Optional fields of the contract are never null except `confirmed_at`.
std::string render_event_body(const TransactionRecord& tx, EventType type, std::string_view event_id,
                              std::int64_t event_time_ms);

}  // namespace paratro::domain
