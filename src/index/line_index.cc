#include "index/line_index.h"

#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace truceline::index {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257223563;
constexpr double kE2 = kF * (2 - kF);  // WGS84 first eccentricity squared
constexpr double kInf = std::numeric_limits<double>::infinity();
// One metre on the unit sphere: the absolute slack added to every spherical comparison, for the
// centimetres by which a 1 km geodesic strays from its chord and great-circle arc.
constexpr double kPad = 1.0 / 6371008.8;

double dot(const auto& a, const auto& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

// Unit vector of a point on the auxiliary sphere of reduced latitudes (tan β = (1 − f) tan φ),
// where the ellipsoid's geodesics are nearly great circles.
template <class V>
V unit(const geo::ReducedPoint& r) {
  return V{r.cos_beta * std::cos(r.lon * kDeg), r.cos_beta * std::sin(r.lon * kDeg), r.sin_beta};
}
template <class V>
V unit(double lat, double lon) {
  return unit<V>(geo::reduce(lat, lon));
}

template <class V>
double chord(const V& a, const V& b) {
  const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// k_hi / k_lo for paths between latitudes lat0 and lat1. In reduced latitude β and longitude,
// the ellipsoid's line element is a²((1 − e² cos² β) dβ² + cos² β dλ²): every path is between
// sqrt(1 − e² cos² β) and 1 times a times its length on the auxiliary unit sphere. Two degrees of
// slack cover the poleward bulge of geodesics up to ~1,500 km.
double ratio_between(double lat0, double lat1) {
  const double lo = std::min(lat0, lat1) - 2, hi = std::max(lat0, lat1) + 2;
  const double nearest_equator = (lo <= 0 && hi >= 0) ? 0 : std::min(std::abs(lo), std::abs(hi));
  const double c = std::cos(nearest_equator * kDeg);
  return 1 / std::sqrt(1 - kE2 * c * c);
}

// Chord threshold: the chord of a spherical distance `ratio` times that of chord `best`, plus the
// slack. The chord 2 sin(θ/2) is concave in θ and 0 at 0, so chord(ratio·θ) ≤ ratio·chord(θ) for
// ratio ≥ 1 (past θ = π/ratio any chord is below it anyway); and its slope is at most 1, so the
// slack adds at most kPad: no trigonometry needed.
double threshold(double best_chord, double ratio) { return ratio * best_chord + kPad; }

// Whether a cap can hold a point within chord `limit` of p: no point of it is nearer than
// |p − centre| − radius.
template <class V>
bool within_reach(const V& p, const V& centre, double radius, double limit) {
  const double dx = p.x - centre.x, dy = p.y - centre.y, dz = p.z - centre.z;
  const double reach = limit + radius;
  return dx * dx + dy * dy + dz * dz <= reach * reach;
}

}  // namespace

LineIndex::LineIndex(const std::vector<std::vector<geo::LonLat>>& lines, const LineIndexOptions& opt) {
  const auto& g = GeographicLib::Geodesic::WGS84();
  for (const auto& line : lines) {
    const int first = static_cast<int>(segs_.size());
    for (size_t i = 1; i < line.size(); ++i) {
      const geo::LonLat a = line[i - 1], b = line[i];
      Chord c;
      c.ua = unit<Vec3>(a.lat, a.lon);
      const Vec3 ub = unit<Vec3>(b.lat, b.lon);
      c.dir = {ub.x - c.ua.x, ub.y - c.ua.y, ub.z - c.ua.z};
      const double len2 = dot(c.dir, c.dir);
      c.inv_len2 = len2 > 0 ? 1 / len2 : 0;
      Segment s;
      s.a = a, s.b = b;
      double azi_a, azi_b;
      g.Inverse(a.lat, a.lon, b.lat, b.lon, s.length, azi_a, azi_b);
      s.azi_a = {std::sin(azi_a * kDeg), std::cos(azi_a * kDeg)};
      s.azi_b = {std::sin(azi_b * kDeg), std::cos(azi_b * kDeg)};
      const int k = static_cast<int>(segs_.size());
      if (k > first) {
        s.prev = k - 1;
        segs_[k - 1].next = k;
        s.offset = segs_[k - 1].offset + segs_[k - 1].length;
      }
      chords_.push_back(c);
      segs_.push_back(s);
    }
  }
  if (segs_.empty()) return;
  build_chains(opt.chain_segments);
  build_groups(opt.group_chains);
  build_cells(opt);
}

void LineIndex::build_chains(int chain_segments) {
  auto end_of = [](const Chord& c) { return Vec3{c.ua.x + c.dir.x, c.ua.y + c.dir.y, c.ua.z + c.dir.z}; };
  for (int i = 0; i < static_cast<int>(segs_.size());) {
    Chain c{{0, 0, 0}, 0, i, i, segs_[i].prev, -1};
    // A chain never spans two lines, so that every chain is one run of consecutive segments.
    while (c.last + 1 < static_cast<int>(segs_.size()) && c.last - c.first + 1 < chain_segments &&
           segs_[c.last].next == c.last + 1)
      ++c.last;
    c.after = segs_[c.last].next;
    for (int k = c.first; k <= c.last; ++k) {
      const Vec3 ua = chords_[k].ua, ub = end_of(chords_[k]);
      c.centre = {c.centre.x + ua.x + ub.x, c.centre.y + ua.y + ub.y, c.centre.z + ua.z + ub.z};
    }
    const double n = std::sqrt(dot(c.centre, c.centre));
    c.centre = {c.centre.x / n, c.centre.y / n, c.centre.z / n};
    // Arcs between vertices lie within the cap of their ends (caps under 90° are convex on the
    // sphere); the slack covers the chord's distance below the arc.
    for (int k = c.first; k <= c.last; ++k)
      c.radius = std::max({c.radius, chord(c.centre, chords_[k].ua), chord(c.centre, end_of(chords_[k]))});
    c.radius += kPad;
    chains_.push_back(c);
    i = c.last + 1;
  }
}

void LineIndex::build_groups(int group_chains) {
  for (int i = 0; i < static_cast<int>(chains_.size());) {
    Group g{{0, 0, 0}, 0, i, i};
    while (g.last + 1 < static_cast<int>(chains_.size()) && g.last - g.first + 1 < group_chains &&
           chains_[g.last].after == chains_[g.last + 1].first)
      ++g.last;
    for (int j = g.first; j <= g.last; ++j) {
      const Vec3& c = chains_[j].centre;
      g.centre = {g.centre.x + c.x, g.centre.y + c.y, g.centre.z + c.z};
    }
    const double n = std::sqrt(dot(g.centre, g.centre));
    g.centre = {g.centre.x / n, g.centre.y / n, g.centre.z / n};
    for (int j = g.first; j <= g.last; ++j)
      g.radius = std::max(g.radius, chord(g.centre, chains_[j].centre) + chains_[j].radius);
    all_groups_.push_back({.group = static_cast<int>(groups_.size()), .bound = -kInf});
    groups_.push_back(g);
    i = g.last + 1;
  }
}

void LineIndex::build_cells(const LineIndexOptions& opt) {
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const auto& s : segs_)
    for (const auto* p : {&s.a, &s.b}) {
      lat0 = std::min(lat0, p->lat), lat1 = std::max(lat1, p->lat);
      lon0 = std::min(lon0, p->lon), lon1 = std::max(lon1, p->lon);
    }
  lat0_ = lat0;
  lat1_ = lat1;
  cell_ = opt.cell_deg;
  cx0_ = lon0 - opt.margin_deg;
  cy0_ = std::max(-89.0, lat0 - opt.margin_deg);
  cnx_ = static_cast<int>(std::ceil((lon1 + opt.margin_deg - cx0_) / cell_));
  cny_ = static_cast<int>(std::ceil((std::min(89.0, lat1 + opt.margin_deg) - cy0_) / cell_));
  for (int iy = 0; iy < cny_; ++iy)
    row_ratio_.push_back(ratio_between(std::min(cy0_ + iy * cell_, lat0), std::max(cy0_ + (iy + 1) * cell_, lat1)));
  cell_start_.assign(1, 0);
  std::vector<std::pair<double, int>> order(groups_.size());
  for (int iy = 0; iy < cny_; ++iy)
    for (int ix = 0; ix < cnx_; ++ix) {
      const double clat = cy0_ + (iy + 0.5) * cell_, clon = cx0_ + (ix + 0.5) * cell_;
      const Vec3 q = unit<Vec3>(clat, clon);
      double rho = 0;  // chord radius of the cell around its centre, with 1% for its curved edges
      for (double dy : {-0.5, 0.5})
        for (double dx : {-0.5, 0.5}) rho = std::max(rho, chord(q, unit<Vec3>(clat + dy * cell_, clon + dx * cell_)));
      rho *= 1.01;
      for (size_t j = 0; j < groups_.size(); ++j)
        order[j] = {chord(q, groups_[j].centre) - groups_[j].radius, static_cast<int>(j)};
      std::sort(order.begin(), order.end());
      double nearest = kInf;  // chord to the nearest vertex
      for (const auto& [lb, j] : order) {
        if (lb > nearest) break;
        for (int k = chains_[groups_[j].first].first; k <= chains_[groups_[j].last].last; ++k) {
          const Chord& c = chords_[k];
          const Vec3 ub{c.ua.x + c.dir.x, c.ua.y + c.dir.y, c.ua.z + c.dir.z};
          nearest = std::min({nearest, chord(q, c.ua), chord(q, ub)});
        }
      }
      // A group can hold the answer for some point of the cell only if its bound, less the cell's
      // radius, stays within the threshold of the nearest vertex plus that radius. For a point of
      // the cell, no point of group j is nearer than lb − rho: a query stops at the first entry
      // whose bound exceeds its own threshold, the list being in the order of lb.
      const double keep = threshold(nearest + rho, row_ratio_[iy]) + rho;
      for (const auto& [lb, j] : order) {
        if (lb > keep) break;
        cell_entries_.push_back({.group = j, .bound = lb - rho});
      }
      cell_start_.push_back(static_cast<int>(cell_entries_.size()));
    }
}

