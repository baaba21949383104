// OGR layers written and read back: fields, geometries, and the round-trip bar — the default
// plan's zones exported to GeoPackage and KML keep their ellipsoidal areas within 0.01 %.
#include "io/ogr.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "geo/geodesy.h"
#include "report/plan_outputs.h"
#include "support.h"

namespace truceline::io::ogr {
namespace {

namespace fs = std::filesystem;

fs::path save(const std::string& bytes, const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("truceline-ogr-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

const ReadLayer& layer_named(const std::vector<ReadLayer>& layers, const std::string& name) {
  for (const auto& l : layers)
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

Layer square_layer(const geo::Geom& square, const geo::Geom& point) {
  return Layer{"things", 0,
               {{"name", FieldType::kString}, {"n", FieldType::kInteger}, {"x", FieldType::kReal},
                {"when", FieldType::kDateTime}},
               {{{std::string("square"), int64_t{42}, 1.5, std::string("2025-04-12T06:30:00Z")}, &square, ""},
                {{std::string("Пологи, \"quoted\""), std::monostate{}, -2.25, std::monostate{}}, &point, ""}}};
}

TEST(OgrTest, GeoPackageKeepsFieldsAndGeometriesExactly) {
  geo::Context ctx;
  const geo::Geom square = geo::make_polygon(ctx, {{{30, 48}, {30.1, 48}, {30.1, 48.1}, {30, 48.1}, {30, 48}}});
  const geo::Geom point = geo::make_point(ctx, 36.123456789, 47.987654321);
  const fs::path p = save(write_layers("GPKG", {square_layer(square, point)}), "things.gpkg");
  const auto layers = read_layers(ctx, p.string());
  ASSERT_EQ(layers.size(), 1u);
  const auto& feats = layers[0].features;
  ASSERT_EQ(feats.size(), 2u);
  EXPECT_EQ(feats[0].value("name"), "square");
  EXPECT_EQ(feats[0].value("n"), "42");
  EXPECT_EQ(std::stod(feats[0].value("x")), 1.5);
  EXPECT_EQ(feats[0].value("when").substr(0, 19), "2025/04/12 06:30:00");
  EXPECT_EQ(feats[1].value("name"), "Пологи, \"quoted\"");
  EXPECT_EQ(feats[1].value("n"), "");  // null stays null
  EXPECT_EQ(feats[0].geom.wkt(), square.wkt());
  // WKB both ways: the coordinates come back to the bit.
  double x = 0, y = 0;
  GEOSGeomGetX_r(ctx.handle(), feats[1].geom.get(), &x);
  GEOSGeomGetY_r(ctx.handle(), feats[1].geom.get(), &y);
  EXPECT_EQ(x, 36.123456789);
  EXPECT_EQ(y, 47.987654321);
  fs::remove(p);
}

TEST(OgrTest, MissingDriverAndMissingFileAreClearErrors) {
  geo::Context ctx;
  EXPECT_THROW(write_layers("NoSuchDriver", {}), std::runtime_error);
  try {
    read_layers(ctx, "/nonexistent/zones.gpkg");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/zones.gpkg"), std::string::npos) << e.what();
  }
}

TEST(OgrTest, AFeatureWithTheWrongNumberOfValuesIsRefused) {
  geo::Context ctx;
  Layer l{"bad", 0, {{"a", FieldType::kString}}, {{{}, nullptr, ""}}};
  EXPECT_THROW(write_layers("GPKG", {l}), std::logic_error);
}

// The bar of issue 6: zones exported and read back with GDAL have the same ellipsoidal areas
// within 0.01 %, in both formats; lines keep their lengths.
class PlanRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(PlanRoundTrip, ZoneAreasAndLineLengthsSurvive) {
  const plan::ZoneMap& map = testing::default_map();
  const std::string fmt = GetParam();
  const std::string bytes = fmt == std::string("gpkg") ? report::plan_gpkg(map) : report::plan_kml(map);
  const fs::path p = save(bytes, std::string("zones.") + fmt);
  geo::Context ctx;
  const auto layers = read_layers(ctx, p.string());
  const auto& zones = layer_named(layers, "zones");
  ASSERT_EQ(zones.features.size(), map.zones.size());
  double worst = 0;
  for (size_t i = 0; i < map.zones.size(); ++i) {
    const auto& z = map.zones[i];
    const auto& f = zones.features[i];
    EXPECT_EQ(f.value("name"), z.name);
    if (fmt == std::string("gpkg")) {
      EXPECT_EQ(f.value("id"), z.id);
    }
    const double want = geo::area_m2(z.geom), got = geo::area_m2(f.geom);
    EXPECT_NEAR(got, want, 1e-4 * want) << fmt << " zone " << z.id;
    worst = std::max(worst, std::fabs(got - want) / want);
  }
  // The figure docs/formats.md quotes (in the XML report: --gtest_output=xml).
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", worst);
  RecordProperty("worst_relative_area_difference", text);
  const auto& lines = layer_named(layers, "lines");
  ASSERT_EQ(lines.features.size(), map.lines.size());
  for (size_t i = 0; i < map.lines.size(); ++i)
    EXPECT_NEAR(geo::length_m(lines.features[i].geom), map.lines[i].length_km * 1000, 1e-4 * map.lines[i].length_km * 1000)
        << fmt << " line " << map.lines[i].name;
  fs::remove(p);
}

INSTANTIATE_TEST_SUITE_P(Formats, PlanRoundTrip, ::testing::Values("gpkg", "kml"));

}  // namespace
}  // namespace truceline::io::ogr
