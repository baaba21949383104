#include "geo/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace truceline::geo {
namespace {

using Key = std::pair<double, double>;

double signed_area2(const std::vector<LonLat>& ring) {
  double a = 0;
  for (size_t i = 1; i < ring.size(); ++i) a += ring[i - 1].lon * ring[i].lat - ring[i].lon * ring[i - 1].lat;
  return a;
}

// +1 left, -1 right, nullopt when the face shares no edge with the line. A polygonize face's
// exterior ring, turned counter-clockwise, has the face on its left: where the ring runs along the
// line in the line's own direction the face is on the line's left.
std::optional<int> side_by_shared_edge(const Geom& face, const std::map<Key, size_t>& vertex_index) {
  auto rings = polygon_parts(face);
  if (rings.empty()) return std::nullopt;
  std::vector<LonLat> ring = rings[0][0];
  if (signed_area2(ring) < 0) std::reverse(ring.begin(), ring.end());
  for (size_t i = 1; i < ring.size(); ++i) {
    auto a = vertex_index.find({ring[i - 1].lon, ring[i - 1].lat});
    auto b = vertex_index.find({ring[i].lon, ring[i].lat});
    if (a == vertex_index.end() || b == vertex_index.end()) continue;
    if (b->second == a->second + 1) return +1;
    if (a->second == b->second + 1) return -1;
  }
  return std::nullopt;
}

// Side of point p relative to the nearest segment of the line (planar; for faces the line never
// touches, which lie well away from it).
int side_by_nearest_segment(LonLat p, const std::vector<LonLat>& line) {
  double best = INFINITY;
  int side = +1;
  for (size_t i = 1; i < line.size(); ++i) {
    const LonLat a = line[i - 1], b = line[i];
    const double dx = b.lon - a.lon, dy = b.lat - a.lat;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.lon - a.lon) * dx + (p.lat - a.lat) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double d = std::hypot(p.lon - (a.lon + t * dx), p.lat - (a.lat + t * dy));
    if (d < best) {
      best = d;
      side = (dx * (p.lat - a.lat) - dy * (p.lon - a.lon)) >= 0 ? +1 : -1;
    }
  }
  return side;
}

}  // namespace

Sides split_by_line(const Geom& area, const Geom& line) {
  const Context& ctx = area.ctx();
  auto parts = line_parts(line.line_merge());
  if (parts.size() != 1) throw GeometryError("the dividing line must be one connected line, it has " +
                                             std::to_string(parts.size()) + " pieces");
  const std::vector<LonLat>& pts = parts[0];
  std::map<Key, size_t> vertex_index;
  for (size_t i = 0; i < pts.size(); ++i) vertex_index.emplace(Key{pts[i].lon, pts[i].lat}, i);

  // Node the area's outline together with the line, then rebuild the faces.
  std::vector<Geom> edges;
  edges.push_back(area.boundary());
  edges.push_back(line.clone());
  Geom noded = unary_union(ctx, std::move(edges));
  const GEOSGeometry* one = noded.get();
  Geom faces(ctx, GEOSPolygonize_r(ctx.handle(), &one, 1));

  Prepared prepared_area(area), on_line(line);
  std::vector<Geom> left, right, islands;
  for (int i = 0; i < faces.num_geometries(); ++i) {
    Geom face(ctx, GEOSGeom_clone_r(ctx.handle(), faces.part(i)));
    Geom inner = face.point_on_surface();
    if (!prepared_area.covers(inner)) continue;  // a hole of the area, closed by polygonize
    auto side = side_by_shared_edge(face, vertex_index);
    if (!side && !on_line.intersects(face)) {
      islands.push_back(std::move(face));
      continue;
    }
    if (!side) {  // along the line only between its vertices (a line of two points, say)
      double x = 0, y = 0;
      GEOSGeomGetX_r(ctx.handle(), inner.get(), &x);
      GEOSGeomGetY_r(ctx.handle(), inner.get(), &y);
      side = side_by_nearest_segment({x, y}, pts);
    }
    (*side > 0 ? left : right).push_back(std::move(face));
  }
  if (left.empty() || right.empty())
    throw GeometryError("the dividing line does not cut the area in two");
  // An island takes the side of the nearer bank: beyond the line's ends (the Danube delta seen from
  // the Dnieper's mouth) the side of the nearest stretch of line would be a guess.
  Geom left_bank = unary_union(ctx, std::move(left)), right_bank = unary_union(ctx, std::move(right));
  const Prepared near_left(left_bank), near_right(right_bank);
  std::vector<Geom> to_left, to_right;
  for (auto& island : islands)
    (near_left.distance(island) <= near_right.distance(island) ? to_left : to_right).push_back(std::move(island));
  const auto with = [&](Geom bank, std::vector<Geom> more) {
    if (more.empty()) return bank;
    more.push_back(std::move(bank));
    return unary_union(ctx, std::move(more));
  };
  Geom l = with(std::move(left_bank), std::move(to_left));
  Geom r = with(std::move(right_bank), std::move(to_right));
  return Sides{std::move(l), std::move(r)};
}

}  // namespace truceline::geo
