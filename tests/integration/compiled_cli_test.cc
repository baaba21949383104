// The compiled plan through the CLI: `plan compile -o DIR` writes DIR/plan.tlplan, `classify`
// takes it in place of the TOML with the very same output, a TOML is read from the cache the
// compile filled, and a damaged .tlplan stops the command with the fix.
#include <gtest/gtest.h>

#include <random>

#include "integration/cli_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;

// `truceline ARGS` with the cache in `cache`.
RunResult run_cached(const fs::path& cache, const std::string& args, const fs::path& scratch) {
  return run_shell("XDG_CACHE_HOME='" + cache.string() + "' '" + binary() + "' " + args, scratch);
}

size_t entries(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".tlplan";
  return n;
}

TEST(CompiledCliTest, ClassifyFromThePlanFileMatchesTheToml) {
  const fs::path dir = scratch_dir("compiled");
  // Points over the area's box and beyond, some in lat/lon that cannot be read.
  {
    std::ofstream csv(dir / "in.csv");
    csv << "id,lat,lon\n";
    std::mt19937_64 rng(9);
    std::uniform_real_distribution<double> lon(21.5, 41), lat(44, 53);
    for (int i = 0; i < 5000; ++i) csv << i << "," << lat(rng) << "," << lon(rng) << "\n";
    csv << "5000,abc,30\n5001,50.45,30.52\n";
  }
  const std::string in = "'" + (dir / "in.csv").string() + "'";
  const RunResult compiled =
      run_cached(dir / "cache", "plan compile plans/kellogg-2025-04.toml -o '" + (dir / "out").string() + "'", dir);
  ASSERT_EQ(compiled.code, 0) << compiled.err;
  ASSERT_TRUE(fs::exists(dir / "out/plan.tlplan"));
  EXPECT_NE(compiled.out.find("plan.tlplan"), std::string::npos);
  EXPECT_EQ(entries(dir / "cache/truceline"), 1u);

  // From the TOML, compiled afresh (an empty cache).
  const RunResult a = run_cached(dir / "fresh", "classify plans/kellogg-2025-04.toml " + in + " -o '" + (dir / "a.csv").string() + "'", dir);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(entries(dir / "fresh/truceline"), 1u);
  // From the compiled plan: the same file, and a note of what it holds.
  const RunResult b = run_cached(dir / "none", "classify '" + (dir / "out/plan.tlplan").string() + "' " + in + " -o '" +
                                                   (dir / "b.csv").string() + "'",
                                 dir);
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.err.find("compiled plan"), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("Kellogg proposal, April 2025"), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("2025-04-11"), std::string::npos) << b.err;
  EXPECT_FALSE(fs::exists(dir / "none"));  // a .tlplan needs no cache
  // From the TOML again, through the cache `plan compile` filled: no note, the same file.
  const RunResult c = run_cached(dir / "cache", "classify plans/kellogg-2025-04.toml " + in + " -o '" + (dir / "c.csv").string() + "'", dir);
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.err.find("compiled plan"), std::string::npos) << c.err;
  EXPECT_EQ(entries(dir / "cache/truceline"), 1u);

  const std::string out_a = slurp(dir / "a.csv");
  EXPECT_GT(std::count(out_a.begin(), out_a.end(), '\n'), 5000);
  EXPECT_NE(out_a.find("allied-north"), std::string::npos);
  EXPECT_EQ(out_a, slurp(dir / "b.csv"));
  EXPECT_EQ(out_a, slurp(dir / "c.csv"));
  EXPECT_EQ(a.err, c.err);  // warnings and the row-error summary, compiled or cached

  // A damaged plan file: exit 2, nothing written, the fix named.
  std::string bytes = slurp(dir / "out/plan.tlplan");
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(dir / "bad.tlplan", std::ios::binary) << bytes;
  const RunResult bad = run_cached(dir / "none", "classify '" + (dir / "bad.tlplan").string() + "' " + in + " -o '" +
                                                     (dir / "d.csv").string() + "'",
                                   dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.tlplan: is corrupted"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("truceline plan compile"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "d.csv"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
