#include "formats/incidents.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "formats/acled.h"
#include "geo/errors.h"
#include "geo/geodesy.h"
#include "io/geojson.h"
#include "io/ogr.h"
#include "monitor/correlate.h"
#include "monitor/incident_json.h"
#include "monitor/observation.h"

namespace truceline::formats {

namespace {

using nlohmann::json;
using monitor::Incident;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) (out += out.empty() ? "" : sep) += s;
  return out;
}

std::string violations_text(const Incident& inc) {
  std::vector<std::string> v;
  for (const auto& x : inc.violations) v.push_back(x.rule + ":" + x.severity);
  return joined(v, ";");
}

std::string metres(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", m);
  return buf;
}

const plan::Zone* zone_named(const plan::ZoneMap& map, const std::string& id) {
  for (const auto& z : map.zones)
    if (z.id == id) return &z;
  return nullptr;
}

// The nearest settlement of the plan's layer. An equirectangular distance picks the candidate
// (good to a fraction of a percent over the tens of kilometres that matter); thousands of
// settlements against thousands of incidents stay well under a second.
const plan::Settlement* nearest_settlement(const plan::ZoneMap& map, geo::LonLat p) {
  const double k = std::cos(p.lat * M_PI / 180);
  const plan::Settlement* best = nullptr;
  double best_d2 = 0;
  for (const auto& s : map.settlements) {
    const double dx = (s.pos.lon - p.lon) * k, dy = s.pos.lat - p.lat;
    const double d2 = dx * dx + dy * dy;
    if (!best || d2 < best_d2) best = &s, best_d2 = d2;
  }
  return best;
}

// The description a Google Earth balloon shows.
std::string description(const Incident& inc, const plan::ZoneMap& map) {
  const plan::Zone* z = zone_named(map, inc.zone);
  std::string d = "Event: " + inc.event + "\nFirst: " + monitor::format_time_ms(inc.first_ms) +
                  "\nLast: " + monitor::format_time_ms(inc.last_ms) + "\nZone: " + (z ? z->name + " (" + z->id + ")" : inc.zone);
  if (!inc.responsible.empty()) d += "\nResponsible: " + inc.responsible;
  if (!inc.origin_side.empty()) d += "\nFire from: " + inc.origin_side + " side";
  if (inc.fix.ok)
    d += "\n1σ ellipse: " + metres(inc.fix.err.major_m) + " × " + metres(inc.fix.err.minor_m) + " m";
  d += "\nObservations (" + std::to_string(inc.observation_ids.size()) + "): " + joined(inc.observation_ids, ", ");
  if (!inc.violations.empty()) d += "\nBreaks: " + violations_text(inc);
  return d;
}


}  // namespace

IncidentFormat incident_format(const std::string& format, const std::string& path) {
  const std::string f = lower(format.empty() ? std::filesystem::path(path).extension().string() : format);
  if (f == "csv" || f == ".csv") return IncidentFormat::kCsv;
  if (f == "geojson" || f == ".geojson" || f == ".json") return IncidentFormat::kGeoJson;
  if (f == "kml" || f == ".kml") return IncidentFormat::kKml;
  if (f == "acled") return IncidentFormat::kAcled;
  if (!format.empty()) throw InputError("--format", "'" + format + "' is not a format", "use csv, geojson, kml or acled");
  throw InputError(path, "cannot tell the format from the extension '" + f + "'",
                   "name the file .csv, .geojson or .kml, or give --format csv|geojson|kml|acled");
}

std::string incidents_csv(const std::vector<Incident>& incidents) {
  std::string out = monitor::incidents_csv_header();
  for (const auto& inc : incidents) out += monitor::incident_csv_row(inc);
  return out;
}

std::string incidents_geojson(const std::vector<Incident>& incidents) {
  json feats = json::array();
  for (const auto& inc : incidents) {
    // The service's INCIDENT members, less what a file has no use for: the revision (one per
    // incident here) and the position, which is the feature's geometry.
    json p = monitor::incident_json(inc, inc.id, 1);
    for (const char* k : {"revision", "lat", "lon", "err_major_m", "err_minor_m", "err_azimuth_deg"}) p.erase(k);
    json geom = nullptr;
    if (inc.fix.ok) {
      p["err_major_m"] = std::round(inc.fix.err.major_m);
      p["err_minor_m"] = std::round(inc.fix.err.minor_m);
      p["err_azimuth_deg"] = std::round(inc.fix.err.azimuth_deg * 10) / 10;
      // 7 decimals: about a centimetre, far below any incident's uncertainty.
      geom = {{"type", "Point"},
              {"coordinates", {std::round(inc.fix.pos.lon * 1e7) / 1e7, std::round(inc.fix.pos.lat * 1e7) / 1e7}}};
    }
    feats.push_back({{"type", "Feature"}, {"id", inc.id}, {"properties", p}, {"geometry", geom}});
  }
  return json{{"type", "FeatureCollection"}, {"features", feats}}.dump() + "\n";
}

