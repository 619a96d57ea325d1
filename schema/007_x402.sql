-- 007: x402 payments. One row per settlement record: an authorization the emulator signed for a
-- client (POST /x402/sign: X402_SIGNED, its amount locked on the payer's USDC balance until it is
-- settled or expires) or a settlement a client asked for (POST /x402/settle: PROCESSING while its
-- X402_SETTLE transaction is on the chain, then SETTLED or FAILED). A settled authorization's
-- nonce is "used" (EIP-3009 authorizationState) while a row for it is PROCESSING or SETTLED.
CREATE TABLE x402_settlements (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  tx_id         TEXT NOT NULL UNIQUE,
  client_id     TEXT NOT NULL,
  kind          TEXT NOT NULL,           -- SIGN or SETTLE
  chain         TEXT NOT NULL,           -- the emulator's chain
  network       TEXT NOT NULL,           -- as the request named it ("base", "eip155:8453")
  chain_id      INTEGER NOT NULL,
  from_address  TEXT NOT NULL,
  from_key      TEXT NOT NULL,
  to_address    TEXT NOT NULL,
  to_key        TEXT NOT NULL,
  amount        TEXT NOT NULL,           -- base units
  decimals      INTEGER NOT NULL,
  nonce         TEXT NOT NULL,           -- 0x + 64 lowercase hex
  eip712_hash   TEXT NOT NULL,
  signature_v   INTEGER NOT NULL,
  signature_r   TEXT NOT NULL,
  signature_s   TEXT NOT NULL,
  valid_after   INTEGER NOT NULL,
  valid_before  INTEGER NOT NULL,        -- clamped to 2^63-1
  signed_by     TEXT NOT NULL,           -- PARATRO (the sign endpoint) or EXTERNAL
  status        TEXT NOT NULL,
  locked        TEXT NOT NULL DEFAULT '0', -- held in the payer's locked balance by this row
  payer_owned   INTEGER NOT NULL DEFAULT 0,
  settle_tx_id  TEXT NOT NULL DEFAULT '', -- SIGN rows: the settlement that consumed them
  expires_at_ms INTEGER,                 -- X402_SIGNED rows: when they become EXPIRED
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX x402_settlements_nonce ON x402_settlements(chain_id, from_key, nonce);
CREATE INDEX x402_settlements_client ON x402_settlements(client_id, seq);
CREATE INDEX x402_settlements_expiry ON x402_settlements(expires_at_ms) WHERE expires_at_ms IS NOT NULL;

-- Paid resources of the control plane (/_sandbox/x402/resources): content behind an x402 paywall.
CREATE TABLE x402_resources (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_id   TEXT NOT NULL UNIQUE,
  client_id     TEXT NOT NULL,           -- the owner of pay_to: the seller who settles
  chain         TEXT NOT NULL,
  network       TEXT NOT NULL,           -- x402 v1 name
  pay_to        TEXT NOT NULL,
  amount        TEXT NOT NULL,           -- price in base units
  description   TEXT NOT NULL,
  mime_type     TEXT NOT NULL,
  content       TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
