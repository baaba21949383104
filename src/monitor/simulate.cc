// A synthetic observation stream along a plan's line of contact (see simulate.h).
//
// The shape of it follows what the OSCE's Special Monitoring Mission recorded in Donbas: most
// events are explosions, many of them fire across the line; patrols at fixed positions hear far
// more than they see; cameras record a few things precisely; reports arrive minutes late, some
// twice, a few describe nothing that happened.
//
// Randomness: one std::mt19937_64 (its output is fixed by the standard) and hand-written
// distributions, because std::uniform_real_distribution and friends may give different numbers
// under another standard library; the same seed must give the same bytes everywhere.
#include "monitor/simulate.h"

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <unordered_map>

#include "geo/errors.h"
#include "geo/geodesy.h"
#include "index/line_index.h"
#include "index/locator.h"
#include "io/csv.h"
#include "monitor/observation.h"

namespace truceline::monitor {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kHearM = 8000;    // a patrol hears explosions and gunfire this far
constexpr double kSeeM = 4000;     // and sees this far
constexpr double kCameraM = 5000;  // a fixed camera's useful range
constexpr double kSigmaHeardDeg = 10, kSigmaSawDeg = 3;
constexpr int kMaxObservers = 4;   // observers reporting one event
constexpr int kMaxDuplicates = 2;  // so that one event has at most six reports
constexpr double kDuplicateRate = 0.05;

// ---------------------------------------------------------------- random numbers

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  // [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(g_() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(double p) { return uniform() < p; }
  int sign() { return chance(0.5) ? 1 : -1; }
  // Standard normal by Box–Muller (one of the pair; simplicity over speed).
  double normal() {
    const double u1 = 1 - uniform(), u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
  }
  // Index drawn with probability proportional to its weight.
  int weighted(std::initializer_list<double> w) {
    double total = 0;
    for (double x : w) total += x;
    double r = uniform() * total;
    int i = 0;
    for (double x : w) {
      if (r < x) return i;
      r -= x, ++i;
    }
    return i - 1;
  }

 private:
  std::mt19937_64 g_;
};

// ---------------------------------------------------------------- geodesy helpers

double wrap360(double deg) {
  double r = std::fmod(deg, 360.0);
  if (r < 0) r += 360;
  return r >= 360 ? 0 : r;
}

struct Leg {
  double dist_m, azi_deg;  // from the first point to the second
};

Leg inverse(geo::LonLat a, geo::LonLat b) {
  double s = 0, azi1 = 0, azi2 = 0;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, s, azi1, azi2);
  return {s, wrap360(azi1)};
}

double round_to(double x, double step) { return std::round(x / step) * step; }

// Files carry coordinates to 1e-6° (0.1 m); rounding here makes the written file and the
// in-memory result the same numbers.
geo::LonLat rounded(geo::LonLat p) { return {round_to(p.lon, 1e-6), round_to(p.lat, 1e-6)}; }

// ---------------------------------------------------------------- the line and its sides

// Points along the line of contact by arc length, with the local direction of the line.
class LineSampler {
 public:
  explicit LineSampler(const plan::Line& loc) {
    for (const auto& part : geo::line_parts(loc.geom))
      for (size_t i = 0; i + 1 < part.size(); ++i) {
        const Leg leg = inverse(part[i], part[i + 1]);
        if (leg.dist_m <= 0) continue;
        segs_.push_back({part[i], part[i + 1], total_, leg.dist_m, leg.azi_deg});
        total_ += leg.dist_m;
      }
  }
  double length_m() const { return total_; }

  struct Where {
    geo::LonLat p;
    double azi_deg;  // direction of the line here; +90 is its right side, −90 its left
  };
  // The point `s` metres along the line (its parts end to end). Within a segment (≤ a few km)
  // interpolating lon/lat is within metres of the geodesic, which no simulated event needs.
  Where at(double s) const {
    auto it = std::upper_bound(segs_.begin(), segs_.end(), s, [](double v, const Seg& g) { return v < g.start_m; });
    const Seg& g = it == segs_.begin() ? *it : *(it - 1);
    const double t = std::clamp((s - g.start_m) / g.len_m, 0.0, 1.0);
    return {{g.a.lon + t * (g.b.lon - g.a.lon), g.a.lat + t * (g.b.lat - g.a.lat)}, g.azi_deg};
  }