geo::Geom ellipse_polygon(const geo::Context& ctx, geo::LonLat centre, const monitor::Ellipse& e, int n) {
  std::vector<geo::LonLat> ring;
  const double a = std::max(e.major_m, 1.0), b = std::max(e.minor_m, 1.0);
  for (int i = 0; i < n; ++i) {
    const double t = 2 * M_PI * i / n;
    const double along = a * std::cos(t), across = b * std::sin(t);
    const double azi = e.azimuth_deg + std::atan2(across, along) * 180 / M_PI;
    ring.push_back(geo::destination(centre, azi, std::hypot(along, across)));
  }
  ring.push_back(ring.front());
  return geo::make_polygon(ctx, {ring});
}

std::string incidents_kml(const std::vector<Incident>& incidents, const plan::ZoneMap& map) {
  using io::ogr::FieldType;
  const std::vector<io::ogr::Field> fields = {{"name", FieldType::kString},
                                              {"description", FieldType::kString},
                                              {"begin", FieldType::kDateTime},
                                              {"end", FieldType::kDateTime}};
  // Google Earth reads begin/end as the placemark's time span, name and description as its label
  // and balloon; breaking a rule shows red, the rest amber.
  io::ogr::Layer points{"incidents", 1 /* wkbPoint */, fields, {}};
  io::ogr::Layer ellipses{"uncertainty (1 sigma)", 3 /* wkbPolygon */, fields, {}};
  geo::Context ctx;
  std::vector<geo::Geom> geoms;
  geoms.reserve(2 * incidents.size());
  for (const auto& inc : incidents) {
    if (!inc.fix.ok) continue;
    const std::vector<io::ogr::Value> values = {inc.id + " " + inc.event, description(inc, map),
                                                monitor::format_time_ms(inc.first_ms),
                                                monitor::format_time_ms(inc.last_ms)};
    const char* colour = inc.violations.empty() ? "#F2A900" : "#D7191C";
    geoms.push_back(geo::make_point(ctx, inc.fix.pos.lon, inc.fix.pos.lat));
    points.features.push_back({values, &geoms.back(), std::string("SYMBOL(id:\"circle\",c:") + colour + "FF)"});
    geoms.push_back(ellipse_polygon(ctx, inc.fix.pos, inc.fix.err));
    ellipses.features.push_back({values, &geoms.back(), std::string("PEN(c:") + colour + "FF,w:1px);BRUSH(fc:" + colour + "33)"});
  }
  return io::ogr::write_layers("LIBKML", {points, ellipses});
}

std::string incidents_acled_csv(const std::vector<Incident>& incidents, const plan::ZoneMap& map) {
  std::string out = acled_csv_header();
  for (const auto& inc : incidents) {
    if (!inc.fix.ok) continue;  // ACLED rows need a place
    AcledRow r;
    r.event_id_cnty = "TL-" + inc.id;
    r.event_date = monitor::format_time_ms(inc.first_ms).substr(0, 10);
    std::tie(r.event_type, r.sub_event_type) = acled_types_for_event(inc.event);
    r.disorder_type = "Political violence";
    r.latitude = std::round(inc.fix.pos.lat * 1e4) / 1e4;  // ACLED's four decimals, about 10 m
    r.longitude = std::round(inc.fix.pos.lon * 1e4) / 1e4;
    // ACLED's codes: 1 the place itself, 2 near it, 3 only the region.
    r.geo_precision = inc.fix.err.major_m < 2'000 ? 1 : inc.fix.err.major_m < 25'000 ? 2 : 3;
    // truceline names where fire came from, not who fired: the side of the line of contact.
    r.actor1 = inc.origin_side.empty() ? "" : "Unidentified (fire from the " + inc.origin_side + " side)";
    if (const plan::Settlement* s = nearest_settlement(map, inc.fix.pos)) r.location = s->name, r.admin1 = s->admin;
    r.source = "truceline (" + std::to_string(inc.observation_ids.size()) + " observations)";
    r.notes = description(inc, map);
    out += acled_csv_row(r);
  }
  return out;
}

std::string incidents_file(IncidentFormat format, const std::vector<Incident>& incidents, const plan::ZoneMap& map) {
  switch (format) {
    case IncidentFormat::kGeoJson: return incidents_geojson(incidents);
    case IncidentFormat::kKml: return incidents_kml(incidents, map);
    case IncidentFormat::kAcled: return incidents_acled_csv(incidents, map);
    case IncidentFormat::kCsv: break;
  }
  return incidents_csv(incidents);
}

}  // namespace truceline::formats