LineIndex::Query LineIndex::prepare(geo::LonLat p) const {
  Query q;
  q.p = p;
  // The cell first: its list is far in memory, mostly, and is fetched while the trigonometry runs.
  const double fx = (p.lon - cx0_) / cell_, fy = (p.lat - cy0_) / cell_;
  if (fx >= 0 && fx < cnx_ && fy >= 0 && fy < cny_) {
    const size_t iy = static_cast<size_t>(fy), cell = iy * cnx_ + static_cast<size_t>(fx);
    q.begin = cell_entries_.data() + cell_start_[cell];
    q.end = cell_entries_.data() + cell_start_[cell + 1];
    __builtin_prefetch(q.begin);
    q.ratio = row_ratio_[iy];
  } else {
    q.begin = all_groups_.data();
    q.end = all_groups_.data() + all_groups_.size();
    // The ratio covers every latitude a path from p to any line could involve.
    q.ratio = ratio_between(std::min(p.lat, lat0_), std::max(p.lat, lat1_));
  }
  const geo::ReducedPoint r = geo::reduce(p.lat, p.lon);
  q.sin_beta = r.sin_beta, q.cos_beta = r.cos_beta;
  q.u = unit<Vec3>(r);
  return q;
}

double LineIndex::chord2_to_segment(const Vec3& p, const Chord& s, double& t) const {
  // Nearest point of the straight chord between the ends, in three dimensions; for segments of a
  // kilometre it lies 2 cm inside the arc, which kPad absorbs. Squared: the root is taken only
  // at the local minima.
  const double dx = s.dir.x, dy = s.dir.y, dz = s.dir.z;
  const double px = p.x - s.ua.x, py = p.y - s.ua.y, pz = p.z - s.ua.z;
  t = std::clamp((px * dx + py * dy + pz * dz) * s.inv_len2, 0.0, 1.0);
  const double ex = px - t * dx, ey = py - t * dy, ez = pz - t * dz;
  return ex * ex + ey * ey + ez * ez;
}

