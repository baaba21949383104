// Weighted non-linear least squares on an azimuthal equidistant plane; see locate.h.
#include "monitor/locate.h"

#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "geo/geodesy.h"
#include "monitor/uncertainty.h"

namespace truceline::monitor {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180;

struct Vec {
  double x = 0, y = 0;  // east, north, metres
};
Vec operator-(Vec a, Vec b) { return {a.x - b.x, a.y - b.y}; }
Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y}; }
Vec operator*(double k, Vec a) { return {k * a.x, k * a.y}; }
double norm(Vec a) { return std::hypot(a.x, a.y); }

// Symmetric 2×2 matrix [[xx, xy], [xy, yy]].
struct Sym {
  double xx = 0, xy = 0, yy = 0;
};

// The local plane. Azimuthal equidistant rather than gnomonic: ranges and the σ of given positions
// are in metres, and this projection keeps metres (exact from the centre, within 10⁻⁶ relative up to
// 30 km away); a bearing line 10 km long it bends by a few millimetres at most.
class Plane {
 public:
  explicit Plane(geo::LonLat centre) : proj_(GeographicLib::Geodesic::WGS84()), c_(centre) {}
  Vec forward(geo::LonLat p) const {
    Vec v;
    double azi, k;
    proj_.Forward(c_.lat, c_.lon, p.lat, p.lon, v.x, v.y, azi, k);
    return v;
  }
  geo::LonLat reverse(Vec v) const {
    geo::LonLat p;
    double azi, k;
    proj_.Reverse(c_.lat, c_.lon, v.x, v.y, p.lat, p.lon, azi, k);
    return p;
  }

 private:
  GeographicLib::AzimuthalEquidistant proj_;
  geo::LonLat c_;
};

// Longitude of b brought within 180° of a, so that means do not break at the antimeridian.
double unwrap_lon(double a, double b) { return a + std::remainder(b - a, 360.0); }

// The centre of the plane: mean of observers and given positions.
geo::LonLat centre_of(const std::vector<const Sighting*>& ss) {
  double lon = 0, lat = 0, ref = 0;
  int n = 0;
  auto add = [&](geo::LonLat p) {
    if (n == 0) ref = p.lon;
    lon += unwrap_lon(ref, p.lon), lat += p.lat, ++n;
  };
  for (const Sighting* s : ss) {
    if (s->observer) add(*s->observer);
    if (s->position) add(*s->position);
  }
  return {std::remainder(lon / n, 360.0), lat / n};
}

// One scalar measurement, linearised at a point: residual already divided by its σ, gradient too.
struct Row {
  double r = 0;
  Vec g;
};

struct Bearing {
  Vec from;
  double dir;    // clockwise from the plane's north, radians
  double sigma;  // radians
};
struct Range {
  Vec from;
  double mid, sigma;  // metres
};
struct Position {
  Vec at;
  double sigma;  // metres, per axis
};

struct Problem {
  std::vector<Bearing> bearings;
  std::vector<Range> ranges;
  std::vector<Position> positions;
};

double wrap(double a) { return std::remainder(a, 2 * kPi); }

// Plane direction of a geodesic azimuth at `from`: through a point 1 km along it. This takes out
// the convergence of meridians across the plane (0.05° at 5 km east at 48°N).
double plane_direction(const Plane& pl, geo::LonLat from, double azi_deg) {
  const Vec a = pl.forward(from), b = pl.forward(geo::destination(from, azi_deg, 1000));
  return std::atan2(b.x - a.x, b.y - a.y);
}

// Rows of every measurement at p. The bearing residual is the wrapped angle between the direction
// to p and the one measured; near the observer it is undefined, so a zero gradient there (ρ ≥ 1 m).
template <class F>
void each_row(const Problem& pb, Vec p, F&& f) {
  for (const Bearing& b : pb.bearings) {
    const Vec d = p - b.from;
    const double rho2 = std::max(d.x * d.x + d.y * d.y, 1.0);
    f(Row{wrap(std::atan2(d.x, d.y) - b.dir) / b.sigma,
          (1 / (b.sigma * rho2)) * Vec{d.y, -d.x}});
  }
  for (const Range& r : pb.ranges) {
    const Vec d = p - r.from;
    const double rho = std::max(norm(d), 1.0);
    f(Row{(rho - r.mid) / r.sigma, (1 / (r.sigma * rho)) * d});
  }
  for (const Position& q : pb.positions) {
    f(Row{(p.x - q.at.x) / q.sigma, {1 / q.sigma, 0}});
    f(Row{(p.y - q.at.y) / q.sigma, {0, 1 / q.sigma}});
  }
}

