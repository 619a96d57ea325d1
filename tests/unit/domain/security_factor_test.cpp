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
  CHECK(d::is_factor_type("WHITELIST"));
  CHECK(d::is_factor_type("BLACKLIST"));
  CHECK_FALSE(d::is_factor_type("blacklist"));
  CHECK(d::is_factor_status("INACTIVE"));
  CHECK_FALSE(d::is_factor_status("DELETED"));
}

TEST_CASE("the store keeps one entry per client, chain, address key and type") {
  paratro::store::Store store(":memory:");
  d::ClientRecord c;
  c.client_id = "c_1";
  c.api_key = "pk_1";
  REQUIRE(store.create_client(c).ok());
  auto entry = [](std::string id, std::string type, std::string chain, std::string key) {
    d::SecurityFactorRecord f;
    f.factor_id = std::move(id);
    f.client_id = "c_1";
    f.factor_type = std::move(type);
    f.chain = std::move(chain);
    f.address = key;
    f.address_key = std::move(key);
    return f;
  };
  CHECK(store.add_security_factor(entry("sf_1", "BLACKLIST", "ethereum", "0xaa")).ok());
  CHECK(store.add_security_factor(entry("sf_2", "WHITELIST", "ethereum", "0xaa")).ok());
  CHECK(store.add_security_factor(entry("sf_3", "BLACKLIST", "polygon", "0xaa")).ok());
  const auto dup = store.add_security_factor(entry("sf_4", "BLACKLIST", "ethereum", "0xaa"));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == d::ErrorCode::conflict);
  const auto taken = store.add_security_factor(entry("sf_1", "BLACKLIST", "tron", "Tx"));
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == d::ErrorCode::conflict);
  auto stranger = entry("sf_5", "BLACKLIST", "tron", "Tx");
  stranger.client_id = "c_nobody";
  CHECK(store.add_security_factor(stranger).error().code == d::ErrorCode::not_found);

  CHECK(store.list_security_factors("c_1", {}).size() == 3);
  CHECK(store.list_security_factors("c_1", {"ethereum", "", ""}).size() == 2);
  CHECK(store.list_security_factors("c_1", {"", "BLACKLIST", ""}).size() == 2);
  auto changed = store.set_security_factor_status("c_1", "sf_1", "INACTIVE", 42);
  REQUIRE(changed.ok());
  CHECK(changed->status == "INACTIVE");
  CHECK(changed->updated_at_ms == 42);
  CHECK(store.list_security_factors("c_1", {"", "", "INACTIVE"}).size() == 1);
  CHECK(store.set_security_factor_status("c_2", "sf_1", "ACTIVE", 43).error().code == d::ErrorCode::not_found);
  CHECK(store.delete_security_factor("c_1", "sf_3").ok());
  CHECK(store.delete_security_factor("c_1", "sf_3").error().code == d::ErrorCode::not_found);
  CHECK_FALSE(store.find_security_factor("c_1", "sf_3"));

  CHECK(store.require_whitelist("c_1") == false);
  CHECK(store.set_require_whitelist("c_1", true).ok());
  CHECK(store.require_whitelist("c_1") == true);
  CHECK_FALSE(store.require_whitelist("c_nobody"));
  CHECK(store.set_require_whitelist("c_nobody", true).error().code == d::ErrorCode::not_found);
}
