// Transfer decisions as pure functions, no I/O: the typed command a POST /api/v1/transfer (or a
// TRANSFER through /api/v1/transactions) becomes once its body is validated, the admission of that
// command against the state the store read (active flags, destination verdict, decimals, balance),
// and the settlement of a transaction that reached CONFIRMED or FAILED as a ledger delta. The store
// reads the inputs, calls these functions and applies what they return; the errors are the API's
// exact codes and messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

// An exact decimal amount at the precision its text used: value = units / 10^scale, trailing
// fractional zeros removed ("1.500" is {15, 1}), so `scale` is the number of significant decimals.
struct DecimalAmount {
  Amount units = 0;
  unsigned scale = 0;
};

// Parses the API's amount text once, before any asset is known: the grammar of parse_amount at the
// text's own precision (at most 38 decimals). Errors are the handler's invalid_parameter messages
// (ceiling, syntax, zero).
Result<DecimalAmount> parse_transfer_amount(std::string_view text);

// `amount` in base units of an asset with `decimals` places: too_many_decimals when a significant
// digit lies beyond them, too_large past kMaxAmount (in that order, as parse_amount reports them).
ParsedAmount to_base_units(const DecimalAmount& amount, unsigned decimals);

// A transfer as the API asked for it, validated and normalised (chain by its registry name, token
// upper-case, addresses with their canonical keys).
struct TransferCommand {
  std::string client_id;
  std::string chain;
  std::string token_symbol;
  std::string from_address_key;
  std::string to_address;
  std::string to_address_key;
  std::string memo;
  DecimalAmount amount;
};

// What the store read for a transfer's source, in one write transaction.
struct TransferSource {
  WalletStatus wallet_status = WalletStatus::active;
  AccountStatus account_status = AccountStatus::active;
  bool asset_active = true;
  std::string symbol;
  int decimals = 0;
  Amount balance = 0;  // available
  Amount locked = 0;
  Status destination = ok_status();  // the client's security factors on the destination (admit_destination)
};

// An admitted transfer: the amount in base units and the source's ledger entry after locking it.
struct TransferAdmission {
  Amount amount = 0;
  Amount balance_after = 0;
  Amount locked_after = 0;
};

// One ledger row's available and locked amounts.
struct BalanceEntry {
  Amount balance = 0;
  Amount locked = 0;
};

// `amount` (at most e.balance: the caller checked) moved from available to locked, or
// invalid_parameter "amount exceeds the supported ceiling" when the lock would pass kMaxAmount.
// Transfers and operation calls lock this way; x402 saturates instead (x402_ledger.hpp).
Result<BalanceEntry> lock_checked(BalanceEntry e, Amount amount);

// The balance check every lock shares: insufficient_balance "Insufficient balance: available
// <balance> <symbol>" (balance at `decimals` places) when `amount` exceeds `balance`, ok otherwise.
Status check_available(Amount amount, Amount balance, unsigned decimals, std::string_view symbol);

// Decides a transfer, first failure wins: wallet_not_active, account_not_active, inactive asset
// (transaction_failed), the destination verdict, decimals / ceiling / zero (invalid_parameter),
// balance (insufficient_balance "Insufficient balance: available <balance> <symbol>"), and a lock
// that would pass the ceiling (invalid_parameter).
Result<TransferAdmission> admit_transfer(const DecimalAmount& amount, const TransferSource& source);

// ---- settlement

// One ledger row's change. Amounts are unsigned: what comes in and what goes out, per column.
struct BalanceDelta {
  std::string chain, address_key, symbol;
  Amount balance_in = 0, balance_out = 0;
  Amount locked_in = 0, locked_out = 0;
};
// What entered (minted) or left (burned) the emulator's world, per (chain, symbol).
struct SupplyDelta {
  std::string chain, symbol;
  Amount minted = 0, burned = 0;
};
struct LedgerDelta {
  std::vector<BalanceDelta> balances;
  std::vector<SupplyDelta> supply;
};

// Balanced: for every (chain, symbol), what the rows gain minus what they lose (balance and locked
// together) equals minted minus burned. Every delta settle_transaction returns is balanced.
bool is_balanced(const LedgerDelta& delta);

enum class Settlement { none, confirm, fail };

// The incoming leg of a PROGRAM_CALL / CONTRACT_CALL, credited when the call confirms.
struct IncomingLeg {
  std::string chain, address_key, symbol;
  Amount amount = 0;
};

// What a lifecycle step that settles `tx` does to the ledger. Outbound (origin api): the locked
// amount leaves the sender's locked balance; on fail it returns to the available balance; on
// confirm it goes to the receiver when the destination is an owned address (`has_twin`), else it
// leaves the world (burned), and the incoming leg, if any, enters it (minted) at its address.
// Deposit confirmed: the amount enters the world at the receiver. Anything else (none, internal
// twins, which follow their outbound, x402, which has its own records): an empty delta.
// `from_address_key` is the sender's ledger key (address_key_of(from_address, chain)).
LedgerDelta settle_transaction(const TransactionRecord& tx, Settlement settle, std::string_view from_address_key,
                               bool has_twin, const std::optional<IncomingLeg>& leg);

// The inbound twin of an internal transfer `out` (to an owned address of `receiver`), created with
// id `twin_id` when the transfer reaches the chain; `asset_id` is the receiver's asset of that token
// ("" when it has none).
TransactionRecord make_inbound_twin(const TransactionRecord& out, const AccountRecord& receiver, std::string twin_id,
                                    std::string asset_id);

// The inbound twin `twin` kept in step with its outbound `out` (status, hash, block, confirmations,
// times, failure), or nullopt when it already is (same status and confirmations: nothing to write).
std::optional<TransactionRecord> follow_outbound(const TransactionRecord& twin, const TransactionRecord& out);

// Whether a transaction in this state has reached the chain (a twin exists from then on).
bool on_chain(const TransactionRecord& tx);

}  // namespace paratro::domain
