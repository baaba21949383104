#include "plan/forces.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "geo/geodesy.h"

namespace truceline::plan {
namespace {

std::string row(const char* format, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace

double front_km(const ZoneMap& map, int zone) {
  const Zone& z = map.zones[zone];
  double m = 0;
  for (int j = 0; j < static_cast<int>(map.zones.size()); ++j) {
    const Zone& o = map.zones[j];
    if (j == zone || o.responsible == z.responsible || o.kind == z.kind) continue;
    // Zones of a compiled plan partition the area, so two neighbours meet along shared edges:
    // their intersection is those edges (and points where they only touch).
    const geo::Geom shared = z.geom.intersection(o.geom);
    for (const auto& line : geo::line_parts(shared)) m += geo::length_m(line);
  }
  return m / 1000;
}

ForceSizing size_forces(const ZoneMap& map, const Forces& f) {
  ForceSizing out;
  std::map<std::string, size_t> party_at;
  for (int i = 0; i < static_cast<int>(map.zones.size()); ++i) {
    const Zone& z = map.zones[i];
    ZoneForces zf;
    zf.zone = z.id, zf.responsible = z.responsible;
    zf.front_km = front_km(map, i);
    zf.posts = static_cast<int>(std::ceil(zf.front_km * 1000 / f.post_spacing_m - 1e-9));
    // Bases where the zone is patrolled: a band behind its front, not the rear of a sector the
    // size of a country (the whole of a buffer zone narrower than the band).
    zf.patrolled_km2 = std::min(z.area_km2, zf.front_km * f.patrol_depth_m / 1000);
    zf.bases = static_cast<int>(std::ceil(zf.patrolled_km2 / f.base_area_km2 - 1e-9));
    zf.on_line = static_cast<long>(zf.posts) * f.troops_per_post;
    zf.deployed = zf.on_line + static_cast<long>(zf.bases) * f.troops_per_base;
    const auto [it, fresh] = party_at.try_emplace(z.responsible, out.parties.size());
    if (fresh) out.parties.push_back({z.responsible});
    PartyForces& p = out.parties[it->second];
    p.posts += zf.posts, p.bases += zf.bases, p.on_line += zf.on_line, p.deployed += zf.deployed;
    out.zones.push_back(zf);
  }
  for (PartyForces& p : out.parties) p.total = static_cast<long>(std::ceil(static_cast<double>(p.deployed) * f.rotation - 1e-9));
  return out;
}

std::string forces_text(const ForceSizing& s, const Forces& f) {
  std::string out = row("\nforces: a post every %.1f km of front (%d troops), a base per %.0f km² patrolled to %.0f km behind it "
                        "(%d troops), rotation %.1f\n", f.post_spacing_m / 1000, f.troops_per_post, f.base_area_km2,
                        f.patrol_depth_m / 1000, f.troops_per_base, f.rotation);
  out += "zone            front km  patrolled km²   posts  bases  on the line  deployed\n";
  for (const ZoneForces& z : s.zones)
    out += row("%-15s %8.1f %14.0f %7d %6d %12ld %9ld\n", z.zone.c_str(), z.front_km, z.patrolled_km2, z.posts, z.bases,
               z.on_line, z.deployed);
  out += "party              posts  bases  on the line  deployed     total\n";
  for (const PartyForces& p : s.parties)
    out += row("%-15s %8d %6d %12ld %9ld %9ld\n", (p.party.empty() ? "-" : p.party).c_str(), p.posts, p.bases, p.on_line, p.deployed, p.total);
  return out;
}

std::string forces_comparison_text(const ForceSizing& a, const ForceSizing& b) {
  std::vector<std::string> names;
  for (const auto* s : {&a, &b})
    for (const PartyForces& p : s->parties)
      if (std::find(names.begin(), names.end(), p.party) == names.end()) names.push_back(p.party);
  const auto find = [](const ForceSizing& s, const std::string& n) {
    for (const PartyForces& p : s.parties)
      if (p.party == n) return p;
    return PartyForces{n};
  };
  std::string out = "\nforces (total troops, rotation included)\n  party               A          B     change\n";
  for (const std::string& n : names) {
    const PartyForces pa = find(a, n), pb = find(b, n);
    out += row("  %-15s %9ld  %9ld  %+9ld\n", (n.empty() ? "-" : n).c_str(), pa.total, pb.total, pb.total - pa.total);
  }
  return out;
}

}  // namespace truceline::plan
