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
