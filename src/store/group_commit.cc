#include "store/group_commit.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

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

std::string ids_json(const std::vector<std::string>& ids) { return nlohmann::json(ids).dump(); }

IdempotencyConflict conflict(const std::string& key) {
  return IdempotencyConflict("idempotency key '" + key + "' was used before for a different request");
}

// Links the request's records into the chain after `head`, appending them to `rows`; advances
// `head` past them.
AppendResult place(const AppendRequest& req, ChainHead& head, int64_t now_ms, std::vector<ChainRow>& rows) {
  AppendResult result;
  const std::vector<NewRecord>& records = *req.records;
  result.ids.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    ChainRow row;
    row.seq = head.count + 1;
    row.id = id_of_seq(row.seq);
    row.in = &records[i];
    row.received_ms = now_ms;
    row.content = assemble_content(req.parts[i], row.seq, now_ms);
    row.prev_hash = std::move(head.hash);
    row.hash = chain_hash(row.prev_hash, row.content);
    head = {row.seq, row.hash, now_ms};
    result.ids.push_back(row.id);
    rows.push_back(std::move(row));
  }
  return result;
}

// The request's effect inside the open savepoint; advances `head` past its records.
AppendResult apply(AppendTx& tx, const AppendRequest& req, ChainHead& head, int64_t now_ms) {
  const std::string& key = *req.key;
  if (!key.empty()) {
    auto found = tx.find_keys({key});
    if (!found.empty()) {
      if (found.front().second.request_hash != *req.request_hash) throw conflict(key);
      return {std::move(found.front().second.ids), true};
    }
  }
  std::vector<ChainRow> rows;
  AppendResult result = place(req, head, now_ms, rows);
  if (!rows.empty()) tx.insert(rows);
  if (!key.empty()) tx.put_keys({{key, *req.request_hash, ids_json(result.ids)}});
  return result;
}

Outcome run_one(AppendTx& tx, const AppendRequest& req, ChainHead& head, int64_t now_ms) {
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

void answer(const std::vector<AppendRequest*>& batch, std::vector<Outcome>& outcomes) {
  for (size_t i = 0; i < batch.size(); ++i) {
    if (outcomes[i].error)
      batch[i]->done.set_exception(outcomes[i].error);
    else
      batch[i]->done.set_value(std::move(outcomes[i].result));
  }
}

void fail_all(const std::vector<AppendRequest*>& batch, std::exception_ptr error) {
  for (AppendRequest* req : batch) req->done.set_exception(error);
}

// The batch with each request in its own savepoint: slower, but a request whose write fails
// fails alone.
void run_each(AppendTx& tx, const std::vector<AppendRequest*>& batch) {
  std::vector<Outcome> outcomes;
  try {
    ChainHead head = tx.begin();
    const int64_t now_ms = std::max(clock_ms(), head.received_ms);
    for (AppendRequest* req : batch) outcomes.push_back(run_one(tx, *req, head, now_ms));
    tx.commit();
  } catch (...) {
    tx.rollback();
    fail_all(batch, std::current_exception());
    return;
  }
  answer(batch, outcomes);
}

}  // namespace

void prepare(AppendRequest& req) {
  // An index that disagrees with its body would make verify() fail later; refuse it now.
  const std::vector<NewRecord>& records = *req.records;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].body_text.empty()) continue;
    const std::string why = index_mismatch(records[i].index, records[i].body);
    if (!why.empty()) throw std::invalid_argument("record " + std::to_string(i) + ": " + why);
  }
  req.parts.reserve(records.size());
  for (const NewRecord& in : records) req.parts.push_back(content_parts(in));
}

void run_batch(AppendTx& tx, const std::vector<AppendRequest*>& batch) {
  std::vector<Outcome> outcomes(batch.size());
  bool writing = false;  // between begin and commit: a failure there leaves nothing committed
  try {
    ChainHead head = tx.begin();
    writing = true;
    // One received time per transaction, never before the head's, so the chain's times only rise.
    const int64_t now_ms = std::max(clock_ms(), head.received_ms);

    std::vector<std::string> keys;
    std::unordered_set<std::string> asked;
    for (const AppendRequest* req : batch)
      if (!req->key->empty() && asked.insert(*req->key).second) keys.push_back(*req->key);
    // Stored keys, then the keys of the requests before in this batch.
    std::unordered_map<std::string, AppendTx::KeyRow> known;
    if (!keys.empty())
      for (auto& [key, row] : tx.find_keys(keys)) known.emplace(std::move(key), std::move(row));

    std::vector<ChainRow> rows;
    std::vector<KeyPut> puts;
    for (size_t i = 0; i < batch.size(); ++i) {
      const AppendRequest& req = *batch[i];
      const std::string& key = *req.key;
      if (!key.empty()) {
        if (auto it = known.find(key); it != known.end()) {
          if (it->second.request_hash != *req.request_hash)
            outcomes[i].error = std::make_exception_ptr(conflict(key));
          else
            outcomes[i].result = {it->second.ids, true};
          continue;
        }
      }
      outcomes[i].result = place(req, head, now_ms, rows);
      if (!key.empty()) {
        puts.push_back({key, *req.request_hash, ids_json(outcomes[i].result.ids)});
        known.emplace(key, AppendTx::KeyRow{*req.request_hash, outcomes[i].result.ids});
      }
    }
    if (!rows.empty()) tx.insert(rows);
    if (!puts.empty()) tx.put_keys(puts);
    writing = false;
    tx.commit();
  } catch (...) {
    tx.rollback();
    // A failed commit may have committed after all: only a failure before it may be retried.
    if (!writing) {
      fail_all(batch, std::current_exception());
      return;
    }
  }
  if (writing) {
    run_each(tx, batch);
    return;
  }
  answer(batch, outcomes);
}

GroupCommitter::GroupCommitter(std::unique_ptr<AppendTx> tx, size_t max_records, std::function<void()> committed)
    : tx_(std::move(tx)), max_records_(max_records), committed_(std::move(committed)), writer_([this] { loop(); }) {}

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
  prepare(req);
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
    if (committed_) committed_();
  }
}

}  // namespace truceline::store
