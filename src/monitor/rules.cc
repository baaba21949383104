// Attribution and the plan's rules (see rules.h and docs/incidents.md).
//
// What the observations can and cannot tell:
// - The incident's position is where the event happened as its observers place it. For an
//   outgoing explosion, a muzzle flash, a burst or a shot that is the weapon's own position (the
//   firing point); for an impact or airburst it is the target; for a projectile a point of its
//   flight; for heavy weapons, armour, troops and aircraft the thing itself.
// - No observation carries the direction of fire (an impact's origin, "from east to west"): it
//   would need a field the observation model does not have yet. So the side fire came from is
//   known only where the position is the firing point, and whether fire crossed the line is an
//   assessment: outgoing fire from within its weapon's reach of the line (below) is assessed as
//   fire across it. An impact's origin stays unknown and is never assessed.
#include "monitor/rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "geo/geodesy.h"

namespace truceline::monitor {

namespace {

// Events whose position is the weapon's: what stands or fires there.
bool weapon_at_position(const std::string& event, const std::string& explosion_type) {
  if (event == "explosion") return explosion_type == "outgoing";
  return event == "muzzle_flash" || event == "burst" || event == "shot" || event == "heavy_weapon" ||
         event == "armour";
}

// Events whose position is the firing point (a subset of the above).
bool firing_point(const std::string& event, const std::string& explosion_type) {
  if (event == "explosion") return explosion_type == "outgoing";
  return event == "muzzle_flash" || event == "burst" || event == "shot";
}

// Longest range of fire by class, km: the reach within which outgoing fire is assessed as aimed
// across the line (typical maxima: 82 mm mortar 4 km, D-30 15 km, Grad 20 km, Uragan 35 km).
// Unknown class: 20 km, the reach of most tube and rocket artillery.
double reach_m(const std::string& cls) {
  static const std::map<std::string, double> km = {
      {"small_arms", 1.5}, {"mortar_lt_100", 4}, {"artillery_ge_100", 18}, {"mlrs", 20},
      {"mlrs_heavy", 35},  {"tank", 4},          {"missile", 5},           {"air_defence", 2.5},
      {"other", 2}};
  const auto it = km.find(cls);
  return 1000 * (it == km.end() ? 20 : it->second);
}

// The 1σ of a fix along a direction that bears no relation to its ellipse (the way to the line of
// contact, which the locator does not give): the root mean square of the semi-axes, the spread
// along a direction averaged over all directions. The major axis alone would overstate it for the
// long, thin ellipse of a lone bearing (4 km along it, a few hundred metres across).
double sigma_any_direction(const Ellipse& e) {
  return std::sqrt((e.major_m * e.major_m + e.minor_m * e.minor_m) / 2);
}

// The most reported non-empty value of a field among the members (ties: the first reported).
template <class Get>
std::string majority(const std::vector<const Sighting*>& members, Get get, const std::string& skip = {}) {
  std::vector<std::pair<std::string, int>> tally;
  for (const Sighting* s : members) {
    const std::string& v = get(*s);
    if (v.empty() || v == skip) continue;
    auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& t) { return t.first == v; });
    if (it == tally.end()) tally.emplace_back(v, 1);
    else ++it->second;
  }
  std::string best;
  int n = 0;
  for (const auto& [v, c] : tally)
    if (c > n) best = v, n = c;
  return best;
}

// The class reported most, else the one the event implies.
std::string weapon_class_of(const std::string& event, const std::vector<const Sighting*>& members) {
  std::string cls = majority(members, [](const Sighting& s) -> const std::string& { return s.weapon_class; });
  if (!cls.empty()) return cls;
  if (event == "armour") return "tank";
  if (event == "burst" || event == "shot") return "small_arms";
  return {};
}

// Which side of the line of contact a point lies on. The compiled map keeps no side polygons,
// but it keeps the lines drawn at known distances on each side (DMZ edges, withdrawal lines):
// a point on side s at distance d from the line lies |w − d| from that side's line at offset w,
// and w + d from it otherwise. The side whose line is nearest that prediction wins; on a line
// that bends the prediction is rough, but the two predictions differ by 2·min(w, d), kilometres
// for anything not on the line itself. Without such lines, zones built within the inside or
// outside shape say it.
class SideFinder {
 public:
  explicit SideFinder(const plan::ZoneMap& map) : n_lines_(map.lines.size()) {
    std::map<std::string, const plan::Line*> nearest;  // per side, the line closest to the line of contact
    for (const auto& l : map.lines) {
      if ((l.kind != "dmz_edge" && l.kind != "withdrawal_line") || l.side.empty()) continue;
      auto& n = nearest[l.side];
      if (!n || l.offset_km < n->offset_km) n = &l;
    }
    for (const auto& [side, l] : nearest) {
      std::vector<std::vector<geo::LonLat>> parts;
      for (const auto& p : geo::line_parts(l->geom)) parts.push_back(geo::densify(p, 1000));
      if (parts.empty()) continue;
      edges_.push_back({side, l->offset_km * 1000, std::make_unique<index::LineIndex>(parts)});
    }
    const auto& pl = map.plan;
    for (const auto& z : map.zones) {
      std::string side;
      const auto def = std::find_if(pl.zones.begin(), pl.zones.end(), [&](const plan::ZoneDef& d) { return d.id == z.id; });
      if (def != pl.zones.end())
        for (const auto& w : def->within) {
          if (w == pl.line.inside || w == pl.line.boundary_of) side = pl.line.inside;
          if (w == pl.line.outside) side = pl.line.outside;
        }
      zone_side_.push_back(side);
    }
  }
  bool fits(const plan::ZoneMap& map) const { return map.lines.size() == n_lines_; }

