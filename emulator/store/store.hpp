// The emulator's persistent state: one read-write SQLite connection behind a mutex (used by the writer thread, see
// writer.hpp, and by start-up code), a pool of read-only connections for reads (see ReadScope), and one method per
// repository operation, defined per table family (client_store.cpp, wallet_store.cpp, asset_store.cpp,
// transaction_store.cpp, transfer_store.cpp, ...; rows through the descriptions of rows.hpp). Decisions about transfers
// are the domain's (domain/transfer.hpp): the store reads their inputs and applies them. Every write is one BEGIN
// IMMEDIATE transaction, or a SAVEPOINT inside the writer's batch, so a caller sees either the whole change or none of
// it. Methods are thread-safe. Lookups take the caller's client_id, so another client's rows are simply not found
// (tenant isolation lives here, not in each handler).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/domain/error.hpp"
#include "emulator/domain/model.hpp"
#include "emulator/domain/security_factor.hpp"
#include "emulator/domain/transfer.hpp"
#include "emulator/store/database.hpp"
#include "emulator/store/reader_pool.hpp"
#include "emulator/store/store_records.hpp"

namespace paratro::store {

struct TransactionFilter {
  std::string wallet_id;
  std::string account_id;
  std::string chain;
};

struct Counts {
  std::int64_t clients = 0, wallets = 0, accounts = 0, assets = 0, transactions = 0;
  std::int64_t pending_transactions = 0;  // not yet CONFIRMED or FAILED (held ones included)
};

class Writer;
struct StepBatch;

class Store {
 public:
  // The records of store_records.hpp, under the names callers have always used.
  using OperationCallRequest = store::OperationCallRequest;
  using SupplyRow = store::SupplyRow;
  using WebhookEvent = store::WebhookEvent;
  using WebhookDelivery = store::WebhookDelivery;
  using WebhookFilter = store::WebhookFilter;
  using DeliveryJob = store::DeliveryJob;
  using DeliveryOutcome = store::DeliveryOutcome;

  // Opens the database and applies pending migrations. Throws StoreError on failure.
  explicit Store(const std::string& path);
  ~Store();

  // While a ReadScope lives, this thread's calls on `store` read through a read-only connection of
  // the store's pool, inside one read transaction (one WAL snapshot), without taking the write lock,
  // so they never wait for the writer. Write methods called in the scope throw StoreError. For a
  // ":memory:" database (one private connection) the scope does nothing and calls take the lock.
  // Scopes nest (the inner one does nothing). A pooled connection keeps its read transaction open
  // between scopes while nothing has been committed since its snapshot (Database::commits()), so
  // back-to-back reads skip BEGIN and COMMIT and their file locks and still see every write that was
  // acknowledged before they started; after a commit the next scope takes a fresh snapshot. Idle
  // snapshots are ended before every checkpoint, so they never hold the WAL back.
  class ReadScope {
   public:
    explicit ReadScope(Store& store);
    ~ReadScope();
    ReadScope(const ReadScope&) = delete;
    ReadScope& operator=(const ReadScope&) = delete;

   private:
    Store* store_ = nullptr;
    Database* conn_ = nullptr;
    std::uint64_t seen_ = 0;  // the store's commits() when this snapshot began
  };

  const std::string& path() const { return db_.path(); }
  bool in_memory() const { return db_.path() == ":memory:" || db_.path().empty(); }
  std::string journal_mode();
  // Frees the write connection's cached pages (after start-up has loaded the fixture through it).
  void release_cache();
  // The write connection's cached statements that SQLite has prepared again, with their counts (a
  // hot statement re-parsed at every use is a slow path to find).
  std::vector<std::pair<std::string, int>> reprepared_statements();

  // Runs `fn` as one transaction: the repository calls it makes nest inside (each still all or
  // nothing on its own), and everything commits only if `fn` returns ok. Other threads wait.
  domain::Status write_batch(const std::function<domain::Status()>& fn);

