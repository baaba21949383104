// The line's movement (plan/timeline.h) on the product's own series, and line-check
// (plan/line_check.h) against layers with a known advance and with none.
#include "plan/timeline.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "geo/geodesy.h"
#include "index/locator.h"
#include "io/output.h"
#include "plan/line_check.h"
#include "support.h"

namespace truceline::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string occupied = (testing::root() / "data" / "occupied").string();

// The layer's area computed apart from truceline's geometry: GeographicLib's geodesic polygon
// area of each ring of the GeoJSON as written, holes subtracted.
double geographiclib_km2(const std::string& path) {
  std::ifstream in(path);
  const json doc = json::parse(in);
  const GeographicLib::Geodesic& wgs84 = GeographicLib::Geodesic::WGS84();
  double m2 = 0;
  const auto polygon = [&](const json& rings) {
    for (size_t r = 0; r < rings.size(); ++r) {
      GeographicLib::PolygonArea poly(wgs84);
      for (const json& p : rings[r]) poly.AddPoint(p[1].get<double>(), p[0].get<double>());
      double perimeter = 0, area = 0;
      poly.Compute(false, true, perimeter, area);  // signed: the ring's orientation does not matter
      m2 += (r == 0 ? 1 : -1) * std::fabs(area);
    }
  };
  for (const json& f : doc["features"]) {
    const json& g = f["geometry"];
    if (g["type"] == "Polygon") polygon(g["coordinates"]);
    else for (const json& p : g["coordinates"]) polygon(p);
  }
  return m2 / 1e6;
}

std::vector<SeriesLayer> dates(std::initializer_list<const char*> wanted) {
  std::vector<SeriesLayer> out;
  for (const auto& l : read_series(occupied))
    for (const char* d : wanted)
      if (l.date == d) out.push_back(l);
  return out;
}

TEST(Timeline, AreasAgreeWithGeographicLibOnTheLayersThemselves) {
  geo::Context ctx;
  const auto steps = timeline(ctx, dates({"2024-07-08", "2025-04-11", "2026-08-01"}), {});
  ASSERT_EQ(steps.size(), 3u);
  for (const auto& s : steps) {
    const double independent = geographiclib_km2(s.path);
    EXPECT_NEAR(s.area_km2, independent, independent * 0.001) << s.date;
    EXPECT_GT(s.area_km2, 100'000) << s.date;
  }
}

TEST(Timeline, GainsLessLossesAreTheChangeInAreaWithinTheSlivers) {
  geo::Context ctx;
  const plan::ZoneMap& map = testing::default_map();
  const auto steps = timeline(ctx, dates({"2024-12-01", "2025-01-02", "2025-02-01", "2025-03-01"}), map.settlements);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].taken_km2, 0);
  for (size_t i = 1; i < steps.size(); ++i) {
    const auto& s = steps[i];
    const double change = s.area_km2 - steps[i - 1].area_km2;
    EXPECT_NEAR(s.taken_km2 - s.returned_km2, change, s.dropped_km2 + 0.01) << s.date;
    EXPECT_GT(s.taken_km2, 100) << s.date << ": months of the winter 2024/25 offensive";
    EXPECT_NEAR(geo::area_m2(s.taken) / 1e6, s.taken_km2, 0.01) << "the polygons hold what is counted";
    // Each settlement said to change hands did: inside one layer and not the other.
    const geo::Geom now = read_territory(ctx, s.path), before = read_territory(ctx, steps[i - 1].path);
    const geo::Prepared in_now(now), in_before(before);
    for (const auto& c : s.settlements) {
      const geo::Geom pt = geo::make_point(ctx, c.pos.lon, c.pos.lat);
      EXPECT_EQ(in_now.covers(pt), c.taken) << c.name;
      EXPECT_EQ(in_before.covers(pt), !c.taken) << c.name;
    }
  }
  std::vector<std::string> moved;
  for (const auto& s : steps)
    for (const auto& c : s.settlements) moved.push_back(s.date + " " + c.name);
  EXPECT_FALSE(moved.empty()) << "a town of the settlements layer changed hands that winter";
  for (const auto& m : moved) std::cout << "changed hands: " << m << "\n";
}

