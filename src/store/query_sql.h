#pragma once
// The SQL both backends share: the records columns in one order, and a Query as a WHERE clause
// with bound parameters (`?` for SQLite, `$n` for PostgreSQL).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/store.h"

namespace truceline::store {

// seq, id, kind, target_id, submitter, received_ms, content, prev_hash, hash, time_ms, event,
// zone_id, zone_kind, responsible, lat, lon — the order every SELECT and INSERT uses.
inline constexpr const char* kRecordColumns =
    "seq, id, kind, target_id, submitter, received_ms, content, prev_hash, hash, "
    "time_ms, event, zone_id, zone_kind, responsible, lat, lon";
inline constexpr int kRecordColumnCount = 16;

// The event-time index's bucket, as written in kSharedSchema.
inline constexpr int64_t kTimeBucketMs = 3'600'000;

// The indexes for the Query filters, and the idempotency and token tables: the same SQL in both
// dialects (the records table itself differs in its column types).
//
// Every index costs the single writer a B-tree descent and a dirty page per record, so there are
// only those that a selective filter needs: event time, zone, and the two filters every
// observer's and contingent's listing carries (submitter, responsible). Each ends in seq so that a
// page comes out in chain order without a sort, and so that a record goes in at the end of its
// key's run. Event time is indexed by the hour (kTimeBucketMs) for the same reason: on an index of
// time_ms itself, a batch whose reports span a day (a backlog, a late day's log) put each record
// on its own leaf page, and the commit wrote a page per record — at 1,200 records per commit
// that halved the ingest rate; by the hour it touches a page per hour. A time filter walks the
// hours it covers and checks time_ms on each row, at most two hours of rows more than it needs. Filters on few distinct values (kind, zone kind,
// event) or on a box are checked while walking in seq order. Corrections and retractions are few,
// so only they enter the target index. The id needs none: it is "o-<seq>" (verify checks that),
// so a lookup by id is a lookup by seq. Databases made with the earlier, wider set lose the
// indexes no longer used when they are next opened.
inline constexpr const char* kSharedSchema = R"sql(
DROP INDEX IF EXISTS records_zone_kind;
DROP INDEX IF EXISTS records_event;
DROP INDEX IF EXISTS records_position;
DROP INDEX IF EXISTS records_zone;
DROP INDEX IF EXISTS records_responsible;
DROP INDEX IF EXISTS records_submitter;
DROP INDEX IF EXISTS records_target;
DROP INDEX IF EXISTS records_time;
CREATE INDEX IF NOT EXISTS records_hour_seq ON records((time_ms / 3600000), seq);
CREATE INDEX IF NOT EXISTS records_zone_seq ON records(zone_id, seq);
CREATE INDEX IF NOT EXISTS records_responsible_seq ON records(responsible, seq);
CREATE INDEX IF NOT EXISTS records_submitter_seq ON records(submitter, seq);
CREATE INDEX IF NOT EXISTS records_target_seq ON records(target_id, seq) WHERE target_id <> '';
CREATE TABLE IF NOT EXISTS idempotency(key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, ids_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  contingent TEXT NOT NULL);
)sql";

using SqlParam = std::variant<int64_t, double, std::string>;

struct SqlText {
  std::string sql;
  std::vector<SqlParam> params;
};

enum class Placeholders { kQuestion, kDollar };

// SELECT kRecordColumns FROM records WHERE … ORDER BY seq LIMIT …; a limit of 0 or less means
// no limit.
SqlText query_sql(const Query& q, Placeholders style);
// SELECT COUNT(*) FROM records WHERE … (the same filters; no limit, no order).
SqlText count_sql(const Query& q, Placeholders style);

// The outbox (store.h, OutboxItem) and every attempt made for its items. `id_type` is the
// dialect's self-numbering key: an id is never given twice, in any process, even after a
// rollback, so "a-<id>" names one alert for good. The partial index finds what is due without
// walking what was delivered; the contingent index serves a contingent's listing in id order.
std::string outbox_schema(const std::string& id_type, const std::string& int_type);

// id, time_ms, contingent, type, incident_id, body, status, attempts, next_attempt_ms,
// last_error, last_status, delivered_ms, claim — the order every outbox SELECT uses.
inline constexpr const char* kOutboxColumns =
    "id, time_ms, contingent, type, incident_id, body, status, attempts, next_attempt_ms, "
    "last_error, last_status, delivered_ms, claim";
// outbox_id, attempt, url, status, error, time_ms, outcome, next_attempt_ms.
inline constexpr const char* kOutboxAttemptColumns =
    "outbox_id, attempt, url, status, error, time_ms, outcome, next_attempt_ms";

// A new claim for claim_due_outbox: 128 random bits in hex, so that no two claims of any process
// are alike.
std::string new_outbox_claim();

// SELECT kOutboxColumns FROM outbox WHERE … ORDER BY id LIMIT ….
SqlText outbox_query_sql(const OutboxFilter& f, Placeholders style);



}  // namespace truceline::store
