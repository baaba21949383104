#pragma once
// What `truceline plan compile` writes: zones.geojson, lines.geojson, summary.json, the zone table,
// and the zones and lines together as GeoPackage and KML for QGIS, ArcGIS and Google Earth.
#include <nlohmann/json.hpp>
#include <string>

#include "io/ogr.h"
#include "plan/check.h"
#include "plan/zone_map.h"

namespace truceline::report {

// One feature per zone: id, name, kind, responsible, colour, area_km2, population.
nlohmann::json zones_geojson(const plan::ZoneMap& map);
// One feature per line: kind, name, side, weapon_class, offset_km, length_km.
nlohmann::json lines_geojson(const plan::ZoneMap& map);
// Two OGR layers, "zones" (the fields of zones_geojson, polygons styled in the zone's colour) and
// "lines" (the fields of lines_geojson). The layers borrow the map's geometries.
std::vector<io::ogr::Layer> plan_layers(const plan::ZoneMap& map);
// plan_layers as a GeoPackage and as KML (libkml: one folder per layer, zones filled in their
// colour): the bytes of zones.gpkg and zones.kml.
std::string plan_gpkg(const plan::ZoneMap& map);
std::string plan_kml(const plan::ZoneMap& map);
// Plan, totals, zones (with their largest settlements), lines, warnings, and the plan check
// (plan/check.h) under "check".
nlohmann::json summary_json(const plan::ZoneMap& map, const plan::PlanCheck& check);
// The table printed by `plan compile`: zone, kind, responsible, area, population, largest places.
std::string zone_table(const plan::ZoneMap& map);

// The `n` largest settlements of zone `zone`.
std::vector<const plan::Settlement*> largest_settlements(const plan::ZoneMap& map, int zone, size_t n);

}  // namespace truceline::report
