// Implementation of transfer.hpp. The error texts are the API's: e2e tests compare them byte for byte.
#include "emulator/domain/transfer.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace paratro::domain {

Result<DecimalAmount> parse_transfer_amount(std::string_view text) {
  // Syntax and sign at the precision the text itself uses; the asset's decimals and the ceiling in
  // its base units are checked at admission, once the asset is known.
  const auto dot = text.find('.');
  const auto text_decimals = dot == std::string_view::npos ? 0u : static_cast<unsigned>(text.size() - dot - 1);
  const unsigned scale = std::min(text_decimals, 38u);
  const auto parsed = parse_amount(text, scale);
  if (parsed.error == AmountError::too_large) {
    return make_error(ErrorCode::invalid_parameter, "amount exceeds the supported ceiling");
  }
  if (!parsed.ok()) {
    return make_error(ErrorCode::invalid_parameter, "amount must be a positive decimal string such as \"1.5\"");
  }
  if (parsed.value == 0) return make_error(ErrorCode::invalid_parameter, "amount must be greater than 0");
  DecimalAmount out{parsed.value, scale};
  while (out.scale > 0 && out.units % 10 == 0) {
    out.units /= 10;
    --out.scale;
  }
  return out;
}

ParsedAmount to_base_units(const DecimalAmount& amount, unsigned decimals) {
  ParsedAmount out;
  if (amount.scale > decimals) {
    out.error = AmountError::too_many_decimals;  // trailing zeros are gone: the last digit is significant
    return out;
  }
  Amount v = amount.units;
  for (unsigned i = amount.scale; i < decimals && v != 0; ++i) {
    if (v > kMaxAmount / 10) {
      out.error = AmountError::too_large;
      return out;
    }
    v *= 10;
  }
  out.value = v;
  return out;
}

Result<BalanceEntry> lock_checked(BalanceEntry e, Amount amount) {
  Amount locked = 0;
  if (!checked_add(e.locked, amount, locked)) {
    return make_error(ErrorCode::invalid_parameter, "amount exceeds the supported ceiling");
  }
  e.balance -= amount;
  e.locked = locked;
  return e;
}

Status check_available(Amount amount, Amount balance, unsigned decimals, std::string_view symbol) {
  if (amount <= balance) return ok_status();
  return make_error(ErrorCode::insufficient_balance,
                    "Insufficient balance: available " + format_amount(balance, decimals) + " " + std::string(symbol));
}

Result<TransferAdmission> admit_transfer(const DecimalAmount& amount, const TransferSource& src) {
  if (src.wallet_status != WalletStatus::active) {
    return make_error(ErrorCode::wallet_not_active, "Wallet is not in active state");
  }
  if (src.account_status != AccountStatus::active) {
    return make_error(ErrorCode::account_not_active, "Account is not in active state");
  }
  if (!src.asset_active) return make_error(ErrorCode::transaction_failed, "Asset is not active");
  if (!src.destination) return src.destination.error();
  const auto decimals = static_cast<unsigned>(src.decimals);
  const auto parsed = to_base_units(amount, decimals);
  if (parsed.error == AmountError::too_many_decimals) {
    return make_error(ErrorCode::invalid_parameter, "amount has more decimal places than " + src.symbol +
                                                        " supports (" + std::to_string(src.decimals) + ")");
  }
  if (parsed.error == AmountError::too_large) {
    return make_error(ErrorCode::invalid_parameter, "amount exceeds the supported ceiling (10^38 - 1 base units)");
  }
  if (parsed.value == 0) return make_error(ErrorCode::invalid_parameter, "amount must be greater than 0");
  if (auto st = check_available(parsed.value, src.balance, decimals, src.symbol); !st) return st.error();
  const auto locked = lock_checked({src.balance, src.locked}, parsed.value);
  if (!locked) return locked.error();
  return TransferAdmission{parsed.value, locked->balance, locked->locked};
}

