// The zone grid against GEOS prepared geometries on random points: the same zone everywhere
// except within 1e-9 degrees of a zone boundary.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "index/zone_grid.h"
#include "support.h"

namespace truceline::index {
namespace {

std::vector<const geo::Geom*> zone_geoms(const plan::ZoneMap& m) {
  std::vector<const geo::Geom*> out;
  for (const auto& z : m.zones) out.push_back(&z.geom);
  return out;
}

// GEOS's answer: the first zone, in precedence order, whose prepared geometry contains the point.
class GeosReference {
 public:
  explicit GeosReference(const plan::ZoneMap& m) : map_(m), h_(m.ctx->handle()) {
    for (const auto& z : m.zones) prepared_.push_back(GEOSPrepare_r(h_, z.geom.get()));
    for (const auto& z : m.zones) boundaries_.push_back(z.geom.boundary());
  }
  ~GeosReference() {
    for (auto* p : prepared_) GEOSPreparedGeom_destroy_r(h_, p);
  }
  int zone_of(double lon, double lat) const {
    const geo::Geom pt = geo::make_point(*map_.ctx, lon, lat);
    for (size_t i = 0; i < prepared_.size(); ++i)
      if (GEOSPreparedContains_r(h_, prepared_[i], pt.get())) return static_cast<int>(i);
    return -1;
  }
  // Distance in degrees from the point to the nearest zone boundary.
  double boundary_distance(double lon, double lat) const {
    const geo::Geom pt = geo::make_point(*map_.ctx, lon, lat);
    double best = INFINITY;
    for (const auto& b : boundaries_) {
      double d = 0;
      GEOSDistance_r(h_, b.get(), pt.get(), &d);
      best = std::min(best, d);
    }
    return best;
  }

 private:
  const plan::ZoneMap& map_;
  GEOSContextHandle_t h_;
  std::vector<const GEOSPreparedGeometry*> prepared_;
  std::vector<geo::Geom> boundaries_;
};

TEST(ZoneGridTest, SameZoneAsGeosOnAMillionRandomPoints) {
  const plan::ZoneMap& m = testing::default_map();
  const ZoneGrid grid(zone_geoms(m));
  const GeosReference geos(m);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(21.5, 40.8), lat(43.8, 52.9);
  int disagreements = 0, near_boundary = 0;
  std::array<int, 8> per_zone{};
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = lon(rng), y = lat(rng);
    const int g = grid.zone_of(x, y), r = geos.zone_of(x, y);
    per_zone[r + 1]++;
    if (g == r) continue;
    if (geos.boundary_distance(x, y) <= 1e-9) {
      ++near_boundary;
      continue;
    }
    ++disagreements;
    ADD_FAILURE() << "point " << x << "," << y << ": grid " << g << ", GEOS " << r;
    if (disagreements > 10) break;
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_LT(near_boundary, 10);
  for (size_t z = 0; z <= m.zones.size(); ++z) EXPECT_GT(per_zone[z], 1000) << "zone " << int(z) - 1 << " was sampled";
}

// Points placed right beside zone edges, where only the crossing count decides.
TEST(ZoneGridTest, SameZoneAsGeosBesideTheEdges) {
  const plan::ZoneMap& m = testing::default_map();
  const ZoneGrid grid(zone_geoms(m));
  const GeosReference geos(m);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> off(-1e-4, 1e-4);
  int checked = 0;
  for (const auto& z : m.zones)
    for (const auto& rings : geo::polygon_parts(z.geom))
      for (const auto& ring : rings)
        for (size_t i = 0; i + 1 < ring.size(); i += 11) {
          const double x = (ring[i].lon + ring[i + 1].lon) / 2 + off(rng), y = (ring[i].lat + ring[i + 1].lat) / 2 + off(rng);
          const int g = grid.zone_of(x, y), r = geos.zone_of(x, y);
          if (g != r) {
            EXPECT_LE(geos.boundary_distance(x, y), 1e-9) << x << "," << y << ": grid " << g << " GEOS " << r;
          }
          ++checked;
        }
  EXPECT_GT(checked, 1000);
}

TEST(ZoneGridTest, OutsideTheGridAndNaN) {
  const ZoneGrid grid(zone_geoms(testing::default_map()));
  EXPECT_EQ(grid.zone_of(0, 0), -1);
  EXPECT_EQ(grid.zone_of(27.56, 53.9), -1);  // Minsk
  EXPECT_EQ(grid.zone_of(NAN, 48), -1);
  EXPECT_EQ(grid.zone_of(31, NAN), -1);
}

TEST(ZoneGridTest, FitsTheMemoryBudget) {
  const ZoneGrid grid(zone_geoms(testing::default_map()));
  EXPECT_LT(grid.memory_bytes(), 64u << 20);
  EXPECT_GT(grid.crossed_cells(), 1000u);
  EXPECT_LT(grid.crossed_cells(), static_cast<size_t>(grid.nx()) * grid.ny() / 10);
}

}  // namespace
}  // namespace truceline::index
