// Resource identifiers: a type prefix ("w_", "acc_", "ast_", "tx_", "c_") followed by a 26-character
// ULID (48-bit millisecond time + 80 random bits, Crockford base32). The time part makes ids sort
// by creation, and within one millisecond the random part counts up from its first draw
// (RandomSource::id_bits), so ids of one source sort in the order they were made; the bits come
// from the injected RandomSource so a seed fixes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/crypto/random.hpp"

namespace paratro::domain {

std::string make_id(std::string_view prefix, std::int64_t unix_ms, crypto::RandomSource& rng);

}  // namespace paratro::domain
