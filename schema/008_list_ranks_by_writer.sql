-- 008: the list positions of migration 005 are now assigned by the store in the statement pair that
-- inserts a transaction (one upsert of the four counters returning their new lengths, then the row
-- with its four ranks), not by an AFTER INSERT trigger. The trigger rewrote every new row a second
-- time and so updated each of its four list indexes twice; on the write path it cost more than the
-- rest of a transfer's inserts together. Counters, ranks and indexes keep their meaning.
DROP TRIGGER transactions_ranked;
