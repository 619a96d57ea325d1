// GET /_sandbox/storage: the single writer's figures (queue, group commits, checkpoints, WAL size).
// POST /_sandbox/storage {"fail_commits": N, "paused": bool}: the next N group commits holding
// client writes fail as a commit that cannot be written would (SQLite rolls each back), so clients
// can test how they handle a 500 that changed nothing; `paused` stops the writer taking work (writes
// wait, then answer 503 once the queue is full) until unpaused. Served on the I/O thread, not through
// the writer, so it can unpause it.
#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/store/writer.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

ApiResponse storage_status(const store::Writer& writer, std::int64_t armed) {
  const auto st = writer.stats();
  JsonWriter w;
  w.begin_object()
      .field("queued", static_cast<std::int64_t>(st.queued))
      .field("queue_capacity", static_cast<std::int64_t>(st.capacity))
      .field("batches", st.batches)
      .field("operations", st.operations)
      .field("largest_batch", st.largest_batch)
      .field("failed_commits", st.failed_commits)
      .field("last_failed_batch", st.last_failed_batch)
      .field("savepoint_free_batches", st.savepoint_free_batches)
      .field("rerun_batches", st.rerun_batches)
      .field("refused", st.refused)
      .field("checkpoints", st.checkpoints)
      .field("background_checkpoints", st.background_checkpoints)
      .field("wal_pages", st.wal_pages)
      .field("fail_commits", armed)
      .field("paused", st.paused)
      .end_object();
  return json_response(200, w.take());
}

}  // namespace

ApiResponse sandbox_storage(Services& s, const ApiRequest& r) {
  if (!s.writer) return error_response(ErrorCode::not_found, "No writer in this process");
  if (r.method == "GET") return storage_status(*s.writer, 0);
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  if (auto st = check_known_fields(*body, {"fail_commits", "paused"}); !st) return error_response(st.error());
  auto n = optional_int(*body, "fail_commits", 0, 1000);
  if (!n) return error_response(n.error());
  auto paused = optional_bool(*body, "paused");
  if (!paused) return error_response(paused.error());
  if (!*n && !*paused) return error_response(ErrorCode::invalid_parameter, "fail_commits or paused is required");
  if (*n) s.writer->fail_next_commits(static_cast<int>(**n));
  if (*paused) s.writer->set_paused(**paused);
  return storage_status(*s.writer, n->value_or(0));
}

}  // namespace paratro::api
