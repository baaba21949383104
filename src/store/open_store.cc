#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace truceline::store {

std::unique_ptr<Store> open_store(const std::string& db) {
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) return open_pg_store(db);
  if (db.empty()) throw StoreError("no database given: name a SQLite file or a postgresql:// URI");
  return open_sqlite_store(db);
}

}  // namespace truceline::store
