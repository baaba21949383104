#include "index/locator.h"

#include <limits>

#include "geo/geodesy.h"

namespace truceline::index {
namespace {

std::vector<const geo::Geom*> zone_geoms(const plan::ZoneMap& map) {
  std::vector<const geo::Geom*> out;
  for (const auto& z : map.zones) out.push_back(&z.geom);
  return out;
}

LineIndex line_of_contact(const plan::ZoneMap& map) {
  const plan::Line* l = map.find_line("line_of_contact");
  return l ? LineIndex(geo::line_parts(l->geom)) : LineIndex();
}

// Lines densified to the 1 km edges LineIndex's accuracy assumes.
std::vector<std::vector<geo::LonLat>> densified(const geo::Geom& lines) {
  std::vector<std::vector<geo::LonLat>> out;
  if (!lines) return out;
  for (const auto& l : geo::line_parts(lines)) out.push_back(geo::densify(l, 1000));
  return out;
}

}  // namespace

Locator::Locator(const plan::ZoneMap& map, const ZoneGridOptions& opt)
    : map_(map), grid_(zone_geoms(map), opt), loc_(line_of_contact(map)) {
  if (!(map.plan.border_snap_m > 0)) return;
  // Queried only for points outside every zone, and the zones' stretches only for points near the
  // border: coarse cells and a narrow margin (a point beyond it scans every group, and is far from
  // the border anyway). With the query grid of the line of contact, building these took seconds.
  const LineIndexOptions coarse{.cell_deg = 0.5, .margin_deg = 0.5};
  std::vector<std::vector<geo::LonLat>> all;
  for (const auto& z : map.zones) {
    auto lines = densified(z.land_border);
    all.insert(all.end(), lines.begin(), lines.end());
    zone_borders_.emplace_back(lines, coarse);
    zone_reach_.emplace_back(lines, map.plan.border_snap_m);
  }
  land_border_ = LineIndex(all, coarse);
  border_reach_ = ReachGrid(all, map.plan.border_snap_m);
}

plan::Snapped Locator::snap(geo::LonLat p) const {
  if (land_border_.empty() || !border_reach_.maybe_within(p) || land_border_.distance_m(p) > map_.plan.border_snap_m)
    return {};
  return plan::snap_to_land_border(map_, [&](int z) {
    return zone_reach_[z].maybe_within(p) ? zone_borders_[z].distance_m(p) : std::numeric_limits<double>::infinity();
  });
}

}  // namespace truceline::index
