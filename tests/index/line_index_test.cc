// LineIndex (through Locator) against a brute-force reference, and the DMZ edges against the
// line of contact they are offset from.
#include "index/line_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "geo/geodesy.h"
#include "index/locator.h"
#include "support.h"

namespace truceline::index {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kR = 6371008.8;  // the sphere LineIndex compares with
// WGS84: the radii of curvature range from M at the equator, a(1 − e²), to N = M at the poles,
// a/√(1 − e²). The ellipsoid's metric in (lat, lon) is M² dφ² + N² cos²φ dλ², the sphere's
// R² (dφ² + cos²φ dλ²), so every path, and hence every geodesic distance, lies between
// kLo and kHi times the great-circle distance between the same latitudes and longitudes.
constexpr double kA = 6378137, kF = 1 / 298.257223563, kE2 = kF * (2 - kF);
const double kLo = kA * (1 - kE2) / kR;  // 0.994417
const double kHi = kA / std::sqrt(1 - kE2) / kR;  // 1.004487

double great_circle_m(geo::LonLat p, geo::LonLat q) {
  const double s1 = std::sin((q.lat - p.lat) * kDeg / 2), s2 = std::sin((q.lon - p.lon) * kDeg / 2);
  const double h = s1 * s1 + std::cos(p.lat * kDeg) * std::cos(q.lat * kDeg) * s2 * s2;
  return 2 * kR * std::asin(std::sqrt(std::min(1.0, h)));
}

struct Segment {
  geo::LonLat a, b;
  double arc_m;  // great-circle length
};

std::vector<Segment> segments_of(const plan::ZoneMap& map, const std::string& kind) {
  std::vector<Segment> out;
  const plan::Line* line = map.find_line(kind);
  if (!line) return out;
  for (const auto& part : geo::line_parts(line->geom))
    for (size_t i = 1; i < part.size(); ++i) out.push_back({part[i - 1], part[i], great_circle_m(part[i - 1], part[i])});
  return out;
}

// Minimum of geo::distance_to_segment_exact_m over every segment. A segment is skipped only when
// a lower bound of its distance already exceeds the best so far. The bound: for q on the geodesic
// a–b of length L, d(p,q) ≥ d(p,a) − d(a,q) and d(p,q) ≥ d(p,b) − d(q,b), with d(a,q) + d(q,b) = L;
// adding the two, d(p,q) ≥ (d(p,a) + d(p,b) − L) / 2 ≥ (kLo·(g(p,a) + g(p,b)) − kHi·g(a,b)) / 2 with g
// the great-circle distance. 1 mm is taken off it for rounding in the trigonometry.
double brute_force_m(geo::LonLat p, const std::vector<Segment>& segs, std::vector<std::pair<double, int>>& order) {
  order.clear();
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    const double lb = (kLo * (great_circle_m(p, s.a) + great_circle_m(p, s.b)) - kHi * s.arc_m) / 2 - 1e-3;
    order.emplace_back(lb, static_cast<int>(i));
  }
  std::sort(order.begin(), order.end());
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [lb, i] : order) {
    if (lb > best) break;  // every later segment has a larger bound
    best = std::min(best, geo::distance_to_segment_exact_m(p, segs[i].a, segs[i].b));
  }
  return best;
}

TEST(LineIndex, AgreesWithBruteForceOnRandomPoints) {
  const plan::ZoneMap& map = testing::default_map();
  const std::vector<Segment> segs = segments_of(map, "line_of_contact");
  ASSERT_GT(segs.size(), 100u);
  const Locator loc(map);
  std::mt19937_64 rng(20250411);
  std::uniform_real_distribution<double> lon(22.0, 40.5), lat(44.0, 52.5);
  std::vector<std::pair<double, int>> scratch;
  double worst = 0;
  geo::LonLat worst_at;
  for (int i = 0; i < 10000; ++i) {
    const geo::LonLat p{lon(rng), lat(rng)};
    const double fast = loc.distance_to_line_m(p);
    const double ref = brute_force_m(p, segs, scratch);
    ASSERT_NEAR(fast, ref, 1.0) << "at lon " << p.lon << ", lat " << p.lat;
    if (std::abs(fast - ref) > worst) {
      worst = std::abs(fast - ref);
      worst_at = p;
    }
  }
  RecordProperty("max_abs_diff_m", std::to_string(worst));
  std::cout << "[          ] " << segs.size() << " segments; largest difference " << worst * 1000 << " mm at lon "
            << worst_at.lon << ", lat " << worst_at.lat << "\n";
}

// Points where the nearest point of the line is a local minimum of the distance that comparing
// the segments' least distances misses: a vertex where the line turns back, flanked by segments
// whose feet both lie at their far ends, and the outer side of a bend, where the feet on both
// segments lie inside them (0.88 m and 0.70 m off before).
TEST(LineIndex, FindsMinimaNextToPeaksAndAcrossBends) {
  const plan::ZoneMap& map = testing::default_map();
  const std::vector<Segment> segs = segments_of(map, "line_of_contact");
  const Locator loc(map);
  std::vector<std::pair<double, int>> scratch;
  for (const geo::LonLat p : {geo::LonLat{38.023933603, 48.211188332}, geo::LonLat{32.721136873, 46.766619212}})
    EXPECT_NEAR(loc.distance_to_line_m(p), brute_force_m(p, segs, scratch), 0.01) << "at lon " << p.lon << ", lat " << p.lat;
}

TEST(LineIndex, DmzEdgesLie15KmFromTheLineOfContact) {
  const plan::ZoneMap& map = testing::default_map();
  std::vector<geo::LonLat> vertices;
  for (const auto& line : map.lines) {
    if (line.kind != "dmz_edge") continue;
    EXPECT_DOUBLE_EQ(line.offset_km, 15.0) << line.name;
    for (const auto& part : geo::line_parts(line.geom)) vertices.insert(vertices.end(), part.begin(), part.end());
  }
  ASSERT_GE(vertices.size(), 1000u);
  const Locator loc(map);
  // 1,000 vertices evenly spaced by index over both edges, first and last included.
  int off = 0;
  double worst = 0;
  for (int i = 0; i < 1000; ++i) {
    const size_t k = static_cast<size_t>(std::llround(static_cast<double>(i) * (vertices.size() - 1) / 999));
    const double d = loc.distance_to_line_m(vertices[k]);
    if (std::abs(d - 15000) > 15) ++off;
    worst = std::max(worst, std::abs(d - 15000));
    EXPECT_NEAR(d, 15000, 15) << "vertex " << k << " at lon " << vertices[k].lon << ", lat " << vertices[k].lat;
  }
  EXPECT_EQ(off, 0);
  std::cout << "[          ] " << vertices.size() << " edge vertices; largest departure from 15 km " << worst
            << " m\n";
}

}  // namespace
}  // namespace truceline::index
