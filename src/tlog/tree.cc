#include "tlog/tree.h"

#include <bit>

namespace truceline::tlog {
namespace {

// The largest power of two below n. REQUIRES: n > 1.
int64_t split_point(int64_t n) { return int64_t{1} << (63 - std::countl_zero(static_cast<uint64_t>(n - 1))); }

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

void path(HashReader& r, int64_t m, int64_t start, int64_t n, std::vector<Hash>& out) {
  if (n == 1) return;
  const int64_t k = split_point(n);
  if (m < k) {
    path(r, m, start, k, out);
    out.push_back(subtree_hash(r, start + k, n - k));
  } else {
    path(r, m - k, start + k, n - k, out);
    out.push_back(subtree_hash(r, start, k));
  }
}

void subproof(HashReader& r, int64_t m, int64_t start, int64_t n, bool whole, std::vector<Hash>& out) {
  if (m == n) {
    if (!whole) out.push_back(subtree_hash(r, start, n));
    return;
  }
  const int64_t k = split_point(n);
  if (m <= k) {
    subproof(r, m, start, k, whole, out);
    out.push_back(subtree_hash(r, start + k, n - k));
  } else {
    subproof(r, m - k, start + k, n - k, false, out);
    out.push_back(subtree_hash(r, start, k));
  }
}

}  // namespace

std::vector<Hash> HashReader::range(int level, int64_t first, int64_t count) {
  std::vector<Hash> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out.push_back(hash({level, first + i}));
  return out;
}

Frontier Frontier::load(HashReader& reader, int64_t size) {
  Frontier f;
  f.size_ = size;
  int64_t start = 0;
  for (int level = 62; level >= 0; --level) {
    if (!((size >> level) & 1)) continue;
    f.edge_.push_back(reader.hash({level, start >> level}));
    start += int64_t{1} << level;
  }
  return f;
}

Frontier Frontier::of(int64_t size, std::vector<Hash> hashes) {
  if (size < 0 || static_cast<int>(hashes.size()) != std::popcount(static_cast<uint64_t>(size)))
    throw ProofError("a frontier of " + std::to_string(size) + " leaves has one hash per one bit of its size");
  Frontier f;
  f.size_ = size;
  f.edge_ = std::move(hashes);
  return f;
}

std::vector<Hash> Frontier::append(const Hash& leaf) {
  std::vector<Hash> stored{leaf};
  Hash h = leaf;
  // Each trailing one bit of the old size is a complete subtree on the edge that the new leaf's
  // subtree now pairs with.
  for (int64_t n = size_; n & 1; n >>= 1) {
    h = node_hash(edge_.back(), h);
    edge_.pop_back();
    stored.push_back(h);
  }
  edge_.push_back(h);
  ++size_;
  return stored;
}

Hash Frontier::root() const {
  if (edge_.empty()) return empty_tree_hash();
  Hash h = edge_.back();
  for (size_t i = edge_.size() - 1; i-- > 0;) h = node_hash(edge_[i], h);
  return h;
}

Hash subtree_hash(HashReader& reader, int64_t start, int64_t count) {
  if (count <= 0) throw ProofError("an empty subtree has no hash here");
  if (is_power_of_two(count) && start % count == 0) return reader.hash({std::countr_zero(static_cast<uint64_t>(count)), start / count});
  const int64_t k = split_point(count);
  return node_hash(subtree_hash(reader, start, k), subtree_hash(reader, start + k, count - k));
}

Hash tree_hash(HashReader& reader, int64_t size) {
  if (size == 0) return empty_tree_hash();
  return subtree_hash(reader, 0, size);
}

std::vector<Hash> inclusion_proof(HashReader& reader, int64_t index, int64_t size) {
  if (index < 0 || index >= size)
    throw ProofError("leaf " + std::to_string(index) + " is not in a tree of " + std::to_string(size));
  std::vector<Hash> out;
  path(reader, index, 0, size, out);
  return out;
}

std::vector<Hash> consistency_proof(HashReader& reader, int64_t first, int64_t second) {
  if (first < 0 || first > second)
    throw ProofError("no consistency proof from " + std::to_string(first) + " to " + std::to_string(second));
  std::vector<Hash> out;
  if (first > 0 && first < second) subproof(reader, first, 0, second, true, out);
  return out;
}

bool verify_inclusion(int64_t index, int64_t size, const Hash& leaf, const std::vector<Hash>& proof, const Hash& root) {
  if (index < 0 || index >= size) return false;
  uint64_t fn = static_cast<uint64_t>(index), sn = static_cast<uint64_t>(size - 1);
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1, sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(int64_t first, int64_t second, const Hash& first_root, const Hash& second_root,
                        const std::vector<Hash>& proof) {
  if (first < 0 || first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  if (first == 0) return proof.empty();  // the empty tree is a prefix of every tree
  if (proof.empty()) return false;
  std::vector<Hash> path;
  if (is_power_of_two(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = static_cast<uint64_t>(first - 1), sn = static_cast<uint64_t>(second - 1);
  while (fn & 1) fn >>= 1, sn >>= 1;
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1, sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

void MemoryTree::append(std::string_view entry) { append_leaf(leaf_hash(entry)); }

void MemoryTree::append_leaf(const Hash& leaf) {
  const std::vector<Hash> stored = frontier_.append(leaf);
  if (levels_.size() < stored.size()) levels_.resize(stored.size());
  for (size_t level = 0; level < stored.size(); ++level) levels_[level].push_back(stored[level]);
}

Hash MemoryTree::hash(NodeId id) {
  if (id.level < 0 || static_cast<size_t>(id.level) >= levels_.size() || id.index < 0 ||
      static_cast<size_t>(id.index) >= levels_[id.level].size())
    throw std::out_of_range("no stored hash at level " + std::to_string(id.level) + " index " + std::to_string(id.index));
  return levels_[id.level][id.index];
}

}  // namespace truceline::tlog
