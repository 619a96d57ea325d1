-- 003: per-client webhook endpoint and rate limit, and the webhook outbox. An event row is written
-- in the same transaction as the transaction change that causes it; a delivery row tracks the
-- sending of one event (a redelivery adds another delivery of the same event).
ALTER TABLE clients ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN rate_limit_per_second INTEGER NOT NULL DEFAULT 0;

CREATE TABLE webhook_events (
  seq           INTEGER PRIMARY KEY,
  event_id      TEXT NOT NULL UNIQUE,
  client_id     TEXT NOT NULL,
  tx_id         TEXT NOT NULL,
  event_type    TEXT NOT NULL,
  body          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX webhook_events_by_client ON webhook_events(client_id, seq);
CREATE INDEX webhook_events_by_tx ON webhook_events(tx_id, seq);

CREATE TABLE webhook_deliveries (
  seq                INTEGER PRIMARY KEY,
  delivery_id        TEXT NOT NULL UNIQUE,
  event_id           TEXT NOT NULL,
  client_id          TEXT NOT NULL,
  tx_id              TEXT NOT NULL,
  status             TEXT NOT NULL,          -- pending, succeeded, failed
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms    INTEGER NOT NULL,       -- virtual time of the next attempt; -1 when finished
  last_status_code   INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  last_latency_ms    INTEGER NOT NULL DEFAULT -1,
  last_attempt_at_ms INTEGER NOT NULL DEFAULT -1,
  last_url           TEXT NOT NULL DEFAULT '',
  created_at_ms      INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_ms) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries(event_id, seq);
CREATE INDEX webhook_deliveries_by_tx ON webhook_deliveries(tx_id, seq);
