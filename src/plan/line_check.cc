#include "plan/line_check.h"

#include <algorithm>

#include "geo/errors.h"
#include "geo/geodesy.h"
#include "plan/timeline.h"

namespace truceline::plan {
namespace {

const ShapeDef& line_shape(const Plan& plan) {
  for (const ShapeDef& s : plan.shapes)
    if (s.id == plan.line.boundary_of && !s.layer.empty()) return s;
  throw InputError(plan.path, "its line of contact is not the boundary of a layer shape",
                   "line-check compares layers: use a plan with [line_of_contact] boundary_of = a shape read from a layer");
}

// The farthest point of the piece's outline from the line, its rings sampled every `step_m`:
// distance to the line is greatest on the outline of a piece that touches it.
void measure_depth(Advance& a, const index::Locator& locator, double step_m) {
  for (const auto& ring : geo::line_parts(a.area.boundary()))
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
      const double seg = geo::distance_m(ring[i], ring[i + 1]);
      const int n = std::max(1, static_cast<int>(seg / step_m));
      for (int k = 0; k < n; ++k) {
        const double t = static_cast<double>(k) / n;
        const geo::LonLat p{ring[i].lon + t * (ring[i + 1].lon - ring[i].lon), ring[i].lat + t * (ring[i + 1].lat - ring[i].lat)};
        const double d = locator.distance_to_line_m(p) / 1000;
        if (d > a.depth_km) a.depth_km = d, a.deepest = p;
      }
    }
}

void find_zones(Advance& a, const ZoneMap& map) {
  std::vector<std::pair<double, int>> shares;
  for (int z = 0; z < static_cast<int>(map.zones.size()); ++z) {
    const double km2 = geo::area_m2(polygons_only(a.area.intersection(map.zones[z].geom))) / 1e6;
    if (km2 > 0.001) shares.push_back({km2, z});
  }
  std::sort(shares.rbegin(), shares.rend());
  for (const auto& [km2, z] : shares) {
    a.zones.push_back(map.zones[z].id);
    a.into_dmz = a.into_dmz || map.zones[z].kind == "dmz";
  }
  if (!shares.empty()) a.responsible = map.zones[shares.front().second].responsible;
}

}  // namespace

std::vector<Advance> line_check(const ZoneMap& map, const index::Locator& locator, const std::string& newer,
                                const LineCheckOptions& opt) {
  const ShapeDef& shape = line_shape(map.plan);
  const geo::Context& ctx = *map.ctx;
  const geo::Geom before = polygons_only(read_territory(ctx, shape.layer).intersection(map.area));
  const geo::Geom after = polygons_only(read_territory(ctx, newer).intersection(map.area));
  std::vector<Advance> out;
  for (const auto& [side, from, to] : {std::tuple{map.plan.line.inside, &before, &after},
                                        std::tuple{map.plan.line.outside, &after, &before}}) {
    const Difference d = difference_pieces(*to, *from, opt.sliver_km2);
    for (geo::Geom& piece : geo::polygons_of(d.kept)) {
      Advance a;
      a.side = side;
      a.area_km2 = geo::area_m2(piece) / 1e6;
      a.area = std::move(piece);
      measure_depth(a, locator, opt.depth_step_m);
      find_zones(a, map);
      out.push_back(std::move(a));
    }
  }
  std::sort(out.begin(), out.end(), [](const Advance& x, const Advance& y) { return x.area_km2 > y.area_km2; });
  return out;
}

}  // namespace truceline::plan
