// PROGRAM_CALL and CONTRACT_CALL of POST /api/v1/transactions, and the operations policy that allows
// them (PUT /_sandbox/clients/{id}/operations-policy, fixture clients[].operations_policy).
// Order of checks: the body binds (types, required fields, lengths, chain family) -> the client's
// policy allows the operation on the chain (403 forbidden) -> the verifier's rules (signed Solana
// transaction, quote times and tokens; "Rejected: <tag>: …") -> the store (reference_id, accounts,
// assets, balance) locks the outgoing amount and records the call. Unless a magic memo says
// otherwise the call is signed and broadcast before the answer (200 BROADCAST + tx_hash), as on the
// gateway; the simulated chain then confirms it and credits the incoming leg.
#include <rapidjson/document.h>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/operation_call.hpp"

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;
using rapidjson::Value;

namespace {

domain::Error invalid(const std::string& what) {
  return make_error(ErrorCode::invalid_parameter, "Invalid request parameters: " + what);
}

// A string member: absent/null -> nullopt (an error when `required_for` names the operation);
// another type, or "" when required -> invalid.
domain::Result<std::optional<std::string>> string_member(const Value& obj, const std::string& path, const char* name,
                                                         std::string_view required_for = {}) {
  const std::string field = path.empty() ? std::string(name) : path + "." + name;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    if (!required_for.empty()) return invalid(field + " is required for " + std::string(required_for));
    return std::optional<std::string>();
  }
  if (!it->value.IsString()) return invalid(field + " must be a string");
  std::string v(it->value.GetString(), it->value.GetStringLength());
  if (v.empty() && !required_for.empty()) return invalid(field + " is required for " + std::string(required_for));
  return std::optional<std::string>(std::move(v));
}

domain::Result<std::int64_t> int_member(const Value& obj, const std::string& field, const char* name, bool required) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    if (required) return invalid(field + " is required for CONTRACT_CALL");
    return std::int64_t{0};
  }
  if (!it->value.IsInt64() || it->value.GetInt64() < 0)
    return invalid(field + " must be a non-negative integer (unix seconds)");
  return it->value.GetInt64();
}

// The common fields of both calls, after binding.
constexpr std::string_view kContractCallName = domain::to_string(domain::Operation::contract_call);

struct CallFields {
  const domain::ChainInfo* chain = nullptr;
  std::string from_address, receive_address, memo, reference_id;
};

domain::Result<CallFields> bind_common(const Value& body, domain::Operation operation) {
  CallFields f;
  const std::string_view name = domain::to_string(operation);
  auto from = string_member(body, "", "from_address", name);
  if (!from) return from.error();
  auto chain = string_member(body, "", "chain", name);
  if (!chain) return chain.error();
  auto receive = string_member(body, "", "receive_address");
  if (!receive) return receive.error();
  auto memo = string_member(body, "", "memo");
  if (!memo) return memo.error();
  auto reference = string_member(body, "", "reference_id");
  if (!reference) return reference.error();
  f.from_address = **from;
  f.receive_address = receive->value_or("");
  f.memo = memo->value_or("");
  f.reference_id = reference->value_or("");
  for (auto [field, value, max] :
       {std::tuple<const char*, std::string_view, std::size_t>{"from_address", f.from_address, kMaxAddress},
        {"receive_address", f.receive_address, kMaxAddress},
        {"memo", f.memo, kMaxMemo},
        {"reference_id", f.reference_id, domain::kMaxReferenceId}}) {
    if (auto st = check_length(field, value, max); !st) return st.error();
  }
  auto resolved = resolve_chain(**chain);
  if (!resolved) return resolved.error();
  f.chain = *resolved;
  const bool program = operation == domain::Operation::program_call;
  if (program && f.chain->family != domain::ChainFamily::svm)
    return invalid("PROGRAM_CALL is only available on solana");
  if (!program && f.chain->family != domain::ChainFamily::evm)
    return invalid("CONTRACT_CALL is only available on EVM chains");
  if (f.receive_address.empty()) f.receive_address = f.from_address;
  const std::string chain_name(f.chain->name);
  if (!domain::is_valid_address(f.chain->family, f.from_address))
    return invalid("from_address is not a valid " + chain_name + " address");
  if (!domain::is_valid_address(f.chain->family, f.receive_address)) {
    return invalid("receive_address is not a valid " + chain_name + " address");
  }
  return f;
}

