// POST /api/v1/transfer, and the TRANSFER rules it shares with POST /api/v1/transactions. Checks
// that need no state run first (shape, lengths, chain, amount syntax, from != to, destination
// checksum) and build one domain::TransferCommand; the store then refuses a used reference_id,
// locates the source asset and, in one transaction, has domain::admit_transfer decide (state,
// destination, decimals, balance), locks the amount and records a PENDING transaction.
#include <algorithm>

#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

domain::Result<domain::TransactionRecord> submit_transfer(Services& s, const rapidjson::Value& body, const Caller& c,
                                                          std::string reference_id) {
  using domain::make_error;
  auto from = required_string(body, "from_address");
  if (!from) return from.error();
  auto to = required_string(body, "to_address");
  if (!to) return to.error();
  auto chain_in = required_string(body, "chain");
  if (!chain_in) return chain_in.error();
  auto symbol_in = required_string(body, "token_symbol");
  if (!symbol_in) return symbol_in.error();
  auto amount = required_string(body, "amount");
  if (!amount) return amount.error();
  auto memo = optional_string(body, "memo");
  if (!memo) return memo.error();
  for (auto [field, value, max] : {std::tuple<const char*, std::string_view, std::size_t>{"from_address", *from, 255},
                                   {"to_address", *to, 255},
                                   {"token_symbol", *symbol_in, 20},
                                   {"memo", memo->has_value() ? std::string_view(**memo) : std::string_view(), 100}}) {
    if (auto st = check_length(field, value, max); !st) return st.error();
  }
  const domain::ChainInfo* chain = domain::find_chain(ascii_lower(*chain_in));
  if (!chain) return make_error(ErrorCode::invalid_parameter, "Unsupported chain: " + *chain_in);

  // Parsed once, exactly, at the precision the text itself uses; the asset's decimals and the
  // ceiling in its base units are decided at admission (domain::admit_transfer).
  auto parsed = domain::parse_transfer_amount(*amount);
  if (!parsed) return parsed.error();

  const std::string from_key = domain::address_key(chain->family, *from);
  if (from_key == domain::address_key(chain->family, *to)) {
    return make_error(ErrorCode::invalid_parameter, "from_address and to_address must differ");
  }
  if (!domain::is_valid_address(chain->family, *to)) {
    return make_error(ErrorCode::invalid_address, "to_address is not a valid " + std::string(chain->name) + " address");
  }

  const std::int64_t now = s.clock.now_ms();
  domain::TransactionRecord tx;
  tx.tx_id = domain::make_id("tx_", now, s.rng);
  tx.created_at_ms = now;
  tx.updated_at_ms = now;
  tx.outcome = chain::outcome_from_memo(memo->value_or(""));
  tx.required_confirmations = s.scheduler.chains().find(chain->name)->confirmations;
  tx.next_due_ms = tx.outcome == domain::TxOutcome::hold ? -1 : now + s.scheduler.timing().sign_ms;
  tx.reference_id = std::move(reference_id);
  tx.operation = domain::Operation::transfer;
  domain::TransferCommand command{c.client_id,
                                  std::string(chain->name),
                                  ascii_upper(*symbol_in),
                                  from_key,
                                  *to,
                                  domain::address_key(chain->family, *to),
                                  memo->value_or(""),
                                  *parsed};
  return s.store.create_transfer(command, std::move(tx));
}

ApiResponse transfer_created(const domain::TransactionRecord& tx, bool with_tx_hash) {
  JsonWriter w;
  w.begin_object()
      .field("tx_id", tx.tx_id)
      .field("status", domain::to_string(tx.status))
      .field("message", "Transfer task created");
  if (with_tx_hash) w.field("tx_hash", tx.tx_hash);
  w.end_object();
  return json_response(200, w.take());
}

ApiResponse create_transfer(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto created = submit_transfer(s, *body, c, "");
  if (!created) return error_response(created.error());
  return transfer_created(*created, false);
}

}  // namespace paratro::api
