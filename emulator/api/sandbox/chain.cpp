// The /_sandbox controls of the simulated chain: read and move the virtual clock, simulate inbound
// deposits from outside, force or release a transaction, and the ledger's books (the invariant
// balance + locked == minted - burned, per chain and token).
#include "emulator/api/events/publish.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/duration.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

void write_clock(JsonWriter& w, Services& s) {
  const auto st = s.scheduler.clock().state();
  const std::int64_t now = s.clock.now_ms();
  w.field("now", domain::format_rfc3339(now))
      .field("now_ms", now)
      .field("mode", st.manual ? "manual" : "running")
      .key("speed")
      .real(st.speed);
  const std::int64_t next = s.store.next_due_ms();
  w.key("next_due");
  if (next < 0)
    w.null();
  else
    w.str(domain::format_rfc3339(next));
  w.key("heights").begin_object();
  for (const auto& c : domain::all_chains()) {
    const auto* p = s.scheduler.chains().find(c.name);
    w.key(c.name).num(s.scheduler.chains().height_at(*p, now));
  }
  w.end_object();
}

}  // namespace

ApiResponse sandbox_clock(Services& s) {
  JsonWriter w;
  w.begin_object();
  write_clock(w, s);
  w.end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_set_clock(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"mode", "speed"}); !st) return error_response(st.error());
  std::optional<bool> manual;
  if (auto it = body->FindMember("mode"); it != body->MemberEnd()) {
    const bool valid = it->value.IsString() && (it->value.GetString() == std::string_view("manual") ||
                                                it->value.GetString() == std::string_view("running"));
    if (!valid) return error_response(ErrorCode::invalid_parameter, "mode must be \"running\" or \"manual\"");
    manual = it->value.GetString() == std::string_view("manual");
  }
  std::optional<double> speed;
  if (auto it = body->FindMember("speed"); it != body->MemberEnd()) {
    if (!it->value.IsNumber() || !(it->value.GetDouble() > 0) || it->value.GetDouble() > kMaxClockSpeed) {
      return error_response(ErrorCode::invalid_parameter, "speed must be a number greater than 0 and at most 1000000");
    }
    speed = it->value.GetDouble();
  }
  if (!manual && !speed)
    return error_response(ErrorCode::invalid_parameter, "give mode (\"running\" or \"manual\"), speed, or both");
  s.scheduler.configure_clock(manual, speed);
  auto res = sandbox_clock(s);
  events::publish(s, "clock.moved", "", res.body);
  return res;
}

ApiResponse sandbox_advance_clock(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body, /*allow_empty=*/true);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"seconds", "duration"}); !st) return error_response(st.error());
  const auto seconds = body->FindMember("seconds");
  const auto duration = body->FindMember("duration");
  const bool has_seconds = seconds != body->MemberEnd(), has_duration = duration != body->MemberEnd();
  if (has_seconds && has_duration) {
    return error_response(ErrorCode::invalid_parameter, "give either seconds or duration, not both");
  }
  std::optional<std::int64_t> delta;
  if (has_seconds) {
    constexpr double kMaxSeconds = 100.0 * 365 * 24 * 3600;  // the same cap as durations
    if (seconds->value.IsNumber() && seconds->value.GetDouble() >= 0 && seconds->value.GetDouble() <= kMaxSeconds) {
      delta = static_cast<std::int64_t>(seconds->value.GetDouble() * 1000.0);
    } else if (seconds->value.IsString()) {
      delta = domain::parse_duration_ms(seconds->value.GetString());
    }
    if (!delta)
      return error_response(ErrorCode::invalid_parameter, "seconds must be a non-negative integer or decimal string");
  } else if (has_duration) {
    if (duration->value.IsString()) delta = domain::parse_duration_ms(duration->value.GetString());
    if (!delta)
      return error_response(ErrorCode::invalid_parameter,
                            "duration must be an ISO 8601 duration such as PT90S or PT1H");
  } else if (const auto* q = r.query_param("seconds")) {
    delta = domain::parse_duration_ms(*q);
    if (!delta) return error_response(ErrorCode::invalid_parameter, "seconds must be a non-negative number");
  } else {
    return error_response(ErrorCode::invalid_parameter, "give seconds (number) or duration (ISO 8601, e.g. PT1H)");
  }
  const std::int64_t steps = s.scheduler.advance(*delta);
  JsonWriter w;
  w.begin_object();
  write_clock(w, s);
  w.field("advanced_ms", *delta).field("steps", steps).end_object();
  auto res = json_response(200, w.take());
  events::publish(s, "clock.moved", "", res.body);
  return res;
}

