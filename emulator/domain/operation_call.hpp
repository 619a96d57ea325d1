// The rules of PROGRAM_CALL and CONTRACT_CALL (POST /api/v1/transactions) that need no state: the
// client's operations policy, the signed Solana transaction of a PROGRAM_CALL and the quote of a
// CONTRACT_CALL. Pure functions; errors carry the gateway's messages ("Invalid request parameters:
// …" for a body that does not bind, "Rejected: <tag>: <detail>" for a verifier refusal, both 400
// invalid_parameter), so api/ only forwards them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

// PROGRAM_CALL or CONTRACT_CALL: the operations a policy can grant and an operation call makes.
constexpr bool is_call_operation(Operation op) {
  return op == Operation::program_call || op == Operation::contract_call;
}

inline constexpr std::size_t kMaxSignedTransaction = 4096;  // characters of signed_transaction
inline constexpr std::size_t kMaxReferenceId = 100;

// The emulator's OPERATION_RULES policy of a client: which operations it may call, on which chains
// (empty `chains`: every chain the operation exists on). No operations means no policy.
struct OperationsPolicy {
  std::vector<Operation> operations;  // call operations, sorted by name, unique
  std::vector<std::string> chains;    // lower case, sorted, unique
  bool allows(Operation operation, std::string_view chain) const;
};

// Stored text of a policy (clients.operations_policy): "" for none, else "OPS|CHAINS" with both lists
// comma-separated, e.g. "CONTRACT_CALL,PROGRAM_CALL|" (all chains).
std::string encode_operations_policy(const OperationsPolicy& p);
// nullopt for text encode_operations_policy cannot have written; "" is the empty policy.
std::optional<OperationsPolicy> decode_operations_policy(std::string_view text);
// Sorts and de-duplicates both lists in place.
void normalise_operations_policy(OperationsPolicy& p);

// The 403 forbidden message of a call the policy does not allow.
std::string policy_refusal(Operation operation, std::string_view chain);

// signed_transaction: 0x-hex (even length) or standard base64 (padding optional). nullopt when it
// is neither or decodes to nothing.
std::optional<std::vector<std::uint8_t>> decode_signed_transaction(std::string_view text);

using SolanaKey = std::array<std::uint8_t, 32>;

struct SolanaInstruction {
  std::uint8_t program_index = 0;
  std::vector<std::uint8_t> accounts;  // indices into account_keys
  std::vector<std::uint8_t> data;
};

// A transaction in Solana's wire format (legacy or v0 message).
struct SolanaTransaction {
  std::vector<std::array<std::uint8_t, 64>> signatures;
  std::uint8_t required_signatures = 0;
  bool versioned = false;
  std::size_t lookup_tables = 0;  // v0 address table lookups
  std::vector<SolanaKey> account_keys;
  std::vector<SolanaInstruction> instructions;
};

// Rejected: malformed when the bytes are not one whole transaction.
Result<SolanaTransaction> parse_solana_transaction(const std::vector<std::uint8_t>& bytes);

// What a PROGRAM_CALL moves, in lamports of SOL (the emulator's registry has no SPL token on solana,
// so both legs are System Program transfers; see the README).
struct ProgramCallLegs {
  Amount outgoing = 0;       // from_address -> counterparty, debited
  std::string counterparty;  // base58 destination of the outgoing transfer
  Amount incoming = 0;       // counterparty -> receive_address, credited on confirmation
};

// The verifier of a PROGRAM_CALL: the fee payer (account 0) is `from_address` with an empty
// signature slot, every other required signature is present, no address lookup tables, only
// System / Token / Token-2022 / ATA / Memo programs, exactly one System transfer from from_address
// and one to receive_address from someone else, and nothing but Memo besides them.
Result<ProgramCallLegs> program_call_legs(const SolanaTransaction& tx, std::string_view from_address,
                                          std::string_view receive_address);

// A leg of a CONTRACT_CALL quote. `incoming` is you -> counterparty (`from` is implicitly the caller),
// `outgoing` is counterparty -> you (the gateway's naming, from the swap contract's side).
struct ContractLeg {
  std::string from;  // outgoing only
  std::string to;
  std::string token;  // the token's contract address
  Amount amount = 0;  // smallest unit
};

struct ContractCallQuote {
  std::string quote_id;  // as sent (0x optional)
  std::int64_t expiration = 0;
  ContractLeg incoming, outgoing;
  std::string counterparty_signature;
  std::int64_t permit_deadline = 0;  // 0: not given
};

// "Invalid request parameters: <field> must be …" unless `text` is a smallest-unit integer string
// (canonical digits, at most 10^38 - 1).
Result<Amount> parse_base_units(std::string_view field, std::string_view text);
// Whether `text` is 32 bytes of hex, with or without 0x.
bool is_bytes32_hex(std::string_view text);
// Whether `text` is 0x followed by at least one byte of hex.
bool is_hex_bytes(std::string_view text);

// The verifier's checks of a quote that need the time (virtual seconds) and the receiving address:
// expiration in the future, permit_deadline (when given) too, positive amounts, outgoing.to ==
// receive_address (EVM, any case).
Status check_contract_quote(const ContractCallQuote& q, std::int64_t now_s, std::string_view receive_address);

// The call data a CONTRACT_CALL sends to the swap contract, as 0x-hex: a 4-byte selector and one
// ABI word per static field of the quote (the signature is not included).
std::string contract_call_data(const ContractCallQuote& q);

}  // namespace paratro::domain
