#pragma once
// An append-only Merkle tree over a log's entries (RFC 6962 section 2.1), kept as "stored hashes":
// the root of every complete subtree, each written once, when its last leaf arrives. Adding leaf n
// stores its leaf hash and the roots of the subtrees it completes (1 + the trailing one bits of n
// hashes, two on average), so a tree of N leaves holds 2N hashes and never rewrites one. Any root,
// inclusion proof or consistency proof is assembled from O(log N) of them.
//
// Proofs are in RFC 9162 order (section 2.1.3 and 2.1.4), and verify with that RFC's algorithms,
// which is what Go's sumdb/tlog, Certificate Transparency and C2SP witnesses expect.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "tlog/hash.h"

namespace truceline::tlog {

// The root of the complete subtree of 2^level leaves that starts at leaf index·2^level.
struct NodeId {
  int level = 0;
  int64_t index = 0;
  bool operator==(const NodeId&) const = default;
};

// Where the stored hashes are kept (a database table, memory, tiles fetched over HTTP).
class HashReader {
 public:
  virtual ~HashReader() = default;
  // Throws std::out_of_range when the hash is not stored (yet).
  virtual Hash hash(NodeId id) = 0;
  // The hashes at `level` with indexes first … first+count-1; backends may do better than this loop.
  virtual std::vector<Hash> range(int level, int64_t first, int64_t count);
};

// A proof that does not hold, or one asked for sizes that make no sense.
class ProofError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The right edge of a tree: the roots of the complete subtrees its size decomposes into (one per
// one bit of the size, largest first). Enough to add leaves and compute the root without reading
// anything else, which is what the store's writer and an auditor replaying entries keep.
class Frontier {
 public:
  Frontier() = default;
  // The frontier of the tree of `size` leaves held by `reader`.
  static Frontier load(HashReader& reader, int64_t size);
  // From saved hashes (largest subtree first), as hashes() gives them; throws ProofError when their
  // number does not match the size's one bits.
  static Frontier of(int64_t size, std::vector<Hash> hashes);

  // Adds a leaf; returns the hashes to store for it: its leaf hash at level 0, then the root of each
  // subtree it completes, level 1, 2, ….
  std::vector<Hash> append(const Hash& leaf);
  Hash root() const;
  int64_t size() const { return size_; }
  const std::vector<Hash>& hashes() const { return edge_; }

 private:
  int64_t size_ = 0;
  std::vector<Hash> edge_;  // one per one bit of size_, from the highest bit down
};

// Where stored hash (level, index) is kept when each leaf's row holds the hashes that leaf added:
// in the row of leaf (index+1)·2^level − 1, at position `level` of its list.
inline int64_t leaf_holding(NodeId id) { return ((id.index + 1) << id.level) - 1; }

// MTH(D[start : start+count]) for the ranges RFC 6962's recursion visits (start a multiple of the
// largest power of two not above count, or a complete aligned subtree).
Hash subtree_hash(HashReader& reader, int64_t start, int64_t count);
Hash tree_hash(HashReader& reader, int64_t size);

// PATH(index, D[0:size]) and PROOF(first, D[0:second]). REQUIRES: index < size; first <= second.
std::vector<Hash> inclusion_proof(HashReader& reader, int64_t index, int64_t size);
std::vector<Hash> consistency_proof(HashReader& reader, int64_t first, int64_t second);

// RFC 9162 section 2.1.3.2 and 2.1.4.2; true when the proof holds.
bool verify_inclusion(int64_t index, int64_t size, const Hash& leaf, const std::vector<Hash>& proof, const Hash& root);
bool verify_consistency(int64_t first, int64_t second, const Hash& first_root, const Hash& second_root,
                        const std::vector<Hash>& proof);

// Stored hashes in memory, by level; for tests, benchmarks and an auditor's own replay.
class MemoryTree : public HashReader {
 public:
  void append(std::string_view entry);
  void append_leaf(const Hash& leaf);
  Hash hash(NodeId id) override;
  int64_t size() const { return frontier_.size(); }
  Hash root() const { return frontier_.root(); }

 private:
  Frontier frontier_;
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace truceline::tlog
