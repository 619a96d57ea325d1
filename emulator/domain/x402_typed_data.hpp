// The ERC-3009 typed data behind x402 "exact" EVM payments: the networks x402 names (v1 names such
// as "base", CAIP-2 ids such as "eip155:8453") mapped to the emulator's chains, each with the
// EIP-712 domain of its USDC contract, and the EIP-712 digest of
// TransferWithAuthorization(from, to, value, validAfter, validBefore, nonce) that payers sign and
// USDC's `transferWithAuthorization` checks. Also builds and signs the authorization the emulator
// issues for `POST /x402/sign`. Sources: shared/gateway/sdk-1.6.md A3 (EIP-3009; x402
// specification v2 §6.1.1; x402 go/mechanisms/evm/constants.go and v1/network.go). Pure, no I/O.
#pragma once

#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/uint256.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace paratro::domain {

using Address20 = std::array<std::uint8_t, 20>;
using Bytes32 = std::array<std::uint8_t, 32>;

// EIP712Domain(string name,string version,uint256 chainId,address verifyingContract).
struct Eip712Domain {
  std::string_view name;
  std::string_view version;
  std::uint64_t chain_id;
  std::string_view verifying_contract;  // EIP-55, as published
};

struct X402Network {
  std::string_view chain;    // the emulator's chain name ("base", ...); "" for a verify-only testnet
  std::string_view v1_name;  // x402 v1 network name, "" when x402 v1 defines none (arbitrum)
  std::uint64_t chain_id;    // CAIP-2 reference: "eip155:<chain_id>"
  Eip712Domain usdc;         // the USDC contract's domain; verifying_contract is the asset address
  bool verify_only;          // base-sepolia: no emulator chain, accepted by verify for the golden vector
};

// Resolves an x402 `network` string: a v1 name ("base", "base-sepolia", "ethereum", "polygon",
// "avalanche" — exact, lowercase, as x402 go/mechanisms/evm/v1/network.go spells them) or CAIP-2
// "eip155:<decimal chain id>" (exact, no leading zeros). nullptr when x402 or the emulator does
// not support that network with USDC (e.g. "sepolia", "optimism", "eip155:10", "solana:…").
const X402Network* find_x402_network(std::string_view network);

// The x402 network of an emulator chain name ("base", "ethereum", "polygon", "arbitrum",
// "avalanche"); nullptr for chains without a sourced USDC domain (bsc, optimism, non-EVM).
// Never returns a verify-only network. Used by the sign endpoint.
const X402Network* find_x402_network_by_chain(std::string_view chain);

// Every network, in a fixed order.
std::span<const X402Network> x402_networks();

// "eip155:<chain_id>".
std::string caip2_of(const X402Network& network);

// keccak256(abi.encode(typehash, keccak(name), keccak(version), chainId, verifyingContract)).
// Precondition: verifying_contract is "0x" + 40 hex digits (true of every compiled-in domain).
Bytes32 domain_separator(const Eip712Domain& domain);

// keccak256("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,
// uint256 validBefore,bytes32 nonce)") = 0x7c7c6cdb…1a2267.
Bytes32 transfer_with_authorization_typehash();

struct TransferAuthorization {
  Address20 from{};
  Address20 to{};
  Uint256 value;
  Uint256 valid_after;
  Uint256 valid_before;
  Bytes32 nonce{};
};

// keccak256(abi.encode(typehash, from, to, value, validAfter, validBefore, nonce)).
Bytes32 transfer_with_authorization_struct_hash(const TransferAuthorization& auth);

// The EIP-712 digest keccak256(0x19 0x01 || domainSeparator || structHash): the `eip712_hash` the
// gateway reports and the message the payer's key signs.
Bytes32 transfer_with_authorization_digest(const Eip712Domain& domain, const TransferAuthorization& auth);

// "0x" + 40 hex digits in any case (mixed case is NOT checked against EIP-55, as go-ethereum's
// HexToAddress in the x402 reference facilitator does not check it) → 20 bytes; else nullopt.
std::optional<Address20> parse_evm_address_bytes(std::string_view text);

// "0x" + exactly 64 hex digits (any case) → 32 bytes; else nullopt.
std::optional<Bytes32> parse_bytes32(std::string_view text);

// "0x" + lowercase hex of any byte string (nonces, digests, signatures, r, s).
std::string hex0x(std::span<const std::uint8_t> bytes);

// An authorization the emulator issues for `POST /x402/sign`: value in base units, the validity
// window in unix seconds, and a nonce of 32 bytes drawn from `rng` (a SeededRandom makes it
// reproducible). No range checks — the caller has validated the request (valid_after < valid_before).
TransferAuthorization make_transfer_authorization(const Address20& from, const Address20& to, Amount value,
                                                  std::uint64_t valid_after, std::uint64_t valid_before,
                                                  crypto::RandomSource& rng);

struct SignedTransferAuthorization {
  TransferAuthorization authorization;
  Bytes32 digest{};                          // eip712_hash
  crypto::RecoverableSignature signature{};  // low-s, v 27/28
  std::string signature_hex() const;         // "0x" + 130 hex: r || s || v, x402 `payload.signature`
};

// Signs `auth` under `domain` with `private_key` (deterministic: RFC 6979). nullopt only when the
// private key is not a valid secp256k1 scalar. The caller ensures the key belongs to `auth.from`.
std::optional<SignedTransferAuthorization> sign_transfer_authorization(const Eip712Domain& domain,
                                                                       const TransferAuthorization& auth,
                                                                       const crypto::Scalar32& private_key);

}  // namespace paratro::domain