// Local minima of the chord distance along the chain, each kept while it can still be the nearest
// on the ellipsoid. The distance to one segment's chord is convex along it, so its least is a local
// minimum of the line's distance when the foot is inside the segment, or at a vertex where the
// feet on both sides sit at that vertex (t = 1 before, t = 0 after; counted with the segment
// after), or at an end of the line. Comparing the segments' least distances instead misses a
// minimum next to a vertex where the distance peaks (the feet on both sides at their far ends) and
// one of two minima on either side of a bend (both feet inside): 0.9 m and 0.7 m off, seen.
void LineIndex::scan_chain(const Vec3& p, const Chain& c, Candidates& minima, double& best) const {
  double t_prev = 0;
  if (c.before >= 0) chord2_to_segment(p, chords_[c.before], t_prev);
  for (int k = c.first; k <= c.last; ++k) {
    double t;
    const double d2 = chord2_to_segment(p, chords_[k], t);
    const bool has_prev = k > c.first || c.before >= 0, has_next = k < c.last || c.after >= 0;
    const bool minimum = (t > 0 && t < 1) || (t == 0 && (!has_prev || t_prev == 1)) || (t == 1 && !has_next);
    if (minimum) {
      const double ch = std::sqrt(d2);
      minima.push({k, ch, t});
      best = std::min(best, ch);
    }
    t_prev = t;
  }
}