  std::string side_of(geo::LonLat p, int zone, double d_line) const {
    if (edges_.size() >= 2 && std::isfinite(d_line)) {
      const Edge* best = nullptr;
      double best_err = 0;
      for (const auto& e : edges_) {
        const double err = std::fabs(e.index->distance_m(p) - std::fabs(e.offset_m - d_line));
        if (!best || err < best_err) best = &e, best_err = err;
      }
      return best->side;
    }
    if (zone >= 0 && zone < static_cast<int>(zone_side_.size())) return zone_side_[zone];
    return {};
  }

 private:
  struct Edge {
    std::string side;
    double offset_m;
    std::unique_ptr<index::LineIndex> index;
  };
  size_t n_lines_;
  std::vector<Edge> edges_;
  std::vector<std::string> zone_side_;
};

// One SideFinder per map, built on first use (indexing the edges takes milliseconds).
const SideFinder& side_finder(const plan::ZoneMap& map) {
  static std::mutex mu;
  static std::map<const plan::ZoneMap*, std::shared_ptr<SideFinder>> cache;
  std::lock_guard lock(mu);
  auto& f = cache[&map];
  if (!f || !f->fits(map)) f = std::make_shared<SideFinder>(map);
  return *f;
}

// Every class a holding-area check counted at least one weapon of.
std::vector<std::string> counted_classes(const std::vector<const Sighting*>& members) {
  std::vector<std::string> out;
  for (const Sighting* s : members)
    for (const auto& [cls, n] : s->weapons)
      if (n > 0 && std::find(out.begin(), out.end(), cls) == out.end()) out.push_back(cls);
  return out;
}

bool class_matches(const plan::Rule& r, const std::string& cls) {
  return r.weapon_classes.empty() ||
         std::find(r.weapon_classes.begin(), r.weapon_classes.end(), cls) != r.weapon_classes.end();
}

// A weapon of class `cls` on `side`, `d_line` from the line, inside a withdrawal band.
bool in_withdrawal_band(const plan::ZoneMap& map, const std::string& cls, const std::string& side, double d_line) {
  for (const auto& l : map.lines)
    if (l.kind == "withdrawal_line" && l.weapon_class == cls && l.side == side && d_line < l.offset_km * 1000)
      return true;
  return false;
}

}  // namespace

void attribute(Incident& inc, const std::vector<const Sighting*>& members, const plan::ZoneMap& map,
               const index::Locator& locator) {
  inc.zone.clear(), inc.zone_kind.clear(), inc.responsible.clear();
  inc.side.clear(), inc.origin_side.clear(), inc.crossed_line = false, inc.violations.clear();
  if (!inc.fix.ok) return;
  const geo::LonLat p = inc.fix.pos;
  const int z = locator.locate(p).zone;
  if (z >= 0) {
    const auto& zone = map.zones[z];
    inc.zone = zone.id, inc.zone_kind = zone.kind, inc.responsible = zone.responsible;
  } else {
    inc.zone = inc.zone_kind = "outside";
  }
  const double d_line = locator.distance_to_line_m(p);
  inc.side = side_finder(map).side_of(p, z, d_line);

  const std::string& ev = inc.event;
  const std::string etype =
      ev == "explosion" ? majority(members, [](const Sighting& s) -> const std::string& { return s.explosion_type; },
                                   "undetermined")
                        : std::string();
  const std::string cls = weapon_class_of(ev, members);
  if (firing_point(ev, etype)) {
    inc.origin_side = inc.side;
    // Within reach give or take the fix's 1σ: a burst placed 1.7 km back ± 400 m may well be
    // small-arms fire across the line. The 1σ towards the line is not known, so the ellipse's
    // spread in a direction of no relation to it (sigma_any_direction).
    inc.crossed_line = d_line <= reach_m(cls) + sigma_any_direction(inc.fix.err);
  }
  const bool in_dmz = inc.zone_kind == "dmz";
  // The classes of weapon standing at the incident's position: the one reported or implied, or
  // for a check of a holding area each class it counted.
  std::vector<std::string> classes;
  if (ev == "weapons_site") classes = counted_classes(members);
  else if (weapon_at_position(ev, etype)) classes = {cls};
  const auto any_class = [&](auto&& test) { return std::any_of(classes.begin(), classes.end(), test); };
  const std::string imposed_by =
      majority(members, [](const Sighting& s) -> const std::string& { return s.imposed_by; });
  for (const auto& r : map.plan.rules) {
    bool broken = false;
    if (r.kind == "fire_across_line") broken = inc.crossed_line;
    else if (r.kind == "weapon_in_dmz") broken = in_dmz && any_class([&](const std::string& c) { return class_matches(r, c); });
    else if (r.kind == "weapon_in_band")
      broken = any_class([&](const std::string& c) {
        return !c.empty() && class_matches(r, c) && in_withdrawal_band(map, c, inc.side, d_line);
      });
    else if (r.kind == "air_over_dmz") broken = in_dmz && (ev == "aircraft" || ev == "uav");
    else if (r.kind == "restriction") broken = ev == "restriction" && !imposed_by.empty();
    else if (r.kind == "weapons_missing")
      broken = ev == "weapons_site" && std::any_of(members.begin(), members.end(), [](const Sighting* s) {
                 return s->site_status == "weapons_missing" || s->site_status == "site_abandoned";
               });
    if (broken) inc.violations.push_back({r.id, r.severity});
  }
}

}  // namespace truceline::monitor
