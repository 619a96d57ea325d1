// The API's handlers, one file per resource (auth.cpp, wallets.cpp, accounts.cpp, assets.cpp,
// transfers.cpp, transactions.cpp, operations.cpp; sandbox/ for the /_sandbox control plane). Each
// takes the services, the request and, for /api/v1 resources, the authenticated client, and returns
// the full response: success body or the contract's error. None throws for bad input.
#pragma once

#include <rapidjson/fwd.h>

#include <optional>
#include <string>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/api/request.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/operation_call.hpp"

namespace paratro::api {

using Caller = domain::ClientRecord;

// auth.cpp
ApiResponse issue_token(Services& s, const ApiRequest& r);
// The client behind the request's Bearer token, or unauthorized / invalid_token / token_expired /
// forbidden.
domain::Result<Caller> authenticate(Services& s, const ApiRequest& r);
// Hex HMAC-SHA256(salt, secret): how API secrets are kept at rest.
std::string hash_secret(std::string_view salt, std::string_view secret);
// An ACTIVE client record whose secret is kept as a salted hash (the salt drawn from `rng`).
domain::ClientRecord client_record(std::string client_id, std::string name, std::string api_key,
                                   std::string_view api_secret, std::int64_t max_wallets, std::int64_t now_ms,
                                   crypto::RandomSource& rng);

ApiResponse create_wallet(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse get_wallet(Services& s, const Caller& c, std::string_view id);
ApiResponse list_wallets(Services& s, const ApiRequest& r, const Caller& c);

ApiResponse create_account(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse get_account(Services& s, const Caller& c, std::string_view id);
ApiResponse list_accounts(Services& s, const ApiRequest& r, const Caller& c);

ApiResponse create_asset(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse get_asset(Services& s, const Caller& c, std::string_view id);
ApiResponse list_assets(Services& s, const ApiRequest& r, const Caller& c);

ApiResponse create_transfer(Services& s, const ApiRequest& r, const Caller& c);
// The TRANSFER rules shared by POST /api/v1/transfer and POST /api/v1/transactions: validates
// `body` (an object), then refuses a used `reference_id` ("" for none), locks the amount and records
// a PENDING transaction in one store step. Returns the stored record or the error to answer.
domain::Result<domain::TransactionRecord> submit_transfer(Services& s, const rapidjson::Value& body, const Caller& c,
                                                          std::string reference_id);
// 200 {"tx_id","status","message":"Transfer task created"}, plus "tx_hash" for POST /transactions.
ApiResponse transfer_created(const domain::TransactionRecord& tx, bool with_tx_hash);
// POST /api/v1/transactions, the unified entry: `operation` TRANSFER (the default), PROGRAM_CALL or
// CONTRACT_CALL, honouring Idempotency-Key.
ApiResponse create_transaction(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse get_transaction(Services& s, const Caller& c, std::string_view id);
// operations.cpp: operation PROGRAM_CALL or CONTRACT_CALL of POST /api/v1/transactions, `body` the
// parsed request object. 403 forbidden unless the caller's operations policy allows it; otherwise
// validated, locked and (normally) signed and broadcast before answering 200 BROADCAST + tx_hash,
// or 202 PENDING when the magic memo makes the signing engine slow.
ApiResponse create_operation_call(Services& s, const rapidjson::Value& body, const Caller& c,
                                  domain::Operation operation);
ApiResponse list_transactions(Services& s, const ApiRequest& r, const Caller& c);

// x402.cpp — the x402 facilitator (verify, settle, settle status, settlements) and, for 2026-04
// clients, the signing endpoint (the route table answers 410 to the versions that retired it).
ApiResponse x402_sign(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse x402_get_sign(Services& s, const Caller& c, std::string_view tx_id);
ApiResponse x402_verify(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse x402_settle(Services& s, const ApiRequest& r, const Caller& c);
ApiResponse x402_get_settle(Services& s, const Caller& c, std::string_view tx_id);
ApiResponse x402_list_settlements(Services& s, const ApiRequest& r, const Caller& c);
// sandbox/x402_resources.cpp — the paid resources of the control plane: POST/GET /_sandbox/x402/resources and
// GET /_sandbox/x402/resources/{id}/content (402 with payment requirements, or the content once an
// X-PAYMENT header verifies and settles).
ApiResponse sandbox_create_x402_resource(Services& s, const ApiRequest& r);
// A paid resource from its JSON description {pay_to, price, chain?, description?, mime_type?,
// content?} (the control endpoint and the fixture): pay_to must be an emulator account, whose
// owner is the seller. Not stored; resource_id drawn from `rng`. Each error message starts with
// the name of the member it refuses.
domain::Result<domain::X402ResourceRecord> make_x402_resource(store::Store& store, crypto::RandomSource& rng,
                                                              std::int64_t now_ms, const rapidjson::Value& body);
ApiResponse sandbox_list_x402_resources(Services& s);
ApiResponse sandbox_x402_resource_content(Services& s, const ApiRequest& r, std::string_view resource_id);

// sandbox/*.cpp — the emulator's control plane, no Bearer token.
ApiResponse sandbox_create_client(Services& s, const ApiRequest& r);
// GET: the client's API version; PUT {"api_version": "2026-09"}: pins the client to a version.
ApiResponse sandbox_client_api_version(Services& s, const ApiRequest& r, std::string_view client_id);
// GET: the client's operations policy; PUT {"operations": [...], "chains"?: [...]} replaces it
// ("operations": [] removes it).
ApiResponse sandbox_client_operations_policy(Services& s, const ApiRequest& r, std::string_view client_id);
// An operations policy object {"operations": [...], "chains"?: [...]} as the control endpoint and
// the fixture accept it; invalid_parameter naming the bad member.
domain::Result<domain::OperationsPolicy> parse_operations_policy(const rapidjson::Value& v);
// sandbox/security_factors.cpp: GET (filters chain, factor_type, status) and POST on
// /_sandbox/clients/{id}/security-factors; GET, PUT {"status"} and DELETE on one entry; GET and
// PUT {"require_whitelist": bool} on .../security-factors/settings.
ApiResponse sandbox_security_factors(Services& s, const ApiRequest& r, std::string_view client_id);
ApiResponse sandbox_security_factor(Services& s, const ApiRequest& r, std::string_view client_id,
                                    std::string_view factor_id);
ApiResponse sandbox_security_settings(Services& s, const ApiRequest& r, std::string_view client_id);
ApiResponse sandbox_set_balance(Services& s, const ApiRequest& r, std::string_view asset_id);
ApiResponse sandbox_health(Services& s);
// sandbox/chain.cpp
ApiResponse sandbox_clock(Services& s);
ApiResponse sandbox_advance_clock(Services& s, const ApiRequest& r);
// PUT /_sandbox/clock {"mode": "running" | "manual", "speed": N}: either field optional.
ApiResponse sandbox_set_clock(Services& s, const ApiRequest& r);
// The running clock's speed range, the same for --clock-speed and PUT /_sandbox/clock.
inline constexpr double kMaxClockSpeed = 1e6;
ApiResponse sandbox_create_deposit(Services& s, const ApiRequest& r);
// action: "confirm", "fail" or "release"
ApiResponse sandbox_transaction_action(Services& s, std::string_view tx_id, std::string_view action);
ApiResponse sandbox_ledger(Services& s);
// sandbox/webhooks.cpp
// validation_failed unless `url` is "" or an http(s) URL and `secret` is "" or whsec_…
domain::Status check_webhook_config(std::string_view url, std::string_view secret);
// A fresh signing secret: whsec_ + 48 hex characters from `rng`.
std::string new_webhook_secret(crypto::RandomSource& rng);
ApiResponse sandbox_webhook_config(Services& s, const ApiRequest& r, std::string_view client_id);  // GET, PUT
ApiResponse sandbox_webhook_events(Services& s, const ApiRequest& r);
ApiResponse sandbox_webhook_event(Services& s, std::string_view event_id);
ApiResponse sandbox_webhook_deliveries(Services& s, const ApiRequest& r);
ApiResponse sandbox_redeliver_event(Services& s, std::string_view event_id);
ApiResponse sandbox_webhook_test(Services& s, const ApiRequest& r);
// The operational controls. sandbox/faults.cpp: fault rules.
ApiResponse sandbox_create_fault(Services& s, const ApiRequest& r);
ApiResponse sandbox_list_faults(Services& s);
ApiResponse sandbox_delete_faults(Services& s);
ApiResponse sandbox_delete_fault(Services& s, std::string_view id);
// sandbox/journal.cpp: the request journal.
ApiResponse sandbox_list_requests(Services& s, const ApiRequest& r);
ApiResponse sandbox_delete_requests(Services& s);
// GET: the journal's settings; PUT {"bodies": bool}: switch body recording.
ApiResponse sandbox_journal_config(Services& s, const ApiRequest& r);
// sandbox/metrics_endpoint.cpp
ApiResponse sandbox_metrics(Services& s);
// GET /_sandbox/events: Server-Sent Events of every committed change (sandbox/events.cpp).
ApiResponse sandbox_events(Services& s, const ApiRequest& r);
// sandbox/rate_limits.cpp
ApiResponse sandbox_set_rate_limit(Services& s, const ApiRequest& r, std::string_view client_id);
// sandbox/guards.cpp: the checks the route table applies before a handler (routes.hpp).
// The 429 (with Retry-After) to answer when the caller is over its rate limit; nullopt if admitted.
std::optional<ApiResponse> check_rate_limit(Services& s, const Caller& c);
// The 401 to answer when --admin-token is set and the request does not present it.
std::optional<ApiResponse> check_admin(Services& s, const ApiRequest& r);
// sandbox/ops.cpp: 200 {"deleted": n}, the answer of the controls' DELETE endpoints.
ApiResponse deleted_response(std::size_t n);
// Registers the reset hook that empties the request journal, the rate-limit buckets and the fault
// rules (metrics counters are cumulative and stay).
void add_ops_reset_hook(Services& s);

// sandbox/storage.cpp: GET (the writer's figures) and POST {"fail_commits": N} on /_sandbox/storage.
ApiResponse sandbox_storage(Services& s, const ApiRequest& r);

// sandbox/snapshots.cpp
ApiResponse sandbox_reset(Services& s);
ApiResponse sandbox_create_snapshot(Services& s, const ApiRequest& r);
ApiResponse sandbox_list_snapshots(Services& s);
ApiResponse sandbox_restore_snapshot(Services& s, std::string_view id);
ApiResponse sandbox_delete_snapshot(Services& s, std::string_view id);

// Prepares the state of a start: builds the reset baseline in a scratch in-memory store (the live
// database's settings, then the fixture `fixture_text` if given, then the default client) and,
// when the live database is fresh (no wallets, no transactions, no client but the default one,
// no fixture marker), makes it the live contents; a database already loaded from the same fixture
// is kept as it is (a restart). Errors: the fixture's own (in `fixture_errors`, status
// invalid_parameter), or failed_precondition-like conflicts when the database holds other data
// or came from another fixture. Call before the scheduler and the server start.
domain::Status prepare_start_state(Services& s, const std::string* fixture_text, const std::string& fixture_name,
                                   std::vector<std::string>& fixture_errors);
// sandbox/openapi.cpp: the embedded OpenAPI document of an API version (?version=, default
// --api-version), served as application/yaml.
ApiResponse sandbox_openapi(const Services& s, const ApiRequest& r);
std::string_view openapi_document();          // schema/openapi.yaml (2026-04), by scripts/embed.py
std::string_view openapi_document_2026_09();  // the same + schema/openapi-2026-09.overlay.yaml

// sandbox/views.cpp — read-only views for the dashboard, across clients.
// GET /_sandbox/clients: every client (oldest first) with its row counts.
ApiResponse sandbox_list_clients(Services& s);
// GET /_sandbox/clients/{id}/wallets: the client's wallets, accounts and assets (API shapes).
ApiResponse sandbox_client_wallets(Services& s, std::string_view client_id);
// GET /_sandbox/transactions?client_id=&status=&page=&page_size=: newest first, any client.
ApiResponse sandbox_list_transactions(Services& s, const ApiRequest& r);
// GET /_sandbox/transactions/{id}: the transaction, its webhook events and deliveries.
ApiResponse sandbox_transaction_view(Services& s, std::string_view tx_id);
// sandbox/ui.cpp — the dashboard's files, compiled in (scripts/embed.py assets): `name` "" is
// index.html. 404 not_found for an unknown name; served without the admin token (the page holds
// no data and asks for the token itself).
ApiResponse sandbox_ui_asset(std::string_view name);
// GET /: 302 to the dashboard.
ApiResponse redirect_to_ui();

// Creates the well-known default client on a fresh database (no-op when it exists).
void ensure_default_client(Services& s);
inline constexpr std::string_view kDefaultClientId = "c_sandbox";
inline constexpr std::string_view kDefaultApiKey = "pk_sandbox_paratro_emulator";
inline constexpr std::string_view kDefaultApiSecret = "sk_sandbox_paratro_emulator";

}  // namespace paratro::api
