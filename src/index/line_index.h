#pragma once
// Nearest distance from a point to a set of lines on the WGS84 ellipsoid.
//
// Segments are bucketed in a lon/lat grid. A query ranks the buckets by a lower bound of the
// great-circle distance, measures segments on a sphere while a bucket can still beat the best,
// and solves the ellipsoidal problem (geo::distance_to_segment_m) only for the segments whose
// spherical distance leaves them in contention. The sphere bounds the ellipsoid both ways: any
// geodesic distance lies between 0.99441 and 1.00449 times the spherical distance on a sphere of
// radius 6,371,008.8 m through the same latitudes and longitudes (the ratio of the radii of
// curvature M and N to R), so no segment that could be nearest is ever skipped.
//
// Accuracy: that of geo::distance_to_segment_m, under 1 mm for segments ≤ 1 km long.
// Thread safety: const methods are safe to call from many threads.
#include <vector>

#include "geo/geos.h"

namespace truceline::index {

class LineIndex {
 public:
  LineIndex() = default;
  // Lines as lon/lat polylines; densify them (≤ 1 km edges) before, for the accuracy above.
  explicit LineIndex(const std::vector<std::vector<geo::LonLat>>& lines, double cell_deg = 0.25);

  bool empty() const { return segs_.empty(); }
  size_t segment_count() const { return segs_.size(); }
  // Geodesic distance in metres from p to the nearest line; +inf when there are no lines.
  double distance_m(geo::LonLat p) const;

 private:
  struct Vec3 {
    double x, y, z;
  };
  struct Segment {
    geo::LonLat a, b;
    Vec3 ua, ub, n;  // unit vectors of the ends; unit normal of their great circle (0 if degenerate)
  };
  struct Cell {
    double lon0, lon1, lat0, lat1;  // bounds of the segments held, not of the grid cell
    std::vector<int> segs;
  };
  double sphere_distance(const Vec3& p, const Segment& s) const;
  static double lower_bound(const Cell& c, geo::LonLat p, double cos_lat_p);

  std::vector<Segment> segs_;
  std::vector<Cell> cells_;
};

}  // namespace truceline::index
