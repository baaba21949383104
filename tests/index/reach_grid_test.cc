// ReachGrid against the distance it stands in for: no point it rules out is within reach of the
// land border, and it rules out nearly every point that is not close.
#include <gtest/gtest.h>

#include <random>

#include "geo/geodesy.h"
#include "index/line_index.h"
#include "index/reach_grid.h"
#include "support.h"

namespace truceline::index {
namespace {

std::vector<std::vector<geo::LonLat>> default_land_border() {
  std::vector<std::vector<geo::LonLat>> out;
  for (const auto& z : testing::default_map().zones)
    if (z.land_border)
      for (const auto& l : geo::line_parts(z.land_border)) out.push_back(geo::densify(l, 1000));
  return out;
}

TEST(ReachGridTest, RulesOutOnlyPointsBeyondReach) {
  const auto lines = default_land_border();
  ASSERT_FALSE(lines.empty());
  const double reach = 2500;
  const ReachGrid grid(lines, reach);
  const LineIndex exact(lines);
  std::vector<geo::LonLat> vertices;
  for (const auto& l : lines) vertices.insert(vertices.end(), l.begin(), l.end());
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> azi(0, 360), off(0, 12000);
  int ruled_out = 0, near = 0, near_kept = 0;
  // Points within 12 km of the border, where the answer changes, and uniform over the box.
  for (int i = 0; i < 100000; ++i) {
    const geo::LonLat p = i % 2 ? geo::destination(vertices[rng() % vertices.size()], azi(rng), off(rng))
                                : geo::LonLat{21.5 + 20.0 * (rng() % 100000) / 1e5, 44 + 9.0 * (rng() % 100000) / 1e5};
    const double d = exact.distance_m(p);
    if (!grid.maybe_within(p)) {
      ++ruled_out;
      ASSERT_GT(d, reach) << p.lon << " " << p.lat;
    }
    if (d <= reach) ++near, near_kept += grid.maybe_within(p);
  }
  EXPECT_EQ(near_kept, near);
  EXPECT_GT(near, 1000);
  // Most points of the uniform half are hundreds of kilometres away: ruled out by one byte.
  EXPECT_GT(ruled_out, 45000);
}

TEST(ReachGridTest, NoLinesReachNothingAndAPoleReachesEverything) {
  EXPECT_FALSE(ReachGrid({}, 1000).maybe_within({30, 50}));
  const ReachGrid polar({{{0, 89.2}, {10, 89.5}}}, 1000);
  EXPECT_TRUE(polar.maybe_within({-170, -80}));
  const ReachGrid dateline({{{179.99, 10}, {179.999, 10.01}}}, 5000);
  EXPECT_TRUE(dateline.maybe_within({-179.99, 10}));
}

TEST(ReachGridTest, SavedAndLoadedAnswersTheSame) {
  const auto lines = default_land_border();
  const ReachGrid grid(lines, 2500);
  io::ByteWriter w;
  grid.save(w);
  io::ByteReader r(w.bytes());
  const ReachGrid back = ReachGrid::load(r);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(back.marked_cells(), grid.marked_cells());
  std::mt19937_64 rng(2);
  for (int i = 0; i < 100000; ++i) {
    const geo::LonLat p{21 + 21.0 * (rng() % 1000000) / 1e6, 43 + 10.0 * (rng() % 1000000) / 1e6};
    ASSERT_EQ(grid.maybe_within(p), back.maybe_within(p));
  }
}

}  // namespace
}  // namespace truceline::index
