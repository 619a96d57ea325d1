// libFuzzer target: request targets (path + query string) through the whole GET pipeline without a
// socket: the input is parsed as an origin-form URI the way http/server.cpp does (Boost.URL), then
// dispatched through the route table with a valid Bearer token over an in-memory store holding a small fixture, so
// every list and lookup handler reads fuzzed query parameters (pagination, filters, limits, versions). Properties:
// every answer has an HTTP status in 200..599, and every error answer is the contract's JSON `{code,type,message}`
// body.
#include <rapidjson/document.h>
#include <boost/url/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/api/context.hpp"
#include "emulator/api/fixture.hpp"
#include "emulator/api/routes.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/chain/virtual_clock.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace a = paratro::api;

namespace {

constexpr std::int64_t kNow = 1767225600000LL;  // 2026-01-01T00:00:00Z

class FixedClock final : public paratro::domain::Clock {
 public:
  std::int64_t now_ms() const override { return kNow; }
};

// One client with a wallet, two accounts, assets and history, so lists have rows to page through.
constexpr std::string_view kFixture = R"({"version": 1, "clients": [{
  "client_id": "c_fuzz", "client_name": "Fuzz", "api_key": "pk_fuzz", "api_secret": "sk_fuzz",
  "wallets": [{"wallet_id": "w_1", "wallet_name": "Main", "created_at": "-P10D",
    "key_seed": "0101010101010101010101010101010101010101010101010101010101010101",
    "accounts": [{"account_id": "acc_eth", "chain": "ethereum", "assets": [{"asset_id": "ast_usdt", "chain": "ethereum",
        "symbol": "USDT", "balance": "15.5", "transactions": [{"tx_id": "tx_in", "direction": "INBOUND",
        "status": "CONFIRMED", "from_address": "0xdAC17F958D2ee523a2206206994597C13D831ec7", "amount": "20",
        "created_at": "-P5D"}]}]},
      {"account_id": "acc_sol", "chain": "solana", "assets": [{"asset_id": "ast_sol", "symbol": "SOL", "balance": "3"}]}]
  }]}]})";

// Services over an in-memory store, as main() wires them (no I/O thread runs).
struct World {
  paratro::store::Store store{":memory:"};
  FixedClock wall;
  paratro::chain::VirtualClock clock{wall, paratro::chain::ClockState{true, 1.0, kNow, kNow}};
  paratro::chain::ChainTable chains;
  paratro::crypto::SeededRandom rng{7};
  paratro::chain::Scheduler scheduler{store, clock, chains, paratro::chain::LifecycleTiming{}, rng};
  a::Services services = [this] {
    a::Services s(store, clock, wall, rng, scheduler);
    s.jwt_key = "key";
    return s;
  }();
  std::string bearer;

  World() {
    chains.set_epoch(kNow);
    const auto loaded =
        a::load_fixture({store, rng, chains, kNow, 0, 100, paratro::domain::kDefaultApiVersion}, kFixture);
    for (const auto& e : loaded.errors) std::fprintf(stderr, "fixture: %s: %s\n", e.path.c_str(), e.message.c_str());
    FUZZ_CHECK(loaded.ok());
    a::ApiRequest r;
    r.method = "POST";
    r.path = "/api/v1/auth/token";
    r.api_key = "pk_fuzz";
    r.api_secret = "sk_fuzz";
    const auto res = a::dispatch(services, r);
    rapidjson::Document doc;
    doc.Parse(res.body.c_str());
    FUZZ_CHECK(res.status == 200 && doc.IsObject() && doc.HasMember("token"));
    bearer = std::string("Bearer ") + doc["token"].GetString();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return 0;
  a::ApiRequest r;
  r.method = "GET";
  r.path = std::string(url->path());
  for (auto param : url->params()) r.query.emplace_back(param.key, param.value);
  r.authorization = world.bearer;

  const a::ApiResponse res = a::dispatch(world.services, r);
  FUZZ_CHECK(res.status >= 200 && res.status <= 599);
  if (res.status >= 400) {
    rapidjson::Document doc;
    doc.Parse(res.body.c_str());
    FUZZ_CHECK(doc.IsObject() && doc.HasMember("code") && doc.HasMember("message"));
  }
  return 0;
}
