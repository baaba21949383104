#pragma once
// The SQL both backends share: the records columns in one order, and a Query as a WHERE clause
// with bound parameters (`?` for SQLite, `$n` for PostgreSQL).
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

// The indexes for the Query filters, and the idempotency and token tables: the same SQL in both
// dialects (the records table itself differs in its column types).
inline constexpr const char* kSharedSchema = R"sql(
CREATE INDEX IF NOT EXISTS records_time ON records(time_ms);
CREATE INDEX IF NOT EXISTS records_zone ON records(zone_id);
CREATE INDEX IF NOT EXISTS records_zone_kind ON records(zone_kind);
CREATE INDEX IF NOT EXISTS records_event ON records(event);
CREATE INDEX IF NOT EXISTS records_responsible ON records(responsible);
CREATE INDEX IF NOT EXISTS records_submitter ON records(submitter);
CREATE INDEX IF NOT EXISTS records_target ON records(target_id);
CREATE INDEX IF NOT EXISTS records_position ON records(lon, lat);
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

}  // namespace truceline::store
