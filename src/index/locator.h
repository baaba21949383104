#pragma once
// Point → zone of a compiled plan, and distance to its line of contact.
//
// Zone: the first zone, in precedence order, whose polygons cover the point (GEOS prepared
// geometries behind a bounding-box test), so a point on a shared edge goes to the zone that
// precedes. Distance: index::LineIndex over the line of contact, geodesic on WGS84, under 1 mm
// from the exact value.
//
// Thread safety: a Locator holds GEOS prepared geometries, which are not thread-safe; give each
// thread its own Locator (construction copies what it needs from the ZoneMap).
#include <memory>
#include <vector>

#include "geo/geos.h"
#include "index/line_index.h"
#include "plan/zone_map.h"

namespace truceline::index {

class Locator {
 public:
  explicit Locator(const plan::ZoneMap& map);
  ~Locator();

  // Index of the zone holding p in map.zones, or -1 when p is in no zone (outside the area).
  int zone_of(geo::LonLat p) const;
  // Geodesic distance in metres from p to the line of contact.
  double distance_to_line_m(geo::LonLat p) const { return loc_.distance_m(p); }

 private:
  struct ZoneShape {
    double xmin, ymin, xmax, ymax;
    geo::Geom geom;
    std::unique_ptr<geo::Prepared> prepared;
  };
  std::unique_ptr<geo::Context> ctx_;
  std::vector<ZoneShape> zones_;
  LineIndex loc_;
};

}  // namespace truceline::index
