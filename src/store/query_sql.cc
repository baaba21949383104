#include "store/query_sql.h"

#include <charconv>
#include <random>

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

namespace {

// The WHERE clause of every filter of `q`: one list for the page and for its count.
WhereBuilder record_filters(const Query& q, Placeholders style) {
  WhereBuilder w(style);
  w.add("seq", ">", q.after_seq);
  if (q.before_seq > 0) w.add("seq", "<", q.before_seq);
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
  return w;
}

}  // namespace

SqlText query_sql(const Query& q, Placeholders style) {
  const std::string limit = q.limit > 0 ? " LIMIT " + std::to_string(q.limit) : "";
  return record_filters(q, style)
      .finish(std::string("SELECT ") + kRecordColumns + " FROM records",
              std::string(" ORDER BY seq") + (q.newest_first ? " DESC" : "") + limit);
}

SqlText count_sql(const Query& q, Placeholders style) {
  return record_filters(q, style).finish("SELECT COUNT(*) FROM records", "");
}

std::string outbox_schema(const std::string& id_type, const std::string& int_type) {
  const std::string& i = int_type;
  return "CREATE TABLE IF NOT EXISTS outbox(id " + id_type + ", time_ms " + i +
         " NOT NULL, contingent TEXT NOT NULL, type TEXT NOT NULL, incident_id TEXT NOT NULL, body TEXT NOT NULL, "
         "status TEXT NOT NULL, attempts " + i + " NOT NULL DEFAULT 0, next_attempt_ms " + i +
         " NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', last_status " + i +
         " NOT NULL DEFAULT 0, delivered_ms " + i + " NOT NULL DEFAULT 0, claim TEXT NOT NULL DEFAULT '', lease_until_ms " +
         i + " NOT NULL DEFAULT 0);\n"
         "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(next_attempt_ms) WHERE status = 'pending';\n"
         "CREATE INDEX IF NOT EXISTS outbox_contingent_id ON outbox(contingent, id);\n"
         "CREATE TABLE IF NOT EXISTS outbox_attempts(n " + id_type + ", outbox_id " + i +
         " NOT NULL, attempt " + i + " NOT NULL, url TEXT NOT NULL, status " + i +
         " NOT NULL, error TEXT NOT NULL, time_ms " + i + " NOT NULL, outcome TEXT NOT NULL, next_attempt_ms " + i +
         " NOT NULL);\n"
         "CREATE INDEX IF NOT EXISTS outbox_attempts_item ON outbox_attempts(outbox_id, n);\n";
}

std::string new_outbox_claim() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j, v >>= 4) out.push_back(kHex[v & 15]);
  }
  return out;
}

SqlText outbox_query_sql(const OutboxFilter& f, Placeholders style) {
  WhereBuilder w(style);
  w.add("id", ">", f.after_id);
  if (f.since_ms) w.add("time_ms", ">=", *f.since_ms);
  if (!f.contingent.empty()) w.add("contingent", "=", f.contingent);
  if (!f.status.empty()) w.add("status", "=", f.status);
  const std::string limit = f.limit > 0 ? " LIMIT " + std::to_string(f.limit) : "";
  return w.finish(std::string("SELECT ") + kOutboxColumns + " FROM outbox", " ORDER BY id" + limit);
}

}  // namespace truceline::store
