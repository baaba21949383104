#pragma once
// Group commit, shared by both backends: appends from any number of threads are queued to one
// writer thread, which puts whatever is waiting (up to max_records) into one transaction. A request
// that fails (an idempotency conflict, say) leaves the others in the batch to commit; every caller
// is answered only after the commit, when its records are durable. What does not depend on the
// chain's head — checking the index, serializing the body — is done on the caller's thread, so
// the writer only links, hashes and writes.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/chain.h"
#include "store/store.h"

namespace truceline::store {

// A record placed in the chain by the writer, ready to insert.
struct ChainRow {
  int64_t seq = 0;
  std::string id;
  const NewRecord* in = nullptr;  // kind, target_id, submitter and index
  int64_t received_ms = 0;
  std::string content, prev_hash, hash;
};

// An idempotency key to store with the ids its request got.
struct KeyPut {
  std::string key, request_hash, ids_json;
};

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
  // The stored rows of those of `keys` that exist (keys are distinct).
  virtual std::vector<std::pair<std::string, KeyRow>> find_keys(const std::vector<std::string>& keys) = 0;
  virtual void insert(const std::vector<ChainRow>& rows) = 0;
  virtual void put_keys(const std::vector<KeyPut>& keys) = 0;
  virtual void commit() = 0;
  // Must not throw: it runs while another error is being reported.
  virtual void rollback() noexcept = 0;
};

struct AppendRequest {
  const std::vector<NewRecord>* records = nullptr;
  std::vector<ContentParts> parts;  // one per record, serialized on the caller's thread
  const std::string* key = nullptr;
  const std::string* request_hash = nullptr;
  std::promise<AppendResult> done;
};

// Checks the records' indexes and serializes them for the writer; throws std::invalid_argument
// for an index that disagrees with its body. Runs on the caller's thread.
void prepare(AppendRequest& req);

// Runs the batch in one transaction and fulfils every request's promise. The requests' idempotency
// keys are looked up together, before anything is written; a request whose key conflicts (or
// replays) is answered so and writes nothing, and the others' records and keys go in with one
// insert each. Should a write fail before the commit, the batch is run again with each request in
// its own savepoint, so that only the request at fault fails.
void run_batch(AppendTx& tx, const std::vector<AppendRequest*>& batch);

class GroupCommitter {
 public:
  // DEFAULT: max_records 4096 per transaction (a larger single request still goes alone).
  // `committed`, when given, is called on the writer thread after each commit (the log's
  // integrator is woken so).
  explicit GroupCommitter(std::unique_ptr<AppendTx> tx, size_t max_records = 4096,
                          std::function<void()> committed = {});
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
  std::function<void()> committed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AppendRequest*> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace truceline::store
