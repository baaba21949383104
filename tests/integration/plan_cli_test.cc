// `truceline plan compile` as a user runs it: outputs, the table, and bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "integration/cli_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;

TEST(PlanCliTest, CompileWritesTheFourOutputsAndTheTable) {
  const fs::path dir = scratch_dir("compile");
  const RunResult r = run_cli("plan compile plans/kellogg-2025-04.toml -o '" + (dir / "out").string() + "'", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"zones.geojson", "lines.geojson", "summary.json", "map.svg"})
    EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
  EXPECT_NE(r.out.find("allied-north"), std::string::npos);
  EXPECT_NE(r.out.find("line of contact"), std::string::npos);

  const auto zones = nlohmann::json::parse(slurp(dir / "out/zones.geojson"));
  ASSERT_EQ(zones["features"].size(), 5u);
  double sum = 0;
  for (const auto& f : zones["features"]) {
    for (const char* key : {"id", "name", "kind", "responsible", "area_km2", "population"})
      EXPECT_TRUE(f["properties"].contains(key)) << key;
    sum += f["properties"]["area_km2"].get<double>();
  }
  const auto summary = nlohmann::json::parse(slurp(dir / "out/summary.json"));
  EXPECT_NEAR(sum, summary["area_km2"].get<double>(), 1e-4 * summary["area_km2"].get<double>());  // the 0.01 % bar
  const auto lines = nlohmann::json::parse(slurp(dir / "out/lines.geojson"));
  EXPECT_GE(lines["features"].size(), 4u);
  fs::remove_all(dir);
}

// A failure leaves the previous output untouched and nothing half-written beside it.
TEST(PlanCliTest, FailureLeavesNothingInTheOutput) {
  const fs::path dir = scratch_dir("fail");
  const fs::path plan = dir / "bad.toml";
  std::string text = slurp(root() / "plans/kellogg-2025-04.toml");
  const std::string from = "width = \"15 km\"";
  text.replace(text.find(from), from.size(), "width = \"15 furlongs\"");
  // Relative layer paths are taken from the plan's folder: point them back at the repository.
  for (size_t at; (at = text.find("\"../data/")) != std::string::npos;)
    text.replace(at, 9, "\"" + (root() / "data").string() + "/");
  std::ofstream(plan) << text;
  const RunResult r = run_cli("plan compile '" + plan.string() + "' -o '" + (dir / "out").string() + "'", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'15 furlongs' is not a length"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_TRUE(e.path().filename() == "bad.toml" || e.path().filename() == "stderr.txt") << e.path();
  fs::remove_all(dir);
}

TEST(PlanCliTest, MissingPlanFile) {
  const fs::path dir = scratch_dir("missing");
  const RunResult r = run_cli("plan compile plans/no-such-plan.toml -o '" + (dir / "out").string() + "'", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("plans/no-such-plan.toml: cannot open the file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
