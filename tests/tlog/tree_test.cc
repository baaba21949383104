// The stored-hash tree against RFC 6962's definition written out by brute force, and its proofs
// against the RFC 9162 verifiers, for every size and index up to 70 and random ones beyond.
#include "tlog/tree.h"

#include <gtest/gtest.h>

#include <random>

namespace truceline::tlog {
namespace {

// MTH(D[lo:hi]) exactly as RFC 6962 section 2.1 defines it.
Hash mth(const std::vector<std::string>& d, size_t lo, size_t hi) {
  if (hi == lo) return empty_tree_hash();
  if (hi - lo == 1) return leaf_hash(d[lo]);
  size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return node_hash(mth(d, lo, lo + k), mth(d, lo + k, hi));
}

std::vector<std::string> entries(size_t n) {
  std::vector<std::string> d;
  for (size_t i = 0; i < n; ++i) d.push_back("entry " + std::to_string(i));
  return d;
}

TEST(Tree, RootsMatchTheRfcDefinitionAtEverySize) {
  const auto d = entries(300);
  MemoryTree t;
  EXPECT_EQ(t.root(), empty_tree_hash());
  for (size_t n = 1; n <= d.size(); ++n) {
    t.append(d[n - 1]);
    ASSERT_EQ(t.root(), mth(d, 0, n)) << n;
    ASSERT_EQ(tree_hash(t, static_cast<int64_t>(n)), mth(d, 0, n)) << n;
  }
}

TEST(Tree, StoresTwoHashesPerLeafOnAverage) {
  Frontier f;
  size_t stored = 0;
  for (int i = 0; i < 1024; ++i) stored += f.append(leaf_hash(std::to_string(i))).size();
  EXPECT_EQ(stored, 2047u);  // 1024 leaves and 1023 interior nodes of a complete tree
}

TEST(Tree, FrontierLoadedFromStoredHashesContinuesTheSameTree) {
  const auto d = entries(100);
  MemoryTree t;
  for (size_t i = 0; i < 77; ++i) t.append(d[i]);
  Frontier f = Frontier::load(t, 77);
  EXPECT_EQ(f.root(), mth(d, 0, 77));
  for (size_t i = 77; i < 100; ++i) f.append(leaf_hash(d[i]));
  EXPECT_EQ(f.root(), mth(d, 0, 100));
  EXPECT_THROW(Frontier::of(7, {f.root()}), ProofError);
}

TEST(Tree, InclusionProofsVerifyAndFailWhenAltered) {
  const auto d = entries(70);
  MemoryTree t;
  for (const auto& e : d) t.append(e);
  for (int64_t n = 1; n <= 70; ++n) {
    const Hash root = mth(d, 0, static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      auto proof = inclusion_proof(t, i, n);
      ASSERT_TRUE(verify_inclusion(i, n, leaf_hash(d[i]), proof, root)) << i << "/" << n;
      EXPECT_FALSE(verify_inclusion(i, n, leaf_hash("other"), proof, root));
      if (n > 1) EXPECT_FALSE(verify_inclusion((i + 1) % n, n, leaf_hash(d[i]), proof, root)) << i << "/" << n;
      if (!proof.empty()) {
        proof[proof.size() / 2][0] ^= 1;
        EXPECT_FALSE(verify_inclusion(i, n, leaf_hash(d[i]), proof, root));
      }
    }
  }
  EXPECT_THROW(inclusion_proof(t, 5, 5), ProofError);
}

TEST(Tree, ConsistencyProofsVerifyAndFailWhenAltered) {
  const auto d = entries(70);
  MemoryTree t;
  for (const auto& e : d) t.append(e);
  for (int64_t n = 1; n <= 70; ++n) {
    const Hash second = mth(d, 0, static_cast<size_t>(n));
    for (int64_t m = 0; m <= n; ++m) {
      const Hash first = mth(d, 0, static_cast<size_t>(m));
      auto proof = consistency_proof(t, m, n);
      ASSERT_TRUE(verify_consistency(m, n, first, second, proof)) << m << "→" << n;
      if (m > 0 && m < n) {
        EXPECT_FALSE(verify_consistency(m, n, leaf_hash("forked"), second, proof));
        EXPECT_FALSE(verify_consistency(m, n, first, leaf_hash("forked"), proof));
        proof.back()[3] ^= 8;
        EXPECT_FALSE(verify_consistency(m, n, first, second, proof)) << m << "→" << n;
      }
    }
  }
  // A shrunk tree has no proof, nor does a different root at the same size.
  EXPECT_FALSE(verify_consistency(9, 8, mth(d, 0, 9), mth(d, 0, 8), {}));
  EXPECT_FALSE(verify_consistency(8, 8, mth(d, 0, 8), mth(d, 0, 7), {}));
}

TEST(Tree, RandomLargeTreesAgreeWithAFreshFrontier) {
  std::mt19937_64 rng(16);
  MemoryTree t;
  const int64_t n = 5000;
  for (int64_t i = 0; i < n; ++i) t.append("e" + std::to_string(i));
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t size = 1 + static_cast<int64_t>(rng() % n);
    const int64_t i = static_cast<int64_t>(rng() % size);
    const int64_t m = static_cast<int64_t>(rng() % (size + 1));
    const Hash root = tree_hash(t, size);
    ASSERT_EQ(root, Frontier::load(t, size).root());
    ASSERT_TRUE(verify_inclusion(i, size, leaf_hash("e" + std::to_string(i)), inclusion_proof(t, i, size), root));
    ASSERT_TRUE(verify_consistency(m, size, tree_hash(t, m), root, consistency_proof(t, m, size)));
  }
}

}  // namespace
}  // namespace truceline::tlog
