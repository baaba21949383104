#pragma once
// Point → zone in constant time: a lon/lat grid whose cells either lie wholly inside one zone
// (or wholly outside every zone), answered by one byte, or are crossed by zone edges, answered by
// counting the edges crossed on the way from a reference point of the cell whose zone is known.
//
// Exactness: the answer is the zone GEOS gives for the same lon/lat polygons (first zone in
// precedence order that covers the point) for every point further than 1e-9 degrees from a zone
// boundary; tests/index/zone_grid_test.cc checks a million random points against GEOS. Points
// closer than that may go to either neighbouring zone. Uniform cells take their zone from GEOS at
// build time; a crossed cell's reference point is chosen at least 1e-7 degrees from every edge, so
// the orientation tests of a query never see a degenerate reference.
//
// Memory: one byte per cell plus the crossing edges; with the default target of 2^21 cells the
// default plan's grid takes about 4 MB.
// Thread safety: immutable after construction; zone_of is safe from any number of threads.
#include <cstdint>
#include <vector>

#include "geo/geos.h"
#include "io/binary.h"

namespace truceline::index {

struct ZoneGridOptions {
  // Number of cells to aim for over the zones' bounding box. DEFAULT: 2^21.
  long target_cells = 1L << 21;
};

class ZoneGrid {
 public:
  // `zones` in precedence order, lon/lat polygons; at most 64 zones.
  ZoneGrid(const std::vector<const geo::Geom*>& zones, const ZoneGridOptions& opt = {});

  // Index of the zone holding (lon, lat), or -1 when no zone does. NaN gives -1.
  int zone_of(double lon, double lat) const {
    const double fx = (lon - x0_) * inv_w_, fy = (lat - y0_) * inv_h_;
    if (!(fx >= 0 && fx < nx_ && fy >= 0 && fy < ny_)) return -1;
    const uint32_t id = static_cast<uint32_t>(fy) * static_cast<uint32_t>(nx_) + static_cast<uint32_t>(fx);
    const uint8_t code = codes_[id];
    if (code != kCrossed) return static_cast<int>(code) - 1;
    return crossed_zone(id, lon, lat);
  }

  // The grid as bytes (the compiled plan, compiled/plan_file.h) and back. load checks every cell
  // code, table slot and edge range a query would follow against `zones` (the map's zone count),
  // so that bytes not written by save throw io::DecodeError instead of reading out of bounds.
  void save(io::ByteWriter& w) const;
  static ZoneGrid load(io::ByteReader& r, size_t zones);

  int nx() const { return nx_; }
  int ny() const { return ny_; }
  size_t crossed_cells() const { return refs_.size(); }
  size_t memory_bytes() const;

 private:
  static constexpr uint8_t kCrossed = 255;
  // Records are packed (no padding byte), so that save can copy them whole (io/binary.h).
  struct Edge {
    double ax, ay, bx, by;
    int32_t zone;
    int32_t unused = 0;
  };
  struct Ref {
    double x, y;
    uint64_t zones;  // bit z set when the reference point lies in zone z
  };
  ZoneGrid() = default;  // for load
  int crossed_zone(uint32_t id, double lon, double lat) const;
  uint32_t find_crossed(uint32_t id) const;

  void collect_edges(const std::vector<const geo::Geom*>& zones, std::vector<Edge>& edges) const;
  void mark_cells(const std::vector<Edge>& edges);
  void fill_codes(const std::vector<const geo::Geom*>& zones);
  bool edge_touches_cell(const Edge& e, int ix, int iy) const;

  double x0_ = 0, y0_ = 0, w_ = 1, h_ = 1, inv_w_ = 1, inv_h_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<uint8_t> codes_;
  // Crossed cells: an open-addressing table from cell id to crossed index, then per crossed cell
  // its reference point and its edges (CSR).
  std::vector<uint32_t> slot_cell_, slot_index_;
  std::vector<Ref> refs_;
  std::vector<uint32_t> edge_begin_;
  std::vector<Edge> cell_edges_;
};

}  // namespace truceline::index
