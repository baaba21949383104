#pragma once
// Which points can be within a given geodesic distance of a set of lines, answered by one byte:
// a lon/lat grid whose cells are marked when some point of the lines may lie within `reach_m` of
// some point of the cell. A point in an unmarked cell is certainly further than reach_m from every
// line, so the exact distance need not be measured (the Locator's snap to the land border asks
// this of every point outside the zones, nearly all of them far from the border).
//
// Bound: on the ellipsoid a path between latitudes φ1 and φ2 is at least the meridian arc between
// them, ≥ a(1 − e²)·|φ1 − φ2| (110,574 m per degree), and a path that stays below latitude |φ|max is
// at least a·cos φmax·|Δλ| long in longitude. A cell is marked when it meets the box of a segment
// widened by reach_m (plus 100 m for the geodesic's bulge beyond its ends' box, centimetres over
// the 1 km edges the lines are densified to) in both degrees; every unmarked cell is further.
// Lines whose widened box crosses the antimeridian or comes within a degree of a pole mark every
// cell (no shortcut, still exact).
//
// Thread safety: immutable after construction.
#include <cstdint>
#include <vector>

#include "geo/geos.h"
#include "io/binary.h"

namespace truceline::index {

class ReachGrid {
 public:
  ReachGrid() = default;  // no lines: nothing is within reach
  // Lines as lon/lat polylines densified to ≤ 1 km edges (as a LineIndex's are). DEFAULT: cells of
  // 0.05° (~4 km by 5.5 km over Ukraine).
  ReachGrid(const std::vector<std::vector<geo::LonLat>>& lines, double reach_m, double cell_deg = 0.05);

  // false: every point of the lines is further than reach_m from p.
  bool maybe_within(geo::LonLat p) const {
    if (everywhere_) return true;
    const double fx = (p.lon - x0_) * inv_cell_, fy = (p.lat - y0_) * inv_cell_;
    if (!(fx >= 0 && fx < nx_ && fy >= 0 && fy < ny_)) return false;
    return marked_[static_cast<size_t>(fy) * static_cast<size_t>(nx_) + static_cast<size_t>(fx)] != 0;
  }

  size_t marked_cells() const;
  void save(io::ByteWriter& w) const;
  static ReachGrid load(io::ByteReader& r);  // throws io::DecodeError

 private:
  bool everywhere_ = false;
  double x0_ = 0, y0_ = 0, cell_ = 1, inv_cell_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<uint8_t> marked_;
};

}  // namespace truceline::index
