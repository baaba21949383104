#pragma once
// Vector layers in and out through GDAL's OGR C API: GeoPackage, KML (libkml), GeoJSON, anything
// OGR has a driver for. Geometries cross between GEOS and OGR as WKB, so no coordinate is
// re-parsed or rounded on the way (the round trip is exact to the bit).
//
// Every GDAL handle (dataset, layer definition, feature, geometry, spatial reference) is owned by
// an RAII wrapper in ogr.cc and released on every path, errors included. Coordinates are WGS84
// lon/lat (EPSG:4326, traditional GIS axis order).
// Thread safety: the functions may be called from several threads, each on its own files.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "geo/geos.h"

namespace truceline::io::ogr {

enum class FieldType { kString, kInteger, kReal, kDateTime };

struct Field {
  std::string name;
  FieldType type = FieldType::kString;
};

// An absent value (monostate) is written as a null field. kDateTime takes a string,
// ISO 8601 ("2025-04-12T06:30:00Z").
using Value = std::variant<std::monostate, std::string, int64_t, double>;

struct Feature {
  std::vector<Value> values;  // one per field of the layer, in order
  const geo::Geom* geom = nullptr;  // borrowed; null writes a feature without geometry
  // OGR feature style string ("PEN(c:#FF0000);BRUSH(fc:#FF000080)"), used by the KML driver for
  // colours in Google Earth; "" for none.
  std::string style;
};

struct Layer {
  std::string name;
  // OGRwkbGeometryType of the layer (wkbMultiPolygon = 6, wkbMultiLineString = 5, wkbPoint = 1,
  // wkbUnknown = 0 for mixed layers). Polygons written to a multipolygon layer are promoted.
  int geometry_type = 0;
  std::vector<Field> fields;
  std::vector<Feature> features;
};

// Writes `layers` into a new dataset with driver `driver` ("GPKG", "LIBKML", "GeoJSON") and
// returns the file's bytes. The dataset is built in GDAL's in-memory file system, so the caller
// decides how it reaches the disk (io::write_file_atomic, io::write_dir_atomic). Throws
// std::runtime_error with GDAL's message when the driver is missing or a write fails.
std::string write_layers(const std::string& driver, const std::vector<Layer>& layers);

// A feature read back: values by field name in the layer's order, and its geometry.
struct ReadFeature {
  std::vector<std::pair<std::string, std::string>> values;  // as strings; null fields omitted
  geo::Geom geom;
  std::string value(const std::string& name) const;  // "" when absent; the name in any case
};

struct ReadLayer {
  std::string name;
  std::vector<ReadFeature> features;
};

// Reads every layer of the dataset at `path` (any format OGR opens). Throws InputError naming the
// file when it cannot be opened or a geometry cannot be converted.
std::vector<ReadLayer> read_layers(const geo::Context& ctx, const std::string& path);

}  // namespace truceline::io::ogr