domain::Result<domain::ContractLeg> bind_leg(const Value& call, const char* name, bool with_from) {
  const std::string path = std::string("contract_call.") + name;
  auto it = call.FindMember(name);
  if (it == call.MemberEnd() || it->value.IsNull()) return invalid(path + " is required for CONTRACT_CALL");
  if (!it->value.IsObject()) return invalid(path + " must be an object");
  domain::ContractLeg leg;
  for (const char* field : {"from", "to", "token", "amount"}) {
    if (!with_from && std::string_view(field) == "from") continue;
    auto v = string_member(it->value, path, field, kContractCallName);
    if (!v) return v.error();
    if (std::string_view(field) == "amount") {
      auto amount = domain::parse_base_units(path + ".amount", **v);
      if (!amount) return amount.error();
      leg.amount = *amount;
      continue;
    }
    if (!domain::is_valid_address(domain::ChainFamily::evm, **v))
      return invalid(path + "." + field + " must be an EVM address");
    (std::string_view(field) == "from" ? leg.from : std::string_view(field) == "to" ? leg.to : leg.token) = **v;
  }
  return leg;
}

domain::Result<domain::ContractCallQuote> bind_quote(const Value& body) {
  auto it = body.FindMember("contract_call");
  if (it == body.MemberEnd() || it->value.IsNull()) return invalid("contract_call is required for CONTRACT_CALL");
  if (!it->value.IsObject()) return invalid("contract_call must be an object");
  const Value& call = it->value;
  domain::ContractCallQuote q;
  auto quote_id = string_member(call, "contract_call", "quote_id", kContractCallName);
  if (!quote_id) return quote_id.error();
  if (!domain::is_bytes32_hex(**quote_id)) return invalid("contract_call.quote_id must be 32 bytes of hex");
  q.quote_id = **quote_id;
  auto expiration = int_member(call, "contract_call.expiration", "expiration", true);
  if (!expiration) return expiration.error();
  q.expiration = *expiration;
  auto incoming = bind_leg(call, "incoming", false);
  if (!incoming) return incoming.error();
  q.incoming = *incoming;
  auto outgoing = bind_leg(call, "outgoing", true);
  if (!outgoing) return outgoing.error();
  q.outgoing = *outgoing;
  auto signature = string_member(call, "contract_call", "counterparty_signature", kContractCallName);
  if (!signature) return signature.error();
  if (!domain::is_hex_bytes(**signature))
    return invalid("contract_call.counterparty_signature must be 0x-prefixed hex");
  q.counterparty_signature = **signature;
  auto deadline = int_member(call, "contract_call.permit_deadline", "permit_deadline", false);
  if (!deadline) return deadline.error();
  q.permit_deadline = *deadline;
  return q;
}

}  // namespace

