#include "store/sqlite_store.h"
#include "store/query_sql.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/chain.h"
#include "store/group_commit.h"
#include "store/pool.h"
#include "store/sqlite_db.h"

namespace truceline::store {
namespace {

using sqlite::Db;
using sqlite::Stmt;

// The records table in this dialect; kSharedSchema adds the rest.
constexpr const char* kRecordsTable = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT NOT NULL,
  submitter TEXT NOT NULL, received_ms INTEGER NOT NULL, content TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time_ms INTEGER NOT NULL, event TEXT NOT NULL,
  zone_id TEXT NOT NULL, zone_kind TEXT NOT NULL, responsible TEXT NOT NULL, lat REAL, lon REAL);
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

  std::vector<std::pair<std::string, KeyRow>> find_keys(const std::vector<std::string>& keys) override {
    std::vector<std::pair<std::string, KeyRow>> found;
    for (const std::string& key : keys) {
      Stmt& s = db_->cached("SELECT request_hash, ids_json FROM idempotency WHERE key = ?").bind(1, key);
      if (!s.step()) continue;
      found.emplace_back(key, KeyRow{s.text(0), nlohmann::json::parse(s.text(1)).get<std::vector<std::string>>()});
      s.reset();
    }
    return found;
  }

  void insert(const std::vector<ChainRow>& rows) override {
    Stmt& s = db_->cached(std::string("INSERT INTO records(") + kRecordColumns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    // The rows outlive each step: bound without copies.
    for (const ChainRow& r : rows) {
      const NewRecord& in = *r.in;
      s.reset().bind_static(1, r.seq).bind_static(2, r.id).bind_static(3, in.kind).bind_static(4, in.target_id);
      s.bind_static(5, in.submitter).bind_static(6, r.received_ms).bind_static(7, r.content);
      s.bind_static(8, r.prev_hash).bind_static(9, r.hash).bind_static(10, in.index.time_ms);
      s.bind_static(11, in.index.event).bind_static(12, in.index.zone_id).bind_static(13, in.index.zone_kind);
      s.bind_static(14, in.index.responsible).bind(15, in.index.lat).bind(16, in.index.lon).run();
    }
  }

  void put_keys(const std::vector<KeyPut>& keys) override {
    for (const KeyPut& k : keys)
      db_->cached("INSERT INTO idempotency(key, request_hash, ids_json) VALUES (?,?,?)")
          .bind(1, k.key).bind(2, k.request_hash).bind(3, k.ids_json).run();
  }

  void commit() override { db_->exec("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_->handle())) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  std::unique_ptr<Db> db_;
};

// Copies the WAL back into the database file on its own thread and connection, so that the
// writer's commits do not wait for it. The writer's WAL hook wakes it once the WAL holds
// kCheckpointFrames frames; should it fall far behind, the writer checkpoints itself, as SQLite's
// automatic checkpoint would. Durability does not depend on it: a commit is durable once its WAL
// frames are synced.
class Checkpointer {
 public:
  static constexpr int kCheckpointFrames = 1000;   // SQLite's wal_autocheckpoint default
  static constexpr int kWriterCheckpointFrames = 64'000;

  explicit Checkpointer(const std::string& path) : db_(path, false), thread_([this] { loop(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // Installs the hook on the writer's connection.
  void watch(Db& writer) { sqlite3_wal_hook(writer.handle(), &Checkpointer::hook, this); }

 private:
  static int hook(void* self, sqlite3* db, const char* schema, int frames) {
    if (frames >= kWriterCheckpointFrames) {
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kCheckpointFrames) {
      auto* c = static_cast<Checkpointer*>(self);
      {
        std::lock_guard<std::mutex> lock(c->mu_);
        c->wanted_ = true;
      }
      c->cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
      lock.unlock();
      // PASSIVE: copies what it can without blocking the writer or readers; errors (a busy
      // database) only mean the next wake-up tries again.
      sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
  }

  Db db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false, stopping_ = false;
  std::thread thread_;
};

class SqliteStore : public Store {
  // Each of up to 64 reader connections has its own page cache, which would fill to SQLite's
  // default 2 MiB as queries touch different pages: up to 128 MiB in all, still growing at the end
  // of a 30-minute soak. Readers walk recent pages that the OS caches anyway: each keeps 256 KiB.
  static std::unique_ptr<Db> open_reader(const std::string& path) {
    auto db = std::make_unique<Db>(path, false);
    db->exec("PRAGMA cache_size=-256");
    return db;
  }

 public:
  explicit SqliteStore(const std::string& path)
      : path_(path), readers_([path] { return open_reader(path); }, 64) {
    auto writer = std::make_unique<Db>(path, true);
    writer->open_wal(std::string(kRecordsTable) + kSharedSchema);
    // The indexes' pages stay in memory between transactions (the default cache is 2 MiB).
    writer->exec("PRAGMA cache_size=-65536");
    checkpointer_ = std::make_unique<Checkpointer>(path);
    checkpointer_->watch(*writer);
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
    Stmt& s = db->cached(std::string("SELECT ") + kRecordColumns + " FROM records WHERE seq = ?").bind(1, seq_of_id(id));
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
                         " FROM records WHERE seq = ?1 OR (target_id = ?2 AND target_id <> '') ORDER BY seq")
                   .bind(1, seq_of_id(root)).bind(2, root);
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
  std::unique_ptr<Checkpointer> checkpointer_;  // outlives the writer, whose hook wakes it
  std::unique_ptr<GroupCommitter> committer_;   // last: its writer thread stops first
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace truceline::store
