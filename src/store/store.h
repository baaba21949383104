#pragma once
// The durable, append-only, hash-chained record of a monitoring mission, behind one interface
// with two backends: SQLite (one file, WAL, the default) and PostgreSQL (shared by several
// `truceline serve` processes).
//
// Every record — observation, correction, retraction — carries the SHA-256 of its canonical
// content together with the previous record's hash; nothing is ever updated in place. An
// append returns only after its transaction is durable (group commit: concurrent appends share
// one commit).
//
// The record is also a transparency log (docs/log.md): each record is one leaf of an RFC 6962
// Merkle tree, in seq order, whose public entry holds a salted commitment to the content. The
// store's integrator adds the leaves of new records moments after their commit, off the append
// path; the tree is always a prefix of the records, after a crash too.
// Thread safety: every method may be called from any number of threads.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tlog/hash.h"

namespace truceline::store {

// The fields the record is queried by, copied out of its content at append time.
struct Index {
  int64_t time_ms = 0;           // event time
  std::string event, zone_id, zone_kind, responsible;  // "" when unknown
  std::optional<double> lat, lon;                       // estimated event position
};

struct NewRecord {
  std::string kind;        // observation, correction, retraction
  std::string target_id;   // corrections and retractions: the observation they amend
  std::string submitter;   // token name of who sent it
  nlohmann::json body;     // what was submitted, validated, with its placement
  // When not empty: body's JSON text exactly as body.dump() writes it, made by the caller without
  // building `body` (which may then stay null); the store takes it as the body and does not check
  // it against the index, so the caller must make both from the same values.
  std::string body_text;
  Index index;
};

struct Record {
  int64_t seq = 0;         // position in the chain, from 1
  std::string id;          // server id, "o-<seq>"
  std::string kind, target_id, submitter;
  int64_t received_ms = 0;
  nlohmann::json body;
  Index index;
  std::string content;     // the canonical text that is hashed (see canonical_content)
  std::string prev_hash, hash;  // lowercase hex SHA-256; the first record's prev_hash is 64 zeros
  std::string content_salt;     // hex of the 32-byte salt of its log entry's commitment; get() and
                                // history() fill it ("" until the record is integrated), query() not
  int64_t log_index() const { return seq - 1; }
};

// Record ids: "o-<seq>". seq_of_id gives 0 for anything else.
std::string id_of_seq(int64_t seq);
int64_t seq_of_id(const std::string& id);

// The canonical text of a record: JSON with sorted keys of seq, id, kind, target_id, submitter,
// received_ms and body. hash = SHA-256(prev_hash + "\n" + content).
std::string canonical_content(const Record& r);
std::string chain_hash(const std::string& prev_hash, const std::string& content);
std::string sha256_hex(const std::string& data);

struct ChainHead {
  int64_t count = 0;
  std::string hash;  // 64 zeros for an empty chain
  int64_t received_ms = 0;
};

struct Query {
  std::optional<int64_t> since_ms, until_ms;  // event time, inclusive / exclusive
  std::string zone_id, zone_kind, event;
  std::optional<double> min_lon, min_lat, max_lon, max_lat;  // bbox on the estimated position
  std::vector<std::string> responsible_in;   // non-empty: only records whose responsible is listed
  std::string submitter;                     // non-empty: only this submitter's records
  std::string kind = "observation";          // "" for every kind
  int64_t after_seq = 0;                     // cursor: records with seq > after_seq
  int64_t before_seq = 0;                    // > 0: only records with seq < before_seq
  bool newest_first = false;                 // descending seq (a page before a cursor)
  int limit = 100;
};

struct AppendResult {
  std::vector<std::string> ids;
  bool replayed = false;  // the idempotency key was seen before with the same request: same ids
};

// The idempotency key was used before for a different request.
class IdempotencyConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The database cannot be opened, read or written.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Token {
  std::string name, role, contingent;  // role: observer, contingent, analyst, admin
};

// A checkpoint the log signed (docs/log.md). `note` is the signed note: the checkpoint body, the
// log's signature, and once published the witnesses' cosignatures.
struct LogCheckpoint {
  int64_t id = 0;       // order of signing, from 1
  int64_t size = 0;
  std::string root;     // base64, as in the body
  std::string vkey;     // the log key that signed it
  std::string note;
  bool published = false;  // reached the witness quorum (or there are no witnesses)
  int64_t made_ms = 0;
};

// What verify found: ok, or the first record whose hash, link or index does not match.
struct VerifyResult {
  bool ok = true;
  int64_t count = 0;
  std::string head;         // hash of the last record checked
  int64_t bad_seq = 0;      // first broken record
  std::string bad_id, reason;
};

// The outbox of alerts (docs/incidents.md, Alerts): every alert the service raised, with the state
// of its delivery, in the record's own database so that deliveries survive a restart and are
// shared by every process on one PostgreSQL database. It is the service's outbound mail, not the
// mission's evidence: rows are updated in place and are not part of the chain or the log. The
// store knows nothing of what an alert means; src/alert converts.
//
// Status: "pending" (to deliver: due at next_attempt_ms), "delivered" (a receiver took it),
// "dead" (every attempt allowed failed) and "none" (no webhook for its contingent: stream and
// listing only).
struct OutboxItem {
  int64_t id = 0;           // given by the database, increasing; unique across processes
  int64_t time_ms = 0;      // when it was raised
  std::string contingent, type, incident_id;
  std::string body;         // the alert's JSON text without its id (the id is the row's)
  std::string status = "pending";
  int attempts = 0;         // made so far
  int64_t next_attempt_ms = 0;
  std::string last_error;   // "" when none failed, or once delivered
  int last_status = 0;      // HTTP status of the last attempt; 0 when none answered
  int64_t delivered_ms = 0; // 0 until delivered
  std::string claim;        // claim_due_outbox(): the claim it was taken under ("" otherwise)
};

// One attempt to deliver an item, and what the item becomes after it.
struct OutboxAttempt {
  int64_t outbox_id = 0;
  std::string claim;        // the claim the item was taken under
  int attempt = 1;          // 1 for the first
  std::string url;
  int status = 0;           // HTTP status; 0 when no answer came
  std::string error;        // "" when delivered
  int64_t time_ms = 0;      // when it ended
  // The item's state after it: "delivered", "pending" (again at next_attempt_ms) or "dead".
  std::string outcome;
  int64_t next_attempt_ms = 0;
};

struct OutboxFilter {
  std::optional<int64_t> since_ms;  // time_ms at or after
  std::string contingent, status;   // "" for any
  int64_t after_id = 0;             // cursor: items with id > after_id
  int limit = 100;                  // 0 or less: no limit
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends all records in one durable transaction, or none. With a non-empty idempotency key:
  // a key seen before with the same request_hash returns the earlier ids (replayed = true); with
  // another request_hash throws IdempotencyConflict.
  virtual AppendResult append(const std::vector<NewRecord>& records, const std::string& idempotency_key,
                              const std::string& request_hash) = 0;
  virtual std::vector<Record> query(const Query& q) = 0;
  // How many records match `q`, ignoring its limit (OGC API's numberMatched).
  virtual int64_t count(const Query& q) = 0;
  virtual std::optional<Record> get(const std::string& id) = 0;
  // The observation and every correction or retraction of it, in chain order.
  virtual std::vector<Record> history(const std::string& id) = 0;
  virtual ChainHead head() = 0;
  // Recomputes every hash and link in chain order, and checks each record's index against its
  // content.
  virtual VerifyResult verify() = 0;

