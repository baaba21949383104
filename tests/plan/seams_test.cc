// The seam step (plan/seams.h) on a synthetic square, and the default plan's zone map without
// seams: named places on the side that holds them, the former fragments taken by the zone around
// them, the zones a partition of the area.
#include "plan/seams.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "geo/geodesy.h"
#include "geo/planar.h"
#include "index/locator.h"
#include "plan/check.h"
#include "support.h"

namespace truceline::plan {
namespace {

using geo::Geom;

// A 0.2° square at 48°N and a plane fitted to it.
struct Square {
  geo::Context ctx;
  Geom area = geo::make_polygon(ctx, {{{30, 48}, {30.2, 48}, {30.2, 48.2}, {30, 48.2}, {30, 48}}});
  geo::Projection plane = geo::fitted_lcc({29.9, 47.9, 30.3, 48.3});
  Geom box(double x0, double y0, double x1, double y1) const {
    return geo::make_polygon(ctx, {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}});
  }
};

double km2(const Geom& g) { return geo::area_m2(g) / 1e6; }

// Where the shape's edge meets the outline at a right angle, the opening also takes the corner of
// the other side within r = tolerance / 2 of both: r² (1 − π/4) (docs/plan-format.md, Seams).
double corner_km2(double tolerance_m) { return std::pow(tolerance_m / 2 / 1000, 2) * (1 - M_PI / 4); }

TEST(CloseGaps, AStripNarrowerThanTheToleranceAlongTheOutlineJoinsTheShape) {
  Square s;
  // The shape stops 0.005° (about 370 m) short of the square's east edge, and meets its north and
  // south edges, where it takes the two corners of the west side too.
  const Geom shape = s.box(30.1, 48.0, 30.195, 48.2);
  const GapFill f = close_gaps(shape, s.area, 1000, s.plane);
  const double strip_km2 = km2(s.box(30.195, 48.0, 30.2, 48.2));
  EXPECT_EQ(f.report.gaps, 3);
  EXPECT_NEAR(f.report.filled_km2, strip_km2 + 2 * corner_km2(1000), 0.01 * strip_km2);
  EXPECT_NEAR(km2(f.shape), km2(s.box(30.1, 48.0, 30.2, 48.2)) + 2 * corner_km2(1000), 0.01 * strip_km2);
  EXPECT_EQ(geo::polygon_parts(f.shape).size(), 1u);  // one piece, no seam left inside
}

TEST(CloseGaps, AGapWiderThanTheToleranceStays) {
  Square s;
  const Geom shape = s.box(30.1, 48.0, 30.15, 48.2);  // 0.05°, about 3.7 km short of the edge
  const GapFill f = close_gaps(shape, s.area, 2000, s.plane);
  // At most the corners where the shape meets the outline, none of the 81 km² gap.
  EXPECT_LE(f.report.gaps, 4);
  EXPECT_LE(f.report.filled_km2, 4 * corner_km2(2000) * 1.05);
  EXPECT_NEAR(km2(f.shape), km2(shape) + f.report.filled_km2, 1e-3);
}

TEST(CloseGaps, ANarrowInletAwayFromTheOutlineIsNoGap) {
  Square s;
  // Two lobes with a 300 m channel between them, closed at both ends by the shape: no outline.
  const Geom shape = s.box(30.05, 48.05, 30.15, 48.15).difference(s.box(30.098, 48.07, 30.102, 48.13));
  const GapFill f = close_gaps(shape, s.area, 1000, s.plane);
  EXPECT_EQ(f.report.gaps, 0);
  EXPECT_NEAR(km2(f.shape), km2(shape), 1e-6);
}

TEST(CloseGaps, WhatLiesOutsideTheAreaIsClipped) {
  Square s;
  const GapFill f = close_gaps(s.box(30.1, 47.9, 30.3, 48.1), s.area, 0, s.plane);
  EXPECT_NEAR(km2(f.shape), km2(s.box(30.1, 48.0, 30.2, 48.1)), 1e-6);
  EXPECT_NEAR(f.report.clipped_km2, km2(s.box(30.1, 47.9, 30.3, 48.1)) - km2(f.shape), 1e-6);
}

Zone zone(const std::string& id, Geom g) {
  Zone z;
  z.id = id;
  z.geom = std::move(g);
  z.area_km2 = km2(z.geom);
  return z;
}

// West: the west half and a 1 km² plot inside the east half; east: the rest of the east half.
std::vector<Zone> west_with_a_plot_in_the_east(const Square& s, const Geom& plot) {
  std::vector<Zone> zones;
  std::vector<Geom> west;
  west.push_back(s.box(30.0, 48.0, 30.1, 48.2));
  west.push_back(plot.clone());
  zones.push_back(zone("west", geo::unary_union(s.ctx, std::move(west))));
  zones.push_back(zone("east", s.box(30.1, 48.0, 30.2, 48.2).difference(plot)));
  return zones;
}

TEST(ReassignFragments, APartAwayFromItsZoneGoesToTheZoneAroundIt) {
  Square s;
  const Geom plot = s.box(30.15, 48.1, 30.16, 48.11);
  std::vector<Zone> zones = west_with_a_plot_in_the_east(s, plot);
  const double east_before = zones[1].area_km2;
  const auto found = reassign_fragments(zones, {{}, nullptr, 5000});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason, "moved");
  EXPECT_EQ(found[0].zone, "west");
  EXPECT_EQ(found[0].moved_to, "east");
  EXPECT_NEAR(zones[1].area_km2, east_before + km2(plot), 1e-6);
  EXPECT_EQ(geo::polygon_parts(zones[0].geom).size(), 1u);
  EXPECT_EQ(geo::polygon_parts(zones[1].geom).size(), 1u);
}