bool is_balanced(const LedgerDelta& delta) {
  // Per (chain, symbol): rows' gains and losses, and the world's. Sums of at most a few deltas of
  // values <= kMaxAmount fit in 128 bits (kMaxAmount < 2^127).
  struct Sides {
    Amount gained = 0, lost = 0;
  };
  std::map<std::pair<std::string, std::string>, Sides> rows, world;
  for (const auto& b : delta.balances) {
    auto& s = rows[{b.chain, b.symbol}];
    s.gained += b.balance_in + b.locked_in;
    s.lost += b.balance_out + b.locked_out;
  }
  for (const auto& m : delta.supply) {
    auto& s = world[{m.chain, m.symbol}];
    s.gained += m.minted;
    s.lost += m.burned;
  }
  for (const auto& [key, s] : rows) {
    const auto w = world.count(key) ? world[key] : Sides{};
    if (s.gained + w.lost != s.lost + w.gained) return false;
  }
  for (const auto& [key, w] : world) {
    if (!rows.count(key) && w.gained != w.lost) return false;
  }
  return true;
}

LedgerDelta settle_transaction(const TransactionRecord& t, Settlement settle, std::string_view from_address_key,
                               bool has_twin, const std::optional<IncomingLeg>& leg) {
  LedgerDelta d;
  if (settle == Settlement::none) return d;
  if (t.origin == TxOrigin::api) {
    // The amount was locked when the transfer was accepted.
    BalanceDelta from{t.chain, std::string(from_address_key), t.token_symbol};
    from.locked_out = t.amount;
    if (settle == Settlement::fail) {
      from.balance_in = t.amount;
      d.balances.push_back(std::move(from));
      return d;
    }
    d.balances.push_back(std::move(from));
    if (has_twin) {
      BalanceDelta to{t.chain, t.to_address_key, t.token_symbol};
      to.balance_in = t.amount;
      d.balances.push_back(std::move(to));
    } else {
      d.supply.push_back({t.chain, t.token_symbol, 0, t.amount});
    }
    if (leg) {
      // The counterparty of a call is outside the emulator's world: what it pays enters it.
      BalanceDelta in{leg->chain, leg->address_key, leg->symbol};
      in.balance_in = leg->amount;
      d.balances.push_back(std::move(in));
      d.supply.push_back({leg->chain, leg->symbol, leg->amount, 0});
    }
  } else if (t.origin == TxOrigin::deposit && settle == Settlement::confirm) {
    BalanceDelta to{t.chain, t.to_address_key, t.token_symbol};
    to.balance_in = t.amount;
    d.balances.push_back(std::move(to));
    d.supply.push_back({t.chain, t.token_symbol, t.amount, 0});
  }
  return d;
}

TransactionRecord make_inbound_twin(const TransactionRecord& out, const AccountRecord& receiver, std::string twin_id,
                                    std::string asset_id) {
  TransactionRecord in = out;
  in.tx_id = std::move(twin_id);
  in.client_id = receiver.client_id;
  in.wallet_id = receiver.wallet_id;
  in.account_id = receiver.account_id;
  in.asset_id = std::move(asset_id);
  in.direction = TxDirection::inbound;
  in.origin = TxOrigin::internal;
  in.twin_of = out.tx_id;
  in.memo.clear();
  in.reference_id.clear();  // the sender's reference is not the receiver's (and is unique per client)
  in.outcome = TxOutcome::none;
  in.next_due_ms = -1;
  in.created_at_ms = out.updated_at_ms;
  return in;
}

std::optional<TransactionRecord> follow_outbound(const TransactionRecord& twin, const TransactionRecord& out) {
  if (twin.status == out.status && twin.confirmations == out.confirmations) return std::nullopt;
  TransactionRecord m = twin;
  m.status = out.status;
  m.tx_hash = out.tx_hash;
  m.block_number = out.block_number;
  m.confirmations = out.confirmations;
  m.updated_at_ms = out.updated_at_ms;
  m.confirmed_at_ms = out.confirmed_at_ms;
  m.failure_reason = out.failure_reason;
  m.required_confirmations = out.required_confirmations;
  return m;
}

bool on_chain(const TransactionRecord& t) {
  return t.status == TxStatus::confirming || t.status == TxStatus::confirmed ||
         (t.status == TxStatus::failed && t.block_number > 0);
}

}  // namespace paratro::domain
