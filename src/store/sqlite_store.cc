#include "store/sqlite_store.h"
#include "store/query_sql.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/chain.h"
#include "store/group_commit.h"
#include "store/log_integrator.h"
#include "store/log_rows.h"
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
CREATE TABLE IF NOT EXISTS log_leaves(seq INTEGER PRIMARY KEY, salt BLOB NOT NULL, commitment BLOB NOT NULL,
  hashes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS log_checkpoints(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, root TEXT NOT NULL,
  vkey TEXT NOT NULL, note TEXT NOT NULL, published INTEGER NOT NULL, made_ms INTEGER NOT NULL);
)sql";

constexpr const char* kCheckpointColumns = "id, size, root, vkey, note, published, made_ms";

// Stored hashes read through one connection (the writer's, inside its transaction, or a reader's).
class DbHashReader : public tlog::HashReader {
 public:
  explicit DbHashReader(Db& db) : db_(db) {}
  tlog::Hash hash(tlog::NodeId id) override { return range(id.level, id.index, 1).at(0); }
  std::vector<tlog::Hash> range(int level, int64_t first, int64_t count) override {
    std::vector<tlog::Hash> out;
    out.reserve(static_cast<size_t>(count));
    if (level == 0) {
      // Leaf hashes are in consecutive rows: one range scan.
      Stmt& s = db_.cached("SELECT substr(hashes, 1, 32) FROM log_leaves WHERE seq BETWEEN ? AND ? ORDER BY seq");
      s.bind(1, first + 1).bind(2, first + count);
      while (s.step()) out.push_back(hash_in_row(s.blob(0), 0));
    } else {
      Stmt& s = db_.cached("SELECT hashes FROM log_leaves WHERE seq = ?");
      for (int64_t seq : rows_holding(level, first, count)) {
        s.reset().bind(1, seq);
        if (!s.step()) break;
        out.push_back(hash_in_row(s.blob(0), level));
      }
      s.reset();
    }
    if (static_cast<int64_t>(out.size()) != count)
      throw std::out_of_range("the log holds no hash at level " + std::to_string(level) + " index " +
                              std::to_string(first + static_cast<int64_t>(out.size())));
    return out;
  }

 private:
  Db& db_;
};

