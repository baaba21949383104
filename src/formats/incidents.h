#pragma once
// Incidents in the formats analysts open: CSV (INCIDENTS.csv), GeoJSON, KML for Google Earth
// (placemarks with a time span and a description, and the 1σ ellipse as a polygon), and
// ACLED-shaped CSV. docs/formats.md lists the columns and how each is filled.
#include <string>
#include <vector>

#include "geo/geos.h"
#include "monitor/incident.h"
#include "plan/zone_map.h"

namespace truceline::formats {

enum class IncidentFormat { kCsv, kGeoJson, kKml, kAcled };

// `format` ("csv", "geojson", "kml", "acled") when given, else the output's extension (.csv,
// .geojson or .json, .kml). Throws InputError naming the option or file when neither says.
IncidentFormat incident_format(const std::string& format, const std::string& path);

// The whole file in `format`. `map` gives zone names and the nearest settlements (ACLED's location).
std::string incidents_file(IncidentFormat format, const std::vector<monitor::Incident>& incidents,
                           const plan::ZoneMap& map);

std::string incidents_csv(const std::vector<monitor::Incident>& incidents);
std::string incidents_geojson(const std::vector<monitor::Incident>& incidents);
std::string incidents_kml(const std::vector<monitor::Incident>& incidents, const plan::ZoneMap& map);
std::string incidents_acled_csv(const std::vector<monitor::Incident>& incidents, const plan::ZoneMap& map);

// The 1σ error ellipse around `centre` as a lon/lat polygon of `n` vertices, each reached from the
// centre with the exact direct geodesic: a vertex lies at the ellipse's radius in its direction
// (to nanometres), the edges between them are straight in lon/lat.
geo::Geom ellipse_polygon(const geo::Context& ctx, geo::LonLat centre, const monitor::Ellipse& e, int n = 72);

}  // namespace truceline::formats
