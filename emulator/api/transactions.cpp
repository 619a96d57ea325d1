// POST /api/v1/transactions (the unified entry of the 2026-09 gateway, served in every version),
// GET /api/v1/transactions and /api/v1/transactions/{id}, filterable by wallet, account and chain,
// in the shape of the caller's API version.
#include <string>

#include "emulator/api/handlers.hpp"
#include "emulator/api/idempotency.hpp"
#include "emulator/api/params.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

inline constexpr std::size_t kMaxReferenceId = 100;

ApiResponse unsupported_operation() {
  return error_response(ErrorCode::invalid_parameter,
                        "Unsupported operation: only TRANSFER, PROGRAM_CALL and CONTRACT_CALL are available");
}

// The request after the gateway's own checks: operation (absent, null or "" = TRANSFER; matched
// exactly, so "transfer" or a non-string is unsupported), then reference_id, then the operation.
ApiResponse create_transaction_once(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto operation = domain::Operation::transfer;
  if (auto it = body->FindMember("operation"); it != body->MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsString()) return unsupported_operation();
    if (it->value.GetStringLength() > 0) {
      // X402 names the transaction of a settlement, not something a client can ask for here.
      const auto parsed = domain::parse_enum<domain::Operation>({it->value.GetString(), it->value.GetStringLength()});
      if (!parsed || *parsed == domain::Operation::x402) return unsupported_operation();
      operation = *parsed;
    }
  }
  if (domain::is_call_operation(operation)) return create_operation_call(s, *body, c, operation);

  auto reference = optional_string(*body, "reference_id");
  if (!reference) return error_response(reference.error());
  std::string reference_id = reference->value_or("");
  if (auto st = check_length("reference_id", reference_id, kMaxReferenceId); !st) return error_response(st.error());
  auto created = submit_transfer(s, *body, c, std::move(reference_id));
  if (!created) return error_response(created.error());
  return transfer_created(*created, true);
}

}  // namespace

ApiResponse create_transaction(Services& s, const ApiRequest& r, const Caller& c) {
  return with_idempotency(s, r, c, "/api/v1/transactions", [&] { return create_transaction_once(s, r, c); });
}

ApiResponse get_transaction(Services& s, const Caller& c, std::string_view id) {
  auto t = s.store.find_transaction(c.client_id, id);
  if (!t) return error_response(ErrorCode::not_found, "Transaction not found");
  t->confirmations = s.scheduler.chains().confirmations_at(*t, s.clock.now_ms());
  return one_response(*t, transaction_writer(c.api_version));
}

ApiResponse list_transactions(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  store::TransactionFilter f;
  if (const auto* v = r.query_param("wallet_id")) f.wallet_id = *v;
  if (const auto* v = r.query_param("account_id")) f.account_id = *v;
  if (const auto* v = r.query_param("chain")) f.chain = ascii_lower(*v);
  auto list = s.store.list_transactions(c.client_id, f, *page);
  const std::int64_t now = s.clock.now_ms();
  for (auto& t : list.items) t.confirmations = s.scheduler.chains().confirmations_at(t, now);
  return page_response(list, transaction_writer(c.api_version));
}

}  // namespace paratro::api
