// libFuzzer target: every address codec (domain/address_codec, domain/chain_address) and the hex
// readers of x402 (domain/x402_typed_data) on arbitrary text. Properties: what base58 and segwit
// decode re-encodes to the same text (lowercased for segwit); a valid address has a key; a valid
// EVM address is one x402 reads, and reads back as the same hex; every chain's validator and
// tx-hash check answer without fault.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/chain_address.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/x402_typed_data.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace d = paratro::domain;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto bytes = d::base58_decode(text)) FUZZ_CHECK(d::base58_encode(*bytes) == text);
  if (const auto payload = d::base58check_decode(text)) FUZZ_CHECK(d::base58check_encode(*payload) == text);
  (void)d::bech32_decode(text);
  if (const auto segwit = d::segwit_decode(text)) {
    FUZZ_CHECK(d::segwit_encode(segwit->hrp, segwit->witness_version, segwit->program) == lower(text));
  }

  const bool evm = d::is_valid_evm_address(text);
  (void)d::is_valid_tron_address(text);
  (void)d::is_valid_bitcoin_address(text);
  (void)d::is_valid_solana_address(text);
  for (const d::ChainInfo& chain : d::all_chains()) {
    if (d::is_valid_address(chain.family, text)) FUZZ_CHECK(!d::address_key(chain.family, text).empty());
    (void)d::address_key_of(text, chain.name);
    (void)d::is_valid_tx_hash(chain.family, text);
  }
  (void)d::address_key_of(text, "no-such-chain");

  const auto address = d::parse_evm_address_bytes(text);
  if (evm) FUZZ_CHECK(address.has_value());
  if (address) FUZZ_CHECK(d::hex0x(*address) == lower(text));
  if (const auto word = d::parse_bytes32(text)) FUZZ_CHECK(d::hex0x(*word).size() == 66);
  return 0;
}
