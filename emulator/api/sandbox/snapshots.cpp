// The /_sandbox controls that replace the whole state: reset to the start-up baseline (the fixture,
// or the default client alone) and named snapshots to save and restore. A state is a copy of the
// database, so pending lifecycles and the persisted clock come back with it; the in-memory clock,
// the token cache and every registered reset hook then follow the restored contents. Also the
// start-up step that builds the baseline and loads a fixture into a fresh database.
#include <chrono>

#include "emulator/api/events/publish.hpp"
#include "emulator/api/fixture.hpp"
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/chain/virtual_clock.hpp"
#include "emulator/domain/clock.hpp"

namespace paratro::api {

using domain::ErrorCode;

domain::Result<SnapshotInfo> Snapshots::add(std::shared_ptr<const store::DatabaseImage> image, SnapshotInfo info) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kCapacity) {
    return domain::make_error(ErrorCode::conflict,
                              "At most " + std::to_string(kCapacity) + " snapshots are kept; delete one first");
  }
  info.snapshot_id = "snap_" + std::to_string(next_id_++);
  entries_.push_back({info, std::move(image)});
  return info;
}

std::vector<SnapshotInfo> Snapshots::list() const {
  std::lock_guard lock(mu_);
  std::vector<SnapshotInfo> out;
  for (const auto& e : entries_) out.push_back(e.info);
  return out;
}

std::shared_ptr<const store::DatabaseImage> Snapshots::find(std::string_view id) const {
  std::lock_guard lock(mu_);
  for (const auto& e : entries_)
    if (e.info.snapshot_id == id) return e.image;
  return nullptr;
}

bool Snapshots::remove(std::string_view id) {
  std::lock_guard lock(mu_);
  return std::erase_if(entries_, [&](const Entry& e) { return e.info.snapshot_id == id; }) > 0;
}

namespace {

void write_snapshot(JsonWriter& w, const SnapshotInfo& x) {
  w.begin_object()
      .field("snapshot_id", x.snapshot_id)
      .field("name", x.name)
      .field("clock", domain::format_rfc3339(x.clock_ms))
      .field("bytes", x.bytes);
  write_counts(w, x.counts);
  w.end_object();
}

// Replaces the live state with `image`: no scheduler pass runs meanwhile, the clock resumes from the
// image's instant, and in-memory state derived from the old contents is dropped.
void replace_state(Services& s, const store::DatabaseImage& image) {
  s.scheduler.exclusive([&] {
    s.store.restore(image);
    s.scheduler.reload_clock();
  });
  s.tokens->clear();
  for (const auto& hook : s.reset_hooks) hook();
}

// `{"<key>": id, "clock": now, "counts": {...}, "took_ms": ...}` after a reset or restore.
ApiResponse replaced_response(Services& s, std::string_view key, std::string_view id,
                              std::chrono::steady_clock::time_point started) {
  const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  JsonWriter w;
  w.begin_object();
  w.key(key);
  if (id.empty())
    w.null();
  else
    w.str(id);
  w.field("clock", domain::format_rfc3339(s.clock.now_ms()));
  write_counts(w, s.store.counts());
  w.key("took_ms").real(static_cast<double>(static_cast<std::int64_t>(took * 1000)) / 1000).end_object();
  return json_response(200, w.take());
}

}  // namespace

ApiResponse sandbox_reset(Services& s) {
  const auto started = std::chrono::steady_clock::now();
  const auto baseline = s.snapshots->baseline();
  if (!baseline) return error_response(ErrorCode::service_unavailable, "No baseline was prepared at start-up");
  replace_state(s, *baseline);
  auto res = replaced_response(s, "fixture", s.snapshots->fixture(), started);
  events::publish(s, "sandbox.reset", "", res.body);  // one event, not one per row replaced
  return res;
}

