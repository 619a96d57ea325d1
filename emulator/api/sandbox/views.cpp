// Read-only views of the control plane for the dashboard (/_sandbox/ui/) and for tests: every client
// with its row counts, one client's wallets, accounts and assets, transactions of any client newest
// first, and one transaction with its webhook events and deliveries. They need no client secret
// (the admin token guards them like every /_sandbox route) and change nothing. Resources keep the
// API's JSON shapes (transactions in the 2026-04 shape, the one that carries confirmations and
// block_number).
#include <algorithm>
#include <set>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/sandbox/webhook_json.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

// At most this many clients, and wallets / accounts / assets per client, in one answer (the
// answer says `truncated` when a list was cut).
constexpr int kMaxViewClients = 1000;
constexpr std::int64_t kViewPageSize = 100;
constexpr std::int64_t kMaxViewPages = 10;

// Every page of a client's list (up to the cap) through the API's own paging.
template <typename T, typename List>
std::vector<T> all_pages(List list, bool& truncated) {
  std::vector<T> out;
  for (std::int64_t page = 1; page <= kMaxViewPages; ++page) {
    auto p = list(domain::PageRequest{page, kViewPageSize});
    for (auto& item : p.items) out.push_back(std::move(item));
    if (!p.has_more) return out;
  }
  truncated = true;
  return out;
}

std::int64_t required_confirmations(Services& s, std::string_view chain) {
  const auto* params = s.scheduler.chains().find(chain);
  return params ? params->confirmations : 0;
}

// `"required_confirmations": {"chain": N, ...}` for the chains of `txs`.
void write_required(JsonWriter& w, Services& s, const std::vector<domain::TransactionRecord>& txs) {
  std::set<std::string> chains;
  for (const auto& t : txs) chains.insert(t.chain);
  w.key("required_confirmations").begin_object();
  for (const auto& c : chains) w.key(c).num(required_confirmations(s, c));
  w.end_object();
}

}  // namespace

ApiResponse sandbox_list_clients(Services& s) {
  const auto ids = s.store.list_client_ids(kMaxViewClients + 1);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (std::size_t i = 0; i < ids.size() && i < static_cast<std::size_t>(kMaxViewClients); ++i) {
    auto c = s.store.find_client(ids[i]);
    if (!c) continue;  // reset between the two reads
    const auto n = s.store.client_counts(c->client_id);
    w.begin_object()
        .field("client_id", c->client_id)
        .field("client_name", c->client_name)
        .field("status", c->status)
        .field("api_version", domain::api_version_name(c->api_version))
        .field("max_wallets", c->max_wallets)
        .key("webhook_url");
    if (c->webhook_url.empty()) {
      w.null();
    } else {
      w.str(c->webhook_url);
    }
    w.field("created_at", domain::format_rfc3339(c->created_at_ms))
        .key("counts")
        .begin_object()
        .field("wallets", n.wallets)
        .field("accounts", n.accounts)
        .field("assets", n.assets)
        .field("transactions", n.transactions)
        .end_object()
        .end_object();
  }
  w.end_array().field("truncated", ids.size() > static_cast<std::size_t>(kMaxViewClients)).end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_client_wallets(Services& s, std::string_view client_id) {
  if (!s.store.find_client(client_id)) return error_response(ErrorCode::not_found, "Client not found");
  bool truncated = false;
  auto wallets = all_pages<domain::WalletRecord>(
      [&](const domain::PageRequest& p) { return s.store.list_wallets(client_id, p); }, truncated);
  auto accounts = all_pages<domain::AccountRecord>(
      [&](const domain::PageRequest& p) { return s.store.list_accounts(client_id, "", p); }, truncated);
  auto assets = all_pages<domain::AssetRecord>(
      [&](const domain::PageRequest& p) { return s.store.list_assets(client_id, "", p); }, truncated);
  JsonWriter w;
  w.begin_object().field("client_id", client_id).key("wallets").begin_array();
  for (const auto& x : wallets) write_wallet(w, x);
  w.end_array().key("accounts").begin_array();
  for (const auto& x : accounts) write_account(w, x);
  w.end_array().key("assets").begin_array();
  for (const auto& x : assets) write_asset(w, x);
  w.end_array().field("truncated", truncated).end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_list_transactions(Services& s, const ApiRequest& r) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  const std::string* client = r.query_param("client_id");
  const std::string* status = r.query_param("status");
  const std::string client_id = client ? *client : std::string();
  const std::string wanted = status ? ascii_upper(*status) : std::string();
  static constexpr std::string_view kStatuses[] = {"",          "PENDING",    "PROCESSING", "SIGNED",
                                                   "BROADCAST", "CONFIRMING", "CONFIRMED",  "FAILED"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), wanted) == std::end(kStatuses)) {
    return error_response(
        ErrorCode::invalid_parameter,
        "status must be one of PENDING, PROCESSING, SIGNED, BROADCAST, CONFIRMING, CONFIRMED, FAILED");
  }
  if (!client_id.empty() && !s.store.find_client(client_id)) {
    return error_response(ErrorCode::not_found, "Client not found");
  }
  domain::Page<domain::TransactionRecord> list;
  if (!client_id.empty() && wanted.empty()) {
    list = s.store.list_transactions(client_id, {}, *page);  // the client's ranked list: a seek
  } else {
    auto ids = s.store.list_transaction_ids(client_id, wanted, *page);
    for (const auto& id : ids.ids)
      if (auto t = s.store.find_transaction_any(id)) list.items.push_back(std::move(*t));
    list.total = ids.total;
    list.has_more = ids.has_more;
  }
  const std::int64_t now = s.clock.now_ms();
  for (auto& t : list.items) t.confirmations = s.scheduler.chains().confirmations_at(t, now);
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& t : list.items) write_transaction(w, t);
  w.end_array().key("total");
  if (list.total < 0) {
    w.null();
  } else {
    w.num(list.total);
  }
  w.field("has_more", list.has_more).field("page", page->page).field("page_size", page->page_size);
  write_required(w, s, list.items);
  w.end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_transaction_view(Services& s, std::string_view tx_id) {
  auto t = s.store.find_transaction_any(tx_id);
  if (!t) return error_response(ErrorCode::not_found, "Transaction not found");
  t->confirmations = s.scheduler.chains().confirmations_at(*t, s.clock.now_ms());
  store::Store::WebhookFilter f;
  f.tx_id = std::string(tx_id);
  f.limit = 1000;
  const auto events = s.store.list_webhook_events(f).first;
  const auto deliveries = s.store.list_webhook_deliveries(f).first;
  JsonWriter w;
  w.begin_object().key("transaction");
  write_transaction(w, *t);
  w.field("required_confirmations", required_confirmations(s, t->chain))
      .field("operation", domain::to_string(t->operation))
      .key("webhook_events")
      .begin_array();
  for (const auto& e : events) write_event(w, e);
  w.end_array().key("webhook_deliveries").begin_array();
  for (const auto& d : deliveries) write_delivery(w, d);
  w.end_array().end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
