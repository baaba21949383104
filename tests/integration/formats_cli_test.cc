// The format commands as a user runs them: plan compile's GeoPackage and KML, ACLED import and
// export through a SQLite record, incidents in every format, and no progress bar off a terminal.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "formats/acled.h"
#include "geo/geodesy.h"
#include "integration/cli_support.h"
#include "io/ogr.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;

const std::string kPlan = "plans/kellogg-2025-04.toml";
const std::string kAcled = "tests/fixtures/acled/ukraine-sample.csv";

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::vector<formats::AcledRow> acled_rows(const fs::path& p) {
  std::istringstream in(slurp(p));
  formats::AcledReader r(in, p.string());
  std::vector<formats::AcledRow> rows;
  for (formats::AcledRow row; r.next(row);) rows.push_back(row);
  return rows;
}

TEST(FormatsCliTest, PlanCompileWritesGeoPackageAndKmlThatGdalReads) {
  const fs::path dir = scratch_dir("formats-compile");
  const RunResult r = run_cli("plan compile " + kPlan + " -o " + q(dir / "out"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("zones.gpkg,zones.kml"), std::string::npos);
  const auto summary = nlohmann::json::parse(slurp(dir / "out/summary.json"));
  geo::Context ctx;
  for (const char* f : {"zones.gpkg", "zones.kml"}) {
    const auto layers = io::ogr::read_layers(ctx, (dir / "out" / f).string());
    ASSERT_EQ(layers.size(), 2u) << f;
    const auto& zones = layers[0].name == "zones" ? layers[0] : layers[1];
    ASSERT_EQ(zones.features.size(), summary["zones"].size()) << f;
    for (size_t i = 0; i < zones.features.size(); ++i) {
      const double want = summary["zones"][i]["area_km2"].get<double>();
      EXPECT_NEAR(geo::area_m2(zones.features[i].geom) / 1e6, want, 1e-4 * want) << f << " " << i;
    }
  }
  for (const auto& e : fs::directory_iterator(dir))  // nothing left beside the output
    EXPECT_TRUE(e.path().filename() == "out" || e.path().filename() == "stderr.txt") << e.path();
  fs::remove_all(dir);
}

TEST(FormatsCliTest, AcledImportedAndExportedGivesBackEveryRow) {
  const fs::path dir = scratch_dir("formats-acled");
  const fs::path db = dir / "record.sqlite";
  RunResult r = run_cli("import acled " + kAcled + " --plan " + kPlan + " --db " + q(db), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("12 ACLED rows: 12 new observations in 1 append"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress bar off a terminal";
  r = run_cli("import acled " + kAcled + " --plan " + kPlan + " --db " + q(db), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("0 new observations"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("12 already in the record"), std::string::npos) << r.err;

  r = run_cli("export acled --db " + q(db) + " -o " + q(dir / "back.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto original = acled_rows(root() / kAcled), back = acled_rows(dir / "back.csv");
  ASSERT_EQ(back.size(), original.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].event_id_cnty, original[i].event_id_cnty);
    EXPECT_EQ(back[i].event_date, original[i].event_date);
    EXPECT_EQ(back[i].latitude, original[i].latitude);
    EXPECT_EQ(back[i].longitude, original[i].longitude);
    EXPECT_EQ(back[i].event_type, original[i].event_type);
    EXPECT_EQ(back[i].sub_event_type, original[i].sub_event_type);
  }
  // A window by date.
  r = run_cli("export acled --db " + q(db) + " --since 2025-04-15 --until 2025-04-16 -o " + q(dir / "day.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(acled_rows(dir / "day.csv").size(), 3u);

  for (const char* ext : {"csv", "geojson", "kml"}) {
    const fs::path out = dir / (std::string("incidents.") + ext);
    r = run_cli("export incidents --plan " + kPlan + " --db " + q(db) + " -o " + q(out), dir);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_GT(fs::file_size(out), 100u) << ext;
  }
  const auto gj = nlohmann::json::parse(slurp(dir / "incidents.geojson"));
  EXPECT_GE(gj["features"].size(), 10u);  // 12 events on five days, km apart: at most two merge
  fs::remove_all(dir);
}

TEST(FormatsCliTest, ABadAcledRowStopsTheImportWithLineAndColumn) {
  const fs::path dir = scratch_dir("formats-bad");
  std::string text = slurp(root() / kAcled);
  text.replace(text.find("47.6636"), 7, "47,6636");  // a decimal comma in a quoted-less field shifts the columns
  std::ofstream(dir / "bad.csv") << text;
  const fs::path db = dir / "record.sqlite";
  const RunResult r = run_cli("import acled " + q(dir / "bad.csv") + " --plan " + kPlan + " --db " + q(db), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.csv:2: column"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const RunResult verify = run_cli("verify --db " + q(db), dir);
  EXPECT_NE(verify.out.find("ok 0 records"), std::string::npos) << verify.out << verify.err;
  fs::remove_all(dir);
}

TEST(FormatsCliTest, MissingInputsCreateNothing) {
  const fs::path dir = scratch_dir("formats-missing");
  RunResult r = run_cli("import acled " + q(dir / "none.csv") + " --plan " + kPlan + " --db " + q(dir / "r.sqlite"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("none.csv: cannot read the file"), std::string::npos) << r.err;
  r = run_cli("export acled --db " + q(dir / "r.sqlite") + " -o " + q(dir / "out.csv"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("r.sqlite: no such record"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "r.sqlite"));
  EXPECT_FALSE(fs::exists(dir / "out.csv"));
  fs::remove_all(dir);
}

TEST(FormatsCliTest, OfflineIncidentsInEveryFormat) {
  const fs::path dir = scratch_dir("formats-incidents");
  RunResult r = run_cli("simulate " + kPlan + " --events 40 --seed 3 -o " + q(dir / "obs.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli("incidents " + kPlan + " " + q(dir / "obs.csv") + " -o " + q(dir / "inc.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string csv = slurp(dir / "inc.csv");
  const long n = std::count(csv.begin(), csv.end(), '\n') - 1;
  r = run_cli("incidents " + kPlan + " " + q(dir / "obs.csv") + " -o " + q(dir / "inc.geojson"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(static_cast<long>(nlohmann::json::parse(slurp(dir / "inc.geojson"))["features"].size()), n);
  r = run_cli("incidents " + kPlan + " " + q(dir / "obs.csv") + " --format acled -o " + q(dir / "acled.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LE(static_cast<long>(acled_rows(dir / "acled.csv").size()), n);
  r = run_cli("incidents " + kPlan + " " + q(dir / "obs.csv") + " -o " + q(dir / "inc.kml"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp(dir / "inc.kml").find("<Placemark"), std::string::npos);
  r = run_cli("incidents " + kPlan + " " + q(dir / "obs.csv") + " -o " + q(dir / "inc.xlsx"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot tell the format"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "inc.xlsx"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
