#include "store/sqlite_db.h"

#include <chrono>
#include <thread>

#include "store/store.h"

namespace truceline::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 30'000;
constexpr auto kBusySleep = std::chrono::microseconds(250);

// SQLite's own busy timeout sleeps longer and longer while another connection holds the write
// lock (1, 2, 5, … up to 100 ms a try). The log's integrator and the incident engine hold it for
// about a millisecond at a time, so an append behind them could sleep a hundred times longer than
// it waited for: in the HTTP load benchmark one of two runs had a p99 of 114 ms with SQLite's
// timeout, against 25–30 ms in three runs with these short, even sleeps. The bound stays 30 s.
int busy_wait(void*, int tries) {
  if (tries >= kBusyTimeoutMs * 1000 / kBusySleep.count()) return 0;
  std::this_thread::sleep_for(kBusySleep);
  return 1;
}

}  // namespace

Stmt::Stmt(Db& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK)
    db.fail("preparing " + sql);
}

Stmt& Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
  return *this;
}

Stmt& Stmt::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) db_.fail("binding");
  return *this;
}

Stmt& Stmt::bind_static(int i, const std::string& v) {
  if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) db_.fail("binding");
  return *this;
}

Stmt& Stmt::bind_blob_static(int i, const std::string& v) {
  if (sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) db_.fail("binding");
  return *this;
}

Stmt& Stmt::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) db_.fail("binding");
  return *this;
}

Stmt& Stmt::bind(int i, std::optional<double> v) {
  const int rc = v ? sqlite3_bind_double(s_, i, *v) : sqlite3_bind_null(s_, i);
  if (rc != SQLITE_OK) db_.fail("binding");
  return *this;
}

Stmt& Stmt::bind(int i, const SqlParam& v) {
  std::visit([&](const auto& x) { bind(i, x); }, v);
  return *this;
}

bool Stmt::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("running " + std::string(sqlite3_sql(s_)));
}

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
}

std::string Stmt::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
}

std::optional<double> Stmt::real(int col) const {
  if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(s_, col);
}

Db::Db(const std::string& path, bool create) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    // The destructor will not run: close the half-made handle here.
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    throw StoreError("cannot open SQLite database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Appends wait for each other (and for other processes) rather than fail at once.
  sqlite3_busy_handler(db_, busy_wait, nullptr);
  try {
    exec("PRAGMA synchronous=FULL");
  } catch (...) {
    sqlite3_close_v2(db_);
    throw;
  }
}

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return;
  const std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  throw StoreError("SQLite database '" + path_ + "': " + msg + " (running " + sql.substr(0, 60) + ")");
}

void Db::open_wal(const std::string& schema) {
  // Switching to WAL needs the file to itself, and SQLite refuses at once, without the busy
  // handler, when another connection opening the same new file holds it: two servers starting
  // together, or a token created while a server starts. Such a refusal is tried again.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > until) fail("switching to WAL");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // IMMEDIATE takes the write lock first, through the busy handler; a deferred transaction that
  // read the schema before another connection changed it would be refused at once.
  exec("BEGIN IMMEDIATE;" + schema + ";COMMIT;");
}

Stmt& Db::cached(const std::string& sql) {
  auto& s = stmts_[sql];
  if (!s) s = std::make_unique<Stmt>(*this, sql);
  return s->reset();
}

void Db::fail(const std::string& doing) const {
  const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
  throw StoreError("SQLite database '" + path_ + "': " + msg + " (" + doing + ")");
}

}  // namespace truceline::store::sqlite
