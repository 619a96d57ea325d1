// One row a commit changed, as the event stream needs it (see change_capture.hpp), and the callback
// that turns a commit's changes into what to run once it is durable. Kept apart from
// change_capture.hpp so that the writer's users do not see SQLite.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace paratro::store {

struct RowChange {
  enum class Kind { wallet, account, asset, balance, transaction, webhook_event, webhook_delivery };
  Kind kind = Kind::wallet;
  bool inserted = false;  // false: updated
  // wallet_id, account_id, asset_id (for a balance: the asset showing it), tx_id, event_id or
  // delivery_id, and the client owning the row.
  std::string id;
  std::string client_id;
};

// Called on the writer thread inside the transaction (store lock held, may read the store through
// its usual methods). Returns what to run after a successful COMMIT (may be empty). `skipped` > 0
// (with no changes) reports changes left out by the bound at the end of an exclusive operation.
using ChangeBuilder = std::function<std::function<void()>(const std::vector<RowChange>& changes, std::int64_t skipped)>;
// Asked once per commit before anything is read: false skips the commit's changes entirely (no
// reads, no builder call), so a stream nobody listens to costs the writer nothing.
using ChangeGate = std::function<bool()>;

}  // namespace paratro::store
