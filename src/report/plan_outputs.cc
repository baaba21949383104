#include "report/plan_outputs.h"

#include <cmath>
#include <cstdio>

#include "io/geojson.h"
#include "plan/forces.h"

namespace truceline::report {

using nlohmann::json;

namespace {
double round_to(double v, int decimals) {
  const double s = std::pow(10.0, decimals);
  return std::round(v * s) / s;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// 1234567 → "1,234,567"
std::string grouped(long long v) {
  std::string s = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string pad(const std::string& s, size_t w, bool right = false) {
  // Width in code points, so that Cyrillic or accented names line up.
  size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
  if (cps >= w) return s;
  return right ? std::string(w - cps, ' ') + s : s + std::string(w - cps, ' ');
}
}  // namespace

std::vector<const plan::Settlement*> largest_settlements(const plan::ZoneMap& map, int zone, size_t n) {
  std::vector<const plan::Settlement*> out;
  for (const auto& s : map.settlements) {  // already largest first
    if (out.size() >= n) break;
    if (s.zone == zone) out.push_back(&s);
  }
  return out;
}

json zones_geojson(const plan::ZoneMap& map) {
  std::vector<std::pair<json, const geo::Geom*>> feats;
  for (const auto& z : map.zones)
    feats.emplace_back(json{{"id", z.id}, {"name", z.name}, {"kind", z.kind}, {"responsible", z.responsible},
                            {"colour", z.colour}, {"area_km2", round_to(z.area_km2, 3)}, {"population", z.population}},
                       &z.geom);
  return io::feature_collection(feats);
}

json lines_geojson(const plan::ZoneMap& map) {
  std::vector<std::pair<json, const geo::Geom*>> feats;
  for (const auto& l : map.lines) {
    json p{{"kind", l.kind}, {"name", l.name}, {"length_km", round_to(l.length_km, 3)}};
    if (!l.side.empty()) p["side"] = l.side;
    if (!l.weapon_class.empty()) p["weapon_class"] = l.weapon_class;
    if (l.offset_km > 0) p["offset_km"] = l.offset_km;
    feats.emplace_back(std::move(p), &l.geom);
  }
  return io::feature_collection(feats);
}

namespace {
// "#c8553d" → OGR style colours: the outline opaque, the fill at about 40 % so that the
// basemap shows through in Google Earth.
std::string zone_style(const std::string& colour) {
  const bool ok = colour.size() == 7 && colour[0] == '#';
  const std::string rgb = ok ? colour : "#cccccc";
  return "PEN(c:" + rgb + "FF,w:2px);BRUSH(fc:" + rgb + "66)";
}
}  // namespace

std::vector<io::ogr::Layer> plan_layers(const plan::ZoneMap& map) {
  using io::ogr::FieldType;
  io::ogr::Layer zones{"zones", 6 /* wkbMultiPolygon */,
                       {{"id", FieldType::kString}, {"name", FieldType::kString}, {"kind", FieldType::kString},
                        {"responsible", FieldType::kString}, {"colour", FieldType::kString},
                        {"area_km2", FieldType::kReal}, {"population", FieldType::kInteger}},
                       {}};
  for (const auto& z : map.zones)
    zones.features.push_back({{z.id, z.name, z.kind, z.responsible, z.colour, round_to(z.area_km2, 3),
                               static_cast<int64_t>(z.population)},
                              &z.geom, zone_style(z.colour)});
  io::ogr::Layer lines{"lines", 5 /* wkbMultiLineString */,
                       {{"name", FieldType::kString}, {"kind", FieldType::kString}, {"side", FieldType::kString},
                        {"weapon_class", FieldType::kString}, {"offset_km", FieldType::kReal},
                        {"length_km", FieldType::kReal}},
                       {}};
  const auto text_or_null = [](const std::string& s) -> io::ogr::Value {
    if (s.empty()) return std::monostate{};
    return s;
  };
  for (const auto& l : map.lines) {
    io::ogr::Value offset = std::monostate{};
    if (l.offset_km > 0) offset = l.offset_km;
    lines.features.push_back({{l.name, l.kind, text_or_null(l.side), text_or_null(l.weapon_class), offset,
                               round_to(l.length_km, 3)},
                              &l.geom, l.kind == "line_of_contact" ? "PEN(c:#000000FF,w:3px)" : "PEN(c:#444444FF,w:2px)"});
  }
  return {std::move(zones), std::move(lines)};
}

std::string plan_gpkg(const plan::ZoneMap& map) { return io::ogr::write_layers("GPKG", plan_layers(map)); }
std::string plan_kml(const plan::ZoneMap& map) { return io::ogr::write_layers("LIBKML", plan_layers(map)); }

json check_json(const plan::PlanCheck& c) {
  json parts = json::object(), kept = json::array(), seams = json::array(), snapped = json::array(), outside = json::array();
  for (const auto& p : c.parts) parts[p.zone] = p.parts;
  for (const auto& f : c.kept)
    kept.push_back({{"zone", f.zone}, {"reason", f.reason}, {"area_km2", round_to(f.area_km2, 3)}, {"lat", f.at.lat}, {"lon", f.at.lon}});
  for (const auto& s : c.seams)
    seams.push_back({{"shape", s.shape}, {"clipped_km2", round_to(s.clipped_km2, 3)}, {"gaps_filled", s.gaps},
                     {"filled_km2", round_to(s.filled_km2, 3)}});
  for (const auto* s : c.snapped) snapped.push_back({{"name", s->name}, {"outside_by_m", std::round(s->outside_by_m)}});
  for (const auto* s : c.outside) outside.push_back({{"name", s->name}, {"lat", s->pos.lat}, {"lon", s->pos.lon}});
  return {{"parts", parts}, {"fragments_kept", kept}, {"fragments_moved", c.moved}, {"fragments_moved_km2", round_to(c.moved_km2, 3)},
          {"seams", seams}, {"settlements_snapped", snapped}, {"settlements_outside", outside},
          {"overlap_km2", round_to(c.overlap_km2, 3)}, {"unassigned_km2", round_to(c.unassigned_km2, 3)}, {"warnings", c.warnings}};
}

json summary_json(const plan::ZoneMap& map, const plan::PlanCheck& check) {
  json s{{"plan", {{"name", map.plan.name}, {"date", map.plan.date}, {"file", map.plan.path}}},
         {"area_km2", round_to(map.area_km2, 3)},
         {"zones", json::array()},
         {"lines", json::array()},
         {"shapes_km2", json::object()},
         {"warnings", map.warnings}};
  double zone_sum = 0;
  for (size_t i = 0; i < map.zones.size(); ++i) {
    const auto& z = map.zones[i];
    zone_sum += z.area_km2;
    json largest = json::array();
    for (const auto* st : largest_settlements(map, static_cast<int>(i), 5))
      largest.push_back({{"name", st->name}, {"population", st->population}, {"lat", st->pos.lat}, {"lon", st->pos.lon}});
    s["zones"].push_back({{"id", z.id}, {"name", z.name}, {"kind", z.kind}, {"responsible", z.responsible},
                          {"area_km2", round_to(z.area_km2, 3)}, {"population", z.population}, {"largest", largest}});
  }
  s["zones_area_km2"] = round_to(zone_sum, 3);
  for (const auto& l : map.lines) {
    json e{{"kind", l.kind}, {"name", l.name}, {"length_km", round_to(l.length_km, 3)}};
    if (!l.weapon_class.empty()) e["weapon_class"] = l.weapon_class;
    s["lines"].push_back(e);
  }
  for (const auto& [name, a] : map.shape_area_km2) s["shapes_km2"][name] = round_to(a, 3);
  s["check"] = check_json(check);
  if (const auto& f = map.plan.forces) {
    const plan::ForceSizing sized = plan::size_forces(map, *f);
    json zones = json::array(), parties = json::array();
    for (const auto& z : sized.zones)
      zones.push_back({{"zone", z.zone}, {"responsible", z.responsible}, {"front_km", round_to(z.front_km, 1)},
                       {"patrolled_km2", round_to(z.patrolled_km2, 1)}, {"posts", z.posts},
                       {"bases", z.bases}, {"troops_on_line", z.on_line}, {"troops_deployed", z.deployed}});
    for (const auto& p : sized.parties)
      parties.push_back({{"party", p.party}, {"posts", p.posts}, {"bases", p.bases}, {"troops_on_line", p.on_line},
                         {"troops_deployed", p.deployed}, {"troops_total", p.total}});
    s["forces"] = {{"post_spacing_km", f->post_spacing_m / 1000}, {"troops_per_post", f->troops_per_post},
                   {"base_area_km2", f->base_area_km2}, {"patrol_depth_km", f->patrol_depth_m / 1000},
                   {"troops_per_base", f->troops_per_base}, {"rotation", f->rotation},
                   {"zones", zones}, {"parties", parties}};
  }
  return s;
}

std::string zone_table(const plan::ZoneMap& map) {
  std::string out = map.plan.name + (map.plan.date.empty() ? "" : " (" + map.plan.date + ")") + "\n\n";
  out += pad("zone", 16) + pad("kind", 10) + pad("responsible", 13) + pad("area km²", 12, true) +
         pad("population", 13, true) + "  largest settlements\n";
  long long pop_total = 0;
  for (size_t i = 0; i < map.zones.size(); ++i) {
    const auto& z = map.zones[i];
    std::string places;
    for (const auto* st : largest_settlements(map, static_cast<int>(i), 3))
      places += (places.empty() ? "" : ", ") + st->name;
    out += pad(z.id, 16) + pad(z.kind, 10) + pad(z.responsible.empty() ? "-" : z.responsible, 13) +
           pad(grouped(std::llround(z.area_km2)), 12, true) + pad(grouped(z.population), 13, true) + "  " + places + "\n";
    pop_total += z.population;
  }
  out += pad("total", 39) + pad(grouped(std::llround(map.area_km2)), 12, true) + pad(grouped(pop_total), 13, true) + "\n\n";
  for (const auto& [name, a] : map.shape_area_km2) out += "area " + name + ": " + grouped(std::llround(a)) + " km²\n";
  for (const auto& l : map.lines) out += l.name + ": " + fmt("%.1f", l.length_km) + " km\n";
  if (map.plan.forces) out += plan::forces_text(plan::size_forces(map, *map.plan.forces), *map.plan.forces);
  return out;
}

}  // namespace truceline::report
