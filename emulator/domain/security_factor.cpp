// The admission rule of transfer destinations; see security_factor.hpp.
#include "emulator/domain/security_factor.hpp"

namespace paratro::domain {

DestinationFactors with_factor(DestinationFactors f, FactorType type) {
  (type == FactorType::blacklist ? f.blacklisted : f.whitelisted) = true;
  return f;
}

Status admit_destination(const DestinationFactors& f, bool require_whitelist, std::string_view chain,
                         std::string_view address) {
  if (f.blacklisted) {
    return make_error(ErrorCode::address_blacklisted,
                      "Destination address " + std::string(address) + " is blacklisted on " + std::string(chain));
  }
  if (require_whitelist && !f.whitelisted) {
    return make_error(ErrorCode::address_blacklisted, "Destination address " + std::string(address) +
                                                          " is not whitelisted on " + std::string(chain) +
                                                          ", and this client allows only whitelisted destinations");
  }
  return ok_status();
}

}  // namespace paratro::domain
