#include "store/sqlite_store.h"

#include "store/chain.h"
#include "store/group_commit.h"
#include "store/pool.h"
#include "store/sqlite_db.h"

namespace truceline::store {
namespace {

using sqlite::Db;
using sqlite::Stmt;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, target_id TEXT NOT NULL,
  submitter TEXT NOT NULL, received_ms INTEGER NOT NULL, content TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time_ms INTEGER NOT NULL, event TEXT NOT NULL,
  zone_id TEXT NOT NULL, zone_kind TEXT NOT NULL, responsible TEXT NOT NULL, lat REAL, lon REAL);
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

// A row in kRecordColumns order; the body is parsed from content only when asked for.
Record read_record(const Stmt& s, bool with_body) {
  Record r;
  r.seq = s.int64(0);
  r.id = s.text(1);
  r.kind = s.text(2);
  r.target_id = s.text(3);
  r.submitter = s.text(4);
  r.received_ms = s.int64(5);
  r.content = s.text(6);
  r.prev_hash = s.text(7);
  r.hash = s.text(8);
  r.index = {s.int64(9), s.text(10), s.text(11), s.text(12), s.text(13), s.real(14), s.real(15)};
  if (with_body) r.body = body_of_content(r.content);
  return r;
}

std::vector<Record> read_all(Stmt& s) {
  std::vector<Record> out;
  while (s.step()) out.push_back(read_record(s, true));
  return out;
}

class SqliteAppendTx : public AppendTx {
 public:
  explicit SqliteAppendTx(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  ChainHead begin() override {
    // IMMEDIATE takes the write lock now, so another process cannot move the head under us.
    db_->exec("BEGIN IMMEDIATE");
    Stmt& s = db_->cached("SELECT seq, hash, received_ms FROM records ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return {0, kGenesisHash, 0};
    ChainHead h{s.int64(0), s.text(1), s.int64(2)};
    s.reset();
    return h;
  }
  void savepoint() override { db_->exec("SAVEPOINT request"); }
  void release() override { db_->exec("RELEASE request"); }
  void rollback_to_savepoint() override { db_->exec("ROLLBACK TO request; RELEASE request"); }

  std::optional<KeyRow> find_key(const std::string& key) override {
    Stmt& s = db_->cached("SELECT request_hash, ids_json FROM idempotency WHERE key = ?").bind(1, key);
    if (!s.step()) return std::nullopt;
    KeyRow row{s.text(0), nlohmann::json::parse(s.text(1)).get<std::vector<std::string>>()};
    s.reset();
    return row;
  }

  void insert(const std::vector<Record>& records) override {
    Stmt& s = db_->cached(std::string("INSERT INTO records(") + kRecordColumns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const Record& r : records) {
      s.reset().bind(1, r.seq).bind(2, r.id).bind(3, r.kind).bind(4, r.target_id).bind(5, r.submitter);
      s.bind(6, r.received_ms).bind(7, r.content).bind(8, r.prev_hash).bind(9, r.hash);
      s.bind(10, r.index.time_ms).bind(11, r.index.event).bind(12, r.index.zone_id).bind(13, r.index.zone_kind);
      s.bind(14, r.index.responsible).bind(15, r.index.lat).bind(16, r.index.lon).run();
    }
  }

  void put_key(const std::string& key, const std::string& request_hash, const std::string& ids_json) override {
    db_->cached("INSERT INTO idempotency(key, request_hash, ids_json) VALUES (?,?,?)")
        .bind(1, key).bind(2, request_hash).bind(3, ids_json).run();
  }

  void commit() override { db_->exec("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_->handle())) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  std::unique_ptr<Db> db_;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : path_(path), readers_([path] { return std::make_unique<Db>(path, false); }, 16) {
    auto writer = std::make_unique<Db>(path, true);
    writer->exec("PRAGMA journal_mode=WAL");
    writer->exec(kSchema);
    committer_ = std::make_unique<GroupCommitter>(std::make_unique<SqliteAppendTx>(std::move(writer)));
  }

  AppendResult append(const std::vector<NewRecord>& records, const std::string& key,
                      const std::string& request_hash) override {
    return committer_->append(records, key, request_hash);
  }

  std::vector<Record> query(const Query& q) override {
    const SqlText t = query_sql(q, Placeholders::kQuestion);
    auto db = readers_.acquire();
    Stmt s(*db, t.sql);
    for (size_t i = 0; i < t.params.size(); ++i) s.bind(static_cast<int>(i + 1), t.params[i]);
    return read_all(s);
  }

  std::optional<Record> get(const std::string& id) override {
    auto db = readers_.acquire();
    Stmt& s = db->cached(std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = ?").bind(1, id);
    std::vector<Record> found = read_all(s);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<Record> history(const std::string& id) override {
    const auto rec = get(id);
    if (!rec) return {};
    const std::string root = rec->target_id.empty() ? rec->id : rec->target_id;
    auto db = readers_.acquire();
    Stmt& s = db->cached(std::string("SELECT ") + kRecordColumns +
                         " FROM records WHERE id = ?1 OR target_id = ?1 ORDER BY seq").bind(1, root);
    return read_all(s);
  }

  ChainHead head() override {
    auto db = readers_.acquire();
    Stmt& s = db->cached("SELECT seq, hash, received_ms FROM records ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return {0, kGenesisHash, 0};
    ChainHead h{s.int64(0), s.text(1), s.int64(2)};
    s.reset();
    return h;
  }

  VerifyResult verify() override {
    auto db = readers_.acquire();
    // One statement, one read snapshot: the chain is checked as it stood when verify began.
    Stmt s(*db, std::string("SELECT ") + kRecordColumns + " FROM records ORDER BY seq");
    ChainVerifier v;
    while (s.step() && v.check(read_record(s, false))) {
    }
    return v.result();
  }

  void add_token(const std::string& token_hash, const Token& t) override {
    auto db = readers_.acquire();
    db->cached("INSERT OR REPLACE INTO tokens(hash, name, role, contingent) VALUES (?,?,?,?)")
        .bind(1, token_hash).bind(2, t.name).bind(3, t.role).bind(4, t.contingent).run();
  }

  std::optional<Token> find_token(const std::string& token_hash) override {
    auto db = readers_.acquire();
    Stmt& s = db->cached("SELECT name, role, contingent FROM tokens WHERE hash = ?").bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    Token t{s.text(0), s.text(1), s.text(2)};
    s.reset();
    return t;
  }

 private:
  std::string path_;
  Pool<Db> readers_;
  std::unique_ptr<GroupCommitter> committer_;  // last: its writer thread stops first
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace truceline::store
