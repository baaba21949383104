#pragma once
// OGC API – Features (Part 1 core, GeoJSON, OpenAPI 3.0; Part 3's queryables) without HTTP: the
// items parameters and their checks, the cursors that page stably while records arrive, the links,
// and the documents (landing page, conformance, collections, queryables, the OpenAPI document).
// ogc_routes.cc serves them over the API's roles (docs/ogc.md).
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace truceline::server::ogc {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 10'000;

// A query parameter the service refuses: 400 bad_parameter, the field naming it.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string field, const std::string& message) : std::runtime_error(message), field(std::move(field)) {}
  std::string field;
};

// lon/lat (CRS84), edges included.
struct Box {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
  bool contains(double lon, double lat) const { return lon >= min_lon && lon <= max_lon && lat >= min_lat && lat <= max_lat; }
  bool intersects(const Box& b) const {
    return b.min_lon <= max_lon && b.max_lon >= min_lon && b.min_lat <= max_lat && b.max_lat >= min_lat;
  }
};

// "min_lon,min_lat,max_lon,max_lat", or six numbers with heights (ignored: the features are flat).
Box parse_bbox(const std::string& text);

// A closed interval of times in ms since the epoch; an end that is nullopt is open.
struct Interval {
  std::optional<int64_t> start_ms, end_ms;
  // Whether [first_ms, last_ms] (a feature's span; an instant when equal) meets the interval.
  bool meets(int64_t first_ms, int64_t last_ms) const {
    return (!start_ms || last_ms >= *start_ms) && (!end_ms || first_ms <= *end_ms);
  }
};

// OGC's datetime: an instant ("2025-04-12T06:30:00Z"), an interval ("A/B"), open at either end
// (".." or empty). Times are RFC 3339 with an offset; a date alone stands for its whole UTC day.
Interval parse_datetime(const std::string& text);

// A place in a collection's order: the page after `key` (forwards) or the page before it. Keys are
// what orders the collection — an incident's number, a record's seq, an alert's number — and
// never change, so a cursor keeps its place while records are appended (an offset would not).
struct Cursor {
  bool backwards = false;
  int64_t key = 0;
};
Cursor parse_cursor(const std::string& text);  // "after-17", "before-17"
std::string cursor_text(const Cursor& c);

// 1 … ; above kMaxLimit it is kMaxLimit (Part 1 asks for no error there).
int parse_limit(const std::string& text);

// What /items was asked.
struct ItemQuery {
  std::optional<Box> bbox;
  std::optional<Interval> datetime;
  int limit = kDefaultLimit;
  Cursor cursor;
  std::map<std::string, std::string> equals;  // queryable property → value
};

// The parameters of /items of a collection filtering on `queryables`. Besides those: bbox,
// datetime, limit, cursor, access_token and f (json or geojson). Anything else is a ParamError
// naming it and listing what the collection takes; so is a parameter given twice.
ItemQuery parse_items_query(const std::multimap<std::string, std::string>& params,
                            const std::vector<std::string>& queryables);
// The parameters /items/{id} and the documents take: access_token and f; others a ParamError.
void check_plain_params(const std::multimap<std::string, std::string>& params);

// One feature of a collection held in memory (the plan's, the alerts), with what it is filtered by.
struct Feature {
  int64_t key = 0;  // its place in the collection's order, from 1
  std::string id;
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json geometry;  // null: none
  std::optional<Box> box;   // null: no geometry, never inside a bbox
  std::optional<int64_t> first_ms, last_ms;  // null: timeless, inside every datetime
};
nlohmann::json feature_json(const Feature& f);
// The box around a GeoJSON geometry's coordinates; null for a null or empty geometry.
std::optional<Box> box_of(const nlohmann::json& geometry);

// A page of features and where the pages either side begin.
struct Page {
  std::vector<nlohmann::json> features;
  int64_t matched = 0;               // numberMatched
  std::optional<Cursor> next, prev;  // null: no page that way
};
// `all` in key order, filtered by q (equality on the properties as strings) and paged.
Page page_of(const std::vector<Feature>& all, const ItemQuery& q);

// The base of every link: "http://host" from the Host header (X-Forwarded-Proto's scheme when a
// proxy sends it), and the query suffix carrying the token when the caller sent it in the query,
// so that a client that cannot set headers follows links with its token.
struct LinkBase {
  std::string root;    // "http://host:port/ogc"
  std::string suffix;  // "" or "?access_token=…"
  std::string operator()(const std::string& path) const { return root + path + suffix; }
};
std::string url_encode(const std::string& s);
// "http://host:port" (https when a proxy's X-Forwarded-Proto says so) from the request's headers.
std::string origin(const std::string& host_header, const std::string& forwarded_proto);
// `params` as a query string ("?a=1&b=2"; "" when empty), percent-encoded, `cursor` replacing any.
std::string query_with(std::multimap<std::string, std::string> params, const std::optional<Cursor>& cursor);

nlohmann::json link(const std::string& href, const std::string& rel, const std::string& type,
                    const std::string& title = {});

// A property of a collection's features, for its queryables and the OpenAPI document.
struct Property {
  std::string name, type, description;  // type: string, number, integer, boolean, array
  std::string format;                   // "date-time" or ""
};

struct Collection {
  std::string id, title, description;
  std::string geometry;                  // GeoJSON geometry type of its features
  std::vector<Property> properties;
  std::vector<std::string> queryables;   // properties /items filters on by equality
  std::optional<Box> extent;             // null: no feature placed yet
  std::optional<Interval> temporal;      // null: timeless (the plan)
};

// The five collections, without extents (the routes add them).
std::vector<Collection> catalogue();

nlohmann::json landing_page(const LinkBase& base, const std::string& title);
nlohmann::json conformance();
nlohmann::json collection_json(const Collection& c, const LinkBase& base);
nlohmann::json queryables_json(const Collection& c, const LinkBase& base);
// The OpenAPI 3.0 document of the service: every path, its parameters (each collection's
// queryables on its own items path, which is where GDAL looks for the filters it may send),
// the bearer and query-token security schemes.
nlohmann::json openapi(const std::vector<Collection>& collections, const LinkBase& base);

inline constexpr const char* kGeoJson = "application/geo+json";
inline constexpr const char* kJson = "application/json";
inline constexpr const char* kOpenApi = "application/vnd.oai.openapi+json;version=3.0";
inline constexpr const char* kSchemaJson = "application/schema+json";

}  // namespace truceline::server::ogc
