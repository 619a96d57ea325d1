// Address whitelists and blacklists ("security factors"): a client's per-chain list of destination
// addresses, each a WHITELIST or BLACKLIST entry that is ACTIVE or INACTIVE. On the real platform
// they are managed in the portal; here through /_sandbox/clients/{id}/security-factors and fixtures.
// The admission rule of a transfer destination lives here, pure; the store applies it inside the
// transaction that would create the transfer, so a refusal writes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/domain/error.hpp"
#include "emulator/domain/record_enums.hpp"

namespace paratro::domain {

struct SecurityFactorRecord {
  std::string factor_id;  // sf_...
  std::string client_id;
  FactorType factor_type = FactorType::blacklist;
  std::string chain;        // canonical chain name: entries are chain-bound
  std::string address;      // as given
  std::string address_key;  // what destinations are matched on (EVM: case-insensitive)
  std::string label;
  std::string reason;
  FactorStatus status = FactorStatus::active;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// What the client's ACTIVE entries say about one destination on one chain.
struct DestinationFactors {
  bool blacklisted = false;
  bool whitelisted = false;
};

// `f` with one more ACTIVE entry of type `type` matching the destination.
DestinationFactors with_factor(DestinationFactors f, FactorType type);

// Whether a transfer to `address` on `chain` may go ahead: address_blacklisted (403,
// permission_error) when an ACTIVE BLACKLIST entry matches, or when `require_whitelist` is on and no
// ACTIVE WHITELIST entry does; ok otherwise. A blacklist entry wins over a whitelist entry.
Status admit_destination(const DestinationFactors& f, bool require_whitelist, std::string_view chain,
                         std::string_view address);

}  // namespace paratro::domain
