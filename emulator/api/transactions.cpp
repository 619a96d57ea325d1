// GET /api/v1/transactions and /api/v1/transactions/{id}, filterable by wallet, account and chain.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"

namespace paratro::api {

using domain::ErrorCode;

ApiResponse get_transaction(Services& s, const Caller& c, std::string_view id) {
  auto t = s.store.find_transaction(c.client_id, id);
  if (!t) return error_response(ErrorCode::not_found, "Transaction not found");
  t->confirmations = s.scheduler.chains().confirmations_at(*t, s.clock.now_ms());
  return one_response(*t, write_transaction);
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
  return page_response(list, write_transaction);
}

}  // namespace paratro::api
