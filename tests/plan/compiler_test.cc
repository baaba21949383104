// The default plan's zones against the bars of the plan compiler: a partition of the area,
// ellipsoidal areas, and the published figures of the April 2025 proposal.
#include <gtest/gtest.h>

#include "geo/geodesy.h"
#include "support.h"

namespace truceline::plan {
namespace {

using testing::default_map;

TEST(CompilerTest, ZoneKindsOfTheDefaultPlan) {
  std::set<std::string> kinds;
  for (const auto& z : default_map().zones) kinds.insert(z.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"dmz", "russian", "ukraine", "allied"}));
  int allied = 0;
  for (const auto& z : default_map().zones) allied += z.kind == "allied";
  EXPECT_GE(allied, 2) << "the allied side is split into at least two sectors";
}

// Natural Earth's outline of Ukraine measures about 599,000 km² on the ellipsoid.
TEST(CompilerTest, AreaOfTheCountry) {
  EXPECT_NEAR(default_map().area_km2, 599'000, 3'000);
}

// DeepStateMap's occupied territory on 2025-04-11, inside Natural Earth's outline: ~110,900 km²
// (the polygon as drawn is ~112,600 km², part of it beyond the outline).
TEST(CompilerTest, OccupiedTerritoryArea) {
  const auto& shapes = default_map().shape_area_km2;
  ASSERT_FALSE(shapes.empty());
  EXPECT_EQ(shapes[0].first, "occupied_side");
  EXPECT_NEAR(shapes[0].second, 110'900, 1'000);
}

// The line of contact: ~1,070 km for its main piece to ~1,100 km for all pieces of 5 km or more.
TEST(CompilerTest, LineOfContactLength) {
  const Line* loc = default_map().find_line("line_of_contact");
  ASSERT_NE(loc, nullptr);
  EXPECT_GE(loc->length_km, 1'070);
  EXPECT_LE(loc->length_km, 1'110);
}

TEST(CompilerTest, ZonesSumToTheArea) {
  double sum = 0;
  for (const auto& z : default_map().zones) sum += z.area_km2;
  EXPECT_NEAR(sum, default_map().area_km2, default_map().area_km2 * 1e-4);
}

TEST(CompilerTest, ZonesOverlapNowhere) {
  const auto& zones = default_map().zones;
  for (size_t i = 0; i < zones.size(); ++i)
    for (size_t j = i + 1; j < zones.size(); ++j) {
      const double overlap = geo::area_m2(zones[i].geom.intersection(zones[j].geom)) / 1e6;
      EXPECT_LT(overlap, 0.01) << zones[i].id << " and " << zones[j].id;
    }
}

TEST(CompilerTest, AreasAreEllipsoidalNotPlanar) {
  // A square degree at 48°N is about 8,280 km² on the ellipsoid; a planar area in degrees would
  // make the country about 80 "square degrees".
  const auto& z = default_map().zones[0];
  EXPECT_GT(z.area_km2, 1000);
  EXPECT_NEAR(z.area_km2, geo::area_m2(z.geom) / 1e6, 1e-6);
  EXPECT_GT(z.area_km2 / z.geom.planar_area(), 7'000);
}

// Fifteen kilometres each side, along ~1,100 km of line: the DMZ is roughly 2 × 15 × length,
// less what borders and coasts cut off and where the band folds on itself.
TEST(CompilerTest, DmzIsTwoBandsOfFifteenKilometres) {
  const auto& m = default_map();
  const Zone& dmz = m.zones[m.zone_index("dmz")];
  const double length = m.find_line("line_of_contact")->length_km;
  EXPECT_GT(dmz.area_km2, 0.6 * 30 * length);
  EXPECT_LT(dmz.area_km2, 1.0 * 30 * length);
}

TEST(CompilerTest, PopulationComesFromTheSettlements) {
  long total = 0, in_zones = 0;
  for (const auto& s : default_map().settlements) {
    total += s.population;
    if (s.zone >= 0) in_zones += s.population;
  }
  long zones = 0;
  for (const auto& z : default_map().zones) zones += z.population;
  EXPECT_EQ(zones, in_zones);
  EXPECT_GT(in_zones, 0.98 * total) << "nearly every Ukrainian settlement lies in the area";
}

TEST(CompilerTest, LinesOfTheDefaultPlan) {
  std::map<std::string, int> kinds;
  for (const auto& l : default_map().lines) {
    ++kinds[l.kind];
    EXPECT_GT(l.length_km, 0) << l.name;
  }
  EXPECT_EQ(kinds["line_of_contact"], 1);
  EXPECT_EQ(kinds["dividing_line"], 1);
  EXPECT_EQ(kinds["dmz_edge"], 2);
}

}  // namespace
}  // namespace truceline::plan
