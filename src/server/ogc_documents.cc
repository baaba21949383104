// The documents of the OGC API – Features service (docs/ogc.md): landing page, conformance, the
// collections with their properties and queryables, and the OpenAPI 3.0 document, all made from
// one catalogue so that what the OpenAPI document declares is what /items takes.
#include "monitor/observation.h"
#include "server/ogc.h"

namespace truceline::server::ogc {
namespace {

using nlohmann::json;

const char* kItemsTitle = "the features";

json extent_json(const Collection& c) {
  json e = json::object();
  if (c.extent)
    e["spatial"] = {{"bbox", {{c.extent->min_lon, c.extent->min_lat, c.extent->max_lon, c.extent->max_lat}}},
                    {"crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}};
  if (c.temporal) {
    const auto end = [](const std::optional<int64_t>& t) { return t ? json(monitor::format_time_ms(*t)) : json(nullptr); };
    e["temporal"] = {{"interval", {{end(c.temporal->start_ms), end(c.temporal->end_ms)}}},
                     {"trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}};
  }
  return e;
}

json property_schema(const Property& p) {
  json s{{"type", p.type}, {"description", p.description}};
  if (p.type == "array") s["items"] = {{"type", "string"}};
  if (!p.format.empty()) s["format"] = p.format;
  return s;
}

const Property* find_property(const Collection& c, const std::string& name) {
  for (const Property& p : c.properties)
    if (p.name == name) return &p;
  return nullptr;
}

// A query parameter of the OpenAPI document.
json query_parameter(const std::string& name, const std::string& description, json schema, bool explode = false) {
  json p{{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", std::move(schema)}};
  if (explode) p["style"] = "form", p["explode"] = false;
  return p;
}

json error_response(const std::string& description) {
  return {{"description", description}, {"content", {{kJson, {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json json_response(const std::string& description, const char* type = kJson) {
  return {{"description", description}, {"content", {{type, {{"schema", {{"type", "object"}}}}}}}};
}

// Every operation answers these refusals.
json responses(json ok) {
  return {{"200", std::move(ok)},
          {"400", error_response("a query parameter the service does not take, or a bad value (the error's field names it)")},
          {"401", error_response("no token, or an unknown one")},
          {"403", error_response("the token's role may not read this")},
          {"404", error_response("no such collection or feature")}};
}

json operation(const std::string& id, const std::string& summary, json parameters, json ok) {
  return {{"operationId", id}, {"summary", summary}, {"tags", {"OGC API - Features"}},
          {"parameters", std::move(parameters)}, {"responses", responses(std::move(ok))}};
}

json items_parameters(const Collection& c) {
  json params = {{{"$ref", "#/components/parameters/bbox"}},
                 {{"$ref", "#/components/parameters/datetime"}},
                 {{"$ref", "#/components/parameters/limit"}},
                 {{"$ref", "#/components/parameters/cursor"}}};
  for (const std::string& q : c.queryables) {
    const Property* p = find_property(c, q);
    params.push_back(query_parameter(q, "only features whose " + q + " equals this" + (p ? " (" + p->description + ")" : ""),
                                     {{"type", "string"}}));
  }
  return params;
}

json components() {
  json bbox_schema{{"type", "array"}, {"minItems", 4}, {"maxItems", 6}, {"items", {{"type", "number"}}}};
  return {
      {"parameters",
       {{"bbox", query_parameter("bbox", "min_lon,min_lat,max_lon,max_lat (CRS84); features that meet the box",
                                 bbox_schema, true)},
        {"datetime", query_parameter("datetime",
                                     "an instant or an interval START/END, either end '..' for open (RFC 3339); "
                                     "features whose time span meets it",
                                     {{"type", "string"}})},
        {"limit", query_parameter("limit", "features per page", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxLimit},
                                                                {"default", kDefaultLimit}})},
        {"cursor", query_parameter("cursor", "where a page begins: taken from a next or prev link", {{"type", "string"}})},
        {"collectionId", {{"name", "collectionId"}, {"in", "path"}, {"required", true}, {"description", "a collection's id"},
                          {"schema", {{"type", "string"}}}}},
        {"featureId", {{"name", "featureId"}, {"in", "path"}, {"required", true}, {"description", "a feature's id"},
                       {"schema", {{"type", "string"}}}}}}},
      {"schemas",
       {{"Error",
         {{"type", "object"},
          {"required", {"error"}},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}}}}}},
      {"securitySchemes",
       {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "a token of the API (docs/api.md)"}}},
        {"access_token", {{"type", "apiKey"}, {"in", "query"}, {"name", "access_token"},
                          {"description", "the same token, for clients that cannot set headers"}}}}}};
}

}  // namespace

std::vector<Collection> catalogue() {
  const Property zone{"zone", "string", "the plan's zone id"}, zone_kind{"zone_kind", "string", "the zone's kind"},
      responsible{"responsible", "string", "the contingent (a party id) responsible for the zone"},
      event{"event", "string", "what was observed"};
  const Property first{"first_time", "string", "the first report's time", "date-time"},
      last{"last_time", "string", "the last report's time", "date-time"};
  return {
      {"zones", "Zones", "The plan's partition: each zone with its kind and the contingent responsible", "MultiPolygon",
       {{"id", "string", "zone id"}, {"name", "string", "zone name"}, {"kind", "string", "zone kind"}, responsible,
        {"colour", "string", "the map colour"}, {"area_km2", "number", "ellipsoidal area"},
        {"population", "integer", "people living in it"}},
       {"kind", "responsible"}, {}, {}},
      {"lines", "Lines", "The line of contact, the DMZ's edges and the withdrawal lines", "MultiLineString",
       {{"kind", "string", "line_of_contact, dmz_edge, withdrawal, …"}, {"name", "string", "line name"},
        {"side", "string", "the side of the line of contact it lies on"},
        {"weapon_class", "string", "the weapons withdrawn behind it"},
        {"offset_km", "number", "distance from the line of contact"}, {"length_km", "number", "geodesic length"}},
       {"kind", "side"}, {}, {}},
      {"incidents", "Incidents", "Reports correlated into incidents, their latest revision, located with a 1-sigma ellipse",
       "Point",
       {{"revision", "integer", "revisions so far"}, first, last, event,
        {"err_major_m", "number", "1-sigma semi-major axis"}, {"err_minor_m", "number", "1-sigma semi-minor axis"},
        {"err_azimuth_deg", "number", "the major axis's azimuth from true north"},
        {"n_observations", "integer", "reports merged"}, {"observation_ids", "array", "the reports' record ids"}, zone,
        zone_kind, responsible, {"side", "string", "side of the line of contact"},
        {"origin_side", "string", "the side directional fire came from"},
        {"crossed_line", "boolean", "fire across the line of contact"},
        {"rules", "string", "the plan's rules broken, comma-separated"},
        {"severity", "string", "the gravest rule broken: low, medium, high or critical; empty for none"}},
       {"zone", "responsible", "event", "severity"}, {}, {}},
      {"observations", "Observations", "Reports as recorded, each at its placed (estimated) position", "Point",
       {{"time", "string", "when it was observed", "date-time"}, {"received", "string", "when it was recorded", "date-time"},
        {"submitter", "string", "the token that sent it"}, {"observer_id", "string", "the observer"},
        {"observer_kind", "string", "patrol, post, uav, …"}, {"mode", "string", "saw, heard, recorded"}, event, zone,
        zone_kind, responsible, {"method", "string", "how the position was placed"},
        {"err_m", "number", "the placed position's uncertainty"},
        {"dist_loc_km", "number", "distance to the line of contact"}},
       {"zone", "responsible", "event"}, {}, {}},
      {"alerts", "Alerts", "Alerts raised for contingents, at their incident's position (threshold alerts have none)",
       "Point",
       {{"time", "string", "when it was raised", "date-time"}, {"type", "string", "violation or threshold"},
        {"responsible", "string", "the contingent alerted"}, zone, {"incident_id", "string", "the incident"},
        {"rules", "string", "the rules broken, comma-separated"}, {"message", "string", "what it says"},
        {"status", "string", "its webhook delivery: pending, delivered, dead or none"}},
       {"zone", "responsible", "type"}, {}, {}},
  };
}

json landing_page(const LinkBase& base, const std::string& title) {
  return {{"title", title},
          {"description", "The plan's zones and lines and the monitoring record, live, as OGC API - Features (docs/ogc.md)"},
          {"links",
           {link(base("/"), "self", kJson, "this document"),
            link(base("/api"), "service-desc", kOpenApi, "the API definition"),
            link(base("/conformance"), "conformance", kJson, "the conformance classes"),
            link(base("/collections"), "data", kJson, "the collections")}}};
}

json conformance() {
  return {{"conformsTo",
           {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters"}}};
}

json collection_json(const Collection& c, const LinkBase& base) {
  const std::string path = "/collections/" + c.id;
  return {{"id", c.id},
          {"title", c.title},
          {"description", c.description},
          {"itemType", "feature"},
          {"crs", {"http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
          {"extent", extent_json(c)},
          {"links",
           {link(base(path), "self", kJson, c.title), link(base(path + "/items"), "items", kGeoJson, kItemsTitle),
            link(base(path + "/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", kSchemaJson,
                 "the properties items filters on")}}};
}

json queryables_json(const Collection& c, const LinkBase& base) {
  json props = json::object();
  for (const std::string& q : c.queryables)
    if (const Property* p = find_property(c, q)) {
      props[q] = property_schema(*p);
      props[q]["title"] = q;
    }
  return {{"$schema", "https://json-schema.org/draft/2019-09/schema"},
          {"$id", base("/collections/" + c.id + "/queryables")},
          {"type", "object"},
          {"title", c.title},
          {"properties", props},
          {"additionalProperties", false}};
}

json openapi(const std::vector<Collection>& collections, const LinkBase& base) {
  const json path_id = {{"$ref", "#/components/parameters/collectionId"}};
  json paths{
      {"/", {{"get", operation("getLandingPage", "the landing page", json::array(), json_response("links to the rest"))}}},
      {"/conformance",
       {{"get", operation("getConformance", "the conformance classes", json::array(), json_response("conformsTo"))}}},
      {"/api", {{"get", operation("getAPI", "this document", json::array(), json_response("the OpenAPI document", kOpenApi))}}},
      {"/collections",
       {{"get", operation("getCollections", "the collections the token may read", json::array(), json_response("collections"))}}},
      {"/collections/{collectionId}",
       {{"get", operation("describeCollection", "a collection with its extent", {path_id}, json_response("the collection"))}}},
      {"/collections/{collectionId}/queryables",
       {{"get", operation("getQueryables", "the properties items filters on (JSON Schema)", {path_id},
                          json_response("the queryables", kSchemaJson))}}},
      {"/collections/{collectionId}/items/{featureId}",
       {{"get", operation("getFeature", "one feature", {path_id, {{"$ref", "#/components/parameters/featureId"}}},
                          json_response("the feature", kGeoJson))}}}};
  for (const Collection& c : collections)
    paths["/collections/" + c.id + "/items"] = {
        {"get", operation("getFeatures_" + c.id, "the " + c.id + ", a page at a time", items_parameters(c),
                          json_response("a FeatureCollection with numberMatched, numberReturned and next/prev links",
                                        kGeoJson))}};
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "truceline OGC API - Features"}, {"version", "1.0.0"},
                    {"description", "The plan and the monitoring record as OGC API - Features; roles as in docs/api.md"}}},
          {"servers", {{{"url", base.root}}}},
          {"security", {{{"bearer", json::array()}}, {{"access_token", json::array()}}}},
          {"tags", {{{"name", "OGC API - Features"}, {"description", "the collections and their features"}}}},
          {"paths", paths},
          {"components", components()}};
}

}  // namespace truceline::server::ogc
