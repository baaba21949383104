// Dated layer series (plan/series.h) and plans on a date: the layer in force on a date, the
// errors and the warning at the series' ends, and the precedence --date, shape date, plan date.
#include "plan/series.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "geo/errors.h"
#include "plan/plan.h"
#include "support.h"

namespace truceline::plan {
namespace {

namespace fs = std::filesystem;

const std::string occupied = (testing::root() / "data" / "occupied").string();

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

TEST(Series, TheProductsOccupiedSeriesInDateOrder) {
  const auto s = read_series(occupied);
  ASSERT_GE(s.size(), 27u);
  EXPECT_EQ(s.front().date, "2024-07-08");
  EXPECT_EQ(s.back().date, "2026-08-01");
  for (size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1].date, s[i].date);
  EXPECT_EQ(fs::path(s.front().path).filename(), "occupied-20240708.geojson");
}

TEST(Series, TheLatestLayerOnOrBeforeTheDate) {
  const auto s = read_series(occupied);
  EXPECT_EQ(pick_layer(s, "2025-04-11", "t").layer.date, "2025-04-11");
  EXPECT_EQ(pick_layer(s, "2025-04-10", "t").layer.date, "2025-04-02");
  EXPECT_EQ(pick_layer(s, "2026-06-15", "t").layer.date, "2026-06-01");
  EXPECT_EQ(pick_layer(s, "2024-07-08", "t").warning, "");
  const PickedLayer late = pick_layer(s, "2027-01-01", "t");
  EXPECT_EQ(late.layer.date, "2026-08-01");
  EXPECT_NE(late.warning.find("after the series' last layer; using the layer of 2026-08-01"), std::string::npos) << late.warning;
  EXPECT_EQ(pick_layer(s, "2026-08-01", "t").warning, "") << "the last layer's own date is no warning";
  std::string e = error_of([&] { pick_layer(s, "2024-07-07", "plan.toml:9"); });
  EXPECT_NE(e.find("plan.toml:9: 2024-07-07 is before the series' first layer; give a date from 2024-07-08 to 2026-08-01"), std::string::npos) << e;
  e = error_of([&] { pick_layer(s, "2025-13-01", "t"); });
  EXPECT_NE(e.find("'2025-13-01' is not a date"), std::string::npos) << e;
}

TEST(Series, AFolderWithoutDatedLayersIsAnError) {
  const fs::path dir = fs::temp_directory_path() / "truceline-series-empty";
  fs::create_directories(dir);
  std::ofstream(dir / "occupied.geojson") << "{}";
  EXPECT_NE(error_of([&] { read_series(dir.string()); }).find("holds no dated layer"), std::string::npos);
  EXPECT_NE(error_of([&] { read_series((dir / "none").string()); }).find("is not a folder"), std::string::npos);
  fs::remove_all(dir);
}

std::string plan_text(const std::string& top_date, const std::string& shape) {
  return "name = \"t\"\n" + (top_date.empty() ? "" : "date = \"" + top_date + "\"\n") +
         "[area]\nlayer = \"../data/regions/ua-regions.geojson\"\n"
         "[shapes]\noccupied = " + shape + "\n"
         "[line_of_contact]\nboundary_of = \"occupied\"\n"
         "[[zones]]\nid = \"a\"\nname = \"A\"\nkind = \"russian\"\nwithin = [\"occupied\"]\n";
}

const std::string plan_path = (testing::root() / "plans" / "t.toml").string();

std::string layer_of(const Plan& p) { return fs::path(p.shapes.at(0).layer).filename().string(); }

TEST(PlanOnADate, ArgumentThenShapeThenPlanDate) {
  const std::string series = "{ series = \"../data/occupied\" }";
  EXPECT_EQ(layer_of(parse_plan_text(plan_text("2025-04-11", series), plan_path)), "occupied-20250411.geojson");
  const std::string dated = "{ series = \"../data/occupied\", date = \"2026-06-01\" }";
  EXPECT_EQ(layer_of(parse_plan_text(plan_text("2025-04-11", dated), plan_path)), "occupied-20260601.geojson");
  const Plan p = parse_plan_text(plan_text("2025-04-11", dated), plan_path, {"2025-01-15"});
  EXPECT_EQ(layer_of(p), "occupied-20250102.geojson");
  EXPECT_EQ(p.date, "2025-01-15") << "the plan on the date it was asked for";
  EXPECT_EQ(p.shapes.at(0).series_date, "2025-01-15");
  const Plan late = parse_plan_text(plan_text("2030-01-01", series), plan_path);
  ASSERT_EQ(late.warnings.size(), 1u);
  EXPECT_NE(late.warnings[0].find("t.toml:6: [shapes] occupied: 2030-01-01 is after"), std::string::npos) << late.warnings[0];
}

TEST(PlanOnADate, ErrorsNameTheShapeAndTheFix) {
  std::string e = error_of([] { parse_plan_text(plan_text("", "{ series = \"../data/occupied\" }"), plan_path); });
  EXPECT_NE(e.find("[shapes] occupied: a series needs a date"), std::string::npos) << e;
  e = error_of([] { parse_plan_text(plan_text("2025-04-11", "{ layer = \"x.geojson\", date = \"2025-04-11\" }"), plan_path); });
  EXPECT_NE(e.find("date: is for a series only"), std::string::npos) << e;
  e = error_of([] { parse_plan_text(plan_text("2025-04-11", "{ layer = \"x.geojson\", series = \"../data/occupied\" }"), plan_path); });
  EXPECT_NE(e.find("has both layer and series"), std::string::npos) << e;
  e = error_of([] { parse_plan_text(plan_text("2025-04-11", "{ series = \"../data/occupied\" }"), plan_path, {"2024-01-01"}); });
  EXPECT_NE(e.find("2024-01-01 is before the series' first layer"), std::string::npos) << e;
  e = error_of([] { parse_plan_text(plan_text("2025-04-11", "{ series = \"../data/occupied\" }"), plan_path, {"April"}); });
  EXPECT_NE(e.find("--date April: is not a date"), std::string::npos) << e;
}

}  // namespace
}  // namespace truceline::plan