 private:
  struct Seg {
    geo::LonLat a, b;
    double start_m, len_m, azi_deg;
  };
  std::vector<Seg> segs_;
  double total_ = 0;
};

// `x_m` from the line on side `side` (+1 right, −1 left of its direction at w).
geo::LonLat off_line(const LineSampler::Where& w, int side, double x_m) {
  return geo::destination(w.p, w.azi_deg + 90.0 * side, x_m);
}

// A withdrawal band: where weapons of one class may not be, on one side of the line.
struct Band {
  std::string weapon_class;
  double from_m = 0, to_m = 0;             // distance from the line of contact
  std::shared_ptr<index::LineIndex> edge;  // the band's outer edge, to tell the sides apart
};

// DMZ half-widths and withdrawal bands, as far as the plan has them.
struct Limits {
  double dmz_m = 0;  // the narrower side's width: a point this close is in the DMZ on either side
  std::vector<Band> bands;
};

Limits read_limits(const plan::ZoneMap& map) {
  Limits lim;
  std::unordered_map<std::string, double> dmz_by_side;
  for (const auto& l : map.lines)
    if (l.kind == "dmz_edge") dmz_by_side[l.side] = l.offset_km * 1000;
  for (const auto& [side, w] : dmz_by_side) lim.dmz_m = lim.dmz_m == 0 ? w : std::min(lim.dmz_m, w);
  for (const auto& l : map.lines) {
    if (l.kind != "withdrawal_line" || l.weapon_class.empty()) continue;
    std::vector<std::vector<geo::LonLat>> parts;
    for (const auto& part : geo::line_parts(l.geom)) parts.push_back(geo::densify(part, 1000));
    if (parts.empty()) continue;
    const auto it = dmz_by_side.find(l.side);
    lim.bands.push_back({l.weapon_class, it == dmz_by_side.end() ? 0 : it->second, l.offset_km * 1000,
                         std::make_shared<index::LineIndex>(parts)});
  }
  return lim;
}

// A point inside `band`: `x` from the line on whichever side puts it that far inside the band's
// outer edge (the side of the line the band belongs to).
geo::LonLat in_band(const Band& band, const LineSampler::Where& w, Rng& rng) {
  const double margin = std::min(500.0, 0.2 * (band.to_m - band.from_m));
  const double x = rng.uniform(band.from_m + margin, band.to_m - margin);
  const geo::LonLat right = off_line(w, +1, x), left = off_line(w, -1, x);
  const double want = band.to_m - x;
  const double err_r = std::fabs(band.edge->distance_m(right) - want);
  const double err_l = std::fabs(band.edge->distance_m(left) - want);
  return err_r <= err_l ? right : left;
}

// ---------------------------------------------------------------- events

struct Weapon {
  const char* cls;
  const char* name;
  double min_km, max_km;  // range of fire
};

// Weapons of each class the Minsk package and the OSCE's reports distinguished.
const std::vector<Weapon> kWeapons = {
    {"small_arms", "PKM machine gun", 0.3, 1.2},         {"small_arms", "AK-74 rifle", 0.2, 0.8},
    {"small_arms", "SVD sniper rifle", 0.3, 1.0},        {"mortar_lt_100", "82 mm mortar", 0.8, 4},
    {"mortar_lt_100", "60 mm mortar", 0.5, 3},           {"artillery_ge_100", "120 mm mortar", 1, 7},
    {"artillery_ge_100", "122 mm D-30 howitzer", 4, 15}, {"artillery_ge_100", "152 mm 2S3 Akatsiya", 5, 18},
    {"mlrs", "122 mm BM-21 Grad", 5, 20},                {"mlrs_heavy", "220 mm BM-27 Uragan", 10, 35},
    {"tank", "T-72 tank", 1, 4},                         {"missile", "9M133 Kornet ATGM", 1, 5},
    {"air_defence", "ZU-23-2 anti-aircraft gun", 1, 2.5}, {"other", "AGS-17 grenade launcher", 0.5, 1.7},
    {"other", "SPG-9 recoilless gun", 0.5, 1.3},
};

