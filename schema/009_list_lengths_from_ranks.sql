-- 009: a list's length is its highest rank. Rows are never deleted (reset and restore replace the
-- whole database) and each insert takes rank n + 1 of every list it joins, so the newest row of a
-- list carries the list's length, and MAX(rank) on the list's index is a single seek. The store
-- reads the four lengths that way when it inserts a row and when it answers a total, so
-- list_counters, a second copy of the same numbers written on every insert, goes.
DROP TABLE list_counters;
