// The x402 facilitator's rules as pure functions: reading a `/x402/verify` or `/x402/settle`
// request body (x402 v1 and v2) into one typed request, and verifying an "exact" EVM payment
// (ERC-3009 transferWithAuthorization of USDC) against the virtual clock and the emulator's ledger
// in the reference facilitator's order, answering the spec's reason codes. The caller supplies
// time and ledger facts; nothing here does I/O. Sources: x402 specification v1 §5-7, v2 §5-9,
// specs/schemes/exact/scheme_exact_evm.md, go/mechanisms/evm/exact/{facilitator,v1/facilitator}/
// {eip3009.go,scheme.go,errors.go} (coinbase/x402 @dd927a26), shared/gateway/sdk-1.6.md A2-A4.
#pragma once

#include "emulator/domain/amount.hpp"
#include "emulator/domain/error.hpp"
#include "emulator/domain/x402_typed_data.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paratro::domain {

// `invalidReason` / `errorReason` values. The x402 v2 specification's §9 codes wherever §9 has
// one; §9 has none for a reused nonce, so that one is the reference facilitator's
// (go/mechanisms/evm/exact/facilitator/errors.go ErrNonceAlreadyUsed).
namespace x402_reason {
inline constexpr std::string_view invalid_x402_version = "invalid_x402_version";
inline constexpr std::string_view invalid_payment_requirements = "invalid_payment_requirements";
inline constexpr std::string_view invalid_scheme = "invalid_scheme";
inline constexpr std::string_view unsupported_scheme = "unsupported_scheme";
inline constexpr std::string_view invalid_network = "invalid_network";
inline constexpr std::string_view invalid_payload = "invalid_payload";
inline constexpr std::string_view recipient_mismatch = "invalid_exact_evm_payload_recipient_mismatch";
inline constexpr std::string_view value_mismatch = "invalid_exact_evm_payload_authorization_value_mismatch";
inline constexpr std::string_view valid_before = "invalid_exact_evm_payload_authorization_valid_before";
inline constexpr std::string_view valid_after = "invalid_exact_evm_payload_authorization_valid_after";
inline constexpr std::string_view invalid_signature = "invalid_exact_evm_payload_signature";
inline constexpr std::string_view nonce_already_used = "invalid_exact_evm_nonce_already_used";
inline constexpr std::string_view insufficient_funds = "insufficient_funds";
// Not produced by verify_x402; for the settle path (§9).
inline constexpr std::string_view invalid_transaction_state = "invalid_transaction_state";
inline constexpr std::string_view unexpected_verify_error = "unexpected_verify_error";
inline constexpr std::string_view unexpected_settle_error = "unexpected_settle_error";
}  // namespace x402_reason

// validBefore must be at least this far in the future (reference facilitator: `now + 6`, room for
// the settlement transaction to be mined).
inline constexpr std::int64_t kX402ValidBeforeMarginSeconds = 6;

// `payload.authorization` as sent. Numeric fields sent as JSON integers are converted to their
// decimal text; everything else is the original string, unvalidated (verify_x402 validates).
struct X402Authorization {
  std::string from;
  std::string to;
  std::string value;
  std::string valid_after;
  std::string valid_before;
  std::string nonce;
};

// The exact-EVM `payload` object: {signature, authorization}.
struct X402ExactPayload {
  std::string signature;
  X402Authorization authorization;
};

// PaymentRequirements. A missing field, or one of the wrong JSON type, reads as "" (and then
// fails the check that uses it); numeric fields accept a string or a JSON integer.
struct X402Requirements {
  std::string scheme;
  std::string network;
  std::string amount;  // v1 `maxAmountRequired`, v2 `amount` (each falls back to the other's key)
  std::string asset;
  std::string pay_to;
  std::string resource;     // v1 only ("" in v2, where paymentPayload.resource.url says it)
  std::string description;  // v1 only
  std::string mime_type;    // v1 only
  std::optional<std::int64_t> max_timeout_seconds;
  std::string extra_name;     // extra.name — informative: verification uses the chain's real USDC domain
  std::string extra_version;  // extra.version — idem
};

struct X402Request {
  int x402_version = 0;  // the envelope's: 1 or 2
  // paymentPayload.x402Version: nullopt when absent (Paratro's v1 examples omit it); -1 when
  // present but not an integer.
  std::optional<int> payload_version;
  // The payer's choice: v1 paymentPayload.{scheme,network}; v2 paymentPayload.accepted.{…}.
  std::string scheme;
  std::string network;
  std::string resource_url;  // v2 paymentPayload.resource.url, else v1 requirements.resource
  // nullopt when paymentPayload.payload is not an exact-EVM payload: not an object, or
  // signature / authorization.{from,to,value,validAfter,validBefore,nonce} missing or of the
  // wrong JSON type.
  std::optional<X402ExactPayload> payload;
  // paymentRequirements ?? (v2) paymentPayload.accepted; nullopt when neither is an object.
  std::optional<X402Requirements> requirements;
  bool requirements_from_accepted = false;
};

