-- 005: transaction lists whose cost does not grow with the table. Every transaction gets its
-- 1-based position in each list the API offers (the client's, its wallet's, its account's and the
-- client's on its chain), and list_counters holds each list's length. Both are kept by a trigger
-- in the transaction that inserts the row, so a total is one lookup and page P of a list is a
-- range seek on (list, rank) instead of a COUNT(*) and an OFFSET scan. Rows are never deleted
-- (reset and restore replace the whole database), so ranks stay dense.
CREATE TABLE list_counters (
  scope TEXT NOT NULL,  -- 'client', 'wallet', 'account', 'chain'
  id    TEXT NOT NULL,  -- client_id, wallet_id, account_id, or client_id || '/' || chain
  n     INTEGER NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;

ALTER TABLE transactions ADD COLUMN client_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN wallet_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN account_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN chain_rank INTEGER NOT NULL DEFAULT 0;

UPDATE transactions SET client_rank = r.cr, wallet_rank = r.wr, account_rank = r.ar, chain_rank = r.hr
FROM (SELECT seq,
             ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY seq) AS cr,
             ROW_NUMBER() OVER (PARTITION BY wallet_id ORDER BY seq) AS wr,
             ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY seq) AS ar,
             ROW_NUMBER() OVER (PARTITION BY client_id, chain ORDER BY seq) AS hr
      FROM transactions) AS r
WHERE transactions.seq = r.seq;

INSERT INTO list_counters (scope, id, n) SELECT 'client', client_id, COUNT(*) FROM transactions GROUP BY client_id;
INSERT INTO list_counters (scope, id, n) SELECT 'wallet', wallet_id, COUNT(*) FROM transactions GROUP BY wallet_id;
INSERT INTO list_counters (scope, id, n) SELECT 'account', account_id, COUNT(*) FROM transactions GROUP BY account_id;
INSERT INTO list_counters (scope, id, n)
  SELECT 'chain', client_id || '/' || chain, COUNT(*) FROM transactions GROUP BY client_id, chain;

DROP INDEX transactions_by_client;
DROP INDEX transactions_by_wallet;
DROP INDEX transactions_by_account;
CREATE INDEX transactions_by_client ON transactions(client_id, client_rank);
CREATE INDEX transactions_by_wallet ON transactions(wallet_id, wallet_rank);
CREATE INDEX transactions_by_account ON transactions(account_id, account_rank);
CREATE INDEX transactions_by_chain ON transactions(client_id, chain, chain_rank);

CREATE TRIGGER transactions_ranked AFTER INSERT ON transactions
BEGIN
  INSERT INTO list_counters (scope, id, n) VALUES ('client', NEW.client_id, 1)
    ON CONFLICT (scope, id) DO UPDATE SET n = n + 1;
  INSERT INTO list_counters (scope, id, n) VALUES ('wallet', NEW.wallet_id, 1)
    ON CONFLICT (scope, id) DO UPDATE SET n = n + 1;
  INSERT INTO list_counters (scope, id, n) VALUES ('account', NEW.account_id, 1)
    ON CONFLICT (scope, id) DO UPDATE SET n = n + 1;
  INSERT INTO list_counters (scope, id, n) VALUES ('chain', NEW.client_id || '/' || NEW.chain, 1)
    ON CONFLICT (scope, id) DO UPDATE SET n = n + 1;
  UPDATE transactions SET
    client_rank = (SELECT n FROM list_counters WHERE scope = 'client' AND id = NEW.client_id),
    wallet_rank = (SELECT n FROM list_counters WHERE scope = 'wallet' AND id = NEW.wallet_id),
    account_rank = (SELECT n FROM list_counters WHERE scope = 'account' AND id = NEW.account_id),
    chain_rank = (SELECT n FROM list_counters WHERE scope = 'chain' AND id = NEW.client_id || '/' || NEW.chain)
  WHERE seq = NEW.seq;
END;