TEST(Timeline, ASliverThresholdDropsOnlySmallPieces) {
  geo::Context ctx;
  const auto all = timeline(ctx, dates({"2025-04-11", "2025-04-12"}), {}, {.sliver_km2 = 0});
  const auto some = timeline(ctx, dates({"2025-04-11", "2025-04-12"}), {}, {.sliver_km2 = 0.5});
  EXPECT_EQ(all[1].dropped_km2, 0);
  EXPECT_EQ(all[1].dropped_pieces, 0);
  EXPECT_NEAR(all[1].taken_km2 + all[1].returned_km2, some[1].taken_km2 + some[1].returned_km2 + some[1].dropped_km2, 1e-6);
  EXPECT_EQ(all[1].taken_pieces + all[1].returned_pieces, some[1].taken_pieces + some[1].returned_pieces + some[1].dropped_pieces);
  EXPECT_LE(some[1].dropped_km2, 0.5 * some[1].dropped_pieces);
}

// A layer: the plan's own occupied territory, plus `extra` polygons.
fs::path layer_with(const std::string& name, const std::vector<json>& extra) {
  std::ifstream in(occupied + "/occupied-20250411.geojson");
  json doc = json::parse(in);
  for (const json& poly : extra) doc["features"].push_back({{"type", "Feature"}, {"properties", json::object()}, {"geometry", poly}});
  const fs::path p = fs::temp_directory_path() / ("truceline-" + name + "-20250601.geojson");
  io::write_file_atomic(p, doc.dump());
  return p;
}

TEST(LineCheck, TheSameLayerHasNoAdvance) {
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator locator(map);
  const fs::path same = layer_with("same", {});
  EXPECT_TRUE(line_check(map, locator, same.string()).empty());
  fs::remove(same);
}

TEST(LineCheck, AKnownAdvanceIntoTheDmzIsFoundWithItsAreaAndDepth) {
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator locator(map);
  // A town of the DMZ on the Ukrainian side, 4–8 km from the line: a 3 km box around it is all
  // beyond the line, so the advance is the box.
  const Settlement* town = nullptr;
  for (const Settlement& s : map.settlements) {
    const double d = locator.distance_to_line_m(s.pos);
    if (s.zone >= 0 && map.zones[s.zone].kind == "dmz" && d > 5000 && d < 8000 &&
        !geo::Prepared(map.zones[map.zone_index("russian")].geom).covers(geo::make_point(*map.ctx, s.pos.lon, s.pos.lat))) {
      town = &s;
      break;
    }
  }
  ASSERT_NE(town, nullptr);
  const double dlat = 1.5 / 111.2, dlon = 1.5 / (111.3 * std::cos(town->pos.lat * M_PI / 180));
  const std::vector<geo::LonLat> ring{{town->pos.lon - dlon, town->pos.lat - dlat}, {town->pos.lon + dlon, town->pos.lat - dlat},
                                      {town->pos.lon + dlon, town->pos.lat + dlat}, {town->pos.lon - dlon, town->pos.lat + dlat},
                                      {town->pos.lon - dlon, town->pos.lat - dlat}};
  json coords = json::array();
  for (const auto& p : ring) coords.push_back({p.lon, p.lat});
  const fs::path newer = layer_with("advance", {{{"type", "Polygon"}, {"coordinates", {coords}}}});
  const auto advances = line_check(map, locator, newer.string());
  fs::remove(newer);
  ASSERT_EQ(advances.size(), 1u) << town->name;
  const Advance& a = advances[0];
  const double box_km2 = geo::area_m2(geo::make_polygon(*map.ctx, {ring})) / 1e6;
  EXPECT_NEAR(a.area_km2, box_km2, box_km2 * 1e-6) << town->name;
  double deepest = 0;
  for (const auto& p : ring) deepest = std::max(deepest, locator.distance_to_line_m(p) / 1000);
  EXPECT_NEAR(a.depth_km, deepest, 0.01) << "the box's farthest corner from the line";
  EXPECT_EQ(a.side, map.plan.line.inside) << "the occupying side advanced";
  EXPECT_TRUE(a.into_dmz);
  ASSERT_FALSE(a.zones.empty());
  EXPECT_EQ(a.zones.front(), "dmz");
  EXPECT_EQ(a.responsible, map.zones[map.zone_index("dmz")].responsible);
}

}  // namespace
}  // namespace truceline::plan