domain::Result<domain::OperationsPolicy> parse_operations_policy(const rapidjson::Value& v) {
  if (!v.IsObject()) return make_error(ErrorCode::invalid_parameter, "the operations policy must be an object");
  if (auto st = check_known_fields(v, {"operations", "chains"}); !st) return st.error();
  domain::OperationsPolicy p;
  auto ops = v.FindMember("operations");
  if (ops == v.MemberEnd() || !ops->value.IsArray()) {
    return make_error(ErrorCode::invalid_parameter,
                      "operations must be an array of PROGRAM_CALL / CONTRACT_CALL ([] removes the policy)");
  }
  for (rapidjson::SizeType i = 0; i < ops->value.Size(); ++i) {
    const Value& op = ops->value[i];
    const std::string_view name = op.IsString() ? std::string_view(op.GetString(), op.GetStringLength()) : "";
    const auto parsed = domain::parse_enum<domain::Operation>(name);
    if (!parsed || !domain::is_call_operation(*parsed)) {
      return make_error(ErrorCode::invalid_parameter,
                        "operations[" + std::to_string(i) + "] must be PROGRAM_CALL or CONTRACT_CALL");
    }
    p.operations.push_back(*parsed);
  }
  if (auto chains = v.FindMember("chains"); chains != v.MemberEnd() && !chains->value.IsNull()) {
    if (!chains->value.IsArray())
      return make_error(ErrorCode::invalid_parameter, "chains must be an array of chain names");
    for (rapidjson::SizeType i = 0; i < chains->value.Size(); ++i) {
      const Value& c = chains->value[i];
      const domain::ChainInfo* chain =
          c.IsString() ? domain::find_chain(ascii_lower(std::string(c.GetString(), c.GetStringLength()))) : nullptr;
      if (!chain)
        return make_error(ErrorCode::invalid_parameter, "chains[" + std::to_string(i) + "] is not a supported chain");
      p.chains.emplace_back(chain->name);
    }
  }
  domain::normalise_operations_policy(p);
  if (p.operations.empty()) p.chains.clear();
  return p;
}

ApiResponse sandbox_client_operations_policy(Services& s, const ApiRequest& r, std::string_view client_id) {
  auto client = s.store.find_client(client_id);
  if (!client) return error_response(ErrorCode::not_found, "Client not found");
  auto policy = domain::decode_operations_policy(client->operations_policy).value_or(domain::OperationsPolicy{});
  if (r.method == "PUT") {
    auto body = parse_object(r.body);
    if (!body) return error_response(body.error());
    auto parsed = parse_operations_policy(*body);
    if (!parsed) return error_response(parsed.error());
    if (auto st = s.store.set_client_operations_policy(client_id, domain::encode_operations_policy(*parsed)); !st) {
      return error_response(st.error());
    }
    // Cached tokens carry a copy of the client record; drop them so the policy applies at once.
    s.tokens->clear();
    policy = *parsed;
  }
  JsonWriter w;
  w.begin_object().field("client_id", client->client_id).field("enabled", !policy.operations.empty());
  w.key("operations").begin_array();
  for (const auto op : policy.operations) w.str(domain::to_string(op));
  w.end_array().key("chains").begin_array();
  for (const auto& c : policy.chains) w.str(c);
  w.end_array().end_object();
  return json_response(200, w.take());
}

