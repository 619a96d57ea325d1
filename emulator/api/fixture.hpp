// Fixtures: a JSON file that describes clients, wallets, accounts, assets with balances and a
// history of finished transactions (format in fixtures/README.md). load_fixture() checks every
// field against the same rules the API applies (api/rules.hpp, the store's own checks) and writes
// the whole fixture in one SQLite transaction; any error leaves the store untouched. The
// `fixtures validate` command runs this very function against a scratch in-memory store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/chain/chain_table.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/store/store.hpp"

namespace paratro::api {

struct FixtureError {
  std::string path;  // JSONPath of the offending value, e.g. "$.clients[0].wallets[1].accounts[0].chain"
  std::string message;
};

struct FixtureCounts {
  std::int64_t clients = 0, wallets = 0, accounts = 0, assets = 0, transactions = 0;
};

struct FixtureResult {
  std::vector<FixtureError> errors;  // at most kMaxFixtureErrors, then one line saying the rest was cut
  FixtureCounts counts;
  bool ok() const { return errors.empty(); }
};

// What a load needs besides the text.
struct FixtureContext {
  store::Store& store;
  crypto::RandomSource& rng;        // ids, keys and hashes the fixture does not pin
  const chain::ChainTable& chains;  // block heights of history rows (its epoch must be set)
  std::int64_t now_ms;              // the load instant on the virtual clock; history must precede it
  std::int64_t keygen_delay_ms;     // a PROGRESSING wallet finishes key generation this long after the load
  std::int64_t default_max_wallets;
  domain::ApiVersion default_api_version;  // of clients that do not name one
};

inline constexpr std::size_t kMaxFixtureErrors = 100;
inline constexpr std::size_t kMaxFixtureBytes = 64u << 20;
// Settings key of the marker a load leaves behind: the SHA-256 (hex) of the fixture text.
inline constexpr std::string_view kFixtureSetting = "fixture";

// Checks and loads `text` into ctx.store in one transaction (nothing is written if any error is
// found) and records fixture_digest(text) under kFixtureSetting. Never throws.
FixtureResult load_fixture(const FixtureContext& ctx, std::string_view text);

std::string fixture_digest(std::string_view text);

// "2 clients, 5 wallets, ..." for banners and the validate command.
std::string describe(const FixtureCounts& counts);

}  // namespace paratro::api