void LineIndex::Candidates::sort_inline() {
  for (int i = 1; i < n_; ++i)
    for (int j = i; j > 0 && small_[j].chord < small_[j - 1].chord; --j) std::swap(small_[j], small_[j - 1]);
}

LineIndex::Probe LineIndex::probe(const Query& q, int seg, double t) const {
  // The point at chord parameter t, brought onto the sphere: on the great-circle arc of the
  // auxiliary sphere, within a millimetre of the geodesic between the ends for 1 km edges.
  const Chord& c = chords_[seg];
  Vec3 x{c.ua.x + t * c.dir.x, c.ua.y + t * c.dir.y, c.ua.z + t * c.dir.z};
  const double n = 1 / std::sqrt(dot(x, x));
  x = {x.x * n, x.y * n, x.z * n};
  // The longitude difference from the horizontal parts of the two unit vectors, whose lengths
  // are the cosines of the reduced latitudes.
  const double cos_beta2 = std::sqrt(x.x * x.x + x.y * x.y), cc = q.cos_beta * cos_beta2;
  if (cc > 1e-12) {  // neither point at a pole
    const double inv = 1 / cc;
    const geo::AuxiliaryPair pair{q.sin_beta,
                                  q.cos_beta,
                                  x.z,
                                  cos_beta2,
                                  (q.u.x * x.y - q.u.y * x.x) * inv,
                                  (q.u.x * x.x + q.u.y * x.y) * inv};
    geo::AuxiliarySolution v;
    if (geo::vincenty_inverse(pair, v)) return {v.s12, {v.sin_azi2, v.cos_azi2}, kA * v.sin_sigma};
  }
  const double lat = std::atan2(x.z, (1 - kF) * cos_beta2) / kDeg, lon = std::atan2(x.y, x.x) / kDeg;
  double s12, azi1, azi2, m12;
  GeographicLib::Geodesic::WGS84().Inverse(q.p.lat, q.p.lon, lat, lon, s12, azi1, azi2, m12);
  return {s12, {std::sin(azi2 * kDeg), std::cos(azi2 * kDeg)}, m12};
}

// distance' moving forward along segment seg at fraction t: the cosine of the angle between the
// line and the geodesic from the query. The line's azimuth is interpolated between its ends; over
// a kilometre it turns by 2e-4 rad at most, so the interpolated (sin, cos) is a unit vector to 5e-9.
double LineIndex::slope(const Probe& pr, int seg, double t) const {
  const Segment& s = segs_[seg];
  const double sin_l = s.azi_a.sin + t * (s.azi_b.sin - s.azi_a.sin);
  const double cos_l = s.azi_a.cos + t * (s.azi_b.cos - s.azi_a.cos);
  return pr.azi2.sin * sin_l + pr.azi2.cos * cos_l;
}

