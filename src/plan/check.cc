#include "plan/check.h"

#include <cmath>
#include <cstdio>

#include "geo/geodesy.h"

namespace truceline::plan {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string where(geo::LonLat p) { return fmt("%.4f", p.lat) + "N " + fmt("%.4f", p.lon) + "E"; }

}  // namespace

PlanCheck check_plan(const ZoneMap& map, const CheckOptions& opt) {
  PlanCheck c;
  c.area_km2 = map.area_km2;
  std::vector<geo::Geom> all;
  for (const auto& z : map.zones) {
    c.parts.push_back({z.id, static_cast<int>(geo::polygon_parts(z.geom).size())});
    c.zones_km2 += z.area_km2;
    all.push_back(z.geom.clone());
  }
  const geo::Geom joined = geo::unary_union(*map.ctx, std::move(all));
  const double joined_km2 = geo::area_m2(joined) / 1e6;
  c.overlap_km2 = std::max(0.0, c.zones_km2 - joined_km2);
  c.unassigned_km2 = std::max(0.0, c.area_km2 - joined_km2);
  const double tol_km2 = opt.partition_tolerance * c.area_km2;
  if (std::abs(c.zones_km2 - c.area_km2) > tol_km2)
    c.warnings.push_back("the zones add up to " + fmt("%.3f", c.zones_km2) + " km², the area is " + fmt("%.3f", c.area_km2) +
                         " km² (more apart than " + fmt("%.4g", opt.partition_tolerance * 100) + " %)");
  if (c.overlap_km2 > tol_km2) c.warnings.push_back("zones overlap by " + fmt("%.3f", c.overlap_km2) + " km²");
  if (c.unassigned_km2 > tol_km2) c.warnings.push_back(fmt("%.3f", c.unassigned_km2) + " km² of the area is in no zone");

  double declared_km2 = 0;
  for (const auto& f : map.fragments) {
    if (f.reason == "moved") {
      ++c.moved, c.moved_km2 += f.area_km2;
      c.moved_parts.push_back(f);
      continue;
    }
    c.kept.push_back(f);
    if (f.reason == "declared") declared_km2 += f.area_km2;
    if (f.reason == "fragment")
      c.warnings.push_back("a part of " + f.zone + " (" + fmt("%.3f", f.area_km2) + " km² at " + where(f.at) +
                           ") is apart from its zone and has nowhere to go: declare it in [[enclaves]] or fix the layers");
  }
  if (declared_km2 > opt.max_declared_km2)
    c.warnings.push_back("declared enclaves cover " + fmt("%.1f", declared_km2) + " km², more than " +
                         fmt("%.0f", opt.max_declared_km2) + " km²");
  c.seams = map.seams;
  for (const auto& s : map.settlements) {
    if (s.zone < 0) c.outside.push_back(&s);
    else if (s.outside_by_m > 0) c.snapped.push_back(&s);
  }
  for (const auto* s : c.outside)
    c.warnings.push_back("settlement " + s->name + " (" + where(s->pos) + ") is in no zone");
  return c;
}

std::string check_text(const PlanCheck& c) {
  std::string out = "check: area " + fmt("%.3f", c.area_km2) + " km², zones " + fmt("%.3f", c.zones_km2) +
                    " km², overlap " + fmt("%.3f", c.overlap_km2) + " km², in no zone " + fmt("%.3f", c.unassigned_km2) + " km²\n";
  out += "check: parts per zone:";
  for (const auto& p : c.parts) out += " " + p.zone + " " + std::to_string(p.parts);
  out += "\n";
  for (const auto& s : c.seams)
    out += "check: layer shape " + s.shape + ": " + fmt("%.1f", s.clipped_km2) + " km² outside the area clipped, " +
           std::to_string(s.gaps) + " gaps to the outline filled (" + fmt("%.1f", s.filled_km2) + " km²)\n";
  out += "check: " + std::to_string(c.moved) + " detached parts given to the zone around them (" + fmt("%.1f", c.moved_km2) + " km²)\n";
  for (const auto& f : c.moved_parts)
    out += "check: moved a part of " + f.zone + " to " + f.moved_to + ": " + fmt("%.3f", f.area_km2) + " km² at " + where(f.at) +
           ", " + fmt("%.0f", f.shared_m) + " m of shared boundary\n";
  int islands = 0;
  double island_km2 = 0;
  for (const auto& f : c.kept) {
    if (f.reason == "island") {
      ++islands, island_km2 += f.area_km2;
      continue;
    }
    out += "check: " + f.reason + " part of " + f.zone + ": " + fmt("%.3f", f.area_km2) + " km² at " + where(f.at) + "\n";
  }
  out += "check: " + std::to_string(islands) + " islands apart from their zone's main body, no other zone beside them (" +
         fmt("%.1f", island_km2) + " km²)\n";
  for (const auto* s : c.snapped)
    out += "check: settlement " + s->name + " is " + fmt("%.0f", s->outside_by_m) + " m beyond the land border, given the nearest zone\n";
  for (const auto& w : c.warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace truceline::plan
