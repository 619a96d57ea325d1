-- 004: the gateway of 2026-09 next to that of 2026-04 (see domain/api_version.hpp).
-- Every client is pinned to an API version; an operations policy lets it use PROGRAM_CALL and
-- CONTRACT_CALL (empty: none); require_whitelist refuses destinations not on its whitelist.
ALTER TABLE clients ADD COLUMN api_version TEXT NOT NULL DEFAULT '2026-04';
ALTER TABLE clients ADD COLUMN operations_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN require_whitelist INTEGER NOT NULL DEFAULT 0;

-- POST /api/v1/transactions: the caller's reference (unique per client whatever the status), the
-- operation that created the row, and its call data (hex, "" for plain transfers).
ALTER TABLE transactions ADD COLUMN reference_id TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN operation TEXT NOT NULL DEFAULT 'TRANSFER';
ALTER TABLE transactions ADD COLUMN call_data TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX transactions_by_reference ON transactions(client_id, reference_id) WHERE reference_id <> '';

-- Idempotency-Key: the first 2xx answer under (client, key), replayed until expires_at_ms.
CREATE TABLE idempotency_keys (
  client_id     TEXT NOT NULL,
  idem_key      TEXT NOT NULL,
  route         TEXT NOT NULL,
  status        INTEGER NOT NULL,
  body          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (client_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_by_expiry ON idempotency_keys(expires_at_ms);

-- Address whitelists and blacklists per client and chain (managed through /_sandbox, as the real
-- platform manages them in its portal).
CREATE TABLE security_factors (
  seq           INTEGER PRIMARY KEY,
  factor_id     TEXT NOT NULL UNIQUE,
  client_id     TEXT NOT NULL,
  factor_type   TEXT NOT NULL,
  chain         TEXT NOT NULL,
  address       TEXT NOT NULL,
  address_key   TEXT NOT NULL,
  label         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (client_id, chain, address_key, factor_type)
);
CREATE INDEX security_factors_by_client ON security_factors(client_id, seq);
