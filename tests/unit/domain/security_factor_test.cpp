// Unit tests for security factors: the admission rule of a transfer destination (table-driven) and
// the store's entries (duplicates by address key, status changes, filters, the require_whitelist
// switch).
#include <doctest/doctest.h>

#include "emulator/domain/security_factor.hpp"
#include "emulator/store/store.hpp"

namespace d = paratro::domain;

TEST_CASE("a destination is admitted unless blacklisted, or not whitelisted when a whitelist is required") {
  struct Case {
    bool blacklisted, whitelisted, require_whitelist, admitted;
    const char* says;
  };
  const Case cases[] = {
      {false, false, false, true, ""},
      {false, true, false, true, ""},
      {true, false, false, false, "is blacklisted on ethereum"},
      {true, true, false, false, "is blacklisted on ethereum"},  // the blacklist wins
      {false, false, true, false, "is not whitelisted on ethereum"},
      {false, true, true, true, ""},
      {true, true, true, false, "is blacklisted on ethereum"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.blacklisted);
    CAPTURE(c.whitelisted);
    CAPTURE(c.require_whitelist);
    const auto st = d::admit_destination({c.blacklisted, c.whitelisted}, c.require_whitelist, "ethereum", "0xabc");
    CHECK(st.ok() == c.admitted);
    if (!c.admitted) {
      CHECK(st.error().code == d::ErrorCode::address_blacklisted);
      CHECK(st.error().message.find(c.says) != std::string::npos);
      CHECK(st.error().message.find("0xabc") != std::string::npos);
    }
  }
  CHECK(d::parse_enum<d::FactorType>("WHITELIST") == d::FactorType::whitelist);
  CHECK(d::parse_enum<d::FactorType>("BLACKLIST") == d::FactorType::blacklist);
  CHECK_FALSE(d::parse_enum<d::FactorType>("blacklist"));
  CHECK(d::parse_enum<d::FactorStatus>("INACTIVE") == d::FactorStatus::inactive);
  CHECK_FALSE(d::parse_enum<d::FactorStatus>("DELETED"));
}

TEST_CASE("entries add up to a destination's verdict inputs") {
  const auto black = d::with_factor({}, d::FactorType::blacklist);
  CHECK(black.blacklisted);
  CHECK_FALSE(black.whitelisted);
  const auto both = d::with_factor(black, d::FactorType::whitelist);
  CHECK(both.blacklisted);
  CHECK(both.whitelisted);
  CHECK_FALSE(d::admit_destination(both, true, "ethereum", "0xabc").ok());  // a blacklist entry wins
  CHECK(d::admit_destination(d::with_factor({}, d::FactorType::whitelist), true, "ethereum", "0xabc").ok());
}

TEST_CASE("the store keeps one entry per client, chain, address key and type") {
  paratro::store::Store store(":memory:");
  d::ClientRecord c;
  c.client_id = "c_1";
  c.api_key = "pk_1";
  REQUIRE(store.create_client(c).ok());
  auto entry = [](std::string id, d::FactorType type, std::string chain, std::string key) {
    d::SecurityFactorRecord f;
    f.factor_id = std::move(id);
    f.client_id = "c_1";
    f.factor_type = type;
    f.chain = std::move(chain);
    f.address = key;
    f.address_key = std::move(key);
    return f;
  };
  CHECK(store.add_security_factor(entry("sf_1", d::FactorType::blacklist, "ethereum", "0xaa")).ok());
  CHECK(store.add_security_factor(entry("sf_2", d::FactorType::whitelist, "ethereum", "0xaa")).ok());
  CHECK(store.add_security_factor(entry("sf_3", d::FactorType::blacklist, "polygon", "0xaa")).ok());
  const auto dup = store.add_security_factor(entry("sf_4", d::FactorType::blacklist, "ethereum", "0xaa"));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == d::ErrorCode::conflict);
  const auto taken = store.add_security_factor(entry("sf_1", d::FactorType::blacklist, "tron", "Tx"));
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == d::ErrorCode::conflict);
  auto stranger = entry("sf_5", d::FactorType::blacklist, "tron", "Tx");
  stranger.client_id = "c_nobody";
  CHECK(store.add_security_factor(stranger).error().code == d::ErrorCode::not_found);

  CHECK(store.list_security_factors("c_1", {}).size() == 3);
  CHECK(store.list_security_factors("c_1", {"ethereum", std::nullopt, std::nullopt}).size() == 2);
  CHECK(store.list_security_factors("c_1", {"", d::FactorType::blacklist, std::nullopt}).size() == 2);
  auto changed = store.set_security_factor_status("c_1", "sf_1", d::FactorStatus::inactive, 42);
  REQUIRE(changed.ok());
  CHECK(changed->status == d::FactorStatus::inactive);
  CHECK(changed->updated_at_ms == 42);
  CHECK(store.list_security_factors("c_1", {"", std::nullopt, d::FactorStatus::inactive}).size() == 1);
  CHECK(store.set_security_factor_status("c_2", "sf_1", d::FactorStatus::active, 43).error().code ==
        d::ErrorCode::not_found);
  CHECK(store.delete_security_factor("c_1", "sf_3").ok());
  CHECK(store.delete_security_factor("c_1", "sf_3").error().code == d::ErrorCode::not_found);
  CHECK_FALSE(store.find_security_factor("c_1", "sf_3"));

  CHECK(store.require_whitelist("c_1") == false);
  CHECK(store.set_require_whitelist("c_1", true).ok());
  CHECK(store.require_whitelist("c_1") == true);
  CHECK_FALSE(store.require_whitelist("c_nobody"));
  CHECK(store.set_require_whitelist("c_nobody", true).error().code == d::ErrorCode::not_found);
}
