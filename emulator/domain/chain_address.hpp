// Chain-family rules for addresses: how a wallet's keys become an account address on a chain, how
// a destination is validated, and the key under which an address is matched (EVM addresses are
// case-insensitive, the others are not).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "emulator/domain/model.hpp"
#include "emulator/domain/registry.hpp"

namespace paratro::domain {

// The account address of a wallet on a chain family; empty if the key material is malformed.
std::string derive_address(ChainFamily family, const WalletKeys& keys);
bool is_valid_address(ChainFamily family, std::string_view address);
std::string address_key(ChainFamily family, std::string_view address);
// address_key() for a chain given by name (verbatim for an unknown chain).
std::string address_key_of(std::string_view address, std::string_view chain);
// The `address_type` an account reports (see README: our choice, the docs do not list values).
std::string_view address_type(ChainFamily family);

// Wallet keys pinned by a 32-byte seed (fixtures): the secp256k1 secret is
// SHA-256("paratro-emulator/secp256k1/" || seed) and the ed25519 seed SHA-256("paratro-emulator/ed25519/"
// || seed), so one seed gives the same addresses on every machine. nullopt in the ~2^-128 case that
// the secp256k1 hash is not a valid scalar.
std::optional<WalletKeys> wallet_keys_from_seed(std::span<const std::uint8_t, 32> seed);

// Whether `hash` has the chain family's transaction-hash format: 0x + 64 hex (EVM), 64 hex (Tron,
// Bitcoin), base58 of 64 bytes (Solana).
bool is_valid_tx_hash(ChainFamily family, std::string_view hash);

}  // namespace paratro::domain
