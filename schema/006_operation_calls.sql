-- 006: PROGRAM_CALL / CONTRACT_CALL. A call debits its outgoing leg like a transfer (the
-- transaction's own token_symbol and amount) and credits an incoming leg to the caller's receiving
-- address when it confirms; that leg is kept here, one row per call.
CREATE TABLE operation_legs (
  tx_id       TEXT PRIMARY KEY,
  chain       TEXT NOT NULL,
  address_key TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  amount      TEXT NOT NULL
) WITHOUT ROWID;
