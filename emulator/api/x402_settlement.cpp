// See x402_settlement.hpp.
#include "emulator/api/x402_settlement.hpp"

#include <limits>

#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/chain/lifecycle.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/base64.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::api::x402 {

using domain::X402SettlementRecord;

std::string evm_key(std::string_view address) { return domain::address_key(domain::ChainFamily::evm, address); }

namespace {

// The emulator's ledger as verify_x402 sees it, for the authorization `nonce` (a sign lock of that
// very nonce counts as spendable: settling it consumes the lock).
class StoreLedger final : public domain::X402LedgerView {
 public:
  StoreLedger(store::Store& store, std::string nonce) : store_(store), nonce_(std::move(nonce)) {}
  bool nonce_used(const domain::X402Network& network, std::string_view from, std::string_view nonce) const override {
    return store_.x402_nonce_used(static_cast<std::int64_t>(network.chain_id), evm_key(from),
                                  ascii_lower(std::string(nonce)));
  }
  std::optional<domain::Amount> payer_balance(const domain::X402Network& network,
                                              std::string_view from) const override {
    return store_.x402_payer_balance(network.chain, static_cast<std::int64_t>(network.chain_id), evm_key(from), nonce_);
  }

 private:
  store::Store& store_;
  std::string nonce_;
};

}  // namespace

domain::X402Verification verify_payment(Services& s, const domain::X402Request& req) {
  std::string nonce = req.payload ? ascii_lower(req.payload->authorization.nonce) : std::string();
  StoreLedger ledger(s.store, std::move(nonce));
  return domain::verify_x402(req, s.clock.now_ms() / 1000, ledger);
}

std::int64_t clamp_i64(const domain::Uint256& v) {
  const auto amount = domain::to_amount(v);
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (!amount || *amount > static_cast<domain::Amount>(max)) return max;
  return static_cast<std::int64_t>(*amount);
}

SettleResult settle_payment(Services& s, const std::string& client_id, const domain::X402Request& req) {
  SettleResult out;
  out.network = req.network;
  const auto v = verify_payment(s, req);
  out.payer = v.payer;
  if (!v.is_valid) {
    out.reason = std::string(v.invalid_reason);
    return out;
  }
  const domain::X402Network& net = *v.network;
  const chain::ChainParams* params = net.verify_only ? nullptr : s.scheduler.chains().find(net.chain);
  const auto token = domain::find_token("USDC", net.chain);
  if (!params || !token) {
    out.reason = std::string(domain::x402_reason::invalid_network);  // a verify-only testnet: no chain to settle on
    return out;
  }
  if (!v.amount) {
    out.reason = std::string(domain::x402_reason::invalid_payload);  // beyond the ledger's ceiling
    return out;
  }
  const std::int64_t now = s.clock.now_ms();
  X402SettlementRecord rec;
  rec.tx_id = domain::make_id("tx_", now, s.rng);
  rec.client_id = client_id;
  rec.kind = domain::X402Kind::settle;
  rec.chain = std::string(net.chain);
  rec.network = req.network;
  rec.chain_id = static_cast<std::int64_t>(net.chain_id);
  rec.from_address = v.from_address;
  rec.from_key = evm_key(v.from_address);
  rec.to_address = v.to_address;
  rec.to_key = evm_key(v.to_address);
  rec.amount = *v.amount;
  rec.decimals = static_cast<int>(token->decimals);
  rec.nonce = v.nonce_hex;
  rec.eip712_hash = domain::hex0x(v.digest);
  const std::string sig = ascii_lower(req.payload->signature);
  rec.signature_r = "0x" + sig.substr(2, 64);
  rec.signature_s = "0x" + sig.substr(66, 64);
  rec.signature_v = std::stoi(sig.substr(130, 2), nullptr, 16);
  if (rec.signature_v < 27) rec.signature_v += 27;
  rec.valid_after = clamp_i64(v.authorization.valid_after);
  rec.valid_before = clamp_i64(v.authorization.valid_before);
  rec.signed_by = domain::X402Signer::external;
  rec.status = domain::X402Status::processing;
  rec.created_at_ms = rec.updated_at_ms = now;

  domain::TransactionRecord tx;
  tx.created_at_ms = tx.updated_at_ms = now;
  tx.required_confirmations = params->confirmations;
  chain::broadcast(tx, now, s.scheduler.chains(), *params, s.rng);
  auto settled = s.store.settle_x402(std::move(rec), std::move(tx));
  if (!settled.error_reason.empty()) {
    out.reason = settled.error_reason;
    return out;
  }
  out.success = true;
  out.tx_id = settled.tx.tx_id;
  out.tx_hash = settled.tx.tx_hash;
  out.payer = settled.record.from_address;
  return out;
}

std::string base64_std_encode(std::string_view bytes) {
  std::string out = domain::base64url_encode(bytes);
  for (char& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

}  // namespace paratro::api::x402
