-- 011: the wallet list as 005 and 009 made the transaction lists: every wallet carries its 1-based
-- position in its client's list, so the list's length is the highest rank (one seek on the index
-- below) and page P is a range seek on it, instead of a COUNT(*) over the client's wallets (at the
-- limit of 100 wallets, about as much work as the rest of a 20-row page) and an OFFSET scan. Wallets
-- are never deleted (reset and restore replace the whole database), so ranks stay dense; the store
-- gives each new wallet the next rank in its INSERT.
ALTER TABLE wallets ADD COLUMN client_rank INTEGER NOT NULL DEFAULT 0;

UPDATE wallets SET client_rank = r.cr
FROM (SELECT seq, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY seq) AS cr FROM wallets) AS r
WHERE wallets.seq = r.seq;

DROP INDEX wallets_by_client;
CREATE INDEX wallets_by_client ON wallets(client_id, client_rank);
