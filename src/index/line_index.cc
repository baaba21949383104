#include "index/line_index.h"

#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace truceline::index {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kA = 6378137.0;
constexpr double kE2 = 0.0066943799901413165;  // WGS84 first eccentricity squared
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

double angle_of_chord(double c) { return 2 * std::asin(std::min(1.0, c / 2)); }
double chord_of_angle(double a) { return 2 * std::sin(std::min(M_PI, a) / 2); }

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

// Chord threshold: a spherical distance at most `ratio` times `best` (chord), plus the slack.
double threshold(double best_chord, double ratio) { return chord_of_angle(angle_of_chord(best_chord) * ratio + kPad); }

}  // namespace

LineIndex::LineIndex(const std::vector<std::vector<geo::LonLat>>& lines, const LineIndexOptions& opt) {
  const auto& g = GeographicLib::Geodesic::WGS84();
  for (const auto& line : lines) {
    const int first = static_cast<int>(segs_.size());
    for (size_t i = 1; i < line.size(); ++i) {
      const geo::LonLat a = line[i - 1], b = line[i];
      Segment s;
      s.ra = geo::reduce(a.lat, a.lon);
      s.rb = geo::reduce(b.lat, b.lon);
      s.ua = unit<Vec3>(s.ra);
      s.ub = unit<Vec3>(s.rb);
      s.dir = {s.ub.x - s.ua.x, s.ub.y - s.ua.y, s.ub.z - s.ua.z};
      const double len2 = dot(s.dir, s.dir);
      s.inv_len2 = len2 > 0 ? 1 / len2 : 0;
      g.Inverse(a.lat, a.lon, b.lat, b.lon, s.length, s.azi_a, s.azi_b);
      s.prev = static_cast<int>(segs_.size()) > first ? static_cast<int>(segs_.size()) - 1 : -1;
      if (s.prev >= 0) {
        segs_[s.prev].next = static_cast<int>(segs_.size());
        s.offset = segs_[s.prev].offset + segs_[s.prev].length;
      }
      s.line_first = first;
      segs_.push_back(s);
    }
    for (int k = first; k < static_cast<int>(segs_.size()); ++k) segs_[k].line_last = static_cast<int>(segs_.size()) - 1;
  }
  if (segs_.empty()) return;
  build_chains(opt.chain_segments);
  build_cells(opt);
}

void LineIndex::build_chains(int chain_segments) {
  for (int i = 0; i < static_cast<int>(segs_.size());) {
    Chain c{{0, 0, 0}, 0, i, i};
    // A chain never spans two lines, so that every chain is one run of consecutive segments.
    while (c.last + 1 < static_cast<int>(segs_.size()) && c.last - c.first + 1 < chain_segments &&
           segs_[c.last].next == c.last + 1)
      ++c.last;
    for (int k = c.first; k <= c.last; ++k) {
      c.centre.x += segs_[k].ua.x + segs_[k].ub.x;
      c.centre.y += segs_[k].ua.y + segs_[k].ub.y;
      c.centre.z += segs_[k].ua.z + segs_[k].ub.z;
    }
    const double n = std::sqrt(dot(c.centre, c.centre));
    c.centre = {c.centre.x / n, c.centre.y / n, c.centre.z / n};
    // Arcs between vertices lie within the cap of their ends (caps under 90° are convex on the
    // sphere); the slack covers the chord's distance below the arc.
    for (int k = c.first; k <= c.last; ++k)
      c.radius = std::max({c.radius, chord(c.centre, segs_[k].ua), chord(c.centre, segs_[k].ub)});
    c.radius += kPad;
    all_chains_.push_back(static_cast<int>(chains_.size()));
    chains_.push_back(c);
    i = c.last + 1;
  }
}

void LineIndex::build_cells(const LineIndexOptions& opt) {
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const auto& s : segs_)
    for (const auto* p : {&s.ra, &s.rb}) {
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
  cells_.assign(static_cast<size_t>(cnx_) * cny_, {});
  std::vector<std::pair<double, int>> order(chains_.size());
  for (int iy = 0; iy < cny_; ++iy)
    for (int ix = 0; ix < cnx_; ++ix) {
      const double clat = cy0_ + (iy + 0.5) * cell_, clon = cx0_ + (ix + 0.5) * cell_;
      const Vec3 q = unit<Vec3>(clat, clon);
      double rho = 0;  // chord radius of the cell around its centre, with 1% for its curved edges
      for (double dy : {-0.5, 0.5})
        for (double dx : {-0.5, 0.5}) rho = std::max(rho, chord(q, unit<Vec3>(clat + dy * cell_, clon + dx * cell_)));
      rho *= 1.01;
      for (size_t j = 0; j < chains_.size(); ++j)
        order[j] = {chord(q, chains_[j].centre) - chains_[j].radius, static_cast<int>(j)};
      std::sort(order.begin(), order.end());
      double nearest = std::numeric_limits<double>::infinity();  // chord to the nearest vertex
      for (const auto& [lb, j] : order) {
        if (lb > nearest) break;
        for (int k = chains_[j].first; k <= chains_[j].last; ++k)
          nearest = std::min({nearest, chord(q, segs_[k].ua), chord(q, segs_[k].ub)});
      }
      // A chain can hold the answer for some point of the cell only if its bound, less the cell's
      // radius, stays within the threshold of the nearest vertex plus that radius.
      const double keep = threshold(nearest + rho, ratio_between(std::min(clat, lat0), std::max(clat, lat1))) + rho;
      auto& list = cells_[static_cast<size_t>(iy) * cnx_ + ix];
      for (const auto& [lb, j] : order) {
        if (lb > keep) break;
        list.push_back(j);
      }
    }
}