  // The whole database as an in-memory image, and back (see DatabaseImage). Each holds the store's
  // lock for the copy, so it sees no half-applied operation.
  std::shared_ptr<const DatabaseImage> snapshot();
  void restore(const DatabaseImage& image);

  // A persisted setting; when absent, `make` produces it and it is stored (first writer wins).
  std::string get_or_create_setting(std::string_view key, const std::function<std::string()>& make);

  // ---- clients
  std::optional<domain::ClientRecord> find_client_by_key(std::string_view api_key);
  std::optional<domain::ClientRecord> find_client(std::string_view client_id);
  // Inserts; conflict when the client_id or api_key is taken.
  domain::Status create_client(const domain::ClientRecord& client);
  // Sets (or, with an empty url, removes) a client's webhook endpoint. not_found for unknown ids.
  domain::Status set_client_webhook(std::string_view client_id, std::string_view url, std::string_view secret);
  // Sets a client's own rate limit in requests per second (0: none). not_found for unknown ids.
  domain::Status set_client_rate_limit(std::string_view client_id, std::int64_t per_second);
  // Pins a client to an API version. not_found for unknown ids.
  domain::Status set_client_api_version(std::string_view client_id, domain::ApiVersion version);
  // Sets a client's operations policy (encode_operations_policy text, "" for none). not_found for
  // unknown ids.
  domain::Status set_client_operations_policy(std::string_view client_id, std::string_view policy);

  // ---- wallets
  // Inserts unless the client already holds max_wallets wallets (wallet_limit_reached).
  domain::Status create_wallet(const domain::WalletRecord& wallet, const domain::WalletKeys& keys,
                               std::int64_t max_wallets);
  std::optional<domain::WalletRecord> find_wallet(std::string_view client_id, std::string_view wallet_id);
  std::optional<domain::WalletKeys> wallet_keys(std::string_view wallet_id);
  domain::Page<domain::WalletRecord> list_wallets(std::string_view client_id, const domain::PageRequest& page);
  // Wallets whose key generation ended by `now_ms` become ACTIVE/ACTIVE. Returns how many.
  int activate_due_wallets(std::int64_t now_ms);

  // ---- accounts
  // Inserts if the wallet is ACTIVE; conflict if it already has an account on that chain.
  domain::Status create_account(const domain::AccountRecord& account);
  std::optional<domain::AccountRecord> find_account(std::string_view client_id, std::string_view account_id);
  domain::Page<domain::AccountRecord> list_accounts(std::string_view client_id, std::string_view wallet_id,
                                                    const domain::PageRequest& page);

  // ---- assets
  // Inserts unless the account already has that symbol on that chain (asset_already_exists).
  domain::Status create_asset(const domain::AssetRecord& asset);
  std::optional<domain::AssetRecord> find_asset(std::string_view client_id, std::string_view asset_id);
  domain::Page<domain::AssetRecord> list_assets(std::string_view client_id, std::string_view account_id,
                                                const domain::PageRequest& page);
  // The client owning an asset (for sandbox controls, which act across clients).
  std::optional<std::string> find_asset_owner(std::string_view asset_id);
  // Sandbox control: sets an asset's available balance. not_found for unknown ids.
  domain::Status set_asset_balance(std::string_view asset_id, domain::Amount balance, std::int64_t now_ms);

