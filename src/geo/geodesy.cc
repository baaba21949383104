#include "geo/geodesy.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <GeographicLib/Gnomonic.hpp>
#include <GeographicLib/PolygonArea.hpp>

#include <algorithm>
#include <cmath>

namespace truceline::geo {
namespace {

using GeographicLib::Geodesic;

const Geodesic& wgs84() { return Geodesic::WGS84(); }

double ring_area_abs(const std::vector<LonLat>& ring) {
  GeographicLib::PolygonArea poly(wgs84());
  size_t n = ring.size();
  // GeoJSON and GEOS close rings by repeating the first vertex; PolygonArea closes them itself.
  if (n > 1 && ring.front().lon == ring.back().lon && ring.front().lat == ring.back().lat) --n;
  for (size_t i = 0; i < n; ++i) poly.AddPoint(ring[i].lat, ring[i].lon);
  double perimeter = 0, area = 0;
  poly.Compute(false, true, perimeter, area);
  return std::abs(area);
}

}  // namespace

double area_m2(const Geom& polygonal) {
  double total = 0;
  for (const auto& rings : polygon_parts(polygonal)) {
    total += ring_area_abs(rings[0]);
    for (size_t i = 1; i < rings.size(); ++i) total -= ring_area_abs(rings[i]);
  }
  return total;
}

double length_m(const std::vector<LonLat>& line) {
  double total = 0;
  for (size_t i = 1; i < line.size(); ++i) total += distance_m(line[i - 1], line[i]);
  return total;
}

double length_m(const Geom& lineal) {
  double total = 0;
  for (const auto& part : line_parts(lineal)) total += length_m(part);
  return total;
}

double distance_m(LonLat a, LonLat b) {
  double s = 0;
  wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, s);
  return s;
}

LonLat destination(LonLat from, double azi_deg, double dist_m) {
  LonLat out;
  wgs84().Direct(from.lat, from.lon, azi_deg, dist_m, out.lat, out.lon);
  return out;
}

std::vector<LonLat> densify(const std::vector<LonLat>& line, double max_edge_m) {
  std::vector<LonLat> out;
  if (line.empty()) return out;
  out.push_back(line[0]);
  for (size_t i = 1; i < line.size(); ++i) {
    const LonLat a = line[i - 1], b = line[i];
    double s = 0, azi1 = 0, azi2 = 0;
    wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, s, azi1, azi2);
    const int pieces = static_cast<int>(std::ceil(s / max_edge_m));
    if (pieces > 1) {
      const GeographicLib::GeodesicLine gl = wgs84().Line(a.lat, a.lon, azi1);
      for (int k = 1; k < pieces; ++k) {
        LonLat q;
        gl.Position(s * k / pieces, q.lat, q.lon);
        out.push_back(q);
      }
    }
    out.push_back(b);
  }
  return out;
}

double distance_to_segment_m(LonLat p, LonLat a, LonLat b) {
  double sa = 0, aza = 0, azb_end = 0, sb = 0, azb = 0;
  wgs84().Inverse(p.lat, p.lon, a.lat, a.lon, sa, aza, azb_end);
  wgs84().Inverse(p.lat, p.lon, b.lat, b.lon, sb, azb, azb_end);
  constexpr double kDeg = M_PI / 180;
  const double ax = sa * std::sin(aza * kDeg), ay = sa * std::cos(aza * kDeg);
  const double bx = sb * std::sin(azb * kDeg), by = sb * std::cos(azb * kDeg);
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(ax + t * dx, ay + t * dy);
}

double distance_to_segment_exact_m(LonLat p, LonLat a, LonLat b) {
  const GeographicLib::Gnomonic gn(wgs84());
  // Start at the geodesic midpoint of a–b and move the projection centre to the foot of the
  // perpendicular from p until it stops moving; at convergence the geodesic from the centre to p
  // meets a–b at a right angle, because the gnomonic projection keeps azimuths at its centre.
  double s_ab = 0, azi1 = 0, azi2 = 0;
  wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, s_ab, azi1, azi2);
  if (s_ab == 0) return distance_m(p, a);
  LonLat c;
  wgs84().Direct(a.lat, a.lon, azi1, s_ab / 2, c.lat, c.lon);
  double t = 0.5;
  for (int iter = 0; iter < 30; ++iter) {
    double xa, ya, xb, yb, xp, yp;
    gn.Forward(c.lat, c.lon, a.lat, a.lon, xa, ya);
    gn.Forward(c.lat, c.lon, b.lat, b.lon, xb, yb);
    gn.Forward(c.lat, c.lon, p.lat, p.lon, xp, yp);
    const double dx = xb - xa, dy = yb - ya;
    t = ((xp - xa) * dx + (yp - ya) * dy) / (dx * dx + dy * dy);
    const double fx = xa + t * dx, fy = ya + t * dy;
    LonLat next;
    gn.Reverse(c.lat, c.lon, fx, fy, next.lat, next.lon);
    const bool done = std::hypot(fx, fy) < 1e-7;
    c = next;
    if (done) break;
  }
  if (t <= 0 || t >= 1) return std::min(distance_m(p, a), distance_m(p, b));
  return distance_m(p, c);
}

}  // namespace truceline::geo
