#pragma once
// The compiled form of a plan: a partition of the area into zones, and the plan's lines. One
// ZoneMap, built once, is what every other part of truceline reads.
#include <memory>
#include <string>
#include <vector>

#include "geo/geos.h"
#include "plan/plan.h"

namespace truceline::plan {

struct Settlement {
  std::string name, admin;
  geo::LonLat pos;
  long population = 0;
  int zone = -1;  // index into ZoneMap::zones, -1 when outside every zone
  double outside_by_m = 0;  // > 0: beyond the land border by this much, snapped to `zone`
};

struct Zone {
  std::string id, name, kind, responsible, colour;
  geo::Geom geom;  // lon/lat polygons
  // The stretch of the area's land border ([area] land_border) along this zone, as lon/lat lines;
  // empty when the plan gives no land border or the zone does not reach it.
  geo::Geom land_border;
  double area_km2 = 0;
  long population = 0;  // sum over the settlements in the zone
};

struct Line {
  std::string kind;  // line_of_contact, dividing_line, dmz_edge, withdrawal_line
  std::string name;
  std::string side;  // for edges and withdrawal lines: the side of the line of contact
  std::string weapon_class;
  double offset_km = 0;  // distance from the line of contact (edges, withdrawal lines)
  geo::Geom geom;        // lon/lat lines
  double length_km = 0;
};

// What the seam step (plan/seams.h) did to one layer shape.
struct SeamFill {
  std::string shape;
  double clipped_km2 = 0;  // of the layer, outside the area
  double filled_km2 = 0;   // gaps to the outline given to the shape
  int gaps = 0;
};

// A part of a zone apart from the zone's main body (its largest part).
struct Fragment {
  std::string zone;      // zone it was a part of
  std::string moved_to;  // zone it was given to; empty when it stays
  // "moved"; or why it stays: "declared" (an [[enclaves]] entry), "island" (no other zone borders
  // it), "on_line" (the line of contact runs through it), "fragment" (it could only go back)
  std::string reason;
  double area_km2 = 0;
  geo::LonLat at;        // a point inside it
  double shared_m = 0;   // boundary shared with moved_to (moved), or with all other zones (kept)
};

struct ZoneMap {
  // Declared first so that it is destroyed last: every geometry below refers to it.
  std::unique_ptr<geo::Context> ctx;
  Plan plan;
  geo::Geom area;
  double area_km2 = 0;
  std::vector<Zone> zones;  // in precedence order
  std::vector<Line> lines;
  std::vector<std::pair<std::string, double>> shape_area_km2;  // the line's inside shape, ∩ area
  std::vector<Settlement> settlements;                         // by population, largest first
  std::vector<std::string> warnings;
  std::vector<SeamFill> seams;        // one per layer shape
  std::vector<Fragment> fragments;    // every detached part found after the split, moved or kept

  const Line* find_line(const std::string& kind) const;
  int zone_index(const std::string& id) const;
};

// Where a point outside every zone belongs: the area's land border is only as accurate as its
// source (about a kilometre for Natural Earth 1:10m), so a point up to plan.border_snap_m beyond it
// takes the zone whose stretch of the border is nearest, and says how far outside it is. The sea
// stays outside: coasts are not part of the land border. The one rule for every caller; each
// measures the distance its own way (`distance_m(zone index)`: geodesic metres to that zone's
// land_border, +inf when it has none).
struct Snapped {
  int zone = -1;            // -1: still outside
  double outside_by_m = 0;  // distance beyond the land border
};
template <class DistanceToZoneBorder>
Snapped snap_to_land_border(const ZoneMap& map, DistanceToZoneBorder&& distance_m) {
  Snapped best;
  double limit = map.plan.border_snap_m;
  if (!(limit > 0)) return best;
  for (int i = 0; i < static_cast<int>(map.zones.size()); ++i) {
    if (!map.zones[i].land_border || map.zones[i].land_border.empty()) continue;
    const double d = distance_m(i);
    if (d <= limit) best = {i, d}, limit = d;
  }
  return best;
}

}  // namespace truceline::plan
