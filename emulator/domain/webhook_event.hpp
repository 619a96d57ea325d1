// Transaction webhook events: which events a status change fires, their ids, and the exact JSON
// body the gateway sends (CONTRACT.md, "Webhooks"; the gateway's webhook reference, see
// shared/gateway/sdk-1.8.md §6). Both depend on the receiving client's API version, read from its
// VersionTraits. Pure functions: the store calls them inside the transaction that makes the change,
// so an event exists exactly when its change was committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/api_version.hpp"
#include "emulator/domain/model.hpp"

namespace paratro::domain {

// x402_settlement_confirmed: an x402 settlement credited to the seller (INBOUND, CONFIRMED); fired
// by the store's x402 settlement step, never by events_for_change.
enum class EventType { confirming, confirmed, failed, credited, x402_settlement_confirmed };

// "transaction.confirming", "transaction.confirmed", "transaction.failed", "transfer.credited",
// "x402.settlement.confirmed".
std::string_view event_type_name(EventType type);
bool parse_event_type(std::string_view name, EventType& out);
// Whether a client of version `v` can receive events of `type` (transfer.credited needs
// internal_credit_event).
bool version_sends(const VersionTraits& v, EventType type);

// The events a change of `now` from (`old_status`, `old_confirmations`) fires for a receiver of
// version `v`: confirming on entering CONFIRMING (and, with `every_confirmation`, on each further
// confirmation while CONFIRMING) — for outbound transactions only when
// `v.outbound_confirming_event`; confirmed on entering CONFIRMED; failed on entering FAILED. The
// inbound twin of a payment between two emulator-hosted accounts (origin "internal") fires, when
// `v.internal_credit_event`, only transfer.credited on entering CONFIRMED. No old status means the
// transaction did not exist before (an inbound twin created on the chain).
std::vector<EventType> events_for_change(std::optional<TxStatus> old_status, std::int64_t old_confirmations,
                                         const TransactionRecord& now, bool every_confirmation, const VersionTraits& v);

// A stable id for the event `type` of transaction `tx_id` at `confirmations`: the same change always
// has the same id (retries and redeliveries keep it), different changes never share one. A UUID
// (RFC 9562 version 8, name-based on SHA-256), lower-case 8-4-4-4-12.
std::string make_event_id(std::string_view tx_id, EventType type, std::int64_t confirmations);

// The id of the `n`-th delivery (1-based) of event `event_id`.
std::string make_delivery_id(std::string_view event_id, std::int64_t n);

// The `operation` a webhook reports for `tx` as event `type`: TRANSFER for transfer.credited,
// X402 for x402.settlement.confirmed, DEPOSIT for inbound transactions, else the operation that created the outbound
// transaction (TRANSFER, PROGRAM_CALL, CONTRACT_CALL).
std::string_view webhook_operation(const TransactionRecord& tx, EventType type);

// The webhook body for `tx` (its current state) as event `event_id` of `type` at `event_time_ms`,
// for a receiver of version `v`: `amount` in the token's smallest unit, `contract_address` "" for
// native tokens, `data` the call data (hex) or "", risk fields as not scanned, `operation` when
// `v.webhook_operation_field`. Fields are never null except `confirmed_at`.
std::string render_event_body(const TransactionRecord& tx, EventType type, std::string_view event_id,
                              std::int64_t event_time_ms, const VersionTraits& v);

}  // namespace paratro::domain