double cost(const Problem& pb, Vec p) {
  double c = 0;
  each_row(pb, p, [&](const Row& r) { c += r.r * r.r; });
  return c;
}

// Normal matrix JᵀWJ and right-hand side −JᵀWr at p (rows are already weighted by 1/σ).
void normal(const Problem& pb, Vec p, Sym& n, Vec& rhs) {
  n = {}, rhs = {};
  each_row(pb, p, [&](const Row& r) {
    n.xx += r.g.x * r.g.x, n.xy += r.g.x * r.g.y, n.yy += r.g.y * r.g.y;
    rhs.x -= r.g.x * r.r, rhs.y -= r.g.y * r.r;
  });
}

// Inverse of a symmetric 2×2; a singular one (no information along some direction) is nudged to
// an information of 1/(10⁶ km)², so the ellipse comes out enormous rather than NaN.
Sym inverse(Sym n) {
  constexpr double tiny = 1e-18;
  double det = n.xx * n.yy - n.xy * n.xy;
  if (!(det > tiny * (n.xx + n.yy + tiny))) n.xx += tiny, n.yy += tiny, det = n.xx * n.yy - n.xy * n.xy;
  return {n.yy / det, -n.xy / det, n.xx / det};
}

// Keeps p within `cap` of the plane's centre.
Vec clamp(Vec p, double cap) {
  const double r = norm(p);
  return r > cap ? (cap / r) * p : p;
}

// Where two bearing lines cross, when they cross ahead of both observers.
bool intersect(const Bearing& a, const Bearing& b, Vec& out) {
  const Vec u{std::sin(a.dir), std::cos(a.dir)}, v{std::sin(b.dir), std::cos(b.dir)};
  const double den = u.x * v.y - u.y * v.x;  // sine of the angle between them
  if (std::abs(den) < 1e-6) return false;
  const Vec w = b.from - a.from;
  const double s = (w.x * v.y - w.y * v.x) / den, t = (w.x * u.y - w.y * u.x) / den;
  if (s <= 0 || t <= 0) return false;
  out = a.from + s * u;
  return true;
}

// A start near the global minimum: the best, by cost, of the given positions, every pairwise
// bearing intersection, and every bearing carried out to its range (or 5 km). Bearings are
// non-linear enough that Gauss–Newton from a poor start can settle behind an observer.
Vec start(const Problem& pb, double cap) {
  std::vector<Vec> cands;
  for (const Position& q : pb.positions) cands.push_back(q.at);
  for (size_t i = 0; i < pb.bearings.size(); ++i) {
    for (size_t j = i + 1; j < pb.bearings.size(); ++j) {
      Vec x;
      if (intersect(pb.bearings[i], pb.bearings[j], x)) cands.push_back(clamp(x, cap));
    }
    const Bearing& b = pb.bearings[i];
    double along = 5000;
    for (const Range& r : pb.ranges)
      if (norm(r.from - b.from) < 1) along = r.mid;
    cands.push_back(clamp(b.from + along * Vec{std::sin(b.dir), std::cos(b.dir)}, cap));
  }
  if (cands.empty()) return {};  // ranges only: the centre of their observers
  Vec best = cands.front();
  double best_cost = std::numeric_limits<double>::infinity();
  for (Vec c : cands)
    if (double k = cost(pb, c); k < best_cost) best_cost = k, best = c;
  return best;
}

// Gauss–Newton with a step limit (5 km) and step halving when a step would raise the cost; held
// within `cap` of the centre. Stops when a step is under 1 cm.
Vec solve(const Problem& pb, Vec p, int iterations, double cap) {
  double c = cost(pb, p);
  for (int it = 0; it < iterations; ++it) {
    Sym n;
    Vec rhs;
    normal(pb, p, n, rhs);
    const Sym inv = inverse(n);
    Vec step{inv.xx * rhs.x + inv.xy * rhs.y, inv.xy * rhs.x + inv.yy * rhs.y};
    if (double len = norm(step); len > 5000) step = (5000 / len) * step;
    double moved = -1;  // length of the step taken, metres
    for (int half = 0; half < 20 && moved < 0; ++half, step = 0.5 * step) {
      const Vec q = clamp(p + step, cap);
      if (double cq = cost(pb, q); cq <= c) moved = norm(q - p), p = q, c = cq;
    }
    if (moved < 0.01) break;
  }
  return p;
}

