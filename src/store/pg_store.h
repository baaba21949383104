#pragma once
// The PostgreSQL backend, for several `truceline serve` processes sharing one database. Appends
// in each process go through one writer connection on the group-commit thread; across processes
// they are serialised by a transaction-scoped advisory lock taken before the head is read, so
// the chain stays linear. Reads borrow connections from a small pool.
#include <memory>
#include <string>

#include "store/store.h"

namespace truceline::store {

// Connects to `uri` (postgresql://…) and creates the tables when missing; throws StoreError
// naming the database (password hidden).
std::unique_ptr<Store> open_pg_store(const std::string& uri, const StoreOptions& opt = {});

}  // namespace truceline::store
