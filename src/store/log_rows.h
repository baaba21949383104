#pragma once
// The log's side of a record, shared by both backends: the row each record adds to log_leaves
// (its salt, its public entry, and the tree hashes its leaf completes), reading a stored hash back,
// and the store as a tlog::HashReader.
//
//   log_leaves(seq, salt, entry, hashes): salt is 64 hex digits, entry the bytes of tlog/entry.h
//   (ASCII), hashes the hex of the stored hashes leaf seq−1 added, level 0 first (tlog/tree.h).
// Stored hash (level, i) is in the row of seq leaf_holding({level, i}) + 1, at hex offset 64·level.
#include <string>
#include <vector>

#include "store/chain.h"
#include "store/store.h"
#include "tlog/entry.h"
#include "tlog/tree.h"

namespace truceline::store {

struct LogRow {
  std::string salt_hex, entry, hashes_hex;
};

// The row for record `seq` with content `content`, its leaf added to `frontier`. A new random
// salt unless `salt_hex` is given.
LogRow make_log_row(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& content,
                    tlog::Frontier& frontier, const std::string& salt_hex = {});

// The entry a record must have, given its salt; for verify.
std::string expected_entry(const Record& r);

// Stored hash `level` of a row's hashes column; throws std::out_of_range when the row holds fewer.
tlog::Hash hash_in_row(const std::string& hashes_hex, int level);

// The seqs whose rows hold stored hashes (level, first … first+count-1).
std::vector<int64_t> rows_holding(int level, int64_t first, int64_t count);

// Reads stored hashes through Store::log_hashes.
class StoreHashReader : public tlog::HashReader {
 public:
  explicit StoreHashReader(Store& s) : s_(s) {}
  tlog::Hash hash(tlog::NodeId id) override { return s_.log_hashes(id.level, id.index, 1).at(0); }
  std::vector<tlog::Hash> range(int level, int64_t first, int64_t count) override {
    return s_.log_hashes(level, first, count);
  }

 private:
  Store& s_;
};

// Checks each record's log row while verify walks the chain: the entry matches the record and its
// salt, and the hashes are those its leaf adds to the tree of the records before it.
class LogVerifier {
 public:
  // "" when the row is right; else what is wrong.
  std::string check(const Record& r, const std::string& entry, const std::string& hashes_hex);
  const tlog::Frontier& frontier() const { return frontier_; }

 private:
  tlog::Frontier frontier_;
};

}  // namespace truceline::store

namespace truceline::store {

// What verify() runs on both backends: the chain (ChainVerifier), each record's log row
// (LogVerifier), and the latest signed checkpoint against the tree the records give.
class RecordVerifier {
 public:
  explicit RecordVerifier(std::optional<LogCheckpoint> latest) : latest_(std::move(latest)) {}
  // False once something is broken; result() then names it.
  bool check(const Record& stored, const std::string& entry, const std::string& hashes_hex);
  VerifyResult result() const;

 private:
  bool fail(const Record& r, const std::string& why);
  ChainVerifier chain_;
  LogVerifier log_;
  std::optional<LogCheckpoint> latest_;
  std::optional<VerifyResult> failed_;
};

}  // namespace truceline::store
