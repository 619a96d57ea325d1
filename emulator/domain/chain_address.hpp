// Chain-family rules for addresses: how a wallet's keys become an account address on a chain, how
// a destination is validated, and the key under which an address is matched (EVM addresses are
// case-insensitive, the others are not).
#pragma once

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

}  // namespace paratro::domain