ApiResponse sandbox_create_snapshot(Services& s, const ApiRequest& r) {
  auto body = parse_object(r.body, /*allow_empty=*/true);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"name"}); !st) return error_response(st.error());
  auto name = optional_string(*body, "name");
  if (!name) return error_response(name.error());
  if (auto st = check_length("name", name->value_or(""), kMaxClientName); !st) return error_response(st.error());
  if (s.snapshots->list().size() >= Snapshots::kCapacity) {
    // Checked before copying too, so a refused request costs nothing.
    return error_response(ErrorCode::conflict,
                          "At most " + std::to_string(Snapshots::kCapacity) + " snapshots are kept; delete one first");
  }
  SnapshotInfo info;
  info.name = name->value_or("");
  std::shared_ptr<const store::DatabaseImage> image;
  s.scheduler.exclusive([&] {
    s.scheduler.persist_clock();
    info.clock_ms = s.clock.now_ms();
    image = s.store.snapshot();
    info.counts = s.store.counts();
  });
  info.bytes = image->bytes();
  auto added = s.snapshots->add(std::move(image), std::move(info));
  if (!added) return error_response(added.error());
  JsonWriter w;
  write_snapshot(w, *added);
  return json_response(201, w.take());
}

ApiResponse sandbox_list_snapshots(Services& s) {
  const auto all = s.snapshots->list();
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& x : all) write_snapshot(w, x);
  w.end_array()
      .field("total", static_cast<std::int64_t>(all.size()))
      .field("capacity", static_cast<std::int64_t>(Snapshots::kCapacity))
      .end_object();
  return json_response(200, w.take());
}

ApiResponse sandbox_restore_snapshot(Services& s, std::string_view id) {
  const auto started = std::chrono::steady_clock::now();
  const auto image = s.snapshots->find(id);
  if (!image) return error_response(ErrorCode::not_found, "Snapshot not found");
  replace_state(s, *image);
  auto res = replaced_response(s, "snapshot_id", id, started);
  events::publish(s, "sandbox.restored", "", res.body);
  return res;
}

ApiResponse sandbox_delete_snapshot(Services& s, std::string_view id) {
  if (!s.snapshots->remove(id)) return error_response(ErrorCode::not_found, "Snapshot not found");
  JsonWriter w;
  w.begin_object().field("snapshot_id", id).field("deleted", true).end_object();
  return json_response(200, w.take());
}

domain::Status prepare_start_state(Services& s, const std::string* fixture_text, const std::string& fixture_name,
                                   std::vector<std::string>& fixture_errors) {
  store::Store scratch(":memory:");
  for (const auto& [key, value] : s.store.all_settings()) {
    if (key != kFixtureSetting) scratch.put_setting(key, value);
  }
  if (fixture_text) {
    const FixtureContext ctx{scratch,
                             s.rng,
                             s.scheduler.chains(),
                             s.clock.now_ms(),
                             s.options.keygen_delay_ms,
                             s.options.default_max_wallets,
                             s.options.default_api_version};
    const auto result = load_fixture(ctx, *fixture_text);
    for (const auto& e : result.errors) fixture_errors.push_back(e.path + ": " + e.message);
    if (!result.ok()) return domain::make_error(ErrorCode::invalid_parameter, fixture_name + " is not a valid fixture");
  }
  Services scratch_services = s.over(scratch);
  ensure_default_client(scratch_services);
  auto baseline = scratch.snapshot();

  const auto marker = s.store.get_setting(kFixtureSetting);
  const auto counts = s.store.counts();
  const bool only_default_client =
      counts.clients == 0 || (counts.clients == 1 && s.store.find_client(kDefaultClientId).has_value());
  const bool fresh = !marker && counts.wallets == 0 && counts.transactions == 0 && only_default_client;
  if (fresh && fixture_text) {
    s.store.restore(*baseline);
  } else if (fixture_text && !marker) {
    return domain::make_error(ErrorCode::conflict, "database " + s.store.path() +
                                                       " already holds data that did not come from " + fixture_name +
                                                       "; use a fresh --database or start without --fixtures");
  } else if (fixture_text && *marker != fixture_digest(*fixture_text)) {
    return domain::make_error(ErrorCode::conflict, "database " + s.store.path() +
                                                       " was loaded from a different fixture than " + fixture_name +
                                                       "; use a fresh --database");
  } else {
    ensure_default_client(s);  // an existing database keeps its data
  }
  s.snapshots->set_baseline(std::move(baseline), fixture_text ? fixture_name : std::string());
  return domain::ok_status();
}

}  // namespace paratro::api