  // ---- transfers and transactions
  // One atomic step: refuse a `tx.reference_id` the client has used before (invalid_parameter
  // "Duplicate reference_id: ...", whatever that transaction's status; checked first), find the
  // source asset (not_found), read what domain::admit_transfer decides on (wallet/account state, the
  // destination against the client's security factors, decimals, balance), lock the amount and
  // insert a PENDING transaction. `tx` supplies the id, times, reference_id and operation; the rest
  // is filled from the command and the asset. Returns the stored record.
  domain::Result<domain::TransactionRecord> create_transfer(const domain::TransferCommand& command,
                                                            domain::TransactionRecord tx);
  // One atomic step: reference_id uniqueness, from_address and receive_address accounts of the
  // caller (not_found), the paid and received assets (not_found "no asset registered for token …"),
  // wallet / account state, balance (insufficient_balance); then the outgoing amount is locked and
  // the transaction (as `tx` describes it: status, hash, due time, operation, call data) is inserted
  // with its incoming leg, which apply_tx_updates credits when the call confirms.
  domain::Result<domain::TransactionRecord> create_operation_call(const OperationCallRequest& request,
                                                                  domain::TransactionRecord tx);
  std::optional<domain::TransactionRecord> find_transaction(std::string_view client_id, std::string_view tx_id);
  // Records a finished transaction of the past on its asset (`t.asset_id`, which fills wallet,
  // account, client and chain): no ledger effect, nothing scheduled. not_found for an unknown asset,
  // conflict for a taken tx_id.
  domain::Status insert_history_transaction(domain::TransactionRecord t);
  domain::Page<domain::TransactionRecord> list_transactions(std::string_view client_id, const TransactionFilter& filter,
                                                            const domain::PageRequest& page);

  // ---- idempotency keys (idempotency_store.cpp)
  struct IdempotentResponse {
    std::string route;  // the route template that answered, e.g. "/api/v1/transactions"
    int status = 200;   // the original HTTP status (a replay is always 200)
    std::string body;   // the exact bytes sent
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
  };
  // The response kept under (client, key), unless it expired by `now_ms`.
  std::optional<IdempotentResponse> find_idempotent_response(std::string_view client_id, std::string_view key,
                                                             std::int64_t now_ms);
  // Keeps `response` under (client, key), replacing an expired one. First deletes every row expired
  // by `now_ms`; if `max_rows` rows are still kept, the oldest are evicted to make room.
  void save_idempotent_response(std::string_view client_id, std::string_view key, const IdempotentResponse& response,
                                std::int64_t now_ms, std::int64_t max_rows);

  // ---- the simulated chain
  // Non-terminal transactions due by `until_ms`, earliest first (ties in creation order), at most
  // `limit`; with `seqs`, each one's row number too (TxUpdate::seq).
  std::vector<domain::TransactionRecord> due_transactions(std::int64_t until_ms, int limit,
                                                          std::vector<std::int64_t>* seqs = nullptr);
  // The earliest due time of any wallet or transaction, or -1 when nothing is scheduled.
  std::int64_t next_due_ms();

  using Settlement = domain::Settlement;
  // A lifecycle step decided by chain/: the transaction's new state and what it does to the ledger.
  struct TxUpdate {
    domain::TransactionRecord tx;
    Settlement settle = Settlement::none;
    std::string twin_id;  // for the inbound twin, if the step reaches the chain and the destination is owned
    // The stored status and confirmations the step starts from, when the caller read the row in
    // this pass (the scheduler's due rows); otherwise apply_tx_updates reads them.
    bool prev_known = false;
    domain::TxStatus prev_status = domain::TxStatus::pending;
    std::int64_t prev_confirmations = 0;
    std::int64_t seq = 0;  // the row's number when the caller read it (a seek saved); 0: by tx_id
  };
  // Applies the updates in one transaction: row changes, ledger effects (settle: outbound unlocks,
  // internal receivers and deposits credit, foreign sends burn; fail: outbound refunds) and the
  // inbound twin of internal transfers, which mirrors its outbound's status.
  void apply_tx_updates(const std::vector<TxUpdate>& updates);

  // Inserts an INBOUND deposit to an owned address (not_found if no account owns it).
  domain::Status create_deposit(domain::TransactionRecord tx);
  // The account holding `address_key` (any chain of the same address), if the emulator owns it.
  std::optional<domain::AccountRecord> find_owned_account(std::string_view address_key, std::string_view prefer_chain);
  // Any client's transaction (for sandbox controls).
  std::optional<domain::TransactionRecord> find_transaction_any(std::string_view tx_id);

  // Per (chain, symbol): the ledger's totals and what entered and left the world.
  std::vector<SupplyRow> ledger_totals();

