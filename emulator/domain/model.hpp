// The gateway's resources as plain records: what the store persists and the API serialises.
// Times are Unix milliseconds from the injected clock; amounts are integer base units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/api_version.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

struct ClientRecord {
  std::string client_id;
  std::string client_name;
  std::string api_key;
  std::string secret_salt;
  std::string secret_hash;  // hex HMAC-SHA256(salt, secret); the secret itself is never stored
  ClientStatus status = ClientStatus::active;
  std::string subscription_tier = "SANDBOX";
  std::int64_t max_wallets = 0;
  std::int64_t created_at_ms = 0;
  std::string webhook_url;                      // "" when no webhook is configured
  std::string webhook_secret;                   // whsec_..., the HMAC key of webhook signatures
  std::int64_t rate_limit_per_second = 0;       // 0: no per-client limit (a global flag may still apply)
  ApiVersion api_version = kDefaultApiVersion;  // what the client's requests and webhooks look like
  std::string operations_policy;                // encode_operations_policy() text; "" = no OPERATION_RULES policy
};

struct WalletRecord {
  std::string wallet_id;
  std::string client_id;
  std::string wallet_name;
  std::string description;
  WalletStatus status = WalletStatus::progressing;  // PROGRESSING -> ACTIVE
  KeyStatus key_status = KeyStatus::generating;     // GENERATING -> ACTIVE
  std::int64_t key_ready_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// Secret key material of a wallet (simulated MPC: the emulator simply holds both keys).
struct WalletKeys {
  std::vector<std::uint8_t> secp256k1_secret;  // 32 bytes
  std::vector<std::uint8_t> ed25519_seed;      // 32 bytes
};

struct AccountRecord {
  std::string account_id;
  std::string wallet_id;
  std::string client_id;
  std::string chain;
  std::string network;
  std::string address;
  std::string address_key;
  std::string address_type;
  std::string account_type;
  std::string label;
  AccountStatus status = AccountStatus::active;
  std::int64_t created_at_ms = 0;
};

struct AssetRecord {
  std::string asset_id;
  std::string account_id;
  std::string wallet_id;
  std::string client_id;
  std::string chain;
  std::string network;
  std::string address_key;
  std::string symbol;
  std::string name;
  std::string contract_address;
  int decimals = 0;
  std::string asset_type;
  Amount balance = 0;
  Amount locked_balance = 0;
  bool is_active = true;
  std::int64_t created_at_ms = 0;
};

struct TransactionRecord {
  std::string tx_id;
  std::string wallet_id;
  std::string account_id;
  std::string asset_id;
  std::string client_id;
  std::string chain;
  TxType transaction_type = TxType::transfer;
  TxDirection direction = TxDirection::outbound;
  std::string from_address;
  std::string to_address;
  std::string token_symbol;
  Amount amount = 0;
  int decimals = 0;  // of the asset, for formatting `amount`
  std::string memo;
  TxStatus status = TxStatus::pending;
  std::string tx_hash;
  std::int64_t block_number = 0;
  std::int64_t confirmations = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // Simulated-chain bookkeeping (not all of it is part of the API's representation).
  std::int64_t next_due_ms = -1;        // -1: nothing scheduled (terminal, held, or driven by its twin)
  TxOutcome outcome = TxOutcome::none;  // forced by a magic memo
  std::int64_t required_confirmations = 0;
  TxOrigin origin = TxOrigin::api;
  std::string twin_of;  // for an internal inbound: the outbound tx_id it mirrors
  std::string to_address_key;
  std::string failure_reason;
  std::int64_t confirmed_at_ms = -1;
  // POST /api/v1/transactions: the caller's reference ("" when none), the operation that created the
  // row (TRANSFER, PROGRAM_CALL, CONTRACT_CALL) and its call data (0x-hex, "" for transfers).
  std::string reference_id;
  Operation operation = Operation::transfer;
  std::string call_data;
};

// An x402 settlement record (table x402_settlements): an authorization the emulator signed
// (`kind` SIGN, POST /x402/sign), a settlement (`kind` SETTLE, POST /x402/settle, whose tx_id is
// also its X402_SETTLE transaction's) or a fixture's finished record (HISTORY); see X402Status.
struct X402SettlementRecord {
  std::string tx_id;
  std::string client_id;
  X402Kind kind = X402Kind::settle;
  std::string chain;
  std::string network;
  std::int64_t chain_id = 0;
  std::string from_address, from_key;
  std::string to_address, to_key;
  Amount amount = 0;
  int decimals = 6;
  std::string nonce;
  std::string eip712_hash;
  int signature_v = 0;
  std::string signature_r, signature_s;
  std::int64_t valid_after = 0;
  std::int64_t valid_before = 0;
  X402Signer signed_by = X402Signer::external;
  X402Status status = X402Status::processing;
  Amount locked = 0;
  bool payer_owned = false;
  std::string settle_tx_id;
  std::int64_t expires_at_ms = -1;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// A paid resource of the control plane (table x402_resources).
struct X402ResourceRecord {
  std::string resource_id;
  std::string client_id;
  std::string chain;
  std::string network;
  std::string pay_to;
  Amount amount = 0;
  std::string description;
  std::string mime_type;
  std::string content;
  std::int64_t created_at_ms = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
  bool has_more = false;
};

struct PageRequest {
  std::int64_t page = 1;        // from 1
  std::int64_t page_size = 20;  // 1..100
};

}  // namespace paratro::domain
