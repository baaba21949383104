// Incident exports: format choice, GeoJSON, KML read back with GDAL, ACLED-shaped rows, ellipses.
#include "formats/incidents.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/acled.h"
#include "geo/errors.h"
#include "geo/geodesy.h"
#include "io/ogr.h"
#include "support.h"

namespace truceline::formats {
namespace {

namespace fs = std::filesystem;
using monitor::Incident;

std::vector<Incident> two_incidents() {
  Incident a;
  a.id = "i-1", a.event = "explosion", a.first_ms = 1744428600000, a.last_ms = 1744428660000;
  a.fix = {true, {37.1757, 48.282}, {1500, 600, 45}};
  a.observation_ids = {"o-1", "o-2"};
  a.zone = testing::default_map().zones[0].id, a.responsible = "ru", a.origin_side = "ru";
  a.violations = {{"no-artillery", "high"}};
  Incident b;
  b.id = "i-2", b.event = "burst", b.first_ms = b.last_ms = 1744515000000;
  b.fix = {true, {35.1396, 47.8388}, {30000, 30000, 0}};
  b.observation_ids = {"o-3"};
  Incident c;  // no fix: heard, with no direction
  c.id = "i-3", c.event = "shot", c.first_ms = c.last_ms = 1744515000000;
  c.observation_ids = {"o-4"};
  return {a, b, c};
}

TEST(IncidentFormat, ByOptionOrExtension) {
  EXPECT_EQ(incident_format("", "out/x.kml"), IncidentFormat::kKml);
  EXPECT_EQ(incident_format("", "x.GeoJSON"), IncidentFormat::kGeoJson);
  EXPECT_EQ(incident_format("", "x.json"), IncidentFormat::kGeoJson);
  EXPECT_EQ(incident_format("", "x.csv"), IncidentFormat::kCsv);
  EXPECT_EQ(incident_format("acled", "x.csv"), IncidentFormat::kAcled);
  EXPECT_THROW(incident_format("", "x.xlsx"), InputError);
  EXPECT_THROW(incident_format("shp", "x.csv"), InputError);
}

TEST(IncidentExport, GeoJsonHasOnePointPerIncidentAndNullWithoutAFix) {
  const auto j = nlohmann::json::parse(incidents_geojson(two_incidents()));
  ASSERT_EQ(j["features"].size(), 3u);
  const auto& f = j["features"][0];
  EXPECT_EQ(f["geometry"]["type"], "Point");
  EXPECT_EQ(f["geometry"]["coordinates"][0], 37.1757);
  EXPECT_EQ(f["properties"]["first_time"], "2025-04-12T03:30:00.000Z");
  EXPECT_EQ(f["properties"]["violations"][0]["rule"], "no-artillery");
  EXPECT_EQ(f["properties"]["err_major_m"], 1500);
  EXPECT_TRUE(j["features"][2]["geometry"].is_null());
}

TEST(IncidentExport, KmlPlacemarksAndEllipsesReadBackWithGdal) {
  const std::string kml = incidents_kml(two_incidents(), testing::default_map());
  EXPECT_NE(kml.find("<TimeSpan>"), std::string::npos);
  EXPECT_NE(kml.find("<begin>2025-04-12T03:30:00"), std::string::npos);
  const fs::path p = fs::temp_directory_path() / ("truceline-incidents-" + std::to_string(::getpid()) + ".kml");
  std::ofstream(p, std::ios::binary) << kml;
  geo::Context ctx;
  const auto layers = io::ogr::read_layers(ctx, p.string());
  fs::remove(p);
  ASSERT_EQ(layers.size(), 2u);
  ASSERT_EQ(layers[0].features.size(), 2u);  // the incident without a fix has no place on a map
  EXPECT_EQ(layers[0].features[0].value("name"), "i-1 explosion");
  EXPECT_NE(layers[0].features[0].value("description").find("Breaks: no-artillery:high"), std::string::npos);
  double x = 0;
  GEOSGeomGetX_r(ctx.handle(), layers[0].features[0].geom.get(), &x);
  EXPECT_NEAR(x, 37.1757, 1e-9);
  // The 1σ ellipse of the second incident is a 30 km circle: π r² within 0.2 % (72 chords).
  const double area = geo::area_m2(layers[1].features[1].geom);
  EXPECT_NEAR(area, M_PI * 30000.0 * 30000.0, 2e-3 * M_PI * 30000.0 * 30000.0);
}

TEST(IncidentExport, EllipseVerticesLieOnTheEllipse) {
  geo::Context ctx;
  const geo::LonLat c{36.0, 48.0};
  const monitor::Ellipse e{4000, 1000, 30};
  const auto rings = geo::polygon_parts(ellipse_polygon(ctx, c, e, 8));
  ASSERT_EQ(rings.size(), 1u);
  const auto& ring = rings[0][0];
  ASSERT_EQ(ring.size(), 9u);
  // Vertex 0 on the major axis, vertex 2 on the minor axis.
  EXPECT_NEAR(geo::distance_m(c, ring[0]), 4000, 1e-6);
  EXPECT_NEAR(geo::distance_m(c, ring[2]), 1000, 1e-6);
  const geo::LonLat along = geo::destination(c, 30, 4000);
  EXPECT_NEAR(geo::distance_m(along, ring[0]), 0, 1e-6);
}

TEST(IncidentExport, AcledShapedRowsReadBackAsAcled) {
  const std::string text = incidents_acled_csv(two_incidents(), testing::default_map());
  std::istringstream in(text);
  AcledReader r(in, "incidents");
  std::vector<AcledRow> rows;
  for (AcledRow row; r.next(row);) rows.push_back(row);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].event_id_cnty, "TL-i-1");
  EXPECT_EQ(rows[0].event_date, "2025-04-12");
  EXPECT_EQ(rows[0].event_type, "Explosions/Remote violence");
  EXPECT_EQ(rows[0].sub_event_type, "Shelling/artillery/missile attack");
  EXPECT_EQ(rows[0].geo_precision, 1);
  EXPECT_EQ(rows[0].latitude, 48.282);
  EXPECT_FALSE(rows[0].location.empty());  // the nearest settlement of the plan's layer
  EXPECT_EQ(rows[1].event_type, "Battles");
  EXPECT_EQ(rows[1].geo_precision, 3);  // a 30 km ellipse: only the region is known
}

}  // namespace
}  // namespace truceline::formats
