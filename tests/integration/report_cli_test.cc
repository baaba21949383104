// `truceline report`: the three formats by extension, and bad input as one line on stderr, exit
// code 2 and nothing written (not even an empty database).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "index/locator.h"
#include "integration/cli_support.h"
#include "monitor/observation.h"
#include "report/daily_test_support.h"
#include "store/store.h"

namespace truceline {
namespace {

namespace fs = std::filesystem;

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// A record of two observations of 12 April 2025: an explosion at Dnipro, a tank on the line.
fs::path small_record(const fs::path& dir) {
  const auto& map = testing::default_map();
  const index::Locator locator(map);
  std::vector<monitor::Sighting> obs(2);
  obs[0].time_ms = *monitor::parse_time_ms("2025-04-12T06:00:00Z");
  obs[0].event = "explosion", obs[0].explosion_type = "impact", obs[0].mode = "heard";
  obs[0].position = map.settlements.at(2).pos;
  obs[1].time_ms = *monitor::parse_time_ms("2025-04-12T08:00:00Z");
  obs[1].event = "armour", obs[1].weapon_class = "tank", obs[1].mode = "saw";
  obs[1].position = geo::line_parts(map.find_line("line_of_contact")->geom).front().front();
  const fs::path db = dir / "record.sqlite";
  auto store = store::open_store(db.string());
  report::testing::store_sightings(*store, obs, map, locator);
  return db;
}

class ReportCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::scratch_dir("report-cli");
    db_ = small_record(dir_);
  }
  testing::RunResult run(const std::string& args) { return testing::run_cli("report " + args, dir_); }
  static std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

  static inline fs::path dir_, db_;
};

TEST_F(ReportCli, WritesHtmlMarkdownAndJson) {
  const std::string common = "--plan plans/kellogg-2025-04.toml --db " + q(db_) + " --day 2025-04-12 --cutoff now ";
  auto r = run(common + "-o " + q(dir_ / "day.html"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("daily report 102/2025"), std::string::npos) << r.err;
  EXPECT_NE(testing::slurp(dir_ / "day.html").find("<svg"), std::string::npos);

  r = run(common + "-o " + q(dir_ / "day.md"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "day-map.svg"));
  EXPECT_TRUE(fs::exists(dir_ / "day-trend.svg"));
  EXPECT_NE(testing::slurp(dir_ / "day.md").find("(day-map.svg)"), std::string::npos);

  r = run(common + "--tz +03:00 --trend-days 7 -o " + q(dir_ / "day.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(testing::slurp(dir_ / "day.json"));
  EXPECT_EQ(j["report"]["tz"], "+03:00");
  EXPECT_EQ(j["totals"]["incidents"]["today"], 2);
  EXPECT_EQ(j["chain_at_cutoff"]["count"], 2);
  EXPECT_EQ(j["incidents"][1]["violations"][0]["rule"], "weapon-in-dmz");
  ASSERT_EQ(j["trend"].size(), 7u);
  EXPECT_EQ(j["trend"][6]["day"], "2025-04-12");
  EXPECT_EQ(j["trend"][6]["incidents"], 2);
}

TEST_F(ReportCli, DefaultCutoffLeavesOutLateRecordsAndSaysSo) {
  const auto r = run("--plan plans/kellogg-2025-04.toml --db " + q(db_) + " --day 2025-04-12 -o " + q(dir_ / "cut.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("received after the cut-off"), std::string::npos) << r.err;
  const auto j = nlohmann::json::parse(testing::slurp(dir_ / "cut.json"));
  EXPECT_EQ(j["chain_at_cutoff"]["count"], 0);
  EXPECT_EQ(j["late_observations"], 2);
}

TEST_F(ReportCli, BadInputIsOneLineExitTwoAndNothingWritten) {
  const fs::path out = dir_ / "bad.html";
  const std::string plan = "--plan plans/kellogg-2025-04.toml ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {plan + "--db " + q(db_) + " --day 2025-02-30 -o " + q(out), "--day"},
      {plan + "--db " + q(db_) + " --day 12.04.2025 -o " + q(out), "--day"},
      {plan + "--db " + q(db_) + " --day 2025-04-12 --tz 3 -o " + q(out), "--tz"},
      {plan + "--db " + q(dir_ / "missing.sqlite") + " --day 2025-04-12 -o " + q(out), "no such database"},
      {"--plan plans/no-such-plan.toml --db " + q(db_) + " --day 2025-04-12 -o " + q(out), "no such plan"},
      {plan + "--db " + q(db_) + " --day 2025-04-12 -o " + q(dir_ / "bad.pdf"), ".html, .md or .json"},
      {plan + "--db " + q(db_) + " --day 2025-04-12 --cutoff soon -o " + q(out), "--cutoff"},
      {plan + "--db " + q(db_) + " --day 2025-04-12 --trend-days 1 -o " + q(out), "--trend-days"},
  };
  for (const auto& [args, says] : cases) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(line_count(r.err), 1u) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
    EXPECT_FALSE(fs::exists(dir_ / "bad.pdf"));
    EXPECT_FALSE(fs::exists(dir_ / "missing.sqlite")) << "a missing database must not be created";
  }
  EXPECT_EQ(run("--db " + q(db_) + " --day 2025-04-12 -o " + q(out)).code, 2);  // --plan is required
}

}  // namespace
}  // namespace truceline