  // Settings as text (the clock and chain epoch live here).
  std::optional<std::string> get_setting(std::string_view key);
  void put_setting(std::string_view key, std::string_view value);
  // Every setting, in key order.
  std::vector<std::pair<std::string, std::string>> all_settings();

  Counts counts();

  // ---- security factors (security_factor_store.cpp)
  // At most this many entries per client (add answers invalid_parameter at the cap).
  static constexpr std::int64_t kMaxSecurityFactorsPerClient = 1000;
  using SecurityFactorFilter = store::SecurityFactorFilter;
  // Inserts an entry. not_found for an unknown client, conflict when the client already has an
  // entry of that type for that chain and address key, invalid_parameter at the cap.
  domain::Status add_security_factor(const domain::SecurityFactorRecord& f);
  // A client's entries matching `filter`, oldest first (at most kMaxSecurityFactorsPerClient).
  std::vector<domain::SecurityFactorRecord> list_security_factors(std::string_view client_id,
                                                                  const SecurityFactorFilter& filter);
  std::optional<domain::SecurityFactorRecord> find_security_factor(std::string_view client_id,
                                                                   std::string_view factor_id);
  // Sets an entry's status (ACTIVE or INACTIVE) and returns the entry. not_found for unknown ids.
  domain::Result<domain::SecurityFactorRecord> set_security_factor_status(std::string_view client_id,
                                                                          std::string_view factor_id,
                                                                          domain::FactorStatus status,
                                                                          std::int64_t now_ms);
  // not_found for unknown ids.
  domain::Status delete_security_factor(std::string_view client_id, std::string_view factor_id);
  // Whether the client accepts only whitelisted destinations; nullopt for an unknown client.
  std::optional<bool> require_whitelist(std::string_view client_id);
  // not_found for an unknown client.
  domain::Status set_require_whitelist(std::string_view client_id, bool on);

  // ---- x402 (x402_store.cpp)
  // The client's asset of `symbol` on `chain` at `address_key`, if any (any state).
  std::optional<domain::AssetRecord> find_client_asset(std::string_view client_id, std::string_view address_key,
                                                       std::string_view chain, std::string_view symbol);
  // POST /x402/sign, one step: the payer's wallet and account ACTIVE (wallet_not_active /
  // account_not_active), its USDC asset active (not_found), balance >= amount (insufficient_balance);
  // then the amount moves to locked_balance and `rec` (X402_SIGNED, locked = amount) is inserted.
  domain::Status create_x402_authorization(const domain::X402SettlementRecord& rec);
  // A fixture's settlement record, inserted as it is (no ledger effect). conflict for a taken tx_id.
  domain::Status insert_x402_settlement(const domain::X402SettlementRecord& rec);
  std::optional<domain::X402SettlementRecord> find_x402_settlement(std::string_view client_id, std::string_view tx_id);
  // Newest first; `status` nullopt for all.
  domain::Page<domain::X402SettlementRecord> list_x402_settlements(std::string_view client_id,
                                                                   std::optional<domain::X402Status> status,
                                                                   const domain::PageRequest& page);
  // EIP-3009 authorizationState: a row for (chain_id, from, nonce) is PROCESSING or SETTLED.
  bool x402_nonce_used(std::int64_t chain_id, std::string_view from_key, std::string_view nonce);
  // The USDC balance `from_key` can spend on `chain` for the authorization `nonce`: its available
  // balance plus what an X402_SIGNED record of that nonce holds locked; nullopt when no emulator
  // account holds the address (an external payer).
  std::optional<domain::Amount> x402_payer_balance(std::string_view chain, std::int64_t chain_id,
                                                   std::string_view from_key, std::string_view nonce);
  struct X402SettleOutcome {
    std::string error_reason;  // "" on success, else an x402 reason (the nonce was used meanwhile, funds)
    domain::X402SettlementRecord record;
    domain::TransactionRecord tx;
  };
  // POST /x402/settle after a successful verification, one step: the nonce is still unused; an
  // emulator payer's amount is taken from the X402_SIGNED record of that nonce (its lock is
  // consumed; that record follows the settlement's status) or else locked from its balance
  // (insufficient_funds); then `rec` (PROCESSING) and its X402_SETTLE transaction `tx` (already
  // broadcast; origin "x402") are inserted. The transaction belongs to rec.client_id; its wallet,
  // account and asset are the caller's payer or payee account when it holds one, else "".
  X402SettleOutcome settle_x402(domain::X402SettlementRecord rec, domain::TransactionRecord tx);
  // X402_SIGNED records whose validBefore passed by `now_ms` become EXPIRED and release their lock.
  int expire_x402_authorizations(std::int64_t now_ms);
  // Paid resources (control plane).
  domain::Status create_x402_resource(const domain::X402ResourceRecord& r);
  std::optional<domain::X402ResourceRecord> find_x402_resource(std::string_view resource_id);
  std::vector<domain::X402ResourceRecord> list_x402_resources();

