// Plain records the Store's methods take and return, besides the resources of domain/model.hpp:
// an operation call to admit, the ledger's totals, and the webhook outbox's events, deliveries and
// the dispatcher's jobs and outcomes. Declared apart from store.hpp to keep that header the
// Store's contract alone; Store re-exports each under its old name (Store::WebhookEvent, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::store {

// Which security factors GET /_sandbox/clients/{id}/security-factors lists.
struct SecurityFactorFilter {
  std::string chain;                              // "" matches all
  std::optional<domain::FactorType> factor_type;  // nullopt matches all
  std::optional<domain::FactorStatus> status;     // nullopt matches all
};

// A PROGRAM_CALL or CONTRACT_CALL (POST /api/v1/transactions) whose body already passed the
// stateless rules (domain/operation_call.hpp).
struct OperationCallRequest {
  std::string client_id;
  std::string chain;
  std::string from_address_key;
  std::string receive_address_key;
  std::string to_address;  // the counterparty paid by the outgoing leg
  std::string to_address_key;
  std::string out_symbol;  // what the caller pays, debited from from_address
  domain::Amount out_amount = 0;
  std::string out_token;  // how the request named it (for messages)
  std::string in_symbol;  // what the caller receives at receive_address on confirmation
  domain::Amount in_amount = 0;
  std::string in_token;
  bool engine_rejects = false;  // the signing engine refuses it: stored FAILED, nothing moves
};

struct SupplyRow {
  std::string chain, symbol;
  domain::Amount balance = 0, locked = 0, minted = 0, burned = 0;
};

struct WebhookEvent {
  std::string event_id, client_id, tx_id, event_type, body;
  std::int64_t created_at_ms = 0;
};
struct WebhookDelivery {
  std::string delivery_id, event_id, client_id, tx_id, event_type;
  domain::DeliveryStatus status = domain::DeliveryStatus::pending;
  std::int64_t attempts = 0;
  std::int64_t next_attempt_ms = -1;
  std::int64_t last_status_code = 0;
  std::string last_error;
  std::int64_t last_latency_ms = -1;
  std::int64_t last_attempt_at_ms = -1;
  std::string last_url;
  std::int64_t created_at_ms = 0, updated_at_ms = 0;
};
struct WebhookFilter {
  std::string client_id, tx_id, event_id, event_type;  // "" matches all
  std::optional<domain::DeliveryStatus> status;        // nullopt matches all
  int limit = 50;
};

// A delivery taken by the dispatcher: the event body and where it goes right now.
struct DeliveryJob {
  std::string delivery_id, event_id, event_type, client_id, body, url, secret;
  std::int64_t attempts = 0;  // attempts made before this one
};

struct DeliveryOutcome {
  std::string delivery_id;
  domain::DeliveryStatus status = domain::DeliveryStatus::pending;  // pending: retry at next_attempt_ms
  std::int64_t next_attempt_ms = -1;
  std::int64_t status_code = 0;
  std::string error;
  std::int64_t latency_ms = -1;
  std::int64_t attempted_at_ms = 0;
  std::string url;
};

}  // namespace paratro::store
