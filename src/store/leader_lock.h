#pragma once
// One process at a time among the `serve` processes sharing a database: for PostgreSQL, the
// session that holds a session-level advisory lock (released when the session ends, so a crashed
// leader is replaced); a SQLite file has one serving process, which always leads.
#include <cstdint>
#include <memory>
#include <string>

#include "store/pg_conn.h"

namespace truceline::store {

// "postgresql://…" or "postgres://…".
bool is_postgres_uri(const std::string& db);

class LeaderLock {
 public:
  // `key` names the role (each role has its own: the incident engine, the log's signer).
  LeaderLock(const std::string& db, int64_t key);
  // Takes the lock if nobody holds it; true while this process holds it. Never throws: a lost
  // connection is a lost lock (the next call reconnects and tries again).
  bool held();

 private:
  int64_t key_;
  std::unique_ptr<pg::Conn> conn_;  // null for SQLite
};

}  // namespace truceline::store
