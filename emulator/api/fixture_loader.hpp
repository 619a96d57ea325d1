// The fixture loader's class (internal to api/: load_fixture() in fixture.hpp is the interface),
// shared by its source files: fixture.cpp (the document, the history insert, load_fixture),
// fixture_fields.cpp (the field readers, each reporting its error at the field's JSON path),
// fixture_clients.cpp (clients, credentials, webhooks, security factors, x402 rows) and
// fixture_wallets.cpp (wallets, accounts, assets and history rows). One Loader reads one document.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/api/fixture.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/model.hpp"

namespace paratro::api::fixture_detail {

using rapidjson::Value;
using Fields = std::initializer_list<std::string_view>;

inline constexpr std::size_t kMaxCredential = 128;
inline constexpr std::size_t kMaxTier = 32;
inline constexpr std::size_t kMaxWebhookUrl = 2048;
inline constexpr std::size_t kMaxWebhookSecret = 128;

// `s` in double quotes, for error messages.
std::string quoted(std::string_view s);

class Loader {
 public:
  Loader(const FixtureContext& ctx, FixtureResult& out) : ctx_(ctx), out_(out) {}

  void document(const Value& doc);
  void error(const std::string& path, std::string message);

 private:
  // ---- readers (fixture_fields.cpp): each reports its own error at the field's path and returns
  // false on one

  void known_fields(const Value& obj, const std::string& path, Fields allowed);

  bool fail(const std::string& path, const domain::Error& e);

  // Absent or null: `out` stays empty, an error only when `required`. Checked against `max_chars`.
  bool get_string(const Value& obj, const std::string& path, const char* name, std::optional<std::string>& out,
                  bool required, std::size_t max_chars);

  bool get_int(const Value& obj, const std::string& path, const char* name, std::int64_t& out, std::int64_t min,
               std::int64_t max);

  bool get_bool(const Value& obj, const std::string& path, const char* name, bool& out);

  const Value* get_array(const Value& obj, const std::string& path, const char* name, bool required = false);

  bool get_enum(const Value& obj, const std::string& path, const char* name, std::string& out, Fields allowed,
                bool required);

  // RFC 3339 ("2026-01-15T10:40:00Z") or a negative ISO 8601 duration before the load instant
  // ("-P14DT2H"). Absent: `fallback`. Must lie in [not_before, now].
  bool get_time(const Value& obj, const std::string& path, const char* name, std::int64_t& out, std::int64_t fallback,
                std::int64_t not_before, std::string_view parent, bool required = false);

  // A pinned id (checked: prefix, length, characters, unique in the fixture) or a fresh one.
  bool get_id(const Value& obj, const std::string& path, const char* name, std::string_view prefix, std::int64_t at_ms,
              std::string& out);

  bool unique(std::map<std::string, std::string>& seen, const std::string& key, const std::string& path,
              std::string_view what);

  // A repository call's refusal, at the object's path. Store failures (a corrupt database) too.
  template <typename Op>
  bool store(const std::string& path, Op op) {
    try {
      if (auto st = op(); !st) return fail(path, st.error());
      return true;
    } catch (const std::exception& e) {
      error(path, std::string("database error: ") + e.what());
      return false;
    }
  }

  // ---- the objects (fixture_clients.cpp, fixture_wallets.cpp; the history in fixture.cpp)

  void client(const Value& obj, const std::string& path);

  // An entry of a client's address whitelist or blacklist, checked as the control plane's POST
  // /_sandbox/clients/{id}/security-factors checks it.
  void security_factor(const Value& obj, const std::string& path, const std::string* client_id);

  // A finished x402 settlement record of the client's history (status SETTLED, FAILED, EXPIRED or
  // CANCELLED; no ledger effect, no transaction). A SETTLED one's nonce counts as used.
  void x402_settlement(const Value& obj, const std::string& path, const std::string* client_id);

  // A paid resource (the rules of POST /_sandbox/x402/resources), each refusal at its member.
  void x402_resource(const Value& obj, const std::string& path);

  bool credential(const std::string& path, const std::string& v);

  bool webhook(const Value& obj, const std::string& path, std::string& url, std::string& secret);

  void wallet(const Value& obj, const std::string& path, const std::string* client_id, std::int64_t max_wallets);

  void account(const Value& obj, const std::string& path, const domain::WalletRecord* wallet,
               const domain::WalletKeys* keys, bool pinned_keys, std::int64_t wallet_created);

  void asset(const Value& obj, const std::string& path, const domain::AccountRecord* account,
             const domain::ChainInfo* account_chain, std::int64_t account_created);

  // A counterparty address of a history row: valid for the chain, as POST /transfer checks it.
  bool counterparty(const std::string& path, const std::optional<std::string>& address, const AssetKind& kind);

  void transaction(const Value& obj, const std::string& path, const domain::AccountRecord* account,
                   const std::string* asset_id, const AssetKind* kind, std::int64_t asset_created);

  void insert_history();

  const FixtureContext& ctx_;
  FixtureResult& out_;
  std::map<std::string, std::string> ids_, api_keys_, key_seeds_, ledger_keys_;  // value -> path of first use
  // History rows wait until every client is read, then go in oldest first: lists are newest first by
  // insertion (their ranks, migration 005), so insertion order must be time order.
  std::vector<std::pair<std::string, domain::TransactionRecord>> history_;
};

}  // namespace paratro::api::fixture_detail
