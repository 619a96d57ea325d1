// Pagination parsing and resource serialisation (params.hpp).
#include "emulator/api/params.hpp"

#include <algorithm>

#include "emulator/domain/clock.hpp"
#include "emulator/domain/number.hpp"

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;

namespace {

domain::Result<std::int64_t> page_number(const ApiRequest& r, const char* name, std::int64_t fallback) {
  const std::string* v = r.query_param(name);
  if (!v || v->empty()) return fallback;
  std::int64_t n = 0;
  if (!domain::parse_digits(*v, n) || n > 1'000'000'000) {
    return make_error(ErrorCode::invalid_parameter, std::string(name) + " must be a positive integer");
  }
  return n == 0 ? fallback : n;
}

}  // namespace

domain::Result<domain::PageRequest> parse_page(const ApiRequest& r) {
  auto page = page_number(r, "page", 1);
  if (!page) return page.error();
  auto size = page_number(r, "page_size", 20);
  if (!size) return size.error();
  return domain::PageRequest{*page, std::min<std::int64_t>(*size, 100)};
}

void write_wallet(JsonWriter& w, const domain::WalletRecord& x) {
  w.begin_object()
      .field("wallet_id", x.wallet_id)
      .field("client_id", x.client_id)
      .field("wallet_name", x.wallet_name)
      .field("description", x.description)
      .field("status", domain::to_string(x.status))
      .field("key_status", domain::to_string(x.key_status))
      .field("created_at", domain::rfc3339(x.created_at_ms))
      .field("updated_at", domain::rfc3339(x.updated_at_ms))
      .end_object();
}

void write_account(JsonWriter& w, const domain::AccountRecord& x) {
  w.begin_object()
      .field("account_id", x.account_id)
      .field("wallet_id", x.wallet_id)
      .field("client_id", x.client_id)
      .field("chain", x.chain)
      .field("address", x.address)
      .field("network", x.network)
      .field("address_type", x.address_type)
      .field("account_type", x.account_type)
      .field("label", x.label)
      .field("status", domain::to_string(x.status))
      .field("created_at", domain::rfc3339(x.created_at_ms))
      .end_object();
}

void write_asset(JsonWriter& w, const domain::AssetRecord& x) {
  const auto d = static_cast<unsigned>(x.decimals);
  w.begin_object()
      .field("asset_id", x.asset_id)
      .field("account_id", x.account_id)
      .field("wallet_id", x.wallet_id)
      .field("client_id", x.client_id)
      .field("chain", x.chain)
      .field("network", x.network)
      .field("symbol", x.symbol)
      .field("name", x.name)
      .field("contract_address", x.contract_address)
      .field("decimals", x.decimals)
      .field("asset_type", x.asset_type)
      .field("balance", domain::format_amount(x.balance, d))
      .field("locked_balance", domain::format_amount(x.locked_balance, d))
      .field("is_active", x.is_active)
      .field("created_at", domain::rfc3339(x.created_at_ms))
      .end_object();
}

void write_transaction(JsonWriter& w, const domain::TransactionRecord& x) {
  w.begin_object()
      .field("tx_id", x.tx_id)
      .field("wallet_id", x.wallet_id)
      .field("account_id", x.account_id)
      .field("client_id", x.client_id)
      .field("chain", x.chain)
      .field("transaction_type", domain::to_string(x.transaction_type))
      .field("direction", domain::to_string(x.direction))
      .field("from_address", x.from_address)
      .field("to_address", x.to_address)
      .field("token_symbol", x.token_symbol)
      .field("amount", domain::format_amount(x.amount, static_cast<unsigned>(x.decimals)))
      .field("memo", x.memo)
      .field("status", domain::to_string(x.status))
      .field("tx_hash", x.tx_hash)
      .field("block_number", x.block_number)
      .field("confirmations", x.confirmations)
      .field("created_at", domain::rfc3339(x.created_at_ms))
      .field("updated_at", domain::rfc3339(x.updated_at_ms))
      .end_object();
}

void write_transaction_dto(JsonWriter& w, const domain::TransactionRecord& x) {
  // OUTBOUND for what the client sent, INTERNAL for a payment received from another account the
  // emulator hosts (the inbound twin of an internal transfer), INBOUND for deposits from outside,
  // X402_SETTLE for an x402 settlement (GO181 transaction.go).
  const std::string_view type = x.transaction_type == domain::TxType::x402_settle ? "X402_SETTLE"
                                : x.direction == domain::TxDirection::outbound    ? "OUTBOUND"
                                : x.origin == domain::TxOrigin::internal          ? "INTERNAL"
                                                                                  : "INBOUND";
  w.begin_object()
      .field("tx_id", x.tx_id)
      .field("wallet_id", x.wallet_id)
      .field("client_id", x.client_id)
      .field("chain", x.chain)
      .field("transaction_type", type)
      .field("from_address", x.from_address)
      .field("to_address", x.to_address)
      .field("token_symbol", x.token_symbol)
      .field("amount", domain::format_amount(x.amount, static_cast<unsigned>(x.decimals)))
      .field("status", domain::to_string(x.status))
      .field("tx_hash", x.tx_hash)
      .field("created_at", domain::rfc3339(x.created_at_ms))
      .field("risk_score", kUnscannedRiskScore)
      .field("risk_level", kUnscannedRiskLevel)
      .end_object();
}

TransactionWriter transaction_writer(domain::ApiVersion v) {
  return domain::traits(v).transaction_shape == domain::TransactionShape::dto ? write_transaction_dto
                                                                              : write_transaction;
}

void write_counts(JsonWriter& w, const store::Counts& c) {
  w.key("counts")
      .begin_object()
      .field("clients", c.clients)
      .field("wallets", c.wallets)
      .field("accounts", c.accounts)
      .field("assets", c.assets)
      .field("transactions", c.transactions)
      .field("pending_transactions", c.pending_transactions)
      .end_object();
}

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string ascii_upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace paratro::api