ApiResponse sandbox_create_deposit(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"address", "chain", "token_symbol", "amount", "from"}); !st)
    return error_response(st.error());
  auto address = required_string(*body, "address");
  if (!address) return error_response(address.error());
  auto chain_in = required_string(*body, "chain");
  if (!chain_in) return error_response(chain_in.error());
  auto symbol_in = required_string(*body, "token_symbol");
  if (!symbol_in) return error_response(symbol_in.error());
  auto amount = required_string(*body, "amount");
  if (!amount) return error_response(amount.error());
  auto from = optional_string(*body, "from");
  if (!from) return error_response(from.error());
  const domain::ChainInfo* chain = domain::find_chain(ascii_lower(*chain_in));
  if (!chain) return error_response(ErrorCode::invalid_parameter, "Unsupported chain: " + *chain_in);
  const std::string symbol = ascii_upper(*symbol_in);
  const auto token = domain::find_token(symbol, chain->name);
  if (!token)
    return error_response(ErrorCode::invalid_parameter, symbol + " is not available on " + std::string(chain->name));
  const auto parsed = domain::parse_amount(*amount, token->decimals);
  if (!parsed.ok() || parsed.value == 0) {
    return error_response(ErrorCode::invalid_parameter, "amount must be a positive decimal string within " +
                                                            std::to_string(token->decimals) + " decimals");
  }
  if (from->has_value() && !domain::is_valid_address(chain->family, **from)) {
    return error_response(ErrorCode::invalid_address, "from is not a valid " + std::string(chain->name) + " address");
  }
  if (from->has_value() && domain::address_key(chain->family, **from) == domain::address_key(chain->family, *address)) {
    return error_response(ErrorCode::invalid_parameter, "from must differ from address: a deposit comes from outside");
  }
  const auto* params = s.scheduler.chains().find(chain->name);
  const std::int64_t now = s.clock.now_ms();

  domain::TransactionRecord t;
  t.tx_id = domain::make_id("tx_", now, s.rng);
  t.chain = std::string(chain->name);
  t.direction = domain::TxDirection::inbound;
  t.origin = domain::TxOrigin::deposit;
  t.to_address = *address;
  t.to_address_key = domain::address_key(chain->family, *address);
  if (from->has_value()) {
    t.from_address = **from;
  } else {
    // An outside sender: a fresh, valid address of the chain that the emulator does not own.
    domain::WalletKeys k;
    k.secp256k1_secret.resize(32);
    k.ed25519_seed.resize(32);
    s.rng.fill(k.secp256k1_secret);
    s.rng.fill(k.ed25519_seed);
    t.from_address = domain::derive_address(chain->family, k);
  }
  t.token_symbol = symbol;
  t.amount = parsed.value;
  t.decimals = static_cast<int>(token->decimals);
  t.status = domain::TxStatus::broadcast;
  t.tx_hash = chain::make_tx_hash(chain->family, s.rng);
  t.required_confirmations = params->confirmations;
  t.created_at_ms = now;
  t.updated_at_ms = now;
  t.next_due_ms = s.scheduler.chains().block_time(*params, s.scheduler.chains().height_at(*params, now) + 1);
  if (auto st = s.store.create_deposit(t); !st) return error_response(st.error());
  auto stored = s.store.find_transaction_any(t.tx_id);
  return json_response(201, [&] {
    JsonWriter w;
    write_transaction(w, *stored);
    return w.take();
  }());
}

ApiResponse sandbox_transaction_action(Services& s, std::string_view tx_id, std::string_view action) {
  domain::Status st = action == "release" ? s.scheduler.release(tx_id) : s.scheduler.force(tx_id, action == "confirm");
  if (!st) return error_response(st.error());
  auto t = s.store.find_transaction_any(tx_id);
  t->confirmations = s.scheduler.chains().confirmations_at(*t, s.clock.now_ms());
  return one_response(*t, write_transaction);
}

ApiResponse sandbox_ledger(Services& s) {
  JsonWriter w;
  bool all_balanced = true;
  w.begin_object().key("tokens").begin_array();
  for (const auto& row : s.store.ledger_totals()) {
    const auto token = domain::find_token(row.symbol, row.chain);
    const unsigned d = token ? token->decimals : 0;
    domain::Amount held = 0;
    domain::checked_add(row.balance, row.locked, held);
    const bool balanced = row.minted >= row.burned && held == row.minted - row.burned;
    all_balanced = all_balanced && balanced;
    w.begin_object()
        .field("chain", row.chain)
        .field("symbol", row.symbol)
        .field("balance", domain::format_amount(row.balance, d))
        .field("locked", domain::format_amount(row.locked, d))
        .field("minted", domain::format_amount(row.minted, d))
        .field("burned", domain::format_amount(row.burned, d))
        .field("balanced", balanced)
        .end_object();
  }
  w.end_array().field("balanced", all_balanced).end_object();
  return json_response(200, w.take());
}

}  // namespace paratro::api