ApiResponse create_operation_call(Services& s, const rapidjson::Value& body, const Caller& c,
                                  domain::Operation operation) {
  if (!body.IsObject()) return error_response(ErrorCode::bad_request, "Request body must be a JSON object");
  const bool program = operation == domain::Operation::program_call;
  auto fields = bind_common(body, operation);
  if (!fields) return error_response(fields.error());
  const domain::ChainInfo& chain = *fields->chain;
  const std::string op(domain::to_string(operation));  // for messages

  std::vector<std::uint8_t> signed_tx;
  domain::ContractCallQuote quote;
  if (program) {
    auto text = string_member(body, "", "signed_transaction", domain::to_string(operation));
    if (!text) return error_response(text.error());
    if ((*text)->size() > domain::kMaxSignedTransaction) {
      return error_response(
          invalid("signed_transaction exceeds " + std::to_string(domain::kMaxSignedTransaction) + " characters"));
    }
    auto bytes = domain::decode_signed_transaction(**text);
    if (!bytes) return error_response(invalid("signed_transaction must be base64 or 0x-prefixed hex"));
    signed_tx = std::move(*bytes);
  } else {
    auto q = bind_quote(body);
    if (!q) return error_response(q.error());
    quote = std::move(*q);
  }

  const auto policy = domain::decode_operations_policy(c.operations_policy);
  if (!policy || !policy->allows(operation, chain.name)) {
    return error_response(ErrorCode::forbidden, domain::policy_refusal(operation, chain.name));
  }

  const std::int64_t now = s.clock.now_ms();
  store::Store::OperationCallRequest req;
  req.client_id = c.client_id;
  req.chain = std::string(chain.name);
  req.from_address_key = domain::address_key(chain.family, fields->from_address);
  req.receive_address_key = domain::address_key(chain.family, fields->receive_address);
  std::string call_data;
  if (program) {
    auto tx = domain::parse_solana_transaction(signed_tx);
    if (!tx) return error_response(tx.error());
    auto legs = domain::program_call_legs(*tx, fields->from_address, fields->receive_address);
    if (!legs) return error_response(legs.error());
    req.to_address = legs->counterparty;
    req.out_symbol = req.in_symbol = req.out_token = req.in_token = std::string(chain.native_symbol);
    req.out_amount = legs->outgoing;
    req.in_amount = legs->incoming;
    call_data = "0x" + crypto::to_hex(signed_tx);
  } else {
    if (auto st = domain::check_contract_quote(quote, now / 1000, fields->receive_address); !st)
      return error_response(st.error());
    const auto paid = domain::find_token_by_contract(quote.incoming.token, chain.name);
    if (!paid) {
      return error_response(ErrorCode::invalid_parameter,
                            "Rejected: payment_token_not_registered: contract_call.incoming.token " +
                                quote.incoming.token + " is not a token on " + req.chain);
    }
    const auto received = domain::find_token_by_contract(quote.outgoing.token, chain.name);
    if (!received) {
      return error_response(ErrorCode::invalid_parameter,
                            "Rejected: target_token_not_registered: contract_call.outgoing.token " +
                                quote.outgoing.token + " is not a token on " + req.chain);
    }
    req.to_address = quote.incoming.to;
    req.out_symbol = std::string(paid->symbol);
    req.out_amount = quote.incoming.amount;
    req.out_token = quote.incoming.token;
    req.in_symbol = std::string(received->symbol);
    req.in_amount = quote.outgoing.amount;
    req.in_token = quote.outgoing.token;
    call_data = domain::contract_call_data(quote);
  }
  req.to_address_key = domain::address_key(chain.family, req.to_address);

  const chain::ChainParams* params = s.scheduler.chains().find(chain.name);
  domain::TransactionRecord tx;
  tx.tx_id = domain::make_id("tx_", now, s.rng);
  tx.created_at_ms = now;
  tx.updated_at_ms = now;
  tx.memo = fields->memo;
  tx.reference_id = fields->reference_id;
  tx.operation = operation;
  tx.call_data = call_data;
  tx.required_confirmations = params->confirmations;
  tx.outcome = chain::outcome_from_memo(fields->memo);
  const bool engine_slow =
      tx.outcome == domain::TxOutcome::hold || fields->memo.find(chain::kMemoEngineTimeout) != std::string::npos;
  req.engine_rejects = tx.outcome == domain::TxOutcome::fail_signing;
  if (engine_slow) {
    tx.status = domain::TxStatus::pending;
    tx.next_due_ms = tx.outcome == domain::TxOutcome::hold ? -1 : now + s.scheduler.timing().sign_ms;
  } else if (!req.engine_rejects) {
    chain::broadcast(tx, now, s.scheduler.chains(), *params, s.rng);
  }
  auto created = s.store.create_operation_call(req, std::move(tx));
  if (!created) return error_response(created.error());
  if (created->status == domain::TxStatus::failed) {
    return error_response(ErrorCode::transaction_failed, op + " failed: engine rejected the transaction");
  }

  JsonWriter w;
  w.begin_object().field("tx_id", created->tx_id).field("status", domain::to_string(created->status));
  if (created->status == domain::TxStatus::pending) {
    w.field("message", op + " accepted but the signing engine did not answer in time; poll GET /api/v1/transactions/" +
                           created->tx_id + " for the outcome and do not resubmit with the same reference_id");
    w.end_object();
    return json_response(202, w.take());
  }
  w.field("message", op + " broadcast").field("tx_hash", created->tx_hash).end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
