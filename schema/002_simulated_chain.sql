-- 002: the simulated chain. Balances move from assets to a closed-world ledger keyed by
-- (chain, address, token), so funds sent to an owned address exist before its asset is added;
-- `supply` counts what entered (deposits, sandbox grants) and left (sends to foreign addresses) the
-- world, which makes the ledger invariant checkable. Transactions get their due time and forced
-- outcome; an inbound twin of an internal transfer points at its outbound original.
CREATE TABLE balances (
  chain       TEXT NOT NULL,
  address_key TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  balance     TEXT NOT NULL,
  locked      TEXT NOT NULL,
  PRIMARY KEY (chain, address_key, symbol)
) WITHOUT ROWID;

CREATE TABLE supply (
  chain  TEXT NOT NULL,
  symbol TEXT NOT NULL,
  minted TEXT NOT NULL,
  burned TEXT NOT NULL,
  PRIMARY KEY (chain, symbol)
) WITHOUT ROWID;

INSERT INTO balances (chain, address_key, symbol, balance, locked)
  SELECT chain, address_key, symbol, balance, locked_balance FROM assets;

ALTER TABLE transactions ADD COLUMN next_due_ms INTEGER;
ALTER TABLE transactions ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN required_confirmations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN origin TEXT NOT NULL DEFAULT 'api';
ALTER TABLE transactions ADD COLUMN twin_of TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN to_address_key TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN failure_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN confirmed_at_ms INTEGER;
CREATE INDEX transactions_due ON transactions(next_due_ms, seq) WHERE next_due_ms IS NOT NULL;
CREATE INDEX transactions_twin ON transactions(twin_of) WHERE twin_of <> '';
-- Transfers written by version 1 never moved past PENDING; let the scheduler pick them up.
UPDATE transactions SET next_due_ms = updated_at_ms WHERE status NOT IN ('CONFIRMED', 'FAILED');