const Weapon& weapon_of(const std::string& cls, Rng& rng) {
  std::vector<const Weapon*> of;
  for (const auto& w : kWeapons)
    if (cls == w.cls) of.push_back(&w);
  return *of[rng.below(static_cast<int>(of.size()))];
}

// An event as simulated: the truth, plus what observers need and the truth file leaves out.
struct SimEvent {
  TrueEvent truth;
  int count = 1;
  std::string weapon;
  bool audible = false;  // heard at up to kHearM
};

const char* explosion_class(Rng& rng) {
  static const char* cls[] = {"mortar_lt_100", "artillery_ge_100", "other", "tank", "mlrs",
                              "mlrs_heavy", "missile", "air_defence"};
  return cls[rng.weighted({30, 30, 12, 10, 10, 3, 3, 2})];
}

// How many in one event: mostly one, a tail of a few more.
int count_up_to(Rng& rng, int most) {
  if (most <= 1 || rng.chance(0.55)) return 1;
  return rng.between(2, most);
}

// Fire from one side: an impact `side` of the line (across it from the weapon in most cases,
// the weapon's own side otherwise) and the origin one range back towards the weapon's side.
void place_fire(SimEvent& e, const Weapon& w, const LineSampler::Where& at, Rng& rng) {
  const int impact_side = rng.sign();
  const bool across = rng.chance(0.7);
  const double range_m = 1000 * rng.uniform(w.min_km, w.max_km);
  const double impact_off = across ? rng.uniform(100, std::min(4000.0, 0.6 * range_m)) : rng.uniform(500, 6000);
  const geo::LonLat impact = off_line(at, impact_side, impact_off);
  // Across: back over the line; same side: further from it. Up to 35° off the perpendicular,
  // so that the origin stays across (cos 35° · range > 0.6 · range).
  const double back_azi = at.azi_deg + 90.0 * (across ? -impact_side : impact_side) + rng.uniform(-35, 35);
  const geo::LonLat origin = geo::destination(impact, back_azi, range_m);
  e.truth.origin = rounded(origin);
  const std::string& ev = e.truth.event;
  if (ev == "explosion")
    e.truth.pos = e.truth.explosion_type == "outgoing" ? origin : impact;
  else if (ev == "projectile")
    e.truth.pos = geo::destination(impact, back_azi, range_m / 2);  // seen in flight
  else
    e.truth.pos = origin;  // gunfire and muzzle flashes are where the weapon is
}

// A point `lo`–`hi` metres off the line, on a random side. The two draws are made one after the
// other (distance, then side): as two arguments of one call their order would be the compiler's
// choice, and gcc and clang would simulate different days from one seed.
geo::LonLat random_off_line(const LineSampler::Where& at, Rng& rng, double lo, double hi) {
  const double x = rng.uniform(lo, hi);
  const int side = rng.sign();
  return off_line(at, side, x);
}

// A weapon or vehicle standing somewhere: inside a withdrawal band of its class when the plan has
// one (a violation to find), in the DMZ otherwise, or simply behind the line.
geo::LonLat place_weapon(const std::string& cls, const LineSampler::Where& at, const Limits& lim, Rng& rng) {
  std::vector<const Band*> of;
  for (const auto& b : lim.bands)
    if (b.weapon_class == cls && b.to_m > b.from_m + 200) of.push_back(&b);
  if (!of.empty() && rng.chance(0.5)) return in_band(*of[rng.below(static_cast<int>(of.size()))], at, rng);
  if (lim.dmz_m > 1000 && rng.chance(0.35)) return random_off_line(at, rng, 500, lim.dmz_m - 500);
  return random_off_line(at, rng, 1000, 15000);
}

