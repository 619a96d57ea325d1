// Event selection, ids and bodies of transaction webhooks; see webhook_event.hpp.
#include "emulator/domain/webhook_event.hpp"
#include "emulator/domain/json_writer.hpp"

#include <array>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/amount.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::domain {

namespace {

constexpr std::array kEventTypes{EventType::confirming, EventType::confirmed, EventType::failed, EventType::credited,
                                 EventType::x402_settlement_confirmed};

// 16 bytes of SHA-256(`material`) as a UUID: version 8 (custom, RFC 9562 §5.8, whose example is
// exactly this name-based SHA-256 construction) and the RFC variant, formatted 8-4-4-4-12.
std::string name_based_uuid(std::string_view material) {
  auto digest = crypto::sha256(material);
  digest[6] = static_cast<std::uint8_t>((digest[6] & 0x0f) | 0x80);
  digest[8] = static_cast<std::uint8_t>((digest[8] & 0x3f) | 0x80);
  const std::string hex = crypto::to_hex(std::span(digest.data(), 16));
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(hex[i]);
  }
  return out;
}

}  // namespace

std::string_view event_type_name(EventType type) {
  switch (type) {
    case EventType::confirming:
      return "transaction.confirming";
    case EventType::confirmed:
      return "transaction.confirmed";
    case EventType::failed:
      return "transaction.failed";
    case EventType::credited:
      return "transfer.credited";
    case EventType::x402_settlement_confirmed:
      return "x402.settlement.confirmed";
  }
  return "transaction.unknown";
}

bool parse_event_type(std::string_view name, EventType& out) {
  for (auto t : kEventTypes) {
    if (event_type_name(t) == name) {
      out = t;
      return true;
    }
  }
  return false;
}

bool version_sends(const VersionTraits& v, EventType type) {
  return type != EventType::credited || v.internal_credit_event;
}

std::vector<EventType> events_for_change(std::optional<TxStatus> old_status, std::int64_t old_confirmations,
                                         const TransactionRecord& now, bool every_confirmation,
                                         const VersionTraits& v) {
  std::vector<EventType> out;
  if (now.origin == TxOrigin::internal && v.internal_credit_event) {
    if (now.status == TxStatus::confirmed && old_status != TxStatus::confirmed) out.push_back(EventType::credited);
    return out;
  }
  const bool confirming_events = v.outbound_confirming_event || now.direction == TxDirection::inbound;
  if (now.status == old_status) {
    if (confirming_events && every_confirmation && now.status == TxStatus::confirming &&
        now.confirmations > old_confirmations) {
      out.push_back(EventType::confirming);
    }
    return out;
  }
  if (now.status == TxStatus::confirming && confirming_events) out.push_back(EventType::confirming);
  if (now.status == TxStatus::confirmed) out.push_back(EventType::confirmed);
  if (now.status == TxStatus::failed) out.push_back(EventType::failed);
  return out;
}

std::string make_event_id(std::string_view tx_id, EventType type, std::int64_t confirmations) {
  std::string material = "paratro-event/";
  material.append(tx_id).append("/").append(event_type_name(type)).append("/").append(std::to_string(confirmations));
  return name_based_uuid(material);
}

std::string make_delivery_id(std::string_view event_id, std::int64_t n) {
  std::string material = "paratro-delivery/";
  material.append(event_id).append("/").append(std::to_string(n));
  const auto digest = crypto::sha256(material);
  return "whd_" + crypto::to_hex(std::span(digest.data(), 16));
}

std::string_view webhook_operation(const TransactionRecord& tx, EventType type) {
  if (type == EventType::credited) return to_string(Operation::transfer);
  if (type == EventType::x402_settlement_confirmed) return to_string(Operation::x402);
  if (tx.direction == TxDirection::inbound) return "DEPOSIT";  // the webhook's own label, no stored operation
  return to_string(tx.operation);
}

std::string render_event_body(const TransactionRecord& tx, EventType type, std::string_view event_id,
                              std::int64_t event_time_ms, const VersionTraits& v) {
  const ChainInfo* chain = find_chain(tx.chain);
  const auto token = find_token(tx.token_symbol, tx.chain);
  JsonWriter w;
  w.begin_object()
      .field("event_id", event_id)
      .field("event_type", event_type_name(type))
      .field("event_time", format_rfc3339(event_time_ms))
      .field("source_id", tx.tx_id)
      .field("wallet_id", tx.wallet_id)
      .field("account_id", tx.account_id)
      .field("status", tx.status)
      .field("transaction_type", type == EventType::credited ? std::string_view("INTERNAL") : to_string(tx.direction))
      .field("chain", tx.chain)
      .field("network", chain ? chain->network : std::string_view("mainnet"))
      .field("txhash", tx.tx_hash)
      .field("block_number", tx.block_number)
      .field("from", tx.from_address)
      .field("to", tx.to_address)
      .field("symbol", tx.token_symbol)
      // The registry (and the assets API) spell a native asset's contract "0x"; webhooks send "".
      .field("contract_address", token && token->asset_type != "NATIVE" ? token->contract_address : std::string_view())
      .field("amount", to_base_units_string(tx.amount))
      .field("decimals", tx.decimals)
      .field("confirmations", tx.confirmations)
      .field("required_confirmations", tx.required_confirmations)
      .field("created_at", format_rfc3339(tx.created_at_ms))
      .key("confirmed_at");
  if (tx.status == TxStatus::confirmed && tx.confirmed_at_ms >= 0) {
    w.str(format_rfc3339(tx.confirmed_at_ms));
  } else {
    w.null();
  }
  // The sandbox screens nothing: every transaction is reported as not scanned.
  w.field("risk_checked", false).field("risk_score", 0).field("risk_level", "UNSCANNED").field("data", tx.call_data);
  if (v.webhook_operation_field) w.field("operation", webhook_operation(tx, type));
  w.end_object();
  return w.take();
}

}  // namespace paratro::domain
