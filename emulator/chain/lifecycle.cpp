// Implementation of lifecycle.hpp.
#include "emulator/chain/lifecycle.hpp"

#include <array>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::chain {

using Settlement = store::Store::Settlement;
using TxUpdate = store::Store::TxUpdate;
using domain::TxStatus;

domain::TxOutcome outcome_from_memo(std::string_view memo) {
  if (memo.find(kMemoFailSigning) != std::string_view::npos) return domain::TxOutcome::fail_signing;
  if (memo.find(kMemoFailOnChain) != std::string_view::npos) return domain::TxOutcome::fail_onchain;
  if (memo.find(kMemoHold) != std::string_view::npos) return domain::TxOutcome::hold;
  return domain::TxOutcome::none;
}

std::string make_tx_hash(domain::ChainFamily family, crypto::RandomSource& rng) {
  if (family == domain::ChainFamily::svm) {
    std::array<std::uint8_t, 64> sig{};
    rng.fill(sig);
    return domain::base58_encode(sig);
  }
  std::array<std::uint8_t, 32> h{};
  rng.fill(h);
  return family == domain::ChainFamily::evm ? "0x" + crypto::to_hex(h) : crypto::to_hex(h);
}

namespace {

TxUpdate settle(domain::TransactionRecord t, bool confirm, std::int64_t at_ms, std::string reason) {
  t.status = confirm ? TxStatus::confirmed : TxStatus::failed;
  t.updated_at_ms = at_ms;
  t.next_due_ms = -1;
  if (confirm) {
    t.confirmations = t.required_confirmations;
    t.confirmed_at_ms = at_ms;
  } else {
    t.failure_reason = std::move(reason);
  }
  TxUpdate u{std::move(t), confirm ? Settlement::confirm : Settlement::fail, {}};
  return u;
}

}  // namespace

void broadcast(domain::TransactionRecord& t, std::int64_t at_ms, const ChainTable& chains, const ChainParams& c,
               crypto::RandomSource& rng) {
  t.status = TxStatus::broadcast;
  t.tx_hash = make_tx_hash(c.family, rng);
  t.updated_at_ms = at_ms;
  t.next_due_ms = chains.block_time(c, chains.height_at(c, at_ms) + 1);
}

TxUpdate next_step(domain::TransactionRecord t, std::int64_t at_ms, const ChainTable& chains,
                   const LifecycleTiming& timing, crypto::RandomSource& rng) {
  const ChainParams* c = chains.find(t.chain);
  if (!c) return settle(std::move(t), false, at_ms, "unknown chain");
  if (t.required_confirmations <= 0) t.required_confirmations = c->confirmations;
  t.updated_at_ms = at_ms;

  if (t.status == TxStatus::pending) {
    if (t.outcome == domain::TxOutcome::fail_signing) return settle(std::move(t), false, at_ms, "MPC signing failed");
    t.status = TxStatus::signed_;
    t.next_due_ms = at_ms + timing.broadcast_ms;
    return {std::move(t), Settlement::none, {}};
  }
  if (t.status == TxStatus::signed_) {
    broadcast(t, at_ms, chains, *c, rng);
    return {std::move(t), Settlement::none, {}};
  }
  if (t.status == TxStatus::broadcast) {
    t.status = TxStatus::confirming;
    t.block_number = chains.height_at(*c, at_ms);
    t.confirmations = 1;
    std::int64_t blocks_left = t.outcome == domain::TxOutcome::fail_onchain ? 1 : t.required_confirmations - 1;
    if (timing.step_every_block) blocks_left = std::min<std::int64_t>(blocks_left, 1);
    t.next_due_ms = chains.block_time(*c, t.block_number + std::max<std::int64_t>(blocks_left, 0));
    std::string twin = t.origin == domain::TxOrigin::api ? domain::make_id("tx_", at_ms, rng) : std::string();
    return {std::move(t), Settlement::none, std::move(twin)};
  }
  if (t.status == TxStatus::confirming) {
    if (t.outcome == domain::TxOutcome::fail_onchain) {
      t.confirmations = std::max<std::int64_t>(1, chains.height_at(*c, at_ms) - t.block_number + 1);
      return settle(std::move(t), false, at_ms, "transaction reverted on-chain");
    }
    const std::int64_t confirmations = chains.height_at(*c, at_ms) - t.block_number + 1;
    if (timing.step_every_block && confirmations < t.required_confirmations) {
      t.confirmations = std::max(t.confirmations, confirmations);
      t.updated_at_ms = at_ms;
      t.next_due_ms = chains.block_time(*c, t.block_number + t.confirmations);
      return {std::move(t), Settlement::none, {}};
    }
    return settle(std::move(t), true, at_ms, {});
  }
  t.next_due_ms = -1;  // terminal: nothing more to do
  return {std::move(t), Settlement::none, {}};
}

TxUpdate forced_step(domain::TransactionRecord t, bool confirm, std::int64_t at_ms, const ChainTable& chains,
                     crypto::RandomSource& rng) {
  const ChainParams* c = chains.find(t.chain);
  if (c && t.required_confirmations <= 0) t.required_confirmations = c->confirmations;
  std::string twin;
  if (confirm && c) {
    if (t.tx_hash.empty()) t.tx_hash = make_tx_hash(c->family, rng);
    if (t.block_number <= 0) t.block_number = chains.height_at(*c, at_ms);
    if (t.origin == domain::TxOrigin::api) twin = domain::make_id("tx_", at_ms, rng);
  }
  auto u = settle(std::move(t), confirm, at_ms, confirm ? std::string() : "failed by sandbox control");
  u.twin_id = std::move(twin);
  return u;
}

}  // namespace paratro::chain
