#pragma once
// The SQLite backend: one file in WAL mode with synchronous=FULL. Appends go through one writer
// connection on the group-commit thread; reads borrow connections from a pool, so readers never
// wait for a commit (WAL readers see the last committed snapshot).
#include <memory>
#include <string>

#include "store/store.h"

namespace truceline::store {

// Opens or creates the database at `path`; throws StoreError naming the path.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& opt = {});

}  // namespace truceline::store
