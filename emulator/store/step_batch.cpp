// The ledger and webhook-settings accessors of Store, which go through the StepBatch (see
// step_batch.hpp) while apply_tx_updates runs and straight to the rows otherwise.
#include "emulator/store/step_batch.hpp"

#include "emulator/store/rows.hpp"
#include "emulator/store/store.hpp"

namespace paratro::store {

using domain::Amount;

namespace {

// The parts of a StepBatch key, in order.
std::string_view part(std::string_view key, int index) {
  for (; index > 0; --index) key.remove_prefix(key.find('\0') + 1);
  return key.substr(0, key.find('\0'));
}

Amount saturating_sum(Amount a, Amount b) {
  Amount sum = 0;
  return domain::checked_add(a, b, sum) ? sum : domain::kMaxAmount;
}

}  // namespace

StepBatch* Store::step_batch() {
  // A reader thread (inside a ReadScope) reads the committed rows and never looks at the writer's
  // batch; the check reads only this thread's state before touching step_batch_.
  if (&db() != &db_) return nullptr;
  return step_batch_.get();
}

Store::LedgerEntry Store::ledger_get(std::string_view chain, std::string_view address_key, std::string_view symbol) {
  StepBatch* batch = step_batch();
  if (!batch) return ledger_read(chain, address_key, symbol);
  auto [it, fresh] = batch->balances.try_emplace(StepBatch::key(chain, address_key, symbol));
  if (fresh) {
    const LedgerEntry e = ledger_read(chain, address_key, symbol);
    it->second.balance = e.balance;
    it->second.locked = e.locked;
  }
  return {it->second.balance, it->second.locked};
}

void Store::ledger_put(std::string_view chain, std::string_view address_key, std::string_view symbol,
                       const LedgerEntry& e) {
  StepBatch* batch = step_batch();
  if (!batch) return ledger_write(chain, address_key, symbol, e);
  auto& b = batch->balances[StepBatch::key(chain, address_key, symbol)];
  b.balance = e.balance;
  b.locked = e.locked;
  if (b.written) {
    b.dirty = true;
    return;
  }
  ledger_write(chain, address_key, symbol, e);  // the first change lands where it happens
  b.written = true;
  b.dirty = false;
}

void Store::supply_add(std::string_view chain, std::string_view symbol, Amount minted, Amount burned) {
  StepBatch::Supply fresh_row;
  StepBatch::Supply* row = &fresh_row;
  bool known = false;
  StepBatch* batch = step_batch();
  if (batch) {
    auto [it, fresh] = batch->supply.try_emplace(StepBatch::key(chain, symbol));
    row = &it->second;
    known = !fresh;
  }
  if (!known) {
    auto st = db().use("SELECT minted, burned FROM supply WHERE chain = ? AND symbol = ?");
    st->bind(1, chain).bind(2, symbol);
    if (st->step()) {
      row->minted = read_amount(*st, 0);
      row->burned = read_amount(*st, 1);
    }
  }
  // The world's totals are bounded by the per-balance ceiling times the rows; saturate rather than
  // wrap so a runaway sandbox grant cannot corrupt the books.
  row->minted = saturating_sum(row->minted, minted);
  row->burned = saturating_sum(row->burned, burned);
  if (batch) {
    row->dirty = true;
    return;
  }
  supply_write(chain, symbol, row->minted, row->burned);
}

std::optional<domain::ApiVersion> Store::webhook_version(const std::string& client_id) {
  StepBatch* batch = step_batch();
  if (batch) {
    auto it = batch->webhooks.find(client_id);
    if (it != batch->webhooks.end()) return it->second;
  }
  std::optional<domain::ApiVersion> version;
  {
    auto st = db().use("SELECT webhook_url, api_version FROM clients WHERE client_id = ?");
    st->bind(1, client_id);
    if (st->step() && !st->column_text(0).empty()) {
      version = domain::parse_api_version(st->column_text(1)).value_or(domain::kDefaultApiVersion);
    }
  }
  if (batch) batch->webhooks.emplace(client_id, version);
  return version;
}

void Store::flush_step_batch() {
  if (!step_batch_) return;
  for (auto& [key, b] : step_batch_->balances) {
    if (!b.dirty) continue;
    ledger_write(part(key, 0), part(key, 1), part(key, 2), {b.balance, b.locked});
    b.dirty = false;
  }
  for (auto& [key, s] : step_batch_->supply) {
    if (!s.dirty) continue;
    supply_write(part(key, 0), part(key, 1), s.minted, s.burned);
    s.dirty = false;
  }
}

}  // namespace paratro::store