// Reads a facilitator request body `{x402Version, paymentPayload, paymentRequirements?}`.
// Error (ErrorCode::invalid_parameter, for a 400) only for a malformed envelope: not a JSON object,
// `x402Version` not the integer 1 or 2, or `paymentPayload` missing or not an object. Everything
// inside the payload and the requirements is read leniently and judged by verify_x402, so protocol
// problems become `isValid:false` with a reason, as the x402 spec and the gateway answer them.
Result<X402Request> parse_x402_request(std::string_view body);

// Reads a bare PaymentPayload (the decoded `X-PAYMENT` header of a paid resource) and pairs it
// with the resource server's own requirements. Error (invalid_parameter) when the text is not a
// JSON object or its `x402Version` is not 1 or 2; the result's x402_version is that value.
Result<X402Request> parse_x402_payment(std::string_view payment_payload_json, const X402Requirements& requirements);

// Ledger facts verify_x402 needs, answered by the caller (the store, or a fake in tests).
// Addresses are EIP-55, nonces "0x" + 64 lowercase hex. Must not throw.
class X402LedgerView {
 public:
  virtual ~X402LedgerView() = default;
  // Whether an authorization (from, nonce) was already settled on this network's USDC contract
  // (EIP-3009 `authorizationState`): settled nonces can never be used again.
  virtual bool nonce_used(const X402Network& network, std::string_view from, std::string_view nonce) const = 0;
  // The USDC balance, in base units, that `from` can spend for this authorization when it is an
  // emulator account holding USDC on network.chain (the caller decides whether a sign lock made
  // for this very nonce counts as spendable); nullopt when `from` is not an emulator account: an
  // external payer, assumed funded. Never called for verify-only networks.
  virtual std::optional<Amount> payer_balance(const X402Network& network, std::string_view from) const = 0;
};

struct X402Verification {
  bool is_valid = false;
  std::string_view invalid_reason;  // "" when valid, else an x402_reason value
  std::string payer;                // authorization.from as sent; "" when the payload was unreadable

  // Filled as far as the checks got; all set when is_valid (what settle needs).
  const X402Network* network = nullptr;
  TransferAuthorization authorization;
  Bytes32 digest{};              // EIP-712 digest under network->usdc
  std::string from_address;      // EIP-55
  std::string to_address;        // EIP-55
  std::string nonce_hex;         // "0x" + 64 lowercase hex
  std::optional<Amount> amount;  // value in base units; nullopt if above kMaxAmount
};

// Verifies an exact-EVM payment. Checks, in the reference facilitator's order (eip3009.go):
//  0. paymentPayload.x402Version, when present, equals the envelope's → invalid_x402_version;
//     requirements present → invalid_payment_requirements
//  1. scheme: payload's == requirements' → invalid_scheme; == "exact" → unsupported_scheme
//  2. network: payload's == requirements' (exact string) and known (find_x402_network) →
//     invalid_network; requirements.asset == that network's USDC contract (case-insensitive) →
//     invalid_payment_requirements (the emulator knows no other EIP-3009 token)
//  3. payload shape: present, signature "0x"-hex, from/to addresses, value/validAfter/validBefore
//     decimal uint256 (≤ 2^256-1), nonce bytes32 → invalid_payload
//  4. authorization.to == requirements.payTo (case-insensitive) → …_recipient_mismatch
//  5. requirements amount a decimal uint256 → invalid_payment_requirements;
//     value == amount → …_authorization_value_mismatch
//  6. validBefore >= now + 6 → …_authorization_valid_before
//  7. validAfter <= now → …_authorization_valid_after
//  8. the 65-byte signature (v 0/1 normalised to 27/28 as x402's splitSignatureParts does; then v
//     27/28 and low-s required as USDC's ECRecover does) recovers, under the network's USDC
//     EIP-712 domain, to `from` → invalid_exact_evm_payload_signature
//  9. ledger.nonce_used(from, nonce) is false → invalid_exact_evm_nonce_already_used
// 10. emulator payers: ledger.payer_balance >= value → insufficient_funds (external payers and
//     verify-only networks skip this: assumed funded)
// `now_unix_s` is the virtual clock. Deterministic; thread-safe if `ledger` is.
X402Verification verify_x402(const X402Request& request, std::int64_t now_unix_s, const X402LedgerView& ledger);

}  // namespace paratro::domain
