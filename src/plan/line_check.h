#pragma once
// Ground taken across a plan's line of contact after the plan was drawn: a newer layer of the
// occupied territory against the plan's own, each piece that changed side with its area, its
// greatest depth beyond the line, the zones it enters (the DMZ above all) and who answers for them.
#include <string>
#include <vector>

#include "geo/geos.h"
#include "index/locator.h"
#include "plan/zone_map.h"

namespace truceline::plan {

struct Advance {
  std::string side;        // the side that advanced: the line's inside (took ground) or outside (took it back)
  geo::Geom area;          // the piece, lon/lat
  double area_km2 = 0;
  double depth_km = 0;     // greatest geodesic distance of the piece from the plan's line
  geo::LonLat deepest;     // where
  std::vector<std::string> zones;  // zones of the plan it lies in, largest share first
  bool into_dmz = false;   // any of it in a zone of kind dmz: a violation of its own
  std::string responsible; // of the zone with the largest share
};

struct LineCheckOptions {
  double sliver_km2 = 0.5;       // DEFAULT: 0.5 km², as the timeline's (plan/timeline.h)
  double depth_step_m = 250;     // DEFAULT: the piece's outline sampled every 250 m for the depth
};

// The pieces of `newer` (a layer's path) that lie on the other side of the plan's line than in the
// plan's own layer. REQUIRES: the plan's line is the boundary of a layer shape (boundary_of);
// throws InputError naming the plan otherwise.
std::vector<Advance> line_check(const ZoneMap& map, const index::Locator& locator, const std::string& newer,
                                const LineCheckOptions& opt = {});

}  // namespace truceline::plan