TEST(ReassignFragments, ADeclaredEnclaveStaysWithItsZone) {
  Square s;
  std::vector<Zone> zones = west_with_a_plot_in_the_east(s, s.box(30.15, 48.1, 30.16, 48.11));
  const std::vector<Enclave> enclaves{{"plot", {30.155, 48.105}, "west"}};
  const auto found = reassign_fragments(zones, {enclaves, nullptr, 5000});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason, "declared");
  EXPECT_EQ(geo::polygon_parts(zones[0].geom).size(), 2u);
}

TEST(ReassignFragments, AnIslandNoOtherZoneTouchesStays) {
  Square s;
  std::vector<Zone> zones;
  std::vector<Geom> west;
  west.push_back(s.box(30.0, 48.0, 30.1, 48.2));
  west.push_back(s.box(30.3, 48.0, 30.31, 48.01));  // off the square: sea all round
  zones.push_back(zone("west", geo::unary_union(s.ctx, std::move(west))));
  zones.push_back(zone("east", s.box(30.1, 48.0, 30.2, 48.2)));
  const auto found = reassign_fragments(zones, {{}, nullptr, 5000});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason, "island");
}

TEST(ReassignFragments, AFragmentInsideAnotherFragmentFollowsItToTheBody) {
  Square s;
  std::vector<Zone> zones;
  // East's strip along the west zone's edge is detached from east's body; a plot of west lies
  // inside that strip. The strip goes to west first, then the plot is part of west's body.
  const Geom strip = s.box(30.05, 48.05, 30.06, 48.15);
  const Geom plot = s.box(30.052, 48.1, 30.058, 48.11);
  std::vector<Geom> east;
  east.push_back(s.box(30.1, 48.0, 30.2, 48.2));
  east.push_back(strip.difference(plot));
  zones.push_back(zone("west", s.box(30.0, 48.0, 30.1, 48.2).difference(strip.difference(plot))));
  zones.push_back(zone("east", geo::unary_union(s.ctx, std::move(east))));
  reassign_fragments(zones, {{}, nullptr, 5000});
  EXPECT_EQ(geo::polygon_parts(zones[0].geom).size(), 1u);
  EXPECT_NEAR(zones[0].area_km2, km2(s.box(30.0, 48.0, 30.1, 48.2)), 1e-6);
  EXPECT_NEAR(zones[1].area_km2, km2(s.box(30.1, 48.0, 30.2, 48.2)), 1e-6);
}

const Settlement& settlement(const ZoneMap& map, const std::string& name) {
  for (const auto& s : map.settlements)
    if (s.name == name) return s;
  throw std::runtime_error("no settlement " + name);
}