LogCheckpoint read_checkpoint(const Stmt& s) {
  return {s.int64(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.int64(5) != 0, s.int64(6)};
}

std::optional<LogCheckpoint> latest_checkpoint_in(Db& db, bool published_only) {
  Stmt& s = db.cached(std::string("SELECT ") + kCheckpointColumns + " FROM log_checkpoints" +
                      (published_only ? " WHERE published = 1" : "") + " ORDER BY id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  LogCheckpoint c = read_checkpoint(s);
  s.reset();
  return c;
}

// One round of the log's integrator (log_integrator.h): the leaves of up to `max` records that have
// none, in one transaction; also how a database made before the log gets its tree. Their content,
// ids and hashes stay as they are. `cache` is the tree's right edge after the last round.
int64_t integrate_step(Db& db, std::optional<tlog::Frontier>& cache, size_t max) {
  // Without the write lock first: most wake-ups find nothing to do, and must not stall the appender.
  Stmt& sizes = db.cached("SELECT (SELECT COALESCE(MAX(seq), 0) FROM log_leaves), (SELECT COALESCE(MAX(seq), 0) FROM records)");
  sizes.step();
  const bool behind = sizes.int64(0) < sizes.int64(1);
  sizes.reset();
  if (!behind) return 0;
  db.exec("BEGIN IMMEDIATE");
  try {
    Stmt& last = db.cached("SELECT COALESCE(MAX(seq), 0) FROM log_leaves");
    last.step();
    const int64_t size = last.int64(0);
    last.reset();
    if (!cache || cache->size() != size) {
      DbHashReader reader(db);
      cache = tlog::Frontier::load(reader, size);
    }
    tlog::Frontier tree = *cache;
    Stmt& rows = db.cached("SELECT seq, kind, received_ms, content FROM records WHERE seq > ? ORDER BY seq LIMIT ?");
    rows.bind(1, size).bind(2, static_cast<int64_t>(max));
    std::vector<std::pair<int64_t, LogRow>> made;
    const std::string salt = salts(max);
    while (rows.step()) {
      const size_t i = made.size();
      if (rows.int64(0) != size + static_cast<int64_t>(i) + 1)
        throw StoreError("record " + std::to_string(rows.int64(0)) + " follows a gap in the chain; run verify");
      made.emplace_back(rows.int64(0), make_log_row(rows.int64(0), rows.text(1), rows.int64(2), rows.text(3), tree,
                                                    salt.substr(i * tlog::kSaltBytes, tlog::kSaltBytes)));
    }
    rows.reset();
    Stmt& put = db.cached("INSERT INTO log_leaves(seq, salt, commitment, hashes) VALUES (?,?,?,?)");
    for (const auto& [seq, row] : made)
      put.reset().bind(1, seq).bind_blob_static(2, row.salt).bind_blob_static(3, row.commitment)
          .bind_blob_static(4, row.hashes).run();
    put.reset();
    db.exec("COMMIT");
    cache = std::move(tree);
    return static_cast<int64_t>(made.size());
  } catch (...) {
    cache.reset();
    if (!sqlite3_get_autocommit(db.handle())) sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// A row in kRecordColumns order (then the log salt, when with_salt); the body is parsed from
// content only when asked for.
Record read_record(const Stmt& s, bool with_body, bool with_salt = false) {
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
  if (with_salt) r.content_salt = tlog::hex(s.blob(kRecordColumnCount));
  return r;
}

std::vector<Record> read_all(Stmt& s, bool with_salt = false) {
  std::vector<Record> out;
  while (s.step()) out.push_back(read_record(s, true, with_salt));
  return out;
}

// kRecordColumns and the record's log salt ("" when it has no leaf).
const std::string kRecordWithSalt =
    std::string("SELECT ") + kRecordColumns + ", (SELECT salt FROM log_leaves l WHERE l.seq = records.seq)";

// The outbox's rows (store.h, OutboxItem) in kOutboxColumns and kOutboxAttemptColumns order.
OutboxItem read_outbox_item(const Stmt& s) {
  OutboxItem it;
  it.id = s.int64(0), it.time_ms = s.int64(1);
  it.contingent = s.text(2), it.type = s.text(3), it.incident_id = s.text(4), it.body = s.text(5);
  it.status = s.text(6), it.attempts = static_cast<int>(s.int64(7)), it.next_attempt_ms = s.int64(8);
  it.last_error = s.text(9), it.last_status = static_cast<int>(s.int64(10)), it.delivered_ms = s.int64(11);
  it.claim = s.text(12);
  return it;
}

OutboxAttempt read_outbox_attempt(const Stmt& s) {
  OutboxAttempt a;
  a.outbox_id = s.int64(0), a.attempt = static_cast<int>(s.int64(1)), a.url = s.text(2);
  a.status = static_cast<int>(s.int64(3)), a.error = s.text(4), a.time_ms = s.int64(5);
  a.outcome = s.text(6), a.next_attempt_ms = s.int64(7);
  return a;
}

// Runs `fn` in a write transaction on `db`: IMMEDIATE takes the write lock first, so that what fn
// reads cannot change before it writes (a claim reads then marks).
template <class Fn>
auto in_write_tx(Db& db, Fn fn) {
  db.exec("BEGIN IMMEDIATE");
  try {
    auto out = fn();
    db.exec("COMMIT");
    return out;
  } catch (...) {
    if (!sqlite3_get_autocommit(db.handle())) sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
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
  SqliteStore(const std::string& path, const StoreOptions& opt)
      : path_(path), readers_([path] { return open_reader(path); }, 64) {
    auto writer = std::make_unique<Db>(path, true);
    writer->open_wal(std::string(kRecordsTable) + kSharedSchema + outbox_schema("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"));
    // The indexes' pages stay in memory between transactions (the default cache is 2 MiB).
    writer->exec("PRAGMA cache_size=-65536");
    checkpointer_ = std::make_unique<Checkpointer>(path);
    checkpointer_->watch(*writer);
    if (opt.transparency_log) {
      log_db_ = std::make_unique<Db>(path, false);
      // The integrator's commits need no fsync of their own: leaves are derived from records, and
      // a checkpoint — the only thing that vouches for them — commits with a full sync of the same
      // WAL, which makes every leaf written before it durable. A leaf lost to a power cut before
      // any checkpoint covered it is simply integrated again.
      log_db_->exec("PRAGMA synchronous=NORMAL");
      // Its busy handler, like every connection's (sqlite_db.cc), sleeps briefly and evenly, so
      // that it takes the gaps between group commits.
      auto step = [this](size_t max) { return integrate_step(*log_db_, log_cache_, max); };
      integrator_ = std::make_unique<LogIntegrator>(step);
      integrator_->catch_up();  // the tree of a database made before the log, or left behind
    }
    committer_ = std::make_unique<GroupCommitter>(std::make_unique<SqliteAppendTx>(std::move(writer)), 4096, [this] {
      if (integrator_) integrator_->wake();
    });
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

  int64_t count(const Query& q) override {
    const SqlText t = count_sql(q, Placeholders::kQuestion);
    auto db = readers_.acquire();
    Stmt s(*db, t.sql);
    for (size_t i = 0; i < t.params.size(); ++i) s.bind(static_cast<int>(i + 1), t.params[i]);
    s.step();
    return s.int64(0);
  }

  std::optional<Record> get(const std::string& id) override {
    auto db = readers_.acquire();
    Stmt& s = db->cached(kRecordWithSalt + " FROM records WHERE seq = ?").bind(1, seq_of_id(id));
    std::vector<Record> found = read_all(s, true);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<Record> history(const std::string& id) override {
    const auto rec = get(id);
    if (!rec) return {};
    const std::string root = rec->target_id.empty() ? rec->id : rec->target_id;
    auto db = readers_.acquire();
    Stmt& s = db->cached(kRecordWithSalt + " FROM records WHERE seq = ?1 OR (target_id = ?2 AND target_id <> '') ORDER BY seq")
                   .bind(1, seq_of_id(root)).bind(2, root);
    return read_all(s, true);
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
    // One transaction, one read snapshot: the chain and the log are checked as they stood when
    // verify began.
    db->exec("BEGIN");
    RecordVerifier v(latest_checkpoint_in(*db, false));
    {
      Stmt s(*db, std::string("SELECT ") + kRecordColumns +
                      ", l.salt, l.commitment, l.hashes FROM records LEFT JOIN log_leaves l USING (seq) ORDER BY seq");
      while (s.step()) {
        Record r = read_record(s, false, true);
        if (!v.check(r, s.blob(kRecordColumnCount + 1), s.blob(kRecordColumnCount + 2))) break;
      }
    }
    db->exec("COMMIT");
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

  int64_t log_size() override {
    auto db = readers_.acquire();
    Stmt& s = db->cached("SELECT COALESCE(MAX(seq), 0) FROM log_leaves");
    s.step();
    const int64_t n = s.int64(0);
    s.reset();
    return n;
  }

  void integrate_log() override {
    if (integrator_) integrator_->flush();
  }

  std::vector<tlog::Hash> log_hashes(int level, int64_t first, int64_t count) override {
    auto db = readers_.acquire();
    return DbHashReader(*db).range(level, first, count);
  }

  std::vector<std::string> log_entries(int64_t first, int64_t count) override {
    auto db = readers_.acquire();
    Stmt& s = db->cached(
        "SELECT seq, kind, received_ms, commitment FROM log_leaves JOIN records USING (seq) WHERE seq BETWEEN ? AND ? "
        "ORDER BY seq");
    s.bind(1, first + 1).bind(2, first + count);
    std::vector<std::string> out;
    while (s.step()) out.push_back(entry_bytes(s.int64(0), s.text(1), s.int64(2), s.blob(3)));
    return out;
  }

  int64_t add_checkpoint(const LogCheckpoint& c) override {
    auto db = readers_.acquire();
    db->cached("INSERT INTO log_checkpoints(size, root, vkey, note, published, made_ms) VALUES (?,?,?,?,?,?)")
        .bind(1, c.size).bind(2, c.root).bind(3, c.vkey).bind(4, c.note).bind(5, int64_t{c.published}).bind(6, c.made_ms)
        .run();
    return sqlite3_last_insert_rowid(db->handle());
  }

  void publish_checkpoint(int64_t id, const std::string& note) override {
    auto db = readers_.acquire();
    db->cached("UPDATE log_checkpoints SET published = 1, note = ? WHERE id = ?").bind(1, note).bind(2, id).run();
  }

  std::optional<LogCheckpoint> latest_checkpoint(bool published_only) override {
    auto db = readers_.acquire();
    return latest_checkpoint_in(*db, published_only);
  }

  std::vector<int64_t> add_outbox(const std::vector<OutboxItem>& items) override {
    if (items.empty()) return {};
    auto db = readers_.acquire();
    return in_write_tx(*db, [&] {
      Stmt& s = db->cached(
          "INSERT INTO outbox(time_ms, contingent, type, incident_id, body, status, next_attempt_ms) VALUES (?,?,?,?,?,?,?)");
      std::vector<int64_t> ids;
      for (const OutboxItem& it : items) {
        s.reset().bind(1, it.time_ms).bind(2, it.contingent).bind(3, it.type).bind(4, it.incident_id).bind(5, it.body);
        s.bind(6, it.status).bind(7, it.next_attempt_ms).run();
        ids.push_back(sqlite3_last_insert_rowid(db->handle()));
      }
      return ids;
    });
  }

  std::vector<OutboxItem> claim_due_outbox(int64_t now_ms, int64_t lease_ms, int limit,
                                           const std::vector<std::string>& contingents) override {
    if (contingents.empty() || limit <= 0) return {};
    auto db = readers_.acquire();
    std::string in;
    for (size_t i = 0; i < contingents.size(); ++i) in += i ? ",?" : "?";
    return in_write_tx(*db, [&] {
      Stmt due(*db, std::string("SELECT ") + kOutboxColumns +
                        " FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ? AND lease_until_ms <= ? "
                        "AND contingent IN (" + in + ") ORDER BY next_attempt_ms, id LIMIT ?");
      due.bind(1, now_ms).bind(2, now_ms);
      int k = 3;
      for (const std::string& c : contingents) due.bind(k++, c);
      due.bind(k, int64_t{limit});
      std::vector<OutboxItem> out;
      while (due.step()) out.push_back(read_outbox_item(due));
      const std::string claim = new_outbox_claim();
      Stmt& mark = db->cached("UPDATE outbox SET claim = ?, lease_until_ms = ? WHERE id = ?");
      for (OutboxItem& it : out) {
        mark.reset().bind(1, claim).bind(2, now_ms + lease_ms).bind(3, it.id).run();
        it.claim = claim;
      }
      return out;
    });
  }

  bool record_outbox_attempt(const OutboxAttempt& a) override {
    auto db = readers_.acquire();
    return in_write_tx(*db, [&] {
      db->cached(std::string("INSERT INTO outbox_attempts(") + kOutboxAttemptColumns + ") VALUES (?,?,?,?,?,?,?,?)")
          .bind(1, a.outbox_id).bind(2, int64_t{a.attempt}).bind(3, a.url).bind(4, int64_t{a.status}).bind(5, a.error)
          .bind(6, a.time_ms).bind(7, a.outcome).bind(8, a.next_attempt_ms).run();
      db->cached(
            "UPDATE outbox SET status = ?, attempts = ?, next_attempt_ms = ?, last_error = ?, last_status = ?, "
            "delivered_ms = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_ms END, claim = '', lease_until_ms = 0 "
            "WHERE id = ? AND claim = ? AND claim <> ''")
          .bind(1, a.outcome).bind(2, int64_t{a.attempt}).bind(3, a.next_attempt_ms).bind(4, a.error)
          .bind(5, int64_t{a.status}).bind(6, a.outcome).bind(7, a.time_ms).bind(8, a.outbox_id).bind(9, a.claim).run();
      return sqlite3_changes(db->handle()) == 1;
    });
  }

  void release_outbox(const std::string& claim) override {
    auto db = readers_.acquire();
    db->cached("UPDATE outbox SET claim = '', lease_until_ms = 0 WHERE claim = ? AND claim <> ''").bind(1, claim).run();
  }

  std::vector<OutboxItem> query_outbox(const OutboxFilter& f) override {
    const SqlText t = outbox_query_sql(f, Placeholders::kQuestion);
    auto db = readers_.acquire();
    Stmt s(*db, t.sql);
    for (size_t i = 0; i < t.params.size(); ++i) s.bind(static_cast<int>(i + 1), t.params[i]);
    std::vector<OutboxItem> out;
    while (s.step()) out.push_back(read_outbox_item(s));
    return out;
  }

  std::vector<OutboxAttempt> outbox_attempts(int64_t id) override {
    auto db = readers_.acquire();
    Stmt s(*db, std::string("SELECT ") + kOutboxAttemptColumns + " FROM outbox_attempts WHERE ?1 = 0 OR outbox_id = ?1 ORDER BY n");
    s.bind(1, id);
    std::vector<OutboxAttempt> out;
    while (s.step()) out.push_back(read_outbox_attempt(s));
    return out;
  }

 private:
  std::string path_;
  Pool<Db> readers_;
  std::unique_ptr<Db> log_db_;  // the integrator's connection
  std::optional<tlog::Frontier> log_cache_;
  std::unique_ptr<LogIntegrator> integrator_;   // outlives the committer, which wakes it
  std::unique_ptr<Checkpointer> checkpointer_;  // outlives the writer, whose hook wakes it
  std::unique_ptr<GroupCommitter> committer_;   // last: its writer thread stops first
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& opt) {
  return std::make_unique<SqliteStore>(path, opt);
}

}  // namespace truceline::store