SimEvent make_event_once(const LineSampler& line, const Limits& lim, const SimOptions& opt, Rng& rng) {
  SimEvent e;
  const double span_ms = std::max(1.0, opt.hours * 3'600'000);
  e.truth.time_ms = opt.start_ms + static_cast<int64_t>(rng.uniform() * span_ms);
  const LineSampler::Where at = line.at(rng.uniform() * line.length_m());
  static const char* kinds[] = {"explosion", "burst", "shot", "projectile", "muzzle_flash", "illumination_flare",
                                "heavy_weapon", "armour", "troops", "aircraft", "uav"};
  e.truth.event = kinds[rng.weighted({50, 14, 8, 3, 4, 4, 7, 4, 2, 1, 3})];
  const std::string& ev = e.truth.event;
  if (ev == "explosion" || ev == "burst" || ev == "shot" || ev == "projectile" || ev == "muzzle_flash") {
    std::string cls;
    if (ev == "explosion") {
      static const char* types[] = {"impact", "outgoing", "undetermined", "airburst"};
      e.truth.explosion_type = types[rng.weighted({45, 28, 20, 7})];
      cls = explosion_class(rng);
    } else if (ev == "burst") {
      cls = rng.chance(0.9) ? "small_arms" : "air_defence";
    } else if (ev == "shot") {
      cls = "small_arms";
    } else if (ev == "projectile") {
      static const char* c[] = {"missile", "mlrs", "air_defence"};
      cls = c[rng.below(3)];
    } else {
      static const char* c[] = {"artillery_ge_100", "tank", "mortar_lt_100"};
      cls = c[rng.below(3)];
    }
    const Weapon& w = weapon_of(cls, rng);
    e.truth.weapon_class = cls, e.weapon = w.name;
    place_fire(e, w, at, rng);
    e.audible = ev == "explosion" || ev == "burst" || ev == "shot";
    e.count = count_up_to(rng, ev == "explosion" ? 12 : ev == "shot" ? 10 : ev == "burst" ? 6 : 3);
  } else if (ev == "heavy_weapon" || ev == "armour") {
    static const char* heavy[] = {"artillery_ge_100", "mlrs", "mlrs_heavy", "mortar_lt_100", "air_defence", "missile"};
    e.truth.weapon_class = ev == "armour" ? "tank" : heavy[rng.weighted({35, 20, 8, 20, 10, 7})];
    e.weapon = weapon_of(e.truth.weapon_class, rng).name;
    e.truth.pos = place_weapon(e.truth.weapon_class, at, lim, rng);
    e.count = count_up_to(rng, 4);
  } else if (ev == "aircraft" || ev == "uav") {
    // Over the DMZ, where the plan forbids flights; within 8 km of the line when it has none.
    e.truth.pos = random_off_line(at, rng, 0, lim.dmz_m > 0 ? lim.dmz_m : 8000);
    e.audible = true;
  } else {
    e.truth.pos = random_off_line(at, rng, 200, ev == "troops" ? 3000 : 2500);
    e.count = ev == "troops" ? rng.between(3, 20) : count_up_to(rng, 3);
    if (ev == "illumination_flare") e.truth.weapon_class = "mortar_lt_100";
  }
  e.truth.pos = rounded(e.truth.pos);
  return e;
}

// An event inside the plan's area: where the line meets a coast or a border, a point off it may
// lie at sea or abroad, and a few tries elsewhere along the line find one that does not.
SimEvent make_event(const LineSampler& line, const Limits& lim, const index::Locator& loc, const SimOptions& opt, Rng& rng) {
  SimEvent e = make_event_once(line, lim, opt, rng);
  for (int tries = 1; tries < 8 && loc.zone_of(e.truth.pos) < 0; ++tries) e = make_event_once(line, lim, opt, rng);
  return e;
}

// ---------------------------------------------------------------- observers

struct Observer {
  std::string id;
  geo::LonLat pos;
  bool camera = false;
};

