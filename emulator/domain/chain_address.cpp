// Implementation of chain_address.hpp on top of the codecs in address_codec.hpp.
#include "emulator/domain/chain_address.hpp"

#include <algorithm>
#include <array>

#include "emulator/crypto/hash.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/domain/address_codec.hpp"

namespace paratro::domain {

namespace {
std::string ascii_prefix_lower(std::string_view s, std::size_t n) {
  std::string out(s.substr(0, n));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::string derive_address(ChainFamily family, const WalletKeys& keys) {
  if (family == ChainFamily::svm) {
    if (keys.ed25519_seed.size() != 32) return {};
    std::array<std::uint8_t, 32> seed{};
    std::copy(keys.ed25519_seed.begin(), keys.ed25519_seed.end(), seed.begin());
    return solana_address(crypto::ed25519_from_seed(seed).public_key);
  }
  if (keys.secp256k1_secret.size() != 32) return {};
  std::array<std::uint8_t, 32> secret{};
  std::copy(keys.secp256k1_secret.begin(), keys.secp256k1_secret.end(), secret.begin());
  const auto key = crypto::secp256k1_from_private(secret);
  if (!key) return {};
  switch (family) {
    case ChainFamily::evm:
      return evm_address(key->public_uncompressed);
    case ChainFamily::tvm:
      return tron_address(key->public_uncompressed);
    case ChainFamily::utxo:
      return bitcoin_p2wpkh_address(key->public_compressed);
    case ChainFamily::svm:
      break;
  }
  return {};
}

bool is_valid_address(ChainFamily family, std::string_view address) {
  switch (family) {
    case ChainFamily::evm:
      return is_valid_evm_address(address);
    case ChainFamily::tvm:
      return is_valid_tron_address(address);
    case ChainFamily::utxo:
      return is_valid_bitcoin_address(address);
    case ChainFamily::svm:
      return is_valid_solana_address(address);
  }
  return false;
}

std::string address_key(ChainFamily family, std::string_view address) {
  std::string key(address);
  // EVM hex and bech32 ("bc1…"/"tb1…", valid in all upper or all lower case) are case-insensitive.
  const auto lower3 = ascii_prefix_lower(address, 3);
  if (family == ChainFamily::evm || (family == ChainFamily::utxo && (lower3 == "bc1" || lower3 == "tb1"))) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return key;
}

std::string address_key_of(std::string_view address, std::string_view chain) {
  const ChainInfo* c = find_chain(chain);
  return c ? address_key(c->family, address) : std::string(address);
}

std::string_view address_type(ChainFamily family) {
  switch (family) {
    case ChainFamily::evm:
      return "EOA";
    case ChainFamily::tvm:
      return "EOA";
    case ChainFamily::utxo:
      return "P2WPKH";
    case ChainFamily::svm:
      return "ED25519";
  }
  return "EOA";
}

std::optional<WalletKeys> wallet_keys_from_seed(std::span<const std::uint8_t, 32> seed) {
  auto derive = [&](std::string_view label) {
    std::string input(label);
    input.append(reinterpret_cast<const char*>(seed.data()), seed.size());
    return crypto::sha256(input);
  };
  const auto secret = derive("paratro-emulator/secp256k1/");
  if (!crypto::secp256k1_from_private(secret)) return std::nullopt;
  const auto ed = derive("paratro-emulator/ed25519/");
  return WalletKeys{{secret.begin(), secret.end()}, {ed.begin(), ed.end()}};
}

bool is_valid_tx_hash(ChainFamily family, std::string_view hash) {
  if (family == ChainFamily::svm) {
    const auto bytes = base58_decode(hash);
    return bytes && bytes->size() == 64;
  }
  if (family == ChainFamily::evm) {
    if (hash.substr(0, 2) != "0x") return false;
    hash.remove_prefix(2);
  }
  return hash.size() == 64 && crypto::from_hex(hash).has_value();
}

}  // namespace paratro::domain
