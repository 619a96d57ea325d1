// What one batch of lifecycle steps (Store::apply_tx_updates: up to a few thousand steps in one
// transaction) keeps in memory instead of reading and writing row by row. A balance row is read
// once, written when it first changes (so the event stream sees it change at the same place in the
// commit as before) and written once more at the end of the batch with its final value; a supply
// row is read once and written at the end; each client's webhook settings and each destination
// address's owner are read once. The batch lives inside one transaction of the writer's connection
// (nothing else writes meanwhile) and is dropped, unwritten, if that transaction rolls back.
// Bounded by the rows one batch touches.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/domain/amount.hpp"
#include "emulator/domain/api_version.hpp"
#include "emulator/domain/model.hpp"

namespace paratro::store {

struct StepBatch {
  struct Balance {
    domain::Amount balance = 0;
    domain::Amount locked = 0;
    bool written = false;  // changed (and written) once in this batch
    bool dirty = false;    // changed since it was last written
  };
  struct Supply {
    domain::Amount minted = 0;
    domain::Amount burned = 0;
    bool dirty = false;
  };
  std::unordered_map<std::string, Balance> balances;  // by key(chain, address_key, symbol)
  std::unordered_map<std::string, Supply> supply;     // by key(chain, symbol)
  // client_id -> its API version when it has a webhook endpoint; nullopt when it has none.
  std::unordered_map<std::string, std::optional<domain::ApiVersion>> webhooks;
  // key(address_key, preferred chain) -> the owning account, or nullopt for a foreign address. No
  // step creates an account, so one lookup per address serves the whole batch.
  std::unordered_map<std::string, std::optional<domain::AccountRecord>> owners;

  static std::string key(std::string_view a, std::string_view b, std::string_view c = {}) {
    std::string k;
    k.reserve(a.size() + b.size() + c.size() + 2);
    k.append(a).push_back('\0');
    k.append(b).push_back('\0');
    k.append(c);
    return k;
  }
};

}  // namespace paratro::store
