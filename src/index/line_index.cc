#include "index/line_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <type_traits>

#include "geo/geodesy.h"

namespace truceline::index {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kR = 6371008.8;
// Bounds of geodesic / spherical distance (see the header), widened by 1e-4 for the few
// millimetres by which a short ellipsoidal geodesic strays from the great-circle arc.
constexpr double kLo = 6335439.327 / kR * 0.9999;
constexpr double kHi = 6399593.626 / kR * 1.0001;
// Edges are at most about 1 km, so no arc strays more than this (degrees) from its ends' box.
constexpr double kPadDeg = 1e-4;

double dot(const auto& a, const auto& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

auto cross(const auto& a, const auto& b) {
  return std::remove_cvref_t<decltype(a)>{a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

double hav(double x) {
  const double s = std::sin(x / 2);
  return s * s;
}

}  // namespace

LineIndex::LineIndex(const std::vector<std::vector<geo::LonLat>>& lines, double cell_deg) {
  auto unit = [](geo::LonLat p) {
    return Vec3{std::cos(p.lat * kDeg) * std::cos(p.lon * kDeg), std::cos(p.lat * kDeg) * std::sin(p.lon * kDeg),
                std::sin(p.lat * kDeg)};
  };
  for (const auto& line : lines)
    for (size_t i = 1; i < line.size(); ++i) {
      Segment s{line[i - 1], line[i], unit(line[i - 1]), unit(line[i]), {0, 0, 0}};
      Vec3 n = cross(s.ua, s.ub);
      const double len = std::sqrt(dot(n, n));
      if (len > 1e-15) s.n = {n.x / len, n.y / len, n.z / len};
      segs_.push_back(s);
    }
  // Each segment goes to the cell of its midpoint; a cell's bounds grow to cover its segments.
  std::map<std::pair<long, long>, int> where;
  for (size_t i = 0; i < segs_.size(); ++i) {
    const Segment& s = segs_[i];
    const long cx = std::lround(std::floor((s.a.lon + s.b.lon) / 2 / cell_deg));
    const long cy = std::lround(std::floor((s.a.lat + s.b.lat) / 2 / cell_deg));
    auto [it, fresh] = where.emplace(std::make_pair(cx, cy), static_cast<int>(cells_.size()));
    if (fresh) cells_.push_back(Cell{1e9, -1e9, 1e9, -1e9, {}});
    Cell& c = cells_[it->second];
    c.lon0 = std::min({c.lon0, s.a.lon - kPadDeg, s.b.lon - kPadDeg});
    c.lon1 = std::max({c.lon1, s.a.lon + kPadDeg, s.b.lon + kPadDeg});
    c.lat0 = std::min({c.lat0, s.a.lat - kPadDeg, s.b.lat - kPadDeg});
    c.lat1 = std::max({c.lat1, s.a.lat + kPadDeg, s.b.lat + kPadDeg});
    c.segs.push_back(static_cast<int>(i));
  }
}

// Great-circle distance (radians) from p to the arc of s.
double LineIndex::sphere_distance(const Vec3& p, const Segment& s) const {
  auto angle = [](const Vec3& a, const Vec3& b) {
    const Vec3 c = cross(a, b);
    return std::atan2(std::sqrt(dot(c, c)), dot(a, b));
  };
  if (s.n.x != 0 || s.n.y != 0 || s.n.z != 0) {
    // p projects inside the arc when it lies between the planes through the ends normal to the arc.
    if (dot(cross(s.ua, p), s.n) >= 0 && dot(cross(p, s.ub), s.n) >= 0) return std::asin(std::min(1.0, std::abs(dot(p, s.n))));
  }
  return std::min(angle(p, s.ua), angle(p, s.ub));
}

// Lower bound of the great-circle distance (radians) from p to any point of the cell's box:
// hav(d) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ), each term at its least over the box.
double LineIndex::lower_bound(const Cell& c, geo::LonLat p, double cos_lat_p) {
  const double dlat = p.lat < c.lat0 ? c.lat0 - p.lat : (p.lat > c.lat1 ? p.lat - c.lat1 : 0);
  double dlon = 0;
  if (p.lon < c.lon0 || p.lon > c.lon1) {
    const double d0 = std::fmod(std::abs(p.lon - c.lon0), 360.0), d1 = std::fmod(std::abs(p.lon - c.lon1), 360.0);
    dlon = std::min({d0, 360 - d0, d1, 360 - d1});
  }
  const double cos_min = std::min(std::cos(c.lat0 * kDeg), std::cos(c.lat1 * kDeg));
  const double h = hav(dlat * kDeg) + cos_lat_p * std::max(0.0, cos_min) * hav(dlon * kDeg);
  return 2 * std::asin(std::sqrt(std::min(1.0, h)));
}

double LineIndex::distance_m(geo::LonLat p) const {
  if (segs_.empty()) return std::numeric_limits<double>::infinity();
  const double cos_lat_p = std::cos(p.lat * kDeg);
  const Vec3 up{cos_lat_p * std::cos(p.lon * kDeg), cos_lat_p * std::sin(p.lon * kDeg), std::sin(p.lat * kDeg)};
  std::vector<std::pair<double, int>> order;
  order.reserve(cells_.size());
  for (size_t i = 0; i < cells_.size(); ++i) order.emplace_back(lower_bound(cells_[i], p, cos_lat_p), static_cast<int>(i));
  std::sort(order.begin(), order.end());

  // Sphere pass: the least upper bound of the geodesic distance, and the segments that can beat it.
  double best_hi = std::numeric_limits<double>::infinity();
  std::vector<std::pair<double, int>> candidates;  // (lower bound in metres, segment)
  for (const auto& [lb, ci] : order) {
    if (lb * kR * kLo > best_hi + 1) break;
    for (int si : cells_[ci].segs) {
      const double s = sphere_distance(up, segs_[si]) * kR;
      best_hi = std::min(best_hi, s * kHi + 1);
      if (s * kLo <= best_hi) candidates.emplace_back(s * kLo, si);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [lb, si] : candidates) {
    if (lb - 1 > best) break;
    best = std::min(best, geo::distance_to_segment_m(p, segs_[si].a, segs_[si].b));
  }
  return best;
}

}  // namespace truceline::index
