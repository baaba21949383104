#include "store/pg_store.h"

#include "store/chain.h"
#include "store/group_commit.h"
#include "store/pg_conn.h"
#include "store/pool.h"
#include "store/query_sql.h"

namespace truceline::store {
namespace {

using pg::Conn;
using pg::Param;
using pg::param;

// The advisory lock every appender of a database takes: "trucelin" in ASCII.
constexpr const char* kLockChain = "SELECT pg_advisory_xact_lock(8390898125508471150)";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, target_id TEXT NOT NULL,
  submitter TEXT NOT NULL, received_ms BIGINT NOT NULL, content TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time_ms BIGINT NOT NULL, event TEXT NOT NULL,
  zone_id TEXT NOT NULL, zone_kind TEXT NOT NULL, responsible TEXT NOT NULL,
  lat DOUBLE PRECISION, lon DOUBLE PRECISION);
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

// Rows per INSERT statement: 16 parameters each, well under libpq's 65,535.
constexpr size_t kInsertChunk = 1000;

Record read_record(const pg::Result& r, int row, bool with_body) {
  Record rec;
  rec.seq = r.int64(row, 0);
  rec.id = r.text(row, 1);
  rec.kind = r.text(row, 2);
  rec.target_id = r.text(row, 3);
  rec.submitter = r.text(row, 4);
  rec.received_ms = r.int64(row, 5);
  rec.content = r.text(row, 6);
  rec.prev_hash = r.text(row, 7);
  rec.hash = r.text(row, 8);
  rec.index = {r.int64(row, 9), r.text(row, 10), r.text(row, 11), r.text(row, 12), r.text(row, 13),
               r.real(row, 14), r.real(row, 15)};
  if (with_body) rec.body = body_of_content(rec.content);
  return rec;
}

std::vector<Record> read_all(const pg::Result& r) {
  std::vector<Record> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_record(r, i, true));
  return out;
}

void append_params(const Record& r, std::vector<Param>& p) {
  for (Param v : {param(r.seq), param(r.id), param(r.kind), param(r.target_id), param(r.submitter),
                  param(r.received_ms), param(r.content), param(r.prev_hash), param(r.hash),
                  param(r.index.time_ms), param(r.index.event), param(r.index.zone_id), param(r.index.zone_kind),
                  param(r.index.responsible), param(r.index.lat), param(r.index.lon)})
    p.push_back(std::move(v));
}

