#pragma once
// The log's side of a record, shared by both backends: the row the integrator (log_integrator.h)
// adds to log_leaves for each record (its salt, its commitment, and the tree hashes its leaf
// completes), reading a stored hash back, the store as a tlog::HashReader, and verify's checks.
//
//   log_leaves(seq, salt, commitment, hashes): the 32-byte salt, the 32-byte commitment
//   SHA-256(salt ‖ content), and the stored hashes leaf seq−1 added, level 0 first (tlog/tree.h),
//   32 bytes each: BLOBs in SQLite, hex TEXT in PostgreSQL (the backend converts).
// The entry itself is not stored: it is made from the record's seq, kind and received_ms and the
// commitment (tlog/entry.h), so a row is about 130 bytes. Stored hash (level, i) is
// in the row of seq leaf_holding({level, i}) + 1, at byte 32·level.
#include <string>
#include <vector>

#include "store/chain.h"
#include "store/store.h"
#include "tlog/entry.h"
#include "tlog/tree.h"

namespace truceline::store {

struct LogRow {
  std::string salt, commitment, hashes;  // raw bytes
};

// The row for record `seq` with content `content`, its leaf added to `frontier`, with `salt` (32
// random bytes; salts() draws a round's worth at once).
LogRow make_log_row(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& content,
                    tlog::Frontier& frontier, std::string salt);
// `n` salts of 32 random bytes, concatenated (one draw of randomness).
std::string salts(size_t n);

// The entry of a record's leaf, from its columns and the stored commitment.
std::string entry_bytes(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& commitment);

// Stored hash `level` of a row's hashes column (raw); throws std::out_of_range when it holds fewer.
tlog::Hash hash_in_row(const std::string& hashes, int level);

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
  // "" when the row is right; else what is wrong. `r.content_salt` is the row's salt (hex).
  std::string check(const Record& r, const std::string& commitment, const std::string& hashes);
  const tlog::Frontier& frontier() const { return frontier_; }

 private:
  tlog::Frontier frontier_;
};

}  // namespace truceline::store

namespace truceline::store {

// What verify() runs on both backends: the chain (ChainVerifier), each record's log row
// (LogVerifier), and the latest signed checkpoint against the tree the records give. Records
// not yet integrated may follow the last leaf; a leaf after one of them is a gap in the log.
class RecordVerifier {
 public:
  explicit RecordVerifier(std::optional<LogCheckpoint> latest) : latest_(std::move(latest)) {}
  // False once something is broken; result() then names it.
  bool check(const Record& stored, const std::string& commitment, const std::string& hashes);
  VerifyResult result() const;

 private:
  bool fail(const Record& r, const std::string& why);
  ChainVerifier chain_;
  bool tail_ = false;  // a record without a leaf was seen: the integrator has not reached it yet
  LogVerifier log_;
  std::optional<LogCheckpoint> latest_;
  std::optional<VerifyResult> failed_;
};

}  // namespace truceline::store