// The 1σ ellipse of a covariance: semi-axes from its eigenvalues, azimuth of the major axis
// clockwise from north in [0, 180).
Ellipse ellipse_of(Sym c) {
  const double mean = (c.xx + c.yy) / 2, dev = std::hypot((c.xx - c.yy) / 2, c.xy);
  Ellipse e;
  e.major_m = std::sqrt(std::max(mean + dev, 0.0));
  e.minor_m = std::sqrt(std::max(mean - dev, 0.0));
  const double from_east = 0.5 * std::atan2(2 * c.xy, c.xx - c.yy) / kDeg;
  e.azimuth_deg = std::fmod(90 - from_east + 360, 180.0);
  return e;
}

// The band assumed for a bearing without one: monitor/uncertainty.h.
using Band = RangeBand;

Range range_of(Vec from, Band b) {
  // Half the band is 1σ; a band given as one number (min = max) still gets 1 m.
  return {from, (b.min_m + b.max_m) / 2, std::max((b.max_m - b.min_m) / 2, 1.0)};
}

// Observers with no direction and no position: their centre, σ the widest band in every direction.
Fix observers_only(const std::vector<const Sighting*>& ss, const Plane& pl) {
  Vec sum;
  double sigma = 0;
  int n = 0;
  for (const Sighting* s : ss) {
    if (!s->observer) continue;
    sum = sum + pl.forward(*s->observer), ++n;
    sigma = std::max(sigma, s->range_max_m ? *s->range_max_m : default_band(s->event, s->mode).max_m);
  }
  Fix f;
  f.ok = true;
  f.pos = pl.reverse((1.0 / n) * sum);
  f.err = {sigma, sigma, 0};
  return f;
}

// The kind of observer that gave every position, or "mixed".
std::string given_by(const std::vector<const Sighting*>& ss) {
  std::string kind = ss.front()->observer_kind;
  for (const Sighting* s : ss)
    if (s->observer_kind != kind) return "mixed";
  return kind.empty() ? "unknown" : kind;
}

}  // namespace

double bearing_sigma_deg(const Sighting& s) {
  if (!s.bearing_deg) return s.bearing_sigma_deg;
  const double off = std::remainder(*s.bearing_deg, 22.5);
  if (std::fabs(off) > 0.05) return s.bearing_sigma_deg;
  constexpr double kQuantum = 22.5 / 3.4641016151377544;  // 22.5° / √12
  return std::hypot(s.bearing_sigma_deg, kQuantum);
}

Fix locate(const std::vector<const Sighting*>& sightings, const LocateOptions& opt) {
  std::vector<const Sighting*> ss;
  for (const Sighting* s : sightings)
    if (s && (s->observer || s->position)) ss.push_back(s);
  if (ss.empty()) return {};
  const Plane pl(centre_of(ss));

  Problem pb;
  for (const Sighting* s : ss) {
    if (s->position) pb.positions.push_back({pl.forward(*s->position), s->position_sigma_m});
    if (!s->observer) continue;
    const Vec o = pl.forward(*s->observer);
    if (s->bearing_deg)
      pb.bearings.push_back({o, plane_direction(pl, *s->observer, *s->bearing_deg),
                             bearing_sigma_deg(*s) * kDeg});
    if (s->range_min_m && s->range_max_m)
      pb.ranges.push_back(range_of(o, {*s->range_min_m, *s->range_max_m}));
  }
  if (pb.positions.empty() && pb.bearings.empty()) return observers_only(ss, pl);

  // Bandless bearings take their event's default band as a range measurement: always when asked
  // (a weak prior that reins in ill-conditioned crossings), else only when all bearings come from
  // one place (within 100 m) with nothing else to fix the distance along them.
  bool one_place = pb.positions.empty() && pb.ranges.empty();
  for (const Bearing& b : pb.bearings) one_place = one_place && norm(b.from - pb.bearings[0].from) < 100;
  if (opt.default_band_prior || one_place)
    for (const Sighting* s : ss)
      if (s->observer && s->bearing_deg && !(s->range_min_m && s->range_max_m))
        pb.ranges.push_back(range_of(pl.forward(*s->observer), default_band(s->event, s->mode)));

  const Vec p = solve(pb, start(pb, opt.max_distance_m), opt.max_iterations, opt.max_distance_m);
  Sym n;
  Vec rhs;
  normal(pb, p, n, rhs);
  Fix f;
  f.ok = true;
  f.pos = pl.reverse(p);
  f.err = ellipse_of(inverse(n));
  if (pb.bearings.empty() && pb.ranges.empty()) f.given_by = given_by(ss);
  return f;
}

}  // namespace truceline::monitor