// INSERT … VALUES ($1..$16), ($17..$32), … for `rows` rows.
std::string insert_sql(size_t rows) {
  std::string sql = std::string("INSERT INTO records(") + kRecordColumns + ") VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    sql += i ? ", (" : "(";
    for (int c = 1; c <= kRecordColumnCount; ++c)
      sql += "$" + std::to_string(i * kRecordColumnCount + c) + (c < kRecordColumnCount ? "," : ")");
  }
  return sql;
}

ChainHead read_head(Conn& c) {
  const pg::Result r = c.exec("SELECT seq, hash, received_ms FROM records ORDER BY seq DESC LIMIT 1");
  if (r.rows() == 0) return {0, kGenesisHash, 0};
  return {r.int64(0, 0), r.text(0, 1), r.int64(0, 2)};
}

class PgAppendTx : public AppendTx {
 public:
  explicit PgAppendTx(std::unique_ptr<Conn> c) : c_(std::move(c)) {}

  ChainHead begin() override {
    c_->ensure_connected();
    c_->exec("BEGIN");
    // Under READ COMMITTED the next statement sees everything committed before the lock was ours.
    c_->exec(kLockChain);
    return read_head(*c_);
  }
  void savepoint() override { c_->exec("SAVEPOINT request"); }
  void release() override { c_->exec("RELEASE SAVEPOINT request"); }
  void rollback_to_savepoint() override { c_->exec("ROLLBACK TO SAVEPOINT request; RELEASE SAVEPOINT request"); }

  std::optional<KeyRow> find_key(const std::string& key) override {
    const pg::Result r = c_->exec("SELECT request_hash, ids_json FROM idempotency WHERE key = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    return KeyRow{r.text(0, 0), nlohmann::json::parse(r.text(0, 1)).get<std::vector<std::string>>()};
  }

  void insert(const std::vector<Record>& records) override {
    for (size_t at = 0; at < records.size(); at += kInsertChunk) {
      const size_t n = std::min(kInsertChunk, records.size() - at);
      std::vector<Param> p;
      p.reserve(n * kRecordColumnCount);
      for (size_t i = at; i < at + n; ++i) append_params(records[i], p);
      c_->exec(insert_sql(n), p);
    }
  }

  void put_key(const std::string& key, const std::string& request_hash, const std::string& ids_json) override {
    c_->exec("INSERT INTO idempotency(key, request_hash, ids_json) VALUES ($1, $2, $3)", {key, request_hash, ids_json});
  }

  void commit() override {
    // COMMIT of a transaction that failed answers ROLLBACK rather than an error.
    if (c_->exec("COMMIT").status() != "COMMIT") throw StoreError("PostgreSQL rolled back the append transaction");
  }
  void rollback() noexcept override {
    try {
      if (!c_->healthy()) c_->exec("ROLLBACK");  // healthy means no transaction is open
    } catch (...) {
      // A dropped connection has rolled back on the server already.
    }
  }

 private:
  std::unique_ptr<Conn> c_;
};

class PgStore : public Store {
 public:
  explicit PgStore(const std::string& uri) : readers_([uri] { return std::make_unique<Conn>(uri); }, 8) {
    auto writer = std::make_unique<Conn>(uri);
    // Two processes starting together must not both create the tables.
    writer->exec(std::string("BEGIN; ") + kLockChain + ";" + kSchema + "COMMIT;");
    committer_ = std::make_unique<GroupCommitter>(std::make_unique<PgAppendTx>(std::move(writer)));
  }

  AppendResult append(const std::vector<NewRecord>& records, const std::string& key,
                      const std::string& request_hash) override {
    return committer_->append(records, key, request_hash);
  }

  std::vector<Record> query(const Query& q) override {
    const SqlText t = query_sql(q, Placeholders::kDollar);
    std::vector<Param> p;
    for (const SqlParam& v : t.params) p.push_back(std::visit([](const auto& x) { return param(x); }, v));
    return read_all(readers_.acquire()->exec(t.sql, p));
  }

  std::optional<Record> get(const std::string& id) override {
    auto found = read_all(readers_.acquire()->exec(
        std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = $1", {id}));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<Record> history(const std::string& id) override {
    const auto rec = get(id);
    if (!rec) return {};
    const std::string root = rec->target_id.empty() ? rec->id : rec->target_id;
    return read_all(readers_.acquire()->exec(
        std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = $1 OR target_id = $1 ORDER BY seq", {root}));
  }

  ChainHead head() override { return read_head(*readers_.acquire()); }

  VerifyResult verify() override;

  void add_token(const std::string& token_hash, const Token& t) override {
    readers_.acquire()->exec(
        "INSERT INTO tokens(hash, name, role, contingent) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO UPDATE "
        "SET name = EXCLUDED.name, role = EXCLUDED.role, contingent = EXCLUDED.contingent",
        {token_hash, t.name, t.role, t.contingent});
  }

  std::optional<Token> find_token(const std::string& token_hash) override {
    const pg::Result r = readers_.acquire()->exec("SELECT name, role, contingent FROM tokens WHERE hash = $1", {token_hash});
    if (r.rows() == 0) return std::nullopt;
    return Token{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
  }

 private:
  Pool<Conn> readers_;
  std::unique_ptr<GroupCommitter> committer_;  // last: its writer thread stops first
};

// Pages through the chain inside one snapshot, so appends during verify do not disturb it.
VerifyResult PgStore::verify() {
  constexpr int kPage = 5000;
  auto c = readers_.acquire();
  c->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  ChainVerifier v;
  int64_t after = 0;
  for (bool more = true; more;) {
    const pg::Result r = c->exec(std::string("SELECT ") + kRecordColumns +
                                     " FROM records WHERE seq > $1 ORDER BY seq LIMIT " + std::to_string(kPage),
                                 {param(after)});
    for (int i = 0; i < r.rows() && more; ++i) more = v.check(read_record(r, i, false));
    more = more && r.rows() == kPage;
    if (r.rows() > 0) after = r.int64(r.rows() - 1, 0);
  }
  c->exec("COMMIT");
  return v.result();
}

}  // namespace

std::unique_ptr<Store> open_pg_store(const std::string& uri) { return std::make_unique<PgStore>(uri); }

}  // namespace truceline::store