// Patrol posts every ~10 km on each side, 3–12 km back; cameras every ~40 km, 1–4 km back.
std::vector<Observer> place_observers(const LineSampler& line, const index::Locator& loc, Rng& rng) {
  std::vector<Observer> out;
  const double len_km = line.length_m() / 1000;
  const auto place = [&](int per_side, double min_m, double max_m, bool camera, const char* prefix) {
    int n = 0;
    for (int side : {-1, +1})
      for (int i = 0; i < per_side; ++i) {
        // On land inside the area: a post at sea or across a border is retried nearby.
        geo::LonLat p;
        for (int tries = 0; tries < 8; ++tries) {
          const double s = (i + rng.uniform()) / per_side * line.length_m();
          p = rounded(off_line(line.at(s), side, rng.uniform(min_m, max_m)));
          if (loc.zone_of(p) >= 0) break;
        }
        char id[32];
        std::snprintf(id, sizeof id, "%s%03d", prefix, ++n);
        out.push_back({id, p, camera});
      }
  };
  place(std::clamp(static_cast<int>(len_km / 9), 20, 300), 3000, 12000, false, "patrol-");
  place(std::clamp(static_cast<int>(len_km / 40), 4, 60), 1000, 4000, true, "camera-");
  return out;
}

// Observers by 0.1° cell, for "who is within 8 km".
class ObserverGrid {
 public:
  explicit ObserverGrid(const std::vector<Observer>& obs) {
    for (size_t i = 0; i < obs.size(); ++i) cells_[key(cell(obs[i].pos.lon), cell(obs[i].pos.lat))].push_back(static_cast<int>(i));
  }
  // Indices of observers that may lie within `radius_m` of p (a superset), in a fixed order.
  void near(geo::LonLat p, double radius_m, std::vector<int>& out) const {
    out.clear();
    const double dlat = radius_m / 110'000 + 0.01;
    const double dlon = radius_m / (110'000 * std::max(0.1, std::cos(p.lat * kPi / 180))) + 0.01;
    for (long x = cell(p.lon - dlon); x <= cell(p.lon + dlon); ++x)
      for (long y = cell(p.lat - dlat); y <= cell(p.lat + dlat); ++y)
        if (const auto it = cells_.find(key(x, y)); it != cells_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }

 private:
  static long cell(double deg) { return static_cast<long>(std::floor(deg * 10)); }
  static long long key(long x, long y) { return static_cast<long long>(x) * 4'000'000 + y; }
  std::unordered_map<long long, std::vector<int>> cells_;
};

// ---------------------------------------------------------------- observations

// A range band holding the estimate `est_km`, from the edges given: "3–6 km".
void range_band(Sighting& s, double est_km, std::initializer_list<double> edges) {
  double lo = 0;
  for (double hi : edges) {
    if (est_km < hi) {
      s.range_min_m = lo * 1000, s.range_max_m = hi * 1000;
      return;
    }
    lo = hi;
  }
  s.range_min_m = lo * 1000, s.range_max_m = lo * 2000;
}

// The 16-point direction nearest a bearing, as its bearing (what a patrol writes as "ENE").
double compass_point(double bearing) { return wrap360(22.5 * std::round(bearing / 22.5)); }

std::string nearby_class(const std::string& cls, Rng& rng) {
  if (cls == "mortar_lt_100") return "artillery_ge_100";
  if (cls == "artillery_ge_100") return rng.chance(0.5) ? "mortar_lt_100" : "mlrs";
  if (cls == "mlrs") return "artillery_ge_100";
  return cls;
}

// What one observer reports of one event, or nothing.
std::optional<Sighting> observe(const SimEvent& e, const Observer& o, Rng& rng) {
  const Leg leg = inverse(o.pos, e.truth.pos);
  std::string mode;
  if (o.camera) {
    if (leg.dist_m <= kCameraM && rng.chance(0.8 - 0.4 * leg.dist_m / kCameraM)) mode = "recorded";
  } else if (leg.dist_m <= kSeeM && rng.chance(0.75 - 0.35 * leg.dist_m / kSeeM)) {
    mode = "saw";
  } else if (e.audible && leg.dist_m <= kHearM &&
             rng.chance(0.85 - 0.5 * leg.dist_m / kHearM - (e.truth.event == "uav" ? 0.5 : 0))) {
    mode = "heard";
  }
  if (mode.empty()) return std::nullopt;

  Sighting s;
  s.event = e.truth.event, s.mode = mode, s.observer_id = o.id, s.observer = o.pos;
  s.time_ms = e.truth.time_ms + static_cast<int64_t>(rng.uniform() * 180'000);  // clocks and reporting lag
  const bool heard = mode == "heard";
  s.bearing_sigma_deg = heard ? kSigmaHeardDeg : kSigmaSawDeg;
  double bearing = wrap360(leg.azi_deg + s.bearing_sigma_deg * rng.normal());
  if (heard && rng.chance(0.25)) bearing = compass_point(bearing);
  s.bearing_deg = wrap360(round_to(bearing, 0.1));
  const double km = leg.dist_m / 1000;
  if (heard && rng.chance(0.85)) range_band(s, km * std::exp(0.3 * rng.normal()), {1, 3, 6, 10, 15});
  if (mode == "saw" && rng.chance(0.7)) range_band(s, km * std::exp(0.15 * rng.normal()), {0.5, 1, 2, 3, 5});
  if (mode == "recorded" && rng.chance(0.35)) {
    const double off_m = std::fabs(50 * rng.normal());  // drawn before the direction: see random_off_line
    s.position = rounded(geo::destination(e.truth.pos, rng.uniform(0, 360), off_m));
    s.position_sigma_m = 50;
  }
  s.count = e.count;
  if (rng.chance(0.2)) s.count = std::max(1, s.count + rng.sign());  // counting in the dark
  if (!e.truth.explosion_type.empty()) s.explosion_type = rng.chance(heard ? 0.75 : 0.9) ? e.truth.explosion_type : "undetermined";
  if (!e.truth.weapon_class.empty()) {
    const double p_known = heard ? 0.35 : 0.75;
    if (rng.chance(p_known)) s.weapon_class = e.truth.weapon_class;
    else if (rng.chance(0.15)) s.weapon_class = nearby_class(e.truth.weapon_class, rng);
    if (!heard && s.weapon_class == e.truth.weapon_class && rng.chance(0.4)) s.weapon = e.weapon;
  }
  return s;
}

// Reports of one event: the nearest observers that notice it, and now and then the same report
// sent twice. `event` indexes the truth; the report's id comes later, after sorting by time.
void observe_event(const SimEvent& e, int event, const std::vector<Observer>& observers, const ObserverGrid& grid,
                   Rng& rng, std::vector<int>& scratch, std::vector<std::pair<Sighting, int>>& out) {
  grid.near(e.truth.pos, kHearM, scratch);
  std::vector<std::pair<double, int>> by_dist;
  for (int i : scratch) {
    const double d = geo::distance_m(observers[i].pos, e.truth.pos);
    if (d <= kHearM) by_dist.emplace_back(d, i);
  }
  std::sort(by_dist.begin(), by_dist.end());
  int observers_reporting = 0, duplicates = 0;
  for (const auto& [d, i] : by_dist) {
    if (observers_reporting == kMaxObservers) break;
    auto s = observe(e, observers[i], rng);
    if (!s) continue;
    ++observers_reporting;
    const bool twice = rng.chance(kDuplicateRate);
    out.emplace_back(*s, event);
    if (twice && duplicates < kMaxDuplicates) {
      s->time_ms += static_cast<int64_t>(rng.uniform(120'000, 600'000));
      out.emplace_back(std::move(*s), event), ++duplicates;
    }
  }
}

// A report of nothing that happened: a patrol hears "an explosion" in a random direction.
Sighting false_report(const std::vector<Observer>& observers, const SimOptions& opt, Rng& rng) {
  const Observer& o = observers[rng.below(static_cast<int>(observers.size()))];
  Sighting s;
  s.observer_id = o.id, s.observer = o.pos;
  s.time_ms = opt.start_ms + static_cast<int64_t>(rng.uniform() * std::max(1.0, opt.hours * 3'600'000));
  static const char* events[] = {"explosion", "burst", "shot"};
  s.event = events[rng.weighted({70, 20, 10})];
  if (s.event == "explosion") s.explosion_type = "undetermined";
  s.mode = o.camera ? "recorded" : "heard";
  s.bearing_sigma_deg = o.camera ? kSigmaSawDeg : kSigmaHeardDeg;
  s.bearing_deg = wrap360(round_to(rng.uniform(0, 360), 0.1));
  if (rng.chance(0.7)) range_band(s, rng.uniform(0.5, 9), {1, 3, 6, 10, 15});
  s.count = count_up_to(rng, 3);
  return s;
}

const plan::Line& line_of_contact(const plan::ZoneMap& map) {
  const plan::Line* loc = map.find_line("line_of_contact");
  if (!loc || geo::line_parts(loc->geom).empty())
    throw InputError(map.plan.path, "the plan has no line of contact to simulate along",
                     "simulate needs a plan with [line_of_contact]");
  return *loc;
}

}  // namespace

Simulation simulate(const plan::ZoneMap& map, const SimOptions& opt) {
  const LineSampler line(line_of_contact(map));
  const Limits lim = read_limits(map);
  const index::Locator loc(map);
  Rng rng(opt.seed);
  const std::vector<Observer> observers = place_observers(line, loc, rng);
  const ObserverGrid grid(observers);

  std::vector<SimEvent> events;
  events.reserve(std::max(0, opt.events));
  for (int i = 0; i < opt.events; ++i) events.push_back(make_event(line, lim, loc, opt, rng));
  std::stable_sort(events.begin(), events.end(),
                   [](const SimEvent& a, const SimEvent& b) { return a.truth.time_ms < b.truth.time_ms; });

  std::vector<std::pair<Sighting, int>> reports;  // sighting, index of its event (−1: none)
  reports.reserve(events.size() * 3);
  std::vector<int> scratch;
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].truth.id = "E" + std::to_string(i + 1);
    observe_event(events[i], static_cast<int>(i), observers, grid, rng, scratch, reports);
  }
  const double rate = std::clamp(opt.false_report_rate, 0.0, 0.9);
  const auto n_false = static_cast<size_t>(std::llround(static_cast<double>(reports.size()) * rate / (1 - rate)));
  for (size_t i = 0; i < n_false; ++i) reports.emplace_back(false_report(observers, opt, rng), -1);
  std::stable_sort(reports.begin(), reports.end(),
                   [](const auto& a, const auto& b) { return a.first.time_ms < b.first.time_ms; });

