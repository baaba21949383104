#include "geo/planar.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/geodesy.h"

namespace truceline::geo {

Geom to_plane(const Geom& g, const Projection& proj) {
  return transform(g, [&](double& x, double& y) {
    const XY p = proj.forward({x, y});
    x = p.x, y = p.y;
    return true;
  });
}

Geom from_plane(const Geom& g, const Projection& proj) {
  return transform(g, [&](double& x, double& y) {
    const LonLat p = proj.inverse({x, y});
    x = p.lon, y = p.lat;
    return true;
  });
}

Geom planar_buffer(const Geom& g, double distance, int quadrant_segments) {
  GEOSBufferParams* params = GEOSBufferParams_create_r(g.h());
  GEOSBufferParams_setQuadrantSegments_r(g.h(), params, quadrant_segments);
  GEOSBufferParams_setJoinStyle_r(g.h(), params, GEOSBUF_JOIN_ROUND);
  GEOSGeometry* raw = GEOSBufferWithParams_r(g.h(), g.get(), params, distance);
  GEOSBufferParams_destroy_r(g.h(), params);
  if (!raw) throw GeometryError("buffer failed: " + g.ctx().last_error());
  return Geom(g.ctx(), raw);
}

Geom clip_to_box(const Geom& g, const LonLatBox& box) {
  GEOSGeometry* raw = GEOSClipByRect_r(g.h(), g.get(), box.min_lon, box.min_lat, box.max_lon, box.max_lat);
  if (!raw) throw GeometryError("clip by box failed: " + g.ctx().last_error());
  return Geom(g.ctx(), raw);
}

Geom simplified(const Geom& g, double tolerance) {
  GEOSGeometry* raw = GEOSSimplify_r(g.h(), g.get(), tolerance);
  if (!raw) throw GeometryError("simplify failed: " + g.ctx().last_error());
  return Geom(g.ctx(), raw);
}

LonLatBox widened(LonLatBox b, double m) {
  const double dlat = m / 111'000;
  const double dlon = dlat / std::cos((b.min_lat + b.max_lat) / 2 * M_PI / 180);
  return {b.min_lon - dlon, b.min_lat - dlat, b.max_lon + dlon, b.max_lat + dlat};
}

namespace {

LonLat lerp(LonLat a, LonLat b, double t) { return {a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t}; }

}  // namespace

std::vector<std::vector<LonLat>> stretches_clear_of(const std::vector<LonLat>& line, bool closed,
                                                    const Prepared& obstacle, const Projection& plane,
                                                    double clearance, double step_m) {
  const Context& ctx = obstacle.ctx();
  const auto clear = [&](LonLat p) {
    const XY q = plane.forward(p);
    return obstacle.distance(make_point(ctx, q.x, q.y)) >= clearance;
  };
  // Bisection between a probe that is clear and one that is not, 40 halvings: far below a mm.
  const auto crossing = [&](LonLat a, LonLat b, bool a_clear) {
    double lo = 0, hi = 1;
    for (int i = 0; i < 40; ++i) {
      const double mid = (lo + hi) / 2;
      (clear(lerp(a, b, mid)) == a_clear ? lo : hi) = mid;
    }
    return lerp(a, b, a_clear ? lo : hi);
  };
  std::vector<std::vector<LonLat>> out;
  if (line.size() < 2) return out;
  std::vector<LonLat> run;
  bool prev = clear(line[0]);
  if (prev) run.push_back(line[0]);
  const bool starts_clear = prev;
  for (size_t i = 1; i < line.size(); ++i) {
    const LonLat a = line[i - 1], b = line[i];
    const int n = std::max(1, static_cast<int>(std::ceil(distance_m(a, b) / step_m)));
    LonLat last = a;
    for (int k = 1; k <= n; ++k) {
      const LonLat p = k == n ? b : lerp(a, b, static_cast<double>(k) / n);
      const bool now = clear(p);
      if (now != prev) {
        run.push_back(crossing(last, p, prev));
        if (prev) out.push_back(std::move(run)), run.clear();
      }
      if (now && k == n) run.push_back(b);
      prev = now, last = p;
    }
  }
  if (!run.empty()) out.push_back(std::move(run));
  // A ring clear at its start: the last stretch runs on into the first.
  if (closed && starts_clear && prev && out.size() > 1) {
    auto& first = out.front();
    auto& tail = out.back();
    tail.insert(tail.end(), first.begin() + 1, first.end());
    first = std::move(tail);
    out.pop_back();
  }
  return out;
}

LonLatBox bounds(const Geom& g) {
  if (g.empty()) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return {inf, inf, -inf, -inf};
  }
  LonLatBox b;
  GEOSGeom_getXMin_r(g.h(), g.get(), &b.min_lon);
  GEOSGeom_getYMin_r(g.h(), g.get(), &b.min_lat);
  GEOSGeom_getXMax_r(g.h(), g.get(), &b.max_lon);
  GEOSGeom_getYMax_r(g.h(), g.get(), &b.max_lat);
  return b;
}

}  // namespace truceline::geo
