// libFuzzer target: PROGRAM_CALL's signed Solana transaction and the stored operations policy
// (domain/operation_call). The input is the `signed_transaction` text (0x-hex or base64); what
// decodes is parsed as a transaction and, when it parses, checked by the verifier against the
// account keys it names. The same text is also read as a stored operations policy. Properties:
// every instruction's program and account indices are inside account_keys; legs the verifier
// accepts are positive; a decoded policy encodes back to the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/operation_call.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace d = paratro::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto policy = d::decode_operations_policy(text)) {
    FUZZ_CHECK(d::encode_operations_policy(*policy) == text);
  }

  const auto bytes = d::decode_signed_transaction(text);
  if (!bytes) return 0;
  const auto tx = d::parse_solana_transaction(*bytes);
  if (!tx) return 0;
  for (const d::SolanaInstruction& ix : tx->instructions) {
    FUZZ_CHECK(ix.program_index < tx->account_keys.size());
    for (std::uint8_t a : ix.accounts) FUZZ_CHECK(a < tx->account_keys.size());
  }
  if (tx->account_keys.empty()) return 0;
  // The fee payer as the sender, and each key in turn (itself included) as the receiving address.
  const std::string from = d::base58_encode(tx->account_keys[0]);
  for (std::size_t i = 0; i < tx->account_keys.size() && i < 8; ++i) {
    const auto legs = d::program_call_legs(*tx, from, d::base58_encode(tx->account_keys[i]));
    if (legs) FUZZ_CHECK(legs->outgoing > 0 && !legs->counterparty.empty());
  }
  return 0;
}
