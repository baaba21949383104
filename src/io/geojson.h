#pragma once
// GeoJSON layers in and out (RFC 7946, lon/lat). Reading validates every feature: an invalid
// polygon is repaired with GEOS MakeValid and reported through `warn`, naming the feature.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geo/geos.h"

namespace truceline::io {

using Warn = std::function<void(const std::string&)>;

struct Feature {
  std::string id;               // the feature's "id", else properties.id, else its 1-based index
  nlohmann::json properties;    // as read
  geo::Geom geom;
};

// Reads every feature of a FeatureCollection, Feature or bare geometry. Throws InputError naming
// the file and the feature on a missing file, bad JSON, or a geometry that cannot be read.
std::vector<Feature> read_geojson(const geo::Context& ctx, const std::string& path, const Warn& warn);

// Parses one GeoJSON geometry object. `where` prefixes error messages.
geo::Geom geometry_from_json(const geo::Context& ctx, const nlohmann::json& g, const std::string& where);

// GeoJSON geometry of `g`, coordinates rounded to `decimals` (7 decimals ≈ 1 cm).
nlohmann::json geometry_to_json(const geo::Geom& g, int decimals = 7);

// A FeatureCollection from (properties, geometry) pairs.
nlohmann::json feature_collection(const std::vector<std::pair<nlohmann::json, const geo::Geom*>>& features);

}  // namespace truceline::io