  // ---- read-only views across clients, for the dashboard (view_store.cpp)
  std::vector<std::string> list_client_ids(int limit);  // oldest first
  struct ClientCounts {
    std::int64_t wallets = 0, accounts = 0, assets = 0, transactions = 0;
  };
  ClientCounts client_counts(std::string_view client_id);
  struct TxIdPage {
    std::vector<std::string> ids;  // newest first
    std::int64_t total = -1;       // -1: not counted (a status filter would scan the table)
    bool has_more = false;
  };
  // Transaction ids of `client_id` ("" for all) in `status` ("" for any), newest first: without a
  // status the total is the list counters' sum; with one, has_more comes from one extra row.
  TxIdPage list_transaction_ids(std::string_view client_id, std::string_view status, const domain::PageRequest& page);

  // ---- webhooks (webhook_store.cpp)
  // Whether every further confirmation while CONFIRMING fires another transaction.confirming.
  void set_webhook_every_confirmation(bool on);

  // Newest first, with the number of rows matching the filter.
  std::pair<std::vector<WebhookEvent>, std::int64_t> list_webhook_events(const WebhookFilter& f);
  std::pair<std::vector<WebhookDelivery>, std::int64_t> list_webhook_deliveries(const WebhookFilter& f);
  std::optional<WebhookEvent> find_webhook_event(std::string_view event_id);
  std::optional<WebhookDelivery> find_webhook_delivery(std::string_view delivery_id);

  // Marks up to `limit` pending deliveries due by `now_ms` as queued (earliest first) and returns
  // them; deliveries of the clients in `skip_clients` are left alone.
  std::vector<DeliveryJob> claim_due_deliveries(std::int64_t now_ms, int limit,
                                                const std::vector<std::string>& skip_clients);
  // After a restart nothing is in flight: deliveries left queued or sending become pending again.
  int release_claimed_deliveries();
  // In one transaction: marks the `launched` queued deliveries as sending, then records attempt
  // results (each one more attempt).
  void record_delivery_progress(const std::vector<std::string>& launched, const std::vector<DeliveryOutcome>& outcomes);
  // A new pending delivery of an existing event, due at `now_ms`. not_found for unknown events.
  domain::Result<WebhookDelivery> redeliver_webhook_event(std::string_view event_id, std::int64_t now_ms);
  // Inserts a free-standing event (the sample of POST /_sandbox/webhooks/test) with one delivery.
  WebhookDelivery insert_webhook_event(const WebhookEvent& event, std::int64_t now_ms);
  // Deletes the oldest events (and their deliveries) beyond the newest `keep`, except events with a
  // delivery still pending, queued or sending. Returns how many events went.
  std::int64_t prune_webhook_events(std::int64_t keep);
  // The earliest next attempt of a pending delivery, or -1.
  std::int64_t next_delivery_due_ms();