// Newton's method on the distance as a function of arc length along the line, from the spherical
// foot: distance' = cos γ, with γ the angle between the line and the geodesic from p, and
// distance'' = sin² γ / m12. At a vertex the two one-sided derivatives decide whether the vertex
// itself is the nearest point. Every solution is an exact distance to a point of the line, so the
// least of them bounds the answer from above whatever the iteration does.
double LineIndex::ellipsoidal_from(const Query& q, int seg, double t) const {
  // The chord parameter t stands for the fraction of the arc: they differ by θ²/8 ≈ 3e-9 of a
  // kilometre's segment.
  double along = t * segs_[seg].length, best = kInf;
  // The nearest point lies between lo and hi (arc lengths along the line): the distance falls
  // forward at lo and backward at hi.
  double lo = -kInf, hi = kInf;
  for (int step = 0; step < 24; ++step) {
    // A vertex is always taken as the start of the segment ahead of it.
    if (along >= segs_[seg].length && segs_[seg].next >= 0) seg = segs_[seg].next, along = 0;
    const Segment& s = segs_[seg];
    const double pos = s.offset + along, frac = s.length > 0 ? along / s.length : 0;
    const Probe pr = probe(q, seg, frac);
    best = std::min(best, pr.d);
    if (pr.d == 0) return 0;
    const bool at_vertex = along == 0 || along == s.length;
    const bool can_back = along > 0 || s.prev >= 0, can_ahead = along < s.length || s.next >= 0;
    const double on_seg = slope(pr, seg, frac);
    const double ahead = along < s.length ? on_seg : 0;
    const double back = along > 0 ? on_seg : (s.prev >= 0 ? slope(pr, s.prev, 1) : 0);
    if (at_vertex && (!can_back || back <= 0) && (!can_ahead || ahead >= 0)) return best;
    // Move the way the distance falls, on the segment that lies that way.
    const bool forward = can_ahead && ahead < 0;
    (forward ? lo : hi) = pos;
    const int on = forward || along > 0 ? seg : s.prev;
    const Segment& g = segs_[on];
    const double at = on == seg ? along : g.length;  // position on g
    const double d1 = forward ? ahead : back;
    const double sg2 = std::max(1e-12, 1 - d1 * d1);
    const double newton = -d1 * pr.m12 / sg2;
    const bool inside = at + newton >= 0 && at + newton <= g.length;
    // Within one segment the distance is smooth: a second-order estimate is within 3δ⁴/(8d³).
    if (inside && 3 * newton * newton * newton * newton <= 8e-3 * pr.d * pr.d * pr.d)
      return std::min(best, pr.d - d1 * d1 * pr.m12 / (2 * sg2));
    // Where the line bends, Newton can overshoot: keep to the bracket, halving it if need be.
    const bool bracketed = pos + newton > lo && pos + newton < hi;
    const double delta = bracketed ? newton : (forward ? hi - pos : lo - pos) / 2;
    if (std::abs(delta) < 1e-4) return best;
    // Leaving the segment: stop at its vertex first, where the slope may change sign. Jumping
    // further can land beyond a nearer local minimum where a far line wiggles (seen: 0.4 m).
    seg = on;
    along = std::clamp(at + delta, 0.0, g.length);
  }
  return best;
}

double LineIndex::distance_m(geo::LonLat p) const {
  if (segs_.empty()) return kInf;
  const Query q = prepare(p);
  Candidates minima;
  double best = kInf, limit = kInf;
  for (const CellEntry* e = q.begin; e != q.end; ++e) {
    if (e->bound > limit) break;  // this group and every later one are too far from the whole cell
    const Group& g = groups_[e->group];
    if (!within_reach(q.u, g.centre, g.radius, limit)) continue;
    for (int j = g.first; j <= g.last; ++j) {
      const Chain& c = chains_[j];
      if (!within_reach(q.u, c.centre, c.radius, limit)) continue;
      scan_chain(q.u, c, minima, best);
      limit = threshold(best, q.ratio);
    }
  }
  // Nearest first: a minimum is solved on the ellipsoid only while its spherical distance, times
  // the least ratio of the ellipsoid's distances to the sphere's, less the slack, can still beat
  // the best answer so far.
  minima.sort_inline();
  double result = kInf;
  minima.each([&](const Candidate& m) {
    if (m.chord > limit || kA * (m.chord - kPad) / q.ratio > result) return;
    result = std::min(result, ellipsoidal_from(q, m.seg, m.t));
  });
  return result;
}

}  // namespace truceline::index
