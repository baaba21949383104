// Plans over a synthetic square (tests/fixtures/square): a Korea-style DMZ along a given line,
// Minsk-style withdrawal bands, Berlin-style sectors by region, and the errors of bad plans.
#include <gtest/gtest.h>

#include "geo/errors.h"
#include "geo/geodesy.h"
#include "index/line_index.h"
#include "plan/compiler.h"
#include "support.h"

namespace truceline::plan {
namespace {

std::string fixture_plan_path() { return (testing::root() / "tests/fixtures/square/plan.toml").string(); }

const char* kBase = R"(
name = "square"
[area]
layer = "area.geojson"
[[parties]]
id = "north"
name = "North"
[[parties]]
id = "south"
name = "South"
)";

// `top` holds top-level keys, which TOML requires before the first table.
ZoneMap compile_text(const std::string& body, std::vector<std::string>* warnings = nullptr,
                     const std::string& top = "") {
  Plan p = parse_plan_text(top + kBase + body, fixture_plan_path());
  return compile(p, [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  });
}

const char* kKorea = R"(
[line_of_contact]
layer = "line.geojson"
inside = "west"
outside = "east"
[dmz]
width = "2 km"
[[withdrawal]]
class = "artillery_ge_100"
distance = "25 km"
[[zones]]
id = "dmz"
within = ["dmz"]
[[zones]]
id = "w"
within = ["west"]
responsible = "north"
[[zones]]
id = "e"
within = ["east"]
responsible = "south"
)";

TEST(SyntheticPlanTest, KoreaStyleDmzAlongAGivenLine) {
  const ZoneMap m = compile_text(kKorea);
  ASSERT_EQ(m.zones.size(), 3u);
  const double len = m.find_line("line_of_contact")->length_km;
  EXPECT_NEAR(len, geo::length_m(geo::densify({{30.2, 47}, {30.2, 48}, {30.2125, 48.3}, {30.25, 49}}, 1000)) / 1000, 25);
  // A band 4 km wide along the whole line, clipped at the square's edges.
  EXPECT_NEAR(m.zones[0].area_km2, 4 * len, 0.01 * 4 * len);
  // The line leaves the west on its left when followed north: "inside" is the west.
  geo::Prepared west(m.zones[1].geom), east(m.zones[2].geom);
  EXPECT_TRUE(west.covers(geo::make_point(*m.ctx, 29.5, 48)));
  EXPECT_TRUE(east.covers(geo::make_point(*m.ctx, 30.7, 48)));
  EXPECT_FALSE(west.covers(geo::make_point(*m.ctx, 30.7, 48)));
  double sum = 0;
  for (const auto& z : m.zones) sum += z.area_km2;
  EXPECT_NEAR(sum, m.area_km2, m.area_km2 * 1e-4);
}

TEST(SyntheticPlanTest, DmzEdgeIsTheGivenDistanceFromTheLine) {
  const ZoneMap m = compile_text(kKorea);
  index::LineIndex loc(geo::line_parts(m.find_line("line_of_contact")->geom));
  int checked = 0;
  for (const auto& l : m.lines) {
    if (l.kind != "dmz_edge") continue;
    for (const auto& part : geo::line_parts(l.geom))
      for (const auto& p : part) {
        EXPECT_NEAR(loc.distance_m(p), 2000, 2) << p.lon << "," << p.lat;
        ++checked;
      }
  }
  EXPECT_GT(checked, 100);
}