 private:
  struct LedgerEntry {
    domain::Amount balance = 0;
    domain::Amount locked = 0;
  };
  LedgerEntry ledger_get(std::string_view chain, std::string_view address_key, std::string_view symbol);
  void ledger_put(std::string_view chain, std::string_view address_key, std::string_view symbol, const LedgerEntry& e);
  void supply_add(std::string_view chain, std::string_view symbol, domain::Amount minted, domain::Amount burned);
  // Inside apply_tx_updates, what the batch keeps in memory (see step_batch.hpp); ledger_get,
  // ledger_put, supply_add and webhook_version go through it while it is set.
  // The batch, on the thread that runs it (null elsewhere and when none runs).
  StepBatch* step_batch();
  // Writes what the batch kept in memory; the batch's transaction commits after it.
  void flush_step_batch();
  std::optional<domain::ApiVersion> webhook_version(const std::string& client_id);
  LedgerEntry ledger_read(std::string_view chain, std::string_view address_key, std::string_view symbol);
  void ledger_write(std::string_view chain, std::string_view address_key, std::string_view symbol,
                    const LedgerEntry& e);
  void supply_write(std::string_view chain, std::string_view symbol, domain::Amount minted, domain::Amount burned);
  void insert_transaction(const domain::TransactionRecord& t);
  // invalid_parameter "Duplicate reference_id: …" when the client already used `reference_id`
  // (whatever that transaction's status); ok for "". Caller holds mu_.
  domain::Status check_reference_id(std::string_view client_id, std::string_view reference_id);
  void update_transaction(const domain::TransactionRecord& t, std::int64_t seq = 0);  // seq 0: by tx_id
  void apply_one(const TxUpdate& u);
  // apply_one for an X402_SETTLE transaction (origin "x402"): its settlement records follow its
  // status; on settlement the payer's lock goes (refunded on failure), the payee is credited (when
  // the emulator holds it, with x402.settlement.confirmed to its owner) and the supply records what
  // entered or left the emulator's world.
  void apply_x402_step(const TxUpdate& u);
  // A PROGRAM_CALL / CONTRACT_CALL's incoming leg (operation_legs); nullopt for other transactions.
  std::optional<domain::IncomingLeg> incoming_leg(std::string_view tx_id);
  // Applies a settlement's ledger delta row by row (each column saturating at 0 and at the ceiling,
  // as a corrupt or runaway sandbox state must not wrap) and its supply changes.
  void apply_ledger_delta(const domain::LedgerDelta& delta);
  // The client's security factors applied to a transfer destination (domain::admit_destination);
  // caller holds mu_.
  domain::Status check_destination(std::string_view client_id, std::string_view chain, std::string_view address,
                                   std::string_view address_key);
  // The account holding an address (preferring one on `prefer_chain`); caller holds mu_.
  std::optional<domain::AccountRecord> owner_of(std::string_view address_key, std::string_view prefer_chain);
  // Writes the webhook events (and first deliveries) a transaction change fires, when its client has
  // a webhook endpoint; caller holds mu_ inside a write transaction.
  void emit_events(std::optional<domain::TxStatus> old_status, std::int64_t old_confirmations,
                   const domain::TransactionRecord& now);
  WebhookDelivery insert_delivery(const WebhookEvent& event, std::int64_t now_ms);

  // Runs one UPDATE of a client row (`bind` fills its parameters, the client id among them) as its
  // own transaction; not_found when no client has that id.
  domain::Status update_client(std::string_view sql, const std::function<void(Statement&)>& bind);

  friend class Writer;
  // The connection this thread uses: its ReadScope's, else the read-write one.
  Database& db();
  // The write lock, unless this thread is inside a ReadScope of this store.
  std::unique_lock<std::recursive_mutex> guard();

  // Recursive so that write_batch's callback (and the writer's batch) can call the public methods.
  std::recursive_mutex mu_;
  Database db_;
  bool every_confirmation_ = false;
  std::unique_ptr<StepBatch> step_batch_;  // set while apply_tx_updates runs
  ReaderPool readers_;
};

}  // namespace paratro::store