  virtual void add_token(const std::string& token_hash, const Token& t) = 0;
  virtual std::optional<Token> find_token(const std::string& token_hash) = 0;

  // The log (docs/log.md). Leaf i is record seq i+1. The tree's size: records integrated so far
  // (at most head().count, a few milliseconds behind it).
  virtual int64_t log_size() = 0;
  // Integrates every record committed before the call, on the caller's thread.
  virtual void integrate_log() = 0;
  // Stored tree hashes at `level` with indexes first … first+count-1 (tlog/tree.h's scheme); throws
  // std::out_of_range when one is not stored yet.
  virtual std::vector<tlog::Hash> log_hashes(int level, int64_t first, int64_t count) = 0;
  // The entries of leaves first … first+count-1 (fewer when the log is shorter).
  virtual std::vector<std::string> log_entries(int64_t first, int64_t count) = 0;
  // Stores a signed checkpoint and returns its id.
  virtual int64_t add_checkpoint(const LogCheckpoint& c) = 0;
  // Marks checkpoint `id` published, with its note now carrying the cosignatures.
  virtual void publish_checkpoint(int64_t id, const std::string& note) = 0;
  // The latest checkpoint signed (published_only: the latest published).
  virtual std::optional<LogCheckpoint> latest_checkpoint(bool published_only) = 0;

  // The outbox. Adds the items in one transaction and returns their ids, in order (their id
  // fields are ignored).
  virtual std::vector<int64_t> add_outbox(const std::vector<OutboxItem>& items) = 0;
  // Takes up to `limit` pending items of the listed contingents that are due at `now_ms` and not
  // under another claim, oldest due first, under one new claim (their `claim` field) that lasts
  // until now_ms + lease_ms: no other call claims them meanwhile, in this process or another.
  virtual std::vector<OutboxItem> claim_due_outbox(int64_t now_ms, int64_t lease_ms, int limit,
                                                   const std::vector<std::string>& contingents) = 0;
  // Keeps the attempt and, when the item is still under a.claim, sets its state from a.outcome and
  // ends the claim, in one transaction. Returns whether the claim was still held (false: it had
  // lapsed and the item was left as another claimant made it).
  virtual bool record_outbox_attempt(const OutboxAttempt& a) = 0;
  // Ends `claim` on the items it still holds, untouched (a sender stopping before it tried them).
  virtual void release_outbox(const std::string& claim) = 0;
  // Items matching `f` in id order.
  virtual std::vector<OutboxItem> query_outbox(const OutboxFilter& f) = 0;
  // The attempts made for item `id` (every item's when 0), in the order they ended.
  virtual std::vector<OutboxAttempt> outbox_attempts(int64_t id) = 0;
};

struct StoreOptions {
  // DEFAULT: true. False runs no integrator, for benchmarks that measure what the log costs; the
  // next store opened with the log builds the missing leaves.
  bool transparency_log = true;
};

// A path opens (or creates) a SQLite file; "postgresql://…" connects to PostgreSQL.
std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& opt = {});

}  // namespace truceline::store