TEST(SyntheticPlanTest, WithdrawalLinesOnEachSide) {
  const ZoneMap m = compile_text(kKorea);
  index::LineIndex loc(geo::line_parts(m.find_line("line_of_contact")->geom));
  int lines = 0;
  for (const auto& l : m.lines) {
    if (l.kind != "withdrawal_line") continue;
    ++lines;
    EXPECT_EQ(l.weapon_class, "artillery_ge_100");
    EXPECT_DOUBLE_EQ(l.offset_km, 25);
    auto parts = geo::line_parts(l.geom);
    ASSERT_FALSE(parts.empty());
    EXPECT_NEAR(loc.distance_m(parts[0][parts[0].size() / 2]), 25'000, 25);
  }
  EXPECT_EQ(lines, 2);
}

TEST(SyntheticPlanTest, BerlinStyleSectorsByRegionWithPrecedence) {
  const ZoneMap m = compile_text(R"(
[shapes]
west_half = { regions = ["W"] }
east_half = { regions = ["E"] }
centre = { polygon = [[[29.8, 47.8], [30.2, 47.8], [30.2, 48.2], [29.8, 48.2]]] }
[line_of_contact]
layer = "line.geojson"
[[zones]]
id = "west-sector"
within = ["west_half"]
responsible = "north"
[[zones]]
id = "east-sector"
within = ["east_half"]
responsible = "south"
[[zones]]
id = "centre"
within = ["centre"]
)", nullptr, "precedence = [\"centre\", \"west-sector\", \"east-sector\"]\n");
  ASSERT_EQ(m.zones.size(), 3u);
  EXPECT_EQ(m.zones[0].id, "centre");
  // The centre square takes its area from both halves, which are each ~1/2 of the square.
  EXPECT_NEAR(m.zones[1].area_km2 + m.zones[2].area_km2 + m.zones[0].area_km2, m.area_km2, 0.1);
  EXPECT_NEAR(m.zones[1].area_km2, m.zones[2].area_km2, 0.01 * m.zones[1].area_km2);
  EXPECT_NEAR(m.zones[0].area_km2, geo::area_m2(geo::make_polygon(*m.ctx, {{{29.8, 47.8}, {30.2, 47.8}, {30.2, 48.2},
                                                                             {29.8, 48.2}, {29.8, 47.8}}})) / 1e6, 0.01);
}

TEST(SyntheticPlanTest, InvalidPolygonIsRepairedWithAWarningNamingTheFeature) {
  std::vector<std::string> warnings;
  const ZoneMap m = compile_text(R"(
[shapes]
tie = { layer = "bowtie.geojson" }
[line_of_contact]
boundary_of = "tie"
tolerance = "1 km"
[[zones]]
id = "tie"
within = ["tie"]
)", &warnings);
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("bowtie-7"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("MakeValid"), std::string::npos) << warnings[0];
  EXPECT_GT(m.zones[0].area_km2, 100);  // both triangles kept, not a zero-area bow-tie
}

void expect_error(const std::string& body, const std::string& needle) {
  try {
    compile_text(body);
    FAIL() << "expected an error containing '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(SyntheticPlanTest, UnknownUnitIsNamedWithItsLine) {
  expect_error("[line_of_contact]\nlayer = \"line.geojson\"\n[dmz]\nwidth = \"15 kms\"\n[[zones]]\nid = \"a\"\n",
               "plan.toml:14: [dmz] width: '15 kms' is not a length with a known unit");
}

TEST(SyntheticPlanTest, DmzWiderThanTheArea) {
  expect_error("[line_of_contact]\nlayer = \"line.geojson\"\n[dmz]\nwidth = \"400 km\"\n[[zones]]\nid = \"a\"\n",
               "is wider than the area");
}

TEST(SyntheticPlanTest, DividingLineThatDoesNotCrossTheArea) {
  expect_error("[line_of_contact]\nlayer = \"line.geojson\"\n[divide]\nlayer = \"far-line.geojson\"\n"
               "[[zones]]\nid = \"a\"\n",
               "far-line.geojson: the dividing line does not cross the area");
  expect_error("[line_of_contact]\nlayer = \"line.geojson\"\n[divide]\nlayer = \"short-line.geojson\"\n"
               "[[zones]]\nid = \"a\"\n",
               "does not cut the area in two");
}

TEST(SyntheticPlanTest, MissingLayerFile) {
  expect_error("[line_of_contact]\nlayer = \"no-such-line.geojson\"\n[[zones]]\nid = \"a\"\n",
               "no-such-line.geojson: cannot open the file");
}

TEST(SyntheticPlanTest, UnknownShapeAndRegion) {
  expect_error("[line_of_contact]\nlayer = \"line.geojson\"\n[[zones]]\nid = \"a\"\nwithin = [\"nowhere\"]\n",
               "unknown shape 'nowhere'");
  expect_error("[shapes]\nx = { regions = [\"Q\"] }\n[line_of_contact]\nlayer = \"line.geojson\"\n"
               "[[zones]]\nid = \"a\"\nwithin = [\"x\"]\n",
               "'Q' is not a region of the area");
}

TEST(SyntheticPlanTest, TomlSyntaxErrorNamesTheLine) {
  expect_error("[line_of_contact\nlayer = 3\n", "plan.toml:11: Error while parsing table header");
}

TEST(SyntheticPlanTest, UnitsOfLength) {
  Plan p = parse_plan_text(std::string(kBase) + R"(
[line_of_contact]
layer = "line.geojson"
tolerance = "8 nmi"
min_piece = "9 mi"
[dmz]
inside = "500 m"
outside = "1.5 km"
[[zones]]
id = "a"
)", fixture_plan_path());
  EXPECT_DOUBLE_EQ(p.line.tolerance_m, 8 * 1852.0);
  EXPECT_DOUBLE_EQ(p.line.min_piece_m, 9 * 1609.344);
  EXPECT_DOUBLE_EQ(p.dmz->inside_m, 500);
  EXPECT_DOUBLE_EQ(p.dmz->outside_m, 1500);
}

}  // namespace
}  // namespace truceline::plan
