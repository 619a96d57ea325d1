-- 001: the gateway's resources. Amounts are TEXT holding integer base units (they exceed 64 bits);
-- `seq` gives every row a stable creation order, which lists use newest first.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE clients (
  seq               INTEGER PRIMARY KEY,
  client_id         TEXT NOT NULL UNIQUE,
  client_name       TEXT NOT NULL,
  api_key           TEXT NOT NULL UNIQUE,
  secret_salt       TEXT NOT NULL,
  secret_hash       TEXT NOT NULL,
  status            TEXT NOT NULL,
  subscription_tier TEXT NOT NULL,
  max_wallets       INTEGER NOT NULL,
  created_at_ms     INTEGER NOT NULL
);

CREATE TABLE wallets (
  seq              INTEGER PRIMARY KEY,
  wallet_id        TEXT NOT NULL UNIQUE,
  client_id        TEXT NOT NULL REFERENCES clients(client_id),
  wallet_name      TEXT NOT NULL,
  description      TEXT NOT NULL,
  status           TEXT NOT NULL,
  key_status       TEXT NOT NULL,
  secp256k1_secret BLOB NOT NULL,
  ed25519_seed     BLOB NOT NULL,
  key_ready_at_ms  INTEGER NOT NULL,
  created_at_ms    INTEGER NOT NULL,
  updated_at_ms    INTEGER NOT NULL
);
CREATE INDEX wallets_by_client ON wallets(client_id, seq);
CREATE INDEX wallets_generating ON wallets(key_ready_at_ms) WHERE status = 'PROGRESSING';

CREATE TABLE accounts (
  seq           INTEGER PRIMARY KEY,
  account_id    TEXT NOT NULL UNIQUE,
  wallet_id     TEXT NOT NULL REFERENCES wallets(wallet_id),
  client_id     TEXT NOT NULL,
  chain         TEXT NOT NULL,
  network       TEXT NOT NULL,
  address       TEXT NOT NULL,
  address_key   TEXT NOT NULL, -- address as matched: lowercase for EVM, verbatim elsewhere
  address_type  TEXT NOT NULL,
  account_type  TEXT NOT NULL,
  label         TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX accounts_by_client ON accounts(client_id, seq);
CREATE INDEX accounts_by_wallet ON accounts(wallet_id, seq);
CREATE INDEX accounts_by_address ON accounts(address_key, chain);

CREATE TABLE assets (
  seq              INTEGER PRIMARY KEY,
  asset_id         TEXT NOT NULL UNIQUE,
  account_id       TEXT NOT NULL REFERENCES accounts(account_id),
  wallet_id        TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  chain            TEXT NOT NULL,
  network          TEXT NOT NULL,
  address_key      TEXT NOT NULL,
  symbol           TEXT NOT NULL,
  name             TEXT NOT NULL,
  contract_address TEXT NOT NULL,
  decimals         INTEGER NOT NULL,
  asset_type       TEXT NOT NULL,
  balance          TEXT NOT NULL,
  locked_balance   TEXT NOT NULL,
  is_active        INTEGER NOT NULL,
  created_at_ms    INTEGER NOT NULL,
  UNIQUE (account_id, chain, symbol)
);
CREATE INDEX assets_by_client ON assets(client_id, seq);
CREATE INDEX assets_by_account ON assets(account_id, seq);
CREATE INDEX assets_by_source ON assets(client_id, address_key, chain, symbol);

CREATE TABLE transactions (
  seq              INTEGER PRIMARY KEY,
  tx_id            TEXT NOT NULL UNIQUE,
  wallet_id        TEXT NOT NULL,
  account_id       TEXT NOT NULL,
  asset_id         TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  chain            TEXT NOT NULL,
  transaction_type TEXT NOT NULL,
  direction        TEXT NOT NULL,
  from_address     TEXT NOT NULL,
  to_address       TEXT NOT NULL,
  token_symbol     TEXT NOT NULL,
  amount           TEXT NOT NULL,
  decimals         INTEGER NOT NULL,
  memo             TEXT NOT NULL,
  status           TEXT NOT NULL,
  tx_hash          TEXT NOT NULL,
  block_number     INTEGER NOT NULL,
  confirmations    INTEGER NOT NULL,
  created_at_ms    INTEGER NOT NULL,
  updated_at_ms    INTEGER NOT NULL
);
CREATE INDEX transactions_by_client ON transactions(client_id, seq);
CREATE INDEX transactions_by_wallet ON transactions(wallet_id, seq);
CREATE INDEX transactions_by_account ON transactions(account_id, seq);
