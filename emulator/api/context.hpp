// What every handler works with: the store, the injected clock and randomness, the JWT signing key
// and the options set by flags. Owned by main(); handlers borrow it for the length of one request.
#pragma once

#include <cstdint>
#include <string>

#include <functional>
#include <memory>
#include <vector>

#include "emulator/api/sandbox/ops.hpp"
#include "emulator/api/snapshots.hpp"
#include "emulator/api/token_cache.hpp"
#include "emulator/chain/scheduler.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/clock.hpp"
#include "emulator/store/store.hpp"

namespace paratro::webhooks {
class Dispatcher;
}
namespace paratro::store {
class Writer;
}

namespace paratro::api {

namespace events {
class Bus;
}

struct ApiOptions {
  std::int64_t token_ttl_s = 900;       // `expires_in` of issued tokens
  std::int64_t keygen_delay_ms = 3000;  // simulated MPC key generation time of a new wallet (virtual)
  std::int64_t default_max_wallets = 100;
  // The version of clients created through POST /_sandbox/clients without one (--api-version also
  // pins the default client to it).
  domain::ApiVersion default_api_version = domain::kDefaultApiVersion;
};

// Built in one place: the constructor takes what every handler needs and cannot default; the rest
// is set by the owner (app/emulator.cpp) before the server starts.
struct Services {
  Services(store::Store& store_, const domain::Clock& clock_, const domain::Clock& wall_clock_,
           crypto::RandomSource& rng_, chain::Scheduler& scheduler_)
      : store(store_), clock(clock_), wall_clock(wall_clock_), rng(rng_), scheduler(scheduler_) {}
  // The same services over another store (a scratch copy for the reset baseline): the key, options,
  // token cache, controls and snapshots are shared; no hooks, metric sections, dispatcher or writer.
  Services over(store::Store& other) const {
    Services copy(other, clock, wall_clock, rng, scheduler);
    copy.jwt_key = jwt_key;
    copy.options = options;
    copy.tokens = tokens;
    copy.ops = ops;
    copy.snapshots = snapshots;
    return copy;
  }

  store::Store& store;
  const domain::Clock& clock;       // resource timestamps and due times
  const domain::Clock& wall_clock;  // JWT iat/exp: clients compare them with their own wall time
  crypto::RandomSource& rng;
  std::string jwt_key;
  ApiOptions options;
  chain::Scheduler& scheduler;
  std::shared_ptr<TokenCache> tokens = std::make_shared<TokenCache>();
  // Run after a reset or snapshot restore replaced the database's contents, so that in-memory state
  // derived from it (caches, rate-limit buckets, the webhook dispatcher) starts over. Registered at
  // start-up, before the server accepts requests.
  std::vector<std::function<void()>> reset_hooks;
  webhooks::Dispatcher* webhooks = nullptr;  // null when deliveries are off (unit tests)
  // Fault rules, rate limiter, request journal and request metrics (see sandbox/ops.hpp).
  std::shared_ptr<Ops> ops = std::make_shared<Ops>();
  // Extra sections of GET /_sandbox/metrics: each appends complete Prometheus text (HELP, TYPE and
  // samples; write_header/write_sample in sandbox/metrics.hpp help) to the string it is given.
  // Registered at start-up; called on an I/O thread per scrape, so keep them cheap.
  std::vector<std::function<void(std::string&)>> metric_writers = {};
  // The reset baseline and saved snapshots (POST /_sandbox/reset, /_sandbox/snapshots).
  std::shared_ptr<Snapshots> snapshots = std::make_shared<Snapshots>();
  // The single writer (null in unit tests that call handlers directly): GET/POST /_sandbox/storage.
  store::Writer* writer = nullptr;
  // The event bus of GET /_sandbox/events (null when there is none, as in unit tests that call
  // handlers directly): committed changes reach it through the writer (events/publish.hpp), the
  // control plane publishes what is not a row (clock moved, reset, restore, fault fired).
  std::shared_ptr<events::Bus> events = nullptr;
};

}  // namespace paratro::api