const std::vector<int>* LineIndex::cell_chains(geo::LonLat p) const {
  const double fx = (p.lon - cx0_) / cell_, fy = (p.lat - cy0_) / cell_;
  if (!(fx >= 0 && fx < cnx_ && fy >= 0 && fy < cny_)) return &all_chains_;
  return &cells_[static_cast<size_t>(fy) * cnx_ + static_cast<size_t>(fx)];
}

double LineIndex::chord_to_segment(const Vec3& p, const Segment& s, double& t) const {
  // Nearest point of the straight chord between the ends, in three dimensions; for segments of a
  // kilometre it lies 2 cm inside the arc, which kPad absorbs.
  const double dx = s.dir.x, dy = s.dir.y, dz = s.dir.z;
  const double px = p.x - s.ua.x, py = p.y - s.ua.y, pz = p.z - s.ua.z;
  t = std::clamp((px * dx + py * dy + pz * dz) * s.inv_len2, 0.0, 1.0);
  const double ex = px - t * dx, ey = py - t * dy, ez = pz - t * dz;
  return std::sqrt(ex * ex + ey * ey + ez * ez);
}

// Local minima of the chord distance along the chain (neighbours outside the chain included),
// each kept while it can still be the nearest on the ellipsoid.
void LineIndex::scan_chain(const Vec3& p, const Chain& c, Candidates& minima, double& best) const {
  double t_prev = 0, t = 0, t_next = 0;
  const Segment& first = segs_[c.first];
  double d_prev = first.prev >= 0 ? chord_to_segment(p, segs_[first.prev], t_prev) : std::numeric_limits<double>::infinity();
  double d = chord_to_segment(p, first, t);
  for (int k = c.first; k <= c.last; ++k) {
    const int nk = segs_[k].next;
    const double d_next = nk >= 0 ? chord_to_segment(p, segs_[nk], t_next) : std::numeric_limits<double>::infinity();
    // Strict on one side, so a minimum shared by two segments at their common vertex counts once.
    if (d < d_prev && d <= d_next) {
      minima.push({k, d, t});
      best = std::min(best, d);
    }
    d_prev = d;
    d = d_next;
    t = t_next;
  }
}

LineIndex::Probe LineIndex::probe(const geo::ReducedPoint& p, int seg, double t) const {
  const Segment& s = segs_[seg];
  // The point at fraction t, interpolating the reduced latitude's sine and cosine and the
  // longitude: for edges of a kilometre it lies within 2 cm of the geodesic between the ends.
  const double dlon = std::remainder(s.rb.lon - s.ra.lon, 360.0);
  geo::ReducedPoint q;
  q.lon = s.ra.lon + t * dlon;
  q.lat = s.ra.lat + t * (s.rb.lat - s.ra.lat);  // for the fallback only
  const double sb = s.ra.sin_beta + t * (s.rb.sin_beta - s.ra.sin_beta);
  const double cb = s.ra.cos_beta + t * (s.rb.cos_beta - s.ra.cos_beta);
  const double norm = 1 / std::sqrt(sb * sb + cb * cb);
  q.sin_beta = sb * norm;
  q.cos_beta = cb * norm;
  geo::InverseSolution v;
  if (geo::vincenty_inverse(p, q, v)) return {v.s12, v.azi2, kA * std::sin(v.sigma)};
  double s12, azi1, azi2, m12;
  GeographicLib::Geodesic::WGS84().Inverse(p.lat, p.lon, q.lat, q.lon, s12, azi1, azi2, m12);
  return {s12, azi2, m12};
}

