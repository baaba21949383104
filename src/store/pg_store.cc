#include "store/pg_store.h"

#include <algorithm>
#include <tuple>

#include "store/chain.h"
#include "store/group_commit.h"
#include "store/log_integrator.h"
#include "store/log_rows.h"
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

// The records table in this dialect; kSharedSchema adds the rest.
constexpr const char* kRecordsTable = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq BIGINT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT NOT NULL,
  submitter TEXT NOT NULL, received_ms BIGINT NOT NULL, content TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time_ms BIGINT NOT NULL, event TEXT NOT NULL,
  zone_id TEXT NOT NULL, zone_kind TEXT NOT NULL, responsible TEXT NOT NULL,
  lat DOUBLE PRECISION, lon DOUBLE PRECISION);
CREATE TABLE IF NOT EXISTS log_leaves(seq BIGINT PRIMARY KEY, salt TEXT NOT NULL, commitment TEXT NOT NULL,
  hashes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log_checkpoints(id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL, root TEXT NOT NULL,
  vkey TEXT NOT NULL, note TEXT NOT NULL, published INTEGER NOT NULL, made_ms BIGINT NOT NULL);
)sql";

constexpr const char* kCheckpointColumns = "id, size, root, vkey, note, published, made_ms";

// A PostgreSQL bigint[] literal.
std::string bigint_array(const std::vector<int64_t>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
}

// Stored hashes read through one connection (the writer's, inside its transaction, or a reader's).
class ConnHashReader : public tlog::HashReader {
 public:
  explicit ConnHashReader(Conn& c) : c_(c) {}
  tlog::Hash hash(tlog::NodeId id) override { return range(id.level, id.index, 1).at(0); }
  std::vector<tlog::Hash> range(int level, int64_t first, int64_t count) override {
    const std::vector<int64_t> seqs = rows_holding(level, first, count);
    const pg::Result r = level == 0
        ? c_.exec("SELECT substr(hashes, 1, 64) FROM log_leaves WHERE seq BETWEEN $1 AND $2 ORDER BY seq",
                  {param(first + 1), param(first + count)})
        : c_.exec("SELECT substr(hashes, " + std::to_string(64 * level + 1) +
                      ", 64) FROM log_leaves WHERE seq = ANY($1::bigint[]) ORDER BY seq",
                  {bigint_array(seqs)});
    std::vector<tlog::Hash> out;
    for (int i = 0; i < r.rows(); ++i) {
      const auto h = tlog::unhex(r.text(i, 0));
      if (!h || h->size() != 32) break;
      out.push_back(hash_in_row(*h, 0));
    }
    if (static_cast<int64_t>(out.size()) != count)
      throw std::out_of_range("the log holds no hash at level " + std::to_string(level) + " index " +
                              std::to_string(first + static_cast<int64_t>(out.size())));
    return out;
  }

 private:
  Conn& c_;
};

