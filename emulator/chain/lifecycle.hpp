// The transaction state machine of the simulated chain, as pure functions from a transaction and
// the time its step fell due to the next state (the Scheduler persists it):
//   outbound: PENDING --sign--> SIGNED --broadcast--> BROADCAST --next block--> CONFIRMING
//             --(required-1) more blocks--> CONFIRMED;   FAILED at signing or one block after inclusion
//   deposit:  BROADCAST --next block--> CONFIRMING --> CONFIRMED
// Magic memo values force outcomes (see outcome_from_memo and the README).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/chain/chain_table.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/store/store.hpp"

namespace paratro::chain {

struct LifecycleTiming {
  std::int64_t sign_ms = 2000;       // PENDING -> SIGNED (simulated MPC signing)
  std::int64_t broadcast_ms = 1000;  // SIGNED -> BROADCAST
  // Take a CONFIRMING step at every new block (so each confirmation is a stored change that can
  // fire a webhook) instead of one step at the final block.
  bool step_every_block = false;
};

inline constexpr std::string_view kMemoFailSigning = "sandbox:fail_signing";
inline constexpr std::string_view kMemoFailOnChain = "sandbox:fail_onchain";
inline constexpr std::string_view kMemoHold = "sandbox:hold";
// PROGRAM_CALL / CONTRACT_CALL only: the signing engine "does not answer in time", so the call is
// answered 202 PENDING and then signed and broadcast like a transfer.
inline constexpr std::string_view kMemoEngineTimeout = "sandbox:engine_timeout";

// The forced outcome the memo's magic tokens ask for (none when it has none).
domain::TxOutcome outcome_from_memo(std::string_view memo);

// A transaction hash in the chain's own format (0x+64 hex for EVM, 64 hex for Tron and Bitcoin,
// base58 of a 64-byte signature for Solana).
std::string make_tx_hash(domain::ChainFamily family, crypto::RandomSource& rng);

// Signs and broadcasts `t` at `at_ms`: BROADCAST with a fresh hash, due at the chain's next block.
void broadcast(domain::TransactionRecord& t, std::int64_t at_ms, const ChainTable& chains, const ChainParams& c,
               crypto::RandomSource& rng);

// The step of `t` that fell due at `at_ms` (its next_due_ms). Terminal or unknown states give an
// update that leaves it unscheduled.
store::Store::TxUpdate next_step(domain::TransactionRecord t, std::int64_t at_ms, const ChainTable& chains,
                                 const LifecycleTiming& timing, crypto::RandomSource& rng);

// Forces a non-terminal transaction to CONFIRMED (`confirm`) or FAILED at `at_ms`.
store::Store::TxUpdate forced_step(domain::TransactionRecord t, bool confirm, std::int64_t at_ms,
                                   const ChainTable& chains, crypto::RandomSource& rng);

}  // namespace paratro::chain
