#include "store/group_commit.h"

#include <algorithm>
#include <chrono>

#include "store/chain.h"

namespace truceline::store {
namespace {

struct Outcome {
  AppendResult result;
  std::exception_ptr error;
};

int64_t clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// An index that disagrees with its body would make verify() fail later; refuse it now.
void check_indexes(const std::vector<NewRecord>& records) {
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string why = index_mismatch(records[i].index, records[i].body);
    if (!why.empty()) throw std::invalid_argument("record " + std::to_string(i) + ": " + why);
  }
}

// The request's effect inside the open savepoint; advances `head` past its records.
AppendResult apply(AppendTx& tx, const AppendRequest& req, ChainHead& head, int64_t now_ms) {
  const std::string& key = *req.key;
  if (!key.empty()) {
    if (auto row = tx.find_key(key)) {
      if (row->request_hash != *req.request_hash)
        throw IdempotencyConflict("idempotency key '" + key + "' was used before for a different request");
      return {row->ids, true};
    }
  }
  std::vector<Record> records;
  AppendResult result;
  for (const NewRecord& in : *req.records) {
    records.push_back(make_record(in, head.count + 1, now_ms, head.hash));
    head = {head.count + 1, records.back().hash, now_ms};
    result.ids.push_back(records.back().id);
  }
  tx.insert(records);
  if (!key.empty()) tx.put_key(key, *req.request_hash, nlohmann::json(result.ids).dump());
  return result;
}

Outcome run_one(AppendTx& tx, const AppendRequest& req, ChainHead& head, int64_t now_ms) {
  try {
    check_indexes(*req.records);
  } catch (...) {
    return {{}, std::current_exception()};
  }
  tx.savepoint();
  ChainHead after = head;
  try {
    Outcome out{apply(tx, req, after, now_ms), nullptr};
    tx.release();
    head = after;
    return out;
  } catch (...) {
    tx.rollback_to_savepoint();  // if this throws, the whole batch fails, as it must
    return {{}, std::current_exception()};
  }
}

}  // namespace

void run_batch(AppendTx& tx, const std::vector<AppendRequest*>& batch) {
  std::vector<Outcome> outcomes;
  try {
    ChainHead head = tx.begin();
    // One received time per transaction, never before the head's, so the chain's times only rise.
    const int64_t now_ms = std::max(clock_ms(), head.received_ms);
    for (AppendRequest* req : batch) outcomes.push_back(run_one(tx, *req, head, now_ms));
    tx.commit();
  } catch (...) {
    tx.rollback();
    for (AppendRequest* req : batch) req->done.set_exception(std::current_exception());
    return;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (outcomes[i].error)
      batch[i]->done.set_exception(outcomes[i].error);
    else
      batch[i]->done.set_value(std::move(outcomes[i].result));
  }
}

GroupCommitter::GroupCommitter(std::unique_ptr<AppendTx> tx, size_t max_records)
    : tx_(std::move(tx)), max_records_(max_records), writer_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

AppendResult GroupCommitter::append(const std::vector<NewRecord>& records, const std::string& key,
                                    const std::string& request_hash) {
  AppendRequest req;
  req.records = &records;
  req.key = &key;
  req.request_hash = &request_hash;
  std::future<AppendResult> done = req.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(&req);
  }
  cv_.notify_one();
  return done.get();
}

std::vector<AppendRequest*> GroupCommitter::take() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  std::vector<AppendRequest*> batch;
  size_t n = 0;
  while (!queue_.empty() && (batch.empty() || n + queue_.front()->records->size() <= max_records_)) {
    n += queue_.front()->records->size();
    batch.push_back(queue_.front());
    queue_.pop_front();
  }
  return batch;
}

void GroupCommitter::loop() {
  for (;;) {
    const std::vector<AppendRequest*> batch = take();
    if (batch.empty()) return;
    run_batch(*tx_, batch);
  }
}

}  // namespace truceline::store
