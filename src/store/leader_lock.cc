#include "store/leader_lock.h"

namespace truceline::store {

bool is_postgres_uri(const std::string& db) { return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0; }

LeaderLock::LeaderLock(const std::string& db, int64_t key) : key_(key) {
  if (is_postgres_uri(db)) conn_ = std::make_unique<pg::Conn>(db);
}

bool LeaderLock::held() {
  if (!conn_) return true;
  try {
    conn_->ensure_connected();
    return conn_->exec("SELECT pg_try_advisory_lock(" + std::to_string(key_) + ")").text(0, 0) == "t";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace truceline::store
