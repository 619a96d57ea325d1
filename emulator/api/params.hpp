// Query-string and representation helpers shared by the resource handlers: pagination, and the
// JSON shape of each resource exactly as CONTRACT.md lists its fields.
#pragma once

#include <string>

#include "emulator/api/json.hpp"
#include "emulator/api/request.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/store/store.hpp"

namespace paratro::api {

// `page` (from 1) and `page_size` (default 20, capped at 100). Absent or 0 means the default; a
// negative or non-integer value is invalid_parameter.
domain::Result<domain::PageRequest> parse_page(const ApiRequest& r);

void write_wallet(JsonWriter& w, const domain::WalletRecord& x);
void write_account(JsonWriter& w, const domain::AccountRecord& x);
void write_asset(JsonWriter& w, const domain::AssetRecord& x);
// The 2026-04 shape: transaction_type TRANSFER plus direction, block_number, confirmations, memo,
// account_id and updated_at.
void write_transaction(JsonWriter& w, const domain::TransactionRecord& x);
// The 2026-09 shape, the gateway's dto.TransactionResponse: exactly tx_id, wallet_id, client_id,
// chain, transaction_type (OUTBOUND / INBOUND / INTERNAL), from_address, to_address, token_symbol,
// amount, status, tx_hash, created_at, risk_score and risk_level (both strings; the emulator scans
// nothing, so "0" and "UNSCANNED").
void write_transaction_dto(JsonWriter& w, const domain::TransactionRecord& x);
inline constexpr std::string_view kUnscannedRiskScore = "0";
inline constexpr std::string_view kUnscannedRiskLevel = "UNSCANNED";
using TransactionWriter = void (*)(JsonWriter&, const domain::TransactionRecord&);
// The shape a client of API version `v` reads (VersionTraits::transaction_shape).
TransactionWriter transaction_writer(domain::ApiVersion v);

// `"counts": {"clients":N,...}`, the row counts the control plane reports.
void write_counts(JsonWriter& w, const store::Counts& c);

// `{"data":[...],"total":N,"has_more":b}` with each item written by `write`.
template <typename T, typename Write>
ApiResponse page_response(const domain::Page<T>& page, Write write) {
  constexpr std::size_t kRowBytes = 512;  // a generous row of any list (a wallet is about 330)
  JsonWriter w(64 + page.items.size() * kRowBytes);
  w.begin_object().key("data").begin_array();
  for (const auto& item : page.items) write(w, item);
  w.end_array().field("total", page.total).field("has_more", page.has_more).end_object();
  return json_response(200, w.take());
}

template <typename T, typename Write>
ApiResponse one_response(const T& item, Write write) {
  JsonWriter w;
  write(w, item);
  return json_response(200, w.take());
}

// Lowercases ASCII (chain names are matched case-insensitively).
std::string ascii_lower(std::string s);
std::string ascii_upper(std::string s);

}  // namespace paratro::api
