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

namespace paratro::domain {

inline constexpr std::string_view kWhitelist = "WHITELIST";
inline constexpr std::string_view kBlacklist = "BLACKLIST";
inline constexpr std::string_view kFactorActive = "ACTIVE";
inline constexpr std::string_view kFactorInactive = "INACTIVE";

struct SecurityFactorRecord {
  std::string factor_id;  // sf_...
  std::string client_id;
  std::string factor_type;  // WHITELIST or BLACKLIST
  std::string chain;        // canonical chain name: entries are chain-bound
  std::string address;      // as given
  std::string address_key;  // what destinations are matched on (EVM: case-insensitive)
  std::string label;
  std::string reason;
  std::string status = std::string(kFactorActive);
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

bool is_factor_type(std::string_view v);    // WHITELIST or BLACKLIST
bool is_factor_status(std::string_view v);  // ACTIVE or INACTIVE

// What the client's ACTIVE entries say about one destination on one chain.
struct DestinationFactors {
  bool blacklisted = false;
  bool whitelisted = false;
};

// Whether a transfer to `address` on `chain` may go ahead: address_blacklisted (403,
// permission_error) when an ACTIVE BLACKLIST entry matches, or when `require_whitelist` is on and no
// ACTIVE WHITELIST entry does; ok otherwise. A blacklist entry wins over a whitelist entry.
Status admit_destination(const DestinationFactors& f, bool require_whitelist, std::string_view chain,
                         std::string_view address);

}  // namespace paratro::domain