  Simulation sim;
  sim.observations.reserve(reports.size());
  for (auto& [s, ev] : reports) {
    s.id = std::to_string(sim.observations.size() + 1);
    if (ev >= 0) events[ev].truth.observation_ids.push_back(s.id);
    sim.observations.push_back(std::move(s));
  }
  sim.truth.reserve(events.size());
  for (auto& e : events) sim.truth.push_back(std::move(e.truth));
  return sim;
}

std::string truth_csv(const std::vector<TrueEvent>& truth) {
  std::string out = "event_id,time,lat,lon,event,explosion_type,weapon_class,origin_lat,origin_lon,observation_ids\n";
  char num[64];
  const auto coord = [&](double x) {
    out += ',';
    out.append(num, std::snprintf(num, sizeof num, "%.6f", x));
  };
  for (const auto& t : truth) {
    io::append_csv_field(out, t.id);
    (out += ',') += format_time_ms(t.time_ms);
    coord(t.pos.lat), coord(t.pos.lon);
    out += ',', io::append_csv_field(out, t.event);
    out += ',', io::append_csv_field(out, t.explosion_type);
    out += ',', io::append_csv_field(out, t.weapon_class);
    if (t.origin) coord(t.origin->lat), coord(t.origin->lon);
    else out += ",,";
    out += ',';
    for (size_t i = 0; i < t.observation_ids.size(); ++i) (out += i ? ";" : "") += t.observation_ids[i];
    out += '\n';
  }
  return out;
}

}  // namespace truceline::monitor
