#pragma once
// Point → zone of a compiled plan, and geodesic distance to its line of contact: the one place
// every part of truceline classifies points through.
//
// Zone: index::ZoneGrid, the same zone as GEOS prepared-geometry containment for every point
// further than 1e-9 degrees from a zone boundary. Distance: index::LineIndex over the line of
// contact, within 1 mm of the exact geodesic distance.
//
// Thread safety: immutable after construction; share one Locator between threads. It keeps a
// reference to the map, which must outlive it.
#include "geo/geos.h"
#include "index/line_index.h"
#include "index/reach_grid.h"
#include "index/zone_grid.h"
#include "plan/zone_map.h"

namespace truceline::index {

class Locator {
 public:
  explicit Locator(const plan::ZoneMap& map, const ZoneGridOptions& opt = {});
  // The index saved by save() for this map, read back instead of built (the compiled plan,
  // compiled/plan_file.h): the same answers, bit for bit. Throws io::DecodeError when the bytes
  // do not fit the map.
  Locator(const plan::ZoneMap& map, io::ByteReader& index);
  void save(io::ByteWriter& w) const;

  const plan::ZoneMap& map() const { return map_; }

  // Index of the zone holding p in map.zones, or -1 when p is in no zone (outside the area).
  int zone_of(geo::LonLat p) const { return grid_.zone_of(p.lon, p.lat); }
  // The zone of p as every caller should read it: zone_of, and for a point outside every zone the
  // plan's rule for points just beyond the land border (plan::snap_to_land_border; distances within
  // 3 cm, as LineIndex measures them).
  plan::Snapped locate(geo::LonLat p) const {
    const int z = zone_of(p);
    return z >= 0 ? plan::Snapped{z, 0} : snap(p);
  }
  // The second half of locate, for a caller that already has zone_of(p) < 0.
  plan::Snapped snap(geo::LonLat p) const;
  // Geodesic distance in metres from p to the line of contact (+inf when the plan has none).
  double distance_to_line_m(geo::LonLat p) const { return loc_.distance_m(p); }

  const ZoneGrid& grid() const { return grid_; }
  const LineIndex& line_index() const { return loc_; }

 private:
  const plan::ZoneMap& map_;
  ZoneGrid grid_;
  LineIndex loc_;
  // Cells that may lie within border_snap_m of the land border: nearly every outside point is in
  // none and stops here, at the cost of a byte (measuring its distance took 3× the line of
  // contact's, docs/benchmarks.md).
  ReachGrid border_reach_;
  LineIndex land_border_;                  // the whole land border: the rest stop here
  std::vector<LineIndex> zone_borders_;    // each zone's stretch of it, by zone index
  // Each stretch's cells within reach: a point near one zone's stretch is far from most others,
  // which it would otherwise measure by scanning them whole (it lies outside their query cells).
  std::vector<ReachGrid> zone_reach_;
};

}  // namespace truceline::index