LogCheckpoint read_checkpoint(const pg::Result& r, int i) {
  return {r.int64(i, 0), r.int64(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.int64(i, 5) != 0, r.int64(i, 6)};
}

std::optional<LogCheckpoint> latest_checkpoint_in(Conn& c, bool published_only) {
  const pg::Result r = c.exec(std::string("SELECT ") + kCheckpointColumns + " FROM log_checkpoints" +
                              (published_only ? " WHERE published = 1" : "") + " ORDER BY id DESC LIMIT 1");
  if (r.rows() == 0) return std::nullopt;
  return read_checkpoint(r, 0);
}

// One row of `COPY log_leaves(seq, salt, commitment, hashes)`: hex needs no COPY escapes.
void append_log_row(std::string& data, int64_t seq, const LogRow& row) {
  data += std::to_string(seq);
  for (const std::string* v : {&row.salt, &row.commitment, &row.hashes}) {
    data.push_back('\t');
    data += tlog::hex(*v);
  }
  data.push_back('\n');
}

std::string raw_of_hex(const std::string& text) { return tlog::unhex(text).value_or(std::string()); }

// The lock one integrator at a time holds, across every process of the database.
constexpr const char* kLockLog = "SELECT pg_advisory_xact_lock(8390898125508471151)";

// One round of the log's integrator (log_integrator.h): the leaves of up to `max` records that have
// none, in one transaction under the log's lock; also how a database made before the log gets its
// tree. `cache` is the tree's right edge after this process's last round.
int64_t integrate_step(Conn& c, std::optional<tlog::Frontier>& cache, size_t max) {
  c.ensure_connected();
  const pg::Result sizes =
      c.exec("SELECT (SELECT COALESCE(MAX(seq), 0) FROM log_leaves), (SELECT COALESCE(MAX(seq), 0) FROM records)");
  if (sizes.int64(0, 0) >= sizes.int64(0, 1)) return 0;
  try {
    c.exec(std::string("BEGIN; ") + kLockLog);
    const int64_t size = c.exec("SELECT COALESCE(MAX(seq), 0) FROM log_leaves").int64(0, 0);
    if (!cache || cache->size() != size) {
      ConnHashReader reader(c);
      cache = tlog::Frontier::load(reader, size);
    }
    tlog::Frontier tree = *cache;
    const pg::Result r = c.exec("SELECT seq, kind, received_ms, content FROM records WHERE seq > $1 ORDER BY seq LIMIT $2",
                                {param(size), param(static_cast<int64_t>(max))});
    std::string data;
    const std::string salt = salts(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      if (r.int64(i, 0) != size + i + 1)
        throw StoreError("record " + std::to_string(r.int64(i, 0)) + " follows a gap in the chain; run verify");
      append_log_row(data, r.int64(i, 0),
                     make_log_row(r.int64(i, 0), r.text(i, 1), r.int64(i, 2), r.text(i, 3), tree,
                                  salt.substr(static_cast<size_t>(i) * tlog::kSaltBytes, tlog::kSaltBytes)));
    }
    if (r.rows() > 0)
      c.copy_in("COPY log_leaves(seq, salt, commitment, hashes) FROM STDIN", [&](std::string& piece) {
        piece = std::move(data);
        return false;
      });
    if (c.exec("COMMIT").status() != "COMMIT") throw StoreError("PostgreSQL rolled back the log's integration");
    cache = std::move(tree);
    return r.rows();
  } catch (...) {
    cache.reset();
    try {
      if (!c.healthy()) c.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

Record read_record(const pg::Result& r, int row, bool with_body, bool with_salt = false) {
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
  if (with_salt) rec.content_salt = r.text(row, kRecordColumnCount);
  return rec;
}

std::vector<Record> read_all(const pg::Result& r, bool with_salt = false) {
  std::vector<Record> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_record(r, i, true, with_salt));
  return out;
}

// kRecordColumns and the record's log salt ("" when it has no leaf).
const std::string kRecordWithSalt =
    std::string("SELECT ") + kRecordColumns + ", COALESCE((SELECT salt FROM log_leaves l WHERE l.seq = records.seq), '')";

// INSERT INTO <table>(<columns>) VALUES ($1..$c), ($c+1..$2c), … for `rows` rows of `cols` columns.
std::string values_sql(const std::string& into, int cols, size_t rows) {
  std::string sql = into + " VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    if (i) sql += ", ";
    sql += '(';
    for (int c = 1; c <= cols; ++c) {
      sql += '$';
      sql += std::to_string(i * cols + c);
      sql += c < cols ? ',' : ')';
    }
  }
  return sql;
}

// A PostgreSQL text[] literal of `items`.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// The statements "BEGIN", the chain lock and the head read, sent as one.
const std::string kBeginSql =
    std::string("BEGIN; ") + kLockChain + "; SELECT seq, hash, received_ms FROM records ORDER BY seq DESC LIMIT 1";

ChainHead read_head(Conn& c) {
  const pg::Result r = c.exec("SELECT seq, hash, received_ms FROM records ORDER BY seq DESC LIMIT 1");
  if (r.rows() == 0) return {0, kGenesisHash, 0};
  return {r.int64(0, 0), r.text(0, 1), r.int64(0, 2)};
}

// One row of `COPY records(kRecordColumns)` in COPY's text format.
void append_row(std::string& data, const ChainRow& r) {
  const auto field = [&](const char* v, char end) {
    pg::append_copy_field(data, v);
    data.push_back(end);
  };
  const auto number = [&](const Param& p, char end) { field(p ? p->c_str() : nullptr, end); };
  const NewRecord& in = *r.in;
  number(param(r.seq), '\t'), field(r.id.c_str(), '\t'), field(in.kind.c_str(), '\t');
  field(in.target_id.c_str(), '\t'), field(in.submitter.c_str(), '\t');
  number(param(r.received_ms), '\t'), field(r.content.c_str(), '\t'), field(r.prev_hash.c_str(), '\t');
  field(r.hash.c_str(), '\t'), number(param(in.index.time_ms), '\t'), field(in.index.event.c_str(), '\t');
  field(in.index.zone_id.c_str(), '\t'), field(in.index.zone_kind.c_str(), '\t');
  field(in.index.responsible.c_str(), '\t'), number(param(in.index.lat), '\t');
  number(param(in.index.lon), '\n');
}

// The outbox's rows (store.h, OutboxItem) in kOutboxColumns and kOutboxAttemptColumns order.
OutboxItem read_outbox_item(const pg::Result& r, int i) {
  OutboxItem it;
  it.id = r.int64(i, 0), it.time_ms = r.int64(i, 1);
  it.contingent = r.text(i, 2), it.type = r.text(i, 3), it.incident_id = r.text(i, 4), it.body = r.text(i, 5);
  it.status = r.text(i, 6), it.attempts = static_cast<int>(r.int64(i, 7)), it.next_attempt_ms = r.int64(i, 8);
  it.last_error = r.text(i, 9), it.last_status = static_cast<int>(r.int64(i, 10)), it.delivered_ms = r.int64(i, 11);
  it.claim = r.text(i, 12);
  return it;
}

OutboxAttempt read_outbox_attempt(const pg::Result& r, int i) {
  OutboxAttempt a;
  a.outbox_id = r.int64(i, 0), a.attempt = static_cast<int>(r.int64(i, 1)), a.url = r.text(i, 2);
  a.status = static_cast<int>(r.int64(i, 3)), a.error = r.text(i, 4), a.time_ms = r.int64(i, 5);
  a.outcome = r.text(i, 6), a.next_attempt_ms = r.int64(i, 7);
  return a;
}

// Runs `fn` between BEGIN and COMMIT on `c`; a failure rolls back (a dropped connection has on the
// server already).
template <class Fn>
auto in_tx(Conn& c, Fn fn) {
  c.exec("BEGIN");
  try {
    auto out = fn();
    if (c.exec("COMMIT").status() != "COMMIT") throw StoreError("PostgreSQL rolled back the outbox transaction");
    return out;
  } catch (...) {
    try {
      if (!c.healthy()) c.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

// Takes the due rows and marks them in one statement. SKIP LOCKED passes over rows another
// process is claiming right now; a row whose claim committed meanwhile is checked again against
// the condition and left out, its lease being in the future.
constexpr const char* kClaimSql =
    "UPDATE outbox SET claim = $1, lease_until_ms = $2 WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' "
    "AND next_attempt_ms <= $3 AND lease_until_ms <= $3 AND contingent = ANY($4::text[]) "
    "ORDER BY next_attempt_ms, id LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING ";

class PgAppendTx : public AppendTx {
 public:
  explicit PgAppendTx(std::unique_ptr<Conn> c) : c_(std::move(c)) {}

  ChainHead begin() override {
    c_->ensure_connected();
    // Under READ COMMITTED the head read sees everything committed before the lock was ours.
    // One round trip: the three statements go in one simple query.
    const pg::Result r = c_->exec(kBeginSql);
    if (r.rows() == 0) return {0, kGenesisHash, 0};
    return {r.int64(0, 0), r.text(0, 1), r.int64(0, 2)};
  }
  void savepoint() override { c_->exec("SAVEPOINT request"); }
  void release() override { c_->exec("RELEASE SAVEPOINT request"); }
  void rollback_to_savepoint() override { c_->exec("ROLLBACK TO SAVEPOINT request; RELEASE SAVEPOINT request"); }

  std::vector<std::pair<std::string, KeyRow>> find_keys(const std::vector<std::string>& keys) override {
    const pg::Result r = c_->exec("SELECT key, request_hash, ids_json FROM idempotency WHERE key = ANY($1::text[])",
                                  {text_array(keys)});
    std::vector<std::pair<std::string, KeyRow>> found;
    for (int i = 0; i < r.rows(); ++i)
      found.emplace_back(r.text(i, 0),
                         KeyRow{r.text(i, 1), nlohmann::json::parse(r.text(i, 2)).get<std::vector<std::string>>()});
    return found;
  }

  // COPY rather than INSERT … VALUES: the server parses no statement with thousands of
  // parameters and plans nothing, which halved PostgreSQL's time per record (docs/benchmarks.md).
  // The rows go in pieces of ~128 KiB, so that the server stores some while the rest are made.
  void insert(const std::vector<ChainRow>& rows) override {
    static const std::string copy = std::string("COPY records(") + kRecordColumns + ") FROM STDIN";
    constexpr size_t kPiece = 128 << 10;
    size_t next = 0;
    c_->copy_in(copy, [&](std::string& piece) {
      while (next < rows.size() && piece.size() < kPiece) append_row(piece, rows[next++]);
      return next < rows.size();
    });
  }

  void put_keys(const std::vector<KeyPut>& keys) override {
    static const std::string into = "INSERT INTO idempotency(key, request_hash, ids_json)";
    constexpr size_t kChunk = 1000;
    for (size_t at = 0; at < keys.size(); at += kChunk) {
      const size_t n = std::min(kChunk, keys.size() - at);
      std::vector<const char*> values;
      for (size_t i = at; i < at + n; ++i)
        for (const std::string* v : {&keys[i].key, &keys[i].request_hash, &keys[i].ids_json}) values.push_back(v->c_str());
      c_->exec_values(values_sql(into, 3, n), values);
    }
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

// Read connections per process: every HTTP worker authenticates each request with a read, and a
// connection opened per request (a server process forked per request) costs far more than the
// read; callers beyond this many wait for a connection to come back.
constexpr size_t kReaders = 16;

class PgStore : public Store {
 public:
  PgStore(const std::string& uri, const StoreOptions& opt) : readers_([uri] { return std::make_unique<Conn>(uri); }, kReaders, kReaders) {
    auto writer = std::make_unique<Conn>(uri);
    // Two processes starting together must not both create the tables.
    writer->exec(std::string("BEGIN; ") + kLockChain + ";" + kRecordsTable + kSharedSchema +
                 outbox_schema("BIGSERIAL PRIMARY KEY", "BIGINT") + "COMMIT;");
    if (opt.transparency_log) {
      log_conn_ = std::make_unique<Conn>(uri);
      // As for SQLite (sqlite_store.cc): a checkpoint's synchronous commit flushes the WAL that
      // holds every leaf it covers, so the integrator's own commits need not wait for a flush.
      log_conn_->exec("SET synchronous_commit = off");
      auto step = [this](size_t max) { return integrate_step(*log_conn_, log_cache_, max); };
      integrator_ = std::make_unique<LogIntegrator>(step);
      integrator_->catch_up();  // the tree of a database made before the log, or left behind
    }
    committer_ = std::make_unique<GroupCommitter>(std::make_unique<PgAppendTx>(std::move(writer)), 4096, [this] {
      if (integrator_) integrator_->wake();
    });
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

  int64_t count(const Query& q) override {
    const SqlText t = count_sql(q, Placeholders::kDollar);
    std::vector<Param> p;
    for (const SqlParam& v : t.params) p.push_back(std::visit([](const auto& x) { return param(x); }, v));
    return readers_.acquire()->exec(t.sql, p).int64(0, 0);
  }

  std::optional<Record> get(const std::string& id) override {
    auto found = read_all(readers_.acquire()->exec(kRecordWithSalt + " FROM records WHERE seq = $1", {param(seq_of_id(id))}),
                          true);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<Record> history(const std::string& id) override {
    const auto rec = get(id);
    if (!rec) return {};
    const std::string root = rec->target_id.empty() ? rec->id : rec->target_id;
    return read_all(readers_.acquire()->exec(
                        kRecordWithSalt + " FROM records WHERE seq = $1 OR (target_id = $2 AND target_id <> '') ORDER BY seq",
                        {param(seq_of_id(root)), root}),
                    true);
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

  int64_t log_size() override {
    return readers_.acquire()->exec("SELECT COALESCE(MAX(seq), 0) FROM log_leaves").int64(0, 0);
  }

  void integrate_log() override {
    if (integrator_) integrator_->flush();
  }

  std::vector<tlog::Hash> log_hashes(int level, int64_t first, int64_t count) override {
    auto c = readers_.acquire();
    return ConnHashReader(*c).range(level, first, count);
  }

  std::vector<std::string> log_entries(int64_t first, int64_t count) override {
    const pg::Result r = readers_.acquire()->exec(
        "SELECT seq, kind, received_ms, commitment FROM log_leaves JOIN records USING (seq) WHERE seq BETWEEN $1 AND $2 "
        "ORDER BY seq",
        {param(first + 1), param(first + count)});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(entry_bytes(r.int64(i, 0), r.text(i, 1), r.int64(i, 2), raw_of_hex(r.text(i, 3))));
    return out;
  }

  int64_t add_checkpoint(const LogCheckpoint& c) override {
    return readers_.acquire()
        ->exec("INSERT INTO log_checkpoints(size, root, vkey, note, published, made_ms) VALUES ($1,$2,$3,$4,$5,$6) "
               "RETURNING id",
               {param(c.size), c.root, c.vkey, c.note, param(int64_t{c.published}), param(c.made_ms)})
        .int64(0, 0);
  }

  void publish_checkpoint(int64_t id, const std::string& note) override {
    readers_.acquire()->exec("UPDATE log_checkpoints SET published = 1, note = $1 WHERE id = $2", {note, param(id)});
  }

  std::optional<LogCheckpoint> latest_checkpoint(bool published_only) override {
    return latest_checkpoint_in(*readers_.acquire(), published_only);
  }

  std::vector<int64_t> add_outbox(const std::vector<OutboxItem>& items) override {
    if (items.empty()) return {};
    auto c = readers_.acquire();
    return in_tx(*c, [&] {
      std::vector<int64_t> ids;
      for (const OutboxItem& it : items)
        ids.push_back(c->exec("INSERT INTO outbox(time_ms, contingent, type, incident_id, body, status, next_attempt_ms) "
                              "VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                              {param(it.time_ms), it.contingent, it.type, it.incident_id, it.body, it.status,
                               param(it.next_attempt_ms)})
                          .int64(0, 0));
      return ids;
    });
  }

  std::vector<OutboxItem> claim_due_outbox(int64_t now_ms, int64_t lease_ms, int limit,
                                           const std::vector<std::string>& contingents) override {
    if (contingents.empty() || limit <= 0) return {};
    const std::string claim = new_outbox_claim();
    const pg::Result r = readers_.acquire()->exec(
        std::string(kClaimSql) + kOutboxColumns,
        {claim, param(now_ms + lease_ms), param(now_ms), text_array(contingents), param(int64_t{limit})});
    std::vector<OutboxItem> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_outbox_item(r, i));
    // RETURNING gives no order: the oldest due first, as the caller tries them.
    std::sort(out.begin(), out.end(), [](const OutboxItem& a, const OutboxItem& b) {
      return std::tie(a.next_attempt_ms, a.id) < std::tie(b.next_attempt_ms, b.id);
    });
    return out;
  }

  bool record_outbox_attempt(const OutboxAttempt& a) override {
    auto c = readers_.acquire();
    return in_tx(*c, [&] {
      c->exec(std::string("INSERT INTO outbox_attempts(") + kOutboxAttemptColumns + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
              {param(a.outbox_id), param(int64_t{a.attempt}), a.url, param(int64_t{a.status}), a.error, param(a.time_ms),
               a.outcome, param(a.next_attempt_ms)});
      const pg::Result r = c->exec(
          "UPDATE outbox SET status = $1, attempts = $2, next_attempt_ms = $3, last_error = $4, last_status = $5, "
          "delivered_ms = CASE WHEN $1::text = 'delivered' THEN $6::bigint ELSE delivered_ms END, claim = '', lease_until_ms = 0 "
          "WHERE id = $7 AND claim = $8 AND claim <> ''",
          {a.outcome, param(int64_t{a.attempt}), param(a.next_attempt_ms), a.error, param(int64_t{a.status}),
           param(a.time_ms), param(a.outbox_id), a.claim});
      return r.status() == "UPDATE 1";
    });
  }

  void release_outbox(const std::string& claim) override {
    readers_.acquire()->exec("UPDATE outbox SET claim = '', lease_until_ms = 0 WHERE claim = $1 AND claim <> ''", {claim});
  }

  std::vector<OutboxItem> query_outbox(const OutboxFilter& f) override {
    const SqlText t = outbox_query_sql(f, Placeholders::kDollar);
    std::vector<Param> p;
    for (const SqlParam& v : t.params) p.push_back(std::visit([](const auto& x) { return param(x); }, v));
    const pg::Result r = readers_.acquire()->exec(t.sql, p);
    std::vector<OutboxItem> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_outbox_item(r, i));
    return out;
  }

  std::vector<OutboxAttempt> outbox_attempts(int64_t id) override {
    const pg::Result r = readers_.acquire()->exec(
        std::string("SELECT ") + kOutboxAttemptColumns + " FROM outbox_attempts WHERE $1::bigint = 0 OR outbox_id = $1::bigint ORDER BY n",
        {param(id)});
    std::vector<OutboxAttempt> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_outbox_attempt(r, i));
    return out;
  }

 private:
  Pool<Conn> readers_;
  std::unique_ptr<Conn> log_conn_;  // the integrator's connection
  std::optional<tlog::Frontier> log_cache_;
  std::unique_ptr<LogIntegrator> integrator_;  // outlives the committer, which wakes it
  std::unique_ptr<GroupCommitter> committer_;  // last: its writer thread stops first
};

// Pages through the chain inside one snapshot, so appends during verify do not disturb it.
VerifyResult PgStore::verify() {
  constexpr int kPage = 5000;
  auto c = readers_.acquire();
  c->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  RecordVerifier v(latest_checkpoint_in(*c, false));
  int64_t after = 0;
  for (bool more = true; more;) {
    const pg::Result r = c->exec(std::string("SELECT ") + kRecordColumns +
                                     ", COALESCE(l.salt, ''), COALESCE(l.commitment, ''), COALESCE(l.hashes, '') FROM records "
                                     "LEFT JOIN log_leaves l USING (seq) WHERE seq > $1 ORDER BY seq LIMIT " +
                                     std::to_string(kPage),
                                 {param(after)});
    for (int i = 0; i < r.rows() && more; ++i)
      more = v.check(read_record(r, i, false, true), raw_of_hex(r.text(i, kRecordColumnCount + 1)),
                     raw_of_hex(r.text(i, kRecordColumnCount + 2)));
    more = more && r.rows() == kPage;
    if (r.rows() > 0) after = r.int64(r.rows() - 1, 0);
  }
  c->exec("COMMIT");
  return v.result();
}

}  // namespace

std::unique_ptr<Store> open_pg_store(const std::string& uri, const StoreOptions& opt) {
  return std::make_unique<PgStore>(uri, opt);
}

}  // namespace truceline::store