// The segment of seg's line that holds arc length `s` (clamped to the line).
int LineIndex::segment_at(int seg, double s) const {
  int lo = segs_[seg].line_first, hi = segs_[seg].line_last;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (segs_[mid].offset <= s) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// Newton's method on the distance as a function of arc length along the line, from the spherical
// foot: distance' = cos γ, with γ the angle between the line and the geodesic from p, and
// distance'' = sin² γ / m12. At a vertex the two one-sided derivatives decide whether the vertex
// itself is the nearest point. Every solution is an exact distance to a point of the line, so the
// least of them bounds the answer from above whatever the iteration does.
double LineIndex::ellipsoidal_from(const geo::ReducedPoint& p, int seg, double t) const {
  const Segment& s0 = segs_[seg];
  const double line_end = segs_[s0.line_last].offset + segs_[s0.line_last].length;
  double pos = s0.offset + t * s0.length, best = std::numeric_limits<double>::infinity();
  // The nearest point lies between lo and hi: the distance falls forward at lo and backward at hi.
  double lo = 0, hi = line_end;
  for (int step = 0; step < 24; ++step) {
    seg = segment_at(seg, pos);
    double along = std::clamp(pos - segs_[seg].offset, 0.0, segs_[seg].length);
    // A vertex is always taken as the start of the segment ahead of it.
    if (along == segs_[seg].length && segs_[seg].next >= 0) seg = segs_[seg].next, along = 0;
    const Segment& s = segs_[seg];
    t = s.length > 0 ? along / s.length : 0;
    const Probe pr = probe(p, seg, t);
    best = std::min(best, pr.d);
    if (pr.d == 0) return 0;
    // distance' moving forward along segment g at fraction `at`.
    auto slope = [&](const Segment& g, double at) {
      return std::cos((pr.azi2 - (g.azi_a + at * std::remainder(g.azi_b - g.azi_a, 360.0))) * kDeg);
    };
    const bool at_vertex = along == 0 || along == s.length;
    const bool can_back = along > 0 || s.prev >= 0, can_ahead = along < s.length || s.next >= 0;
    const double ahead = along < s.length ? slope(s, t) : 0;
    const double back = along > 0 ? slope(s, t) : (s.prev >= 0 ? slope(segs_[s.prev], 1) : 0);
    if (at_vertex && (!can_back || back <= 0) && (!can_ahead || ahead >= 0)) return best;
    // Move the way the distance falls, on the segment that lies that way.
    const bool forward = can_ahead && ahead < 0;
    (forward ? lo : hi) = pos;
    const Segment& g = forward || along > 0 ? s : segs_[s.prev];
    const double d1 = forward ? ahead : back;
    const double sg2 = std::max(1e-12, 1 - d1 * d1);
    const double newton = -d1 * pr.m12 / sg2;
    const bool inside = pos + newton >= g.offset && pos + newton <= g.offset + g.length;
    // Within one segment the distance is smooth: a second-order estimate is within 3δ⁴/(8d³).
    if (inside && 3 * newton * newton * newton * newton <= 8e-3 * pr.d * pr.d * pr.d)
      return std::min(best, pr.d - d1 * d1 * pr.m12 / (2 * sg2));
    // Where the line bends, Newton can overshoot: keep to the bracket, halving it if need be.
    const bool bracketed = pos + newton > lo && pos + newton < hi;
    const double delta = bracketed ? newton : (forward ? hi - pos : lo - pos) / 2;
    const double target = pos + delta;
    if (std::abs(target - pos) < 1e-4) return best;
    // Leaving the segment: stop at its vertex first, where the slope may change sign. Jumping
    // further can land beyond a nearer local minimum where a far line wiggles (seen: 0.4 m).
    pos = inside ? target : (delta > 0 ? g.offset + g.length : g.offset);
  }
  return best;
}

double LineIndex::distance_m(geo::LonLat p) const {
  if (segs_.empty()) return std::numeric_limits<double>::infinity();
  const geo::ReducedPoint rp = geo::reduce(p.lat, p.lon);
  const Vec3 up = unit<Vec3>(rp);
  const std::vector<int>& chains = *cell_chains(p);
  // The ratio covers every latitude a path from p to any line could involve.
  const double ratio = ratio_between(std::min(p.lat, lat0_), std::max(p.lat, lat1_));
  Candidates minima;
  double best = std::numeric_limits<double>::infinity(), limit = best;
  for (int j : chains) {
    const Chain& c = chains_[j];
    const double dx = up.x - c.centre.x, dy = up.y - c.centre.y, dz = up.z - c.centre.z;
    const double reach = limit + c.radius;  // no point of the chain is nearer than |up − centre| − radius
    if (dx * dx + dy * dy + dz * dz > reach * reach) continue;
    const double before = best;
    scan_chain(up, c, minima, best);
    if (best < before) limit = threshold(best, ratio);
  }
  double result = std::numeric_limits<double>::infinity();
  minima.each([&](const Candidate& m) {
    if (m.chord <= limit) result = std::min(result, ellipsoidal_from(rp, m.seg, m.t));
  });
  return result;
}

}  // namespace truceline::index
