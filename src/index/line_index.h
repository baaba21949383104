#pragma once
// Nearest distance from a point to a set of lines on the WGS84 ellipsoid, fast enough for every
// row of a classification.
//
// Search on a sphere, answer on the ellipsoid. Points are placed on the auxiliary sphere of
// reduced latitudes, where geodesics are nearly great circles. Segments are grouped in chains of
// up to 4 and chains in groups of up to 6, each under a cap; a grid of query cells keeps, for each
// cell, the groups that can hold the nearest point of any point in the cell, in the order of a
// lower bound of their distance from the cell, so that a query stops reading the list at the first
// group too far for it. A query measures chord distances (no trigonometry) to the segments of the
// chains whose caps survive and keeps every local minimum of the distance along the line whose
// spherical distance could still be the least on the ellipsoid: a geodesic's length lies between
// a·sqrt(1 − e² cos² β) and a times its length on the auxiliary sphere, β the reduced latitude, a
// ratio under 1.0019 over Ukraine's latitudes. Each surviving minimum, nearest first and while it
// can still win, is then solved on the ellipsoid with geo::vincenty_inverse at the spherical foot
// and Newton's method along the line (distance' = cos γ, distance'' = sin² γ / m12), kept to a
// bracket and stopping at each vertex it crosses. The ellipsoidal solution takes the longitude
// difference and the azimuths as sines and cosines from vectors, so a query over Ukraine runs no
// sine, cosine or arc tangent beyond the two sincos of its own latitude and longitude.
// Cost (random points over Ukraine's box, one core): ~270 ns per query, with ~1.2 Vincenty
// solutions of one pass each.
//
// Accuracy: within 3 cm of the exact distance to the geodesic segments of lines densified to
// ≤ 1 km edges; the points probed lie on the great-circle arc of the auxiliary sphere, within a
// millimetre of the geodesic. Measured against geo::distance_to_segment_exact_m: 0.32 mm at worst
// on the 10,000 random points of tests/index/line_index_test.cc, 3.1 mm on 200,000.
// Thread safety: immutable after construction; distance_m is safe from any number of threads.
#include <vector>

#include "geo/geos.h"
#include "geo/vincenty.h"
#include "io/binary.h"

namespace truceline::index {

struct LineIndexOptions {
  int chain_segments = 4;   // DEFAULT: 4 segments per chain
  int group_chains = 6;     // DEFAULT: 6 chains per group
  double cell_deg = 0.1;    // DEFAULT: query cells of 0.1° × 0.1°
  double margin_deg = 8;    // DEFAULT: query cells cover the lines' box widened by 8°
};

class LineIndex {
 public:
  LineIndex() = default;
  // Lines as lon/lat polylines; densify them (≤ 1 km edges) before, for the accuracy above.
  explicit LineIndex(const std::vector<std::vector<geo::LonLat>>& lines, const LineIndexOptions& opt = {});

  bool empty() const { return segs_.empty(); }
  size_t segment_count() const { return segs_.size(); }
  // Geodesic distance in metres from p to the nearest line; +inf when there are no lines.
  double distance_m(geo::LonLat p) const;

  // The index as bytes (the compiled plan, compiled/plan_file.h) and back. load checks every
  // segment, chain, group and cell range a query follows, so that bytes not written by save throw
  // io::DecodeError instead of reading out of bounds.
  void save(io::ByteWriter& w) const;
  static LineIndex load(io::ByteReader& r);

 private:
  struct Vec3 {
    double x, y, z;
  };
  // What the chord scan reads, apart from the rest so that a chain's segments share cache lines.
  struct Chord {
    Vec3 ua;              // unit vector of the start
    Vec3 dir;             // ub − ua
    double inv_len2 = 0;  // 1 / |ub − ua|², 0 for a degenerate segment
  };
  // An azimuth as its sine and cosine.
  struct Azimuth {
    double sin = 0, cos = 1;
  };
  // What the ellipsoidal solution reads.
  struct Segment {
    geo::LonLat a, b;            // ends, for the extent of the query cells
    Azimuth azi_a, azi_b;        // azimuth of the segment's geodesic at each end
    double length = 0;           // metres
    double offset = 0;           // arc length from the start of its line to its start, metres
    int prev = -1, next = -1;    // neighbouring segments along the same line
  };
  struct Chain {
    Vec3 centre;
    double radius;       // chord radius of the cap holding every point of the chain
    int first, last;     // its segments, consecutive along one line
    int before, after;   // the segments next to it along the line, −1 at an end
  };
  // Consecutive chains of one line under one cap, the unit of the query cells' lists.
  struct Group {
    Vec3 centre;
    double radius;
    int first, last;  // its chains
  };
  // One group of a query cell's list, with a lower bound of its chord distance from any point of
  // the cell. (Every record here is packed, no padding byte, so that save copies them whole.)
  struct CellEntry {
    int32_t group;
    int32_t unused = 0;
    double bound;
  };
  // A query point, prepared once.
  struct Query {
    geo::LonLat p;
    double sin_beta, cos_beta;  // reduced latitude
    Vec3 u;                     // unit vector on the auxiliary sphere
    const CellEntry *begin, *end;
    double ratio;  // bound on the ellipsoid's distances over the sphere's, see ratio_between
  };
  struct Candidate {
    int seg;
    double chord;
    double t;  // position of the spherical foot along the segment's chord, 0..1
  };
  // Candidates of one query: on the stack while few (nearly always), on the heap beyond.
  class Candidates {
   public:
    void push(const Candidate& c) {
      if (n_ < kInline) small_[n_++] = c;
      else more_.push_back(c);
    }
    template <class Fn>
    void each(Fn&& fn) const {
      for (int i = 0; i < n_; ++i) fn(small_[i]);
      for (const auto& c : more_) fn(c);
    }
    // Orders the inline candidates by chord; the rare overflow is left as it is.
    void sort_inline();

   private:
    static constexpr int kInline = 32;
    Candidate small_[kInline];
    int n_ = 0;
    std::vector<Candidate> more_;
  };
  // What one ellipsoidal solution tells about the distance at a point of the line.
  struct Probe {
    double d;      // distance, metres
    Azimuth azi2;  // azimuth of the geodesic from p, continued beyond the point
    double m12;    // reduced length (spherical estimate)
  };

  void build_chains(int chain_segments);
  void build_groups(int group_chains);
  void build_cells(const LineIndexOptions& opt);
  Query prepare(geo::LonLat p) const;
  double chord2_to_segment(const Vec3& p, const Chord& s, double& t) const;
  void scan_chain(const Vec3& p, const Chain& c, Candidates& minima, double& best) const;
  Probe probe(const Query& q, int seg, double t) const;
  double slope(const Probe& pr, int seg, double t) const;
  double ellipsoidal_from(const Query& q, int seg, double t) const;

  std::vector<Chord> chords_;
  std::vector<Segment> segs_;
  std::vector<Chain> chains_;
  std::vector<Group> groups_;
  std::vector<CellEntry> all_groups_;  // for points outside the cells, every group unbounded
  double lat0_ = 0, lat1_ = 0;         // latitude range of the lines
  // Query cells (CSR): chains that can hold the nearest point for some point of the cell.
  double cx0_ = 0, cy0_ = 0, cell_ = 1;
  int cnx_ = 0, cny_ = 0;
  std::vector<int> cell_start_;
  std::vector<CellEntry> cell_entries_;
  std::vector<double> row_ratio_;  // ratio_between for any point of a row of cells and the lines
};

}  // namespace truceline::index