TEST(DefaultPlanSeams, PlacesOnTheOccupiedSideAreRussianOrDmz) {
  const ZoneMap& map = testing::default_map();
  const index::Locator loc(map);
  for (const char* name : {"Kerch", "Sevastopol", "Yevpatoriya", "Feodosiya", "Dzhankoy", "Armyansk", "Heniches’k",
                           "Berdyansk", "Novoazovs'k", "Sverdlovs’k"}) {
    const Settlement& s = settlement(map, name);
    const int z = loc.locate(s.pos).zone;
    ASSERT_GE(z, 0) << name;
    EXPECT_TRUE(map.zones[z].id == "russian" || map.zones[z].id == "dmz") << name << " is " << map.zones[z].id;
    EXPECT_EQ(s.zone, z) << name;  // the compiler's placement agrees with the locator's
  }
}

TEST(DefaultPlanSeams, CoastalTownsWestOfTheDnieperAreInTheSouthernSector) {
  const ZoneMap& map = testing::default_map();
  const index::Locator loc(map);
  for (const char* name : {"Zatoka", "Vylkove", "Ochakiv"}) {
    const int z = loc.locate(settlement(map, name).pos).zone;
    ASSERT_GE(z, 0) << name;
    EXPECT_EQ(map.zones[z].id, "allied-south") << name;
  }
}

TEST(DefaultPlanSeams, FormerFragmentsTakeTheZoneAroundThem) {
  const ZoneMap& map = testing::default_map();
  const index::Locator loc(map);
  std::ifstream in(testing::root() / "tests/fixtures/seams/former-fragments.csv");
  std::string line;
  std::getline(in, line);
  int rows = 0;
  std::set<int> fragments;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string v; std::getline(fields, v, ',');) f.push_back(v);
    ASSERT_EQ(f.size(), 4u) << line;
    const geo::LonLat p{std::stod(f[1]), std::stod(f[0])};
    const int z = loc.locate(p).zone;
    ASSERT_GE(z, 0) << line;
    const std::string& id = map.zones[z].id;
    if (f[2] == "occupied") EXPECT_TRUE(id == "russian" || id == "dmz") << line << " is " << id;
    else EXPECT_EQ(id, f[2]) << line;
    ++rows, fragments.insert(std::stoi(f[3]));
  }
  EXPECT_EQ(rows, 144);
  EXPECT_GE(fragments.size(), 70u);
}

TEST(DefaultPlanSeams, NoPartApartFromItsZoneButIslandsAndTheLinesOwn) {
  const ZoneMap& map = testing::default_map();
  const PlanCheck c = check_plan(map);
  EXPECT_TRUE(c.warnings.empty()) << check_text(c);
  for (const auto& f : c.kept) EXPECT_TRUE(f.reason == "island" || f.reason == "on_line") << f.zone << " " << f.reason;
  EXPECT_GT(c.moved, 0);  // the seams the occupied layer leaves along the Russian border
}

TEST(DefaultPlanSeams, ZonesPartitionTheAreaWithinATenThousandth) {
  const ZoneMap& map = testing::default_map();
  const PlanCheck c = check_plan(map);
  EXPECT_LT(std::abs(c.zones_km2 - c.area_km2), 1e-4 * c.area_km2);
  EXPECT_LT(c.overlap_km2, 1e-4 * c.area_km2);
}

TEST(DefaultPlanSeams, EverySettlementIsInAZone) {
  const ZoneMap& map = testing::default_map();
  for (const auto& s : map.settlements) EXPECT_GE(s.zone, 0) << s.name;
  // Milove lies just beyond Natural Earth's border with Russia: snapped, and says by how much.
  const Settlement& milove = settlement(map, "Milove");
  EXPECT_GT(milove.outside_by_m, 100);
  EXPECT_LT(milove.outside_by_m, map.plan.border_snap_m);
}

TEST(LocatorSnap, BeyondTheLandBorderTakesTheNearestZoneTheSeaStaysOutside) {
  const ZoneMap& map = testing::default_map();
  const index::Locator loc(map);
  const Settlement& milove = settlement(map, "Milove");
  const Snapped at = loc.locate(milove.pos);
  EXPECT_EQ(at.zone, milove.zone);
  EXPECT_NEAR(at.outside_by_m, milove.outside_by_m, 0.05);  // LineIndex's 3 cm against brute force
  EXPECT_EQ(loc.locate({32.0, 44.0}).zone, -1);             // the Black Sea
  EXPECT_EQ(loc.locate({41.0, 49.4}).zone, -1);             // 60 km into Russia
}

}  // namespace
}  // namespace truceline::plan
