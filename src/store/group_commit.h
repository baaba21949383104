#pragma once
// Group commit, shared by both backends: appends from any number of threads are queued to one
// writer thread, which puts whatever is waiting (up to max_records) into one transaction. Each
// request runs inside its own savepoint, so one that fails (an idempotency conflict, say) leaves
// the others in the batch to commit; every caller is answered only after the commit, when its
// records are durable.
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace truceline::store {

// The operations of one write transaction, as a backend provides them. Used by one thread only.
class AppendTx {
 public:
  struct KeyRow {
    std::string request_hash;
    std::vector<std::string> ids;
  };
  virtual ~AppendTx() = default;
  // Starts a transaction that excludes every other writer of the database, and reads the head.
  virtual ChainHead begin() = 0;
  virtual void savepoint() = 0;
  virtual void release() = 0;
  virtual void rollback_to_savepoint() = 0;
  virtual std::optional<KeyRow> find_key(const std::string& key) = 0;
  virtual void insert(const std::vector<Record>& records) = 0;
  virtual void put_key(const std::string& key, const std::string& request_hash, const std::string& ids_json) = 0;
  virtual void commit() = 0;
  // Must not throw: it runs while another error is being reported.
  virtual void rollback() noexcept = 0;
};

struct AppendRequest {
  const std::vector<NewRecord>* records = nullptr;
  const std::string* key = nullptr;
  const std::string* request_hash = nullptr;
  std::promise<AppendResult> done;
};

// Runs the batch in one transaction and fulfils every request's promise.
void run_batch(AppendTx& tx, const std::vector<AppendRequest*>& batch);

class GroupCommitter {
 public:
  // DEFAULT: max_records 4096 per transaction (a larger single request still goes alone).
  explicit GroupCommitter(std::unique_ptr<AppendTx> tx, size_t max_records = 4096);
  // Commits what is queued, then stops the writer.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  AppendResult append(const std::vector<NewRecord>& records, const std::string& key, const std::string& request_hash);

 private:
  void loop();
  // Waits for work; empty when stopping with nothing queued.
  std::vector<AppendRequest*> take();

  std::unique_ptr<AppendTx> tx_;
  const size_t max_records_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AppendRequest*> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace truceline::store
