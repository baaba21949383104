#include "store/leader_lock.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace truceline::store {

std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& opt) {
  if (is_postgres_uri(db)) return open_pg_store(db, opt);
  if (db.empty()) throw StoreError("no database given: name a SQLite file or a postgresql:// URI");
  return open_sqlite_store(db, opt);
}

}  // namespace truceline::store
