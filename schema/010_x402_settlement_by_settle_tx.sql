-- 010: each lifecycle step of an x402 settlement updates its row and the SIGN row it consumed
-- (WHERE tx_id = ? OR settle_tx_id = ?). With no index on settle_tx_id that OR scanned the whole
-- table on every step: 5,000 settlements beside 16,000 signed authorizations made a clock advance
-- take ten times as long as the 100,000 plain transfers in it. With this index both terms are
-- seeks (a multi-index OR).
CREATE INDEX x402_settlements_by_settle_tx ON x402_settlements(settle_tx_id);
