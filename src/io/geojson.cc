#include "io/geojson.h"

#include <cmath>

#include "geo/errors.h"
#include "io/output.h"

namespace truceline::io {
namespace {

using nlohmann::json;
using geo::LonLat;

std::vector<LonLat> read_positions(const json& arr, const std::string& where) {
  if (!arr.is_array()) throw InputError(where, "coordinates must be an array of [lon, lat] positions");
  std::vector<LonLat> pts;
  pts.reserve(arr.size());
  for (const auto& p : arr) {
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number())
      throw InputError(where, "a position must be [lon, lat] numbers");
    LonLat q{p[0].get<double>(), p[1].get<double>()};
    if (!std::isfinite(q.lon) || !std::isfinite(q.lat) || std::abs(q.lat) > 90 || std::abs(q.lon) > 180)
      throw InputError(where, "position [" + std::to_string(q.lon) + ", " + std::to_string(q.lat) +
                                  "] is outside lon -180..180, lat -90..90",
                       "GeoJSON positions are [lon, lat] in degrees (check the order)");
    pts.push_back(q);
  }
  return pts;
}

geo::Geom read_polygon(const geo::Context& ctx, const json& rings, const std::string& where) {
  if (!rings.is_array() || rings.empty()) throw InputError(where, "a polygon needs at least one ring");
  std::vector<std::vector<LonLat>> rs;
  for (const auto& r : rings) {
    auto pts = read_positions(r, where);
    if (pts.size() < 4) throw InputError(where, "a polygon ring needs at least 4 positions");
    if (pts.front().lon != pts.back().lon || pts.front().lat != pts.back().lat) pts.push_back(pts.front());
    rs.push_back(std::move(pts));
  }
  return geo::make_polygon(ctx, rs);
}

double round_to(double v, double scale) { return std::round(v * scale) / scale; }

json positions_json(const std::vector<LonLat>& pts, double scale) {
  json arr = json::array();
  for (const auto& p : pts) arr.push_back({round_to(p.lon, scale), round_to(p.lat, scale)});
  return arr;
}

}  // namespace

geo::Geom geometry_from_json(const geo::Context& ctx, const json& g, const std::string& where) {
  if (!g.is_object() || !g.contains("type")) throw InputError(where, "missing geometry");
  if (!g["type"].is_string()) throw InputError(where, "the geometry's type is not a string", "give a GeoJSON geometry type");
  const std::string type = g["type"].get<std::string>();
  if (type == "GeometryCollection") {
    std::vector<geo::Geom> parts;
    for (const auto& sub : g.value("geometries", json::array())) parts.push_back(geometry_from_json(ctx, sub, where));
    return geo::make_collection(ctx, GEOS_GEOMETRYCOLLECTION, std::move(parts));
  }
  const json& c = g.contains("coordinates") ? g["coordinates"] : json();
  if (type == "Point") {
    auto pts = read_positions(json::array({c}), where);
    return geo::make_point(ctx, pts[0].lon, pts[0].lat);
  }
  if (type == "LineString") return geo::make_line(ctx, read_positions(c, where));
  if (type == "MultiLineString") {
    std::vector<geo::Geom> parts;
    for (const auto& l : c) parts.push_back(geo::make_line(ctx, read_positions(l, where)));
    return geo::make_collection(ctx, GEOS_MULTILINESTRING, std::move(parts));
  }
  if (type == "Polygon") return read_polygon(ctx, c, where);
  if (type == "MultiPolygon") {
    std::vector<geo::Geom> parts;
    for (const auto& p : c) parts.push_back(read_polygon(ctx, p, where));
    return geo::make_collection(ctx, GEOS_MULTIPOLYGON, std::move(parts));
  }
  throw InputError(where, "unsupported geometry type '" + type + "'",
                   "use Point, LineString, MultiLineString, Polygon or MultiPolygon");
}

std::vector<Feature> read_geojson(const geo::Context& ctx, const std::string& path, const Warn& warn) {
  json doc;
  try {
    doc = json::parse(read_file(path));
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double (found by fuzzing).
    throw InputError(path, std::string("not valid JSON: ") + e.what(), "check the file is GeoJSON");
  }
  if (!doc.is_object()) throw InputError(path, "not a GeoJSON object", "give a FeatureCollection, a Feature or a geometry");
  std::vector<json> raw;
  const std::string type = doc.contains("type") && doc["type"].is_string() ? doc["type"].get<std::string>() : "";
  if (type == "FeatureCollection") {
    for (const auto& f : doc.value("features", json::array())) raw.push_back(f);
  } else if (type == "Feature") {
    raw.push_back(doc);
  } else {
    raw.push_back(json{{"type", "Feature"}, {"properties", json::object()}, {"geometry", doc}});
  }
  std::vector<Feature> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const json& f = raw[i];
    Feature feat;
    feat.properties = f.contains("properties") && f["properties"].is_object() ? f["properties"] : json::object();
    if (f.contains("id") && !f["id"].is_null())
      feat.id = f["id"].is_string() ? f["id"].get<std::string>() : f["id"].dump();
    else if (feat.properties.contains("id"))
      feat.id = feat.properties["id"].is_string() ? feat.properties["id"].get<std::string>() : feat.properties["id"].dump();
    else
      feat.id = std::to_string(i + 1);
    const std::string where = path + ": feature " + std::to_string(i + 1) + " (id " + feat.id + ")";
    try {
      feat.geom = geometry_from_json(ctx, f.contains("geometry") ? f["geometry"] : json(), where);
    } catch (const GeometryError& e) {
      throw InputError(where, e.what(), "fix or remove the feature");
    } catch (const json::exception& e) {
      // A member of the wrong JSON type deep in the geometry (found by fuzzing).
      throw InputError(where, std::string("not a GeoJSON geometry: ") + e.what(), "fix or remove the feature");
    }
    std::string reason;
    if (!feat.geom.is_valid(&reason)) {
      warn(where + ": invalid geometry (" + reason + "), repaired with MakeValid");
      feat.geom = feat.geom.make_valid();
    }
    out.push_back(std::move(feat));
  }
  return out;
}

json geometry_to_json(const geo::Geom& g, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const int t = g.type();
  if (t == GEOS_POINT) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(g.h(), g.get(), &x);
    GEOSGeomGetY_r(g.h(), g.get(), &y);
    return {{"type", "Point"}, {"coordinates", {round_to(x, scale), round_to(y, scale)}}};
  }
  if (t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING) {
    json lines = json::array();
    for (const auto& l : geo::line_parts(g)) lines.push_back(positions_json(l, scale));
    return {{"type", "MultiLineString"}, {"coordinates", lines}};
  }
  if (t == GEOS_GEOMETRYCOLLECTION && geo::polygon_parts(g).empty()) {
    json lines = json::array();
    for (const auto& l : geo::line_parts(g)) lines.push_back(positions_json(l, scale));
    return {{"type", "MultiLineString"}, {"coordinates", lines}};
  }
  json polys = json::array();
  for (const auto& rings : geo::polygon_parts(g)) {
    json p = json::array();
    for (const auto& r : rings) p.push_back(positions_json(r, scale));
    polys.push_back(p);
  }
  return {{"type", "MultiPolygon"}, {"coordinates", polys}};
}

json feature_collection(const std::vector<std::pair<json, const geo::Geom*>>& features) {
  json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
  for (const auto& [props, geom] : features)
    fc["features"].push_back({{"type", "Feature"}, {"properties", props}, {"geometry", geometry_to_json(*geom)}});
  return fc;
}

}  // namespace truceline::io
