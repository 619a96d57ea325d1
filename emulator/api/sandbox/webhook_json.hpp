// The JSON shapes of the webhook outbox as the control plane shows them (GET /_sandbox/webhooks/*,
// GET /_sandbox/transactions/{id}): one writer each, so every endpoint prints them alike.
#pragma once

#include "emulator/api/json.hpp"
#include "emulator/store/store.hpp"

namespace paratro::api {

// {delivery_id, event_id, event_type, tx_id, client_id, status, attempts, next_attempt_at,
//  last_status_code, last_error, last_latency_ms, last_attempt_at, url, created_at}
void write_delivery(JsonWriter& w, const store::Store::WebhookDelivery& d);
// {event_id, event_type, tx_id, client_id, created_at, payload}
void write_event(JsonWriter& w, const store::Store::WebhookEvent& e);

}  // namespace paratro::api
