#include "store/query_sql.h"

#include <charconv>

namespace truceline::store {
namespace {

class WhereBuilder {
 public:
  explicit WhereBuilder(Placeholders style) : style_(style) {}

  // Adds "column op ?" with one bound value.
  void add(const std::string& column, const char* op, SqlParam value) {
    clause(column + " " + op + " " + placeholder(std::move(value)));
  }
  void add_in(const std::string& column, const std::vector<std::string>& values) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + placeholder(v);
    clause(column + " IN (" + list + ")");
  }
  SqlText finish(const std::string& head, const std::string& tail) {
    return {head + where_ + tail, std::move(params_)};
  }

 private:
  std::string placeholder(SqlParam value) {
    params_.push_back(std::move(value));
    return style_ == Placeholders::kQuestion ? "?" : "$" + std::to_string(params_.size());
  }
  void clause(const std::string& c) { where_ += (where_.empty() ? " WHERE " : " AND ") + c; }

  Placeholders style_;
  std::string where_;
  std::vector<SqlParam> params_;
};

}  // namespace

SqlText query_sql(const Query& q, Placeholders style) {
  WhereBuilder w(style);
  w.add("seq", ">", q.after_seq);
  if (!q.kind.empty()) w.add("kind", "=", q.kind);
  // The hour bounds let the index on the hour serve the filter (kSharedSchema); integer division
  // truncates alike in C++, SQLite and PostgreSQL and never decreases, so they exclude no row
  // that the exact bounds keep.
  if (q.since_ms) w.add("time_ms / 3600000", ">=", *q.since_ms / kTimeBucketMs), w.add("time_ms", ">=", *q.since_ms);
  if (q.until_ms) w.add("time_ms / 3600000", "<=", *q.until_ms / kTimeBucketMs), w.add("time_ms", "<", *q.until_ms);
  if (!q.zone_id.empty()) w.add("zone_id", "=", q.zone_id);
  if (!q.zone_kind.empty()) w.add("zone_kind", "=", q.zone_kind);
  if (!q.event.empty()) w.add("event", "=", q.event);
  if (!q.submitter.empty()) w.add("submitter", "=", q.submitter);
  if (!q.responsible_in.empty()) w.add_in("responsible", q.responsible_in);
  // A record without a position never falls inside a box (NULL comparisons are false).
  if (q.min_lon) w.add("lon", ">=", *q.min_lon);
  if (q.max_lon) w.add("lon", "<=", *q.max_lon);
  if (q.min_lat) w.add("lat", ">=", *q.min_lat);
  if (q.max_lat) w.add("lat", "<=", *q.max_lat);
  const std::string limit = q.limit > 0 ? " LIMIT " + std::to_string(q.limit) : "";
  return w.finish(std::string("SELECT ") + kRecordColumns + " FROM records", " ORDER BY seq" + limit);
}

}  // namespace truceline::store
