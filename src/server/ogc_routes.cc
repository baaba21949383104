// OGC API – Features over the API's roles (docs/ogc.md): /ogc/ and its collections — the plan's
// zones and lines, and the incidents, observations and alerts as each token may read them in
// the API. The protocol (parameters, cursors, links, documents) is server/ogc.h's; this file maps
// collections onto the read model (IncidentEngine, the store, the alert outbox) through the same
// role scopes as /v1/.
#include <algorithm>
#include <chrono>

#include "alert/outbox.h"
#include "monitor/observation.h"
#include "plan/severity.h"
#include "report/plan_outputs.h"
#include "server/api.h"
#include "server/incident_engine.h"

namespace truceline::server {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(int status, const std::string& code, const std::string& message, const std::string& field = {}) {
  throw monitor::ValidationError(status, code, message, field);
}

void send(http::Response& res, const json& body, const char* type = ogc::kJson) {
  res.status = 200;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), type);
}

// Links point where the client came from: the Host it asked, the scheme a proxy says it used.
ogc::LinkBase link_base(const http::Request& req) {
  ogc::LinkBase b{ogc::origin(req.get_header_value("Host"), req.get_header_value("X-Forwarded-Proto")) + "/ogc", ""};
  if (req.has_param("access_token")) b.suffix = "?access_token=" + ogc::url_encode(req.get_param_value("access_token"));
  return b;
}

bool reads_record(const Api::Caller& who) { return who.role != "observer"; }

std::optional<ogc::Box> box_from(const IncidentPage& p) {
  if (!p.placed) return std::nullopt;
  return ogc::Box{p.min_lon, p.min_lat, p.max_lon, p.max_lat};
}

std::optional<ogc::Box> union_of(const std::vector<ogc::Feature>& features) {
  std::optional<ogc::Box> out;
  for (const ogc::Feature& f : features) {
    if (!f.box) continue;
    if (!out) out = f.box;
    out->min_lon = std::min(out->min_lon, f.box->min_lon), out->max_lon = std::max(out->max_lon, f.box->max_lon);
    out->min_lat = std::min(out->min_lat, f.box->min_lat), out->max_lat = std::max(out->max_lat, f.box->max_lat);
  }
  return out;
}

json point(const json& lon, const json& lat) {
  if (!lon.is_number() || !lat.is_number()) return nullptr;
  return {{"type", "Point"}, {"coordinates", {lon, lat}}};
}

std::string comma_joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) (out += out.empty() ? "" : ",") += s;
  return out;
}

// An INCIDENT (docs/api.md) as a feature: the position is the geometry; the rules broken are
// one text, with the gravest severity beside them, so that tools can filter and style on them.
json incident_feature(const json& inc) {
  json p = inc;
  std::vector<std::string> rules;
  std::string severity;
  for (const json& v : inc.value("violations", json::array())) {
    rules.push_back(v.value("rule", ""));
    const std::string s = v.value("severity", "");
    if (plan::severity_rank(s) > plan::severity_rank(severity)) severity = s;
  }
  for (const char* k : {"id", "lat", "lon", "violations"}) p.erase(k);
  p["rules"] = comma_joined(rules);
  p["severity"] = severity;
  return {{"type", "Feature"}, {"id", inc.value("id", "")},
          {"geometry", point(inc.value("lon", json()), inc.value("lat", json()))}, {"properties", p}};
}

json observation_feature(const store::Record& r) {
  const json& obs = r.body.value("observation", json::object());
  const json& placed = r.body.value("placement", json::object());
  json p{{"time", monitor::format_time_ms(r.index.time_ms)}, {"received", monitor::format_time_ms(r.received_ms)},
         {"submitter", r.submitter}, {"event", r.index.event}, {"zone", r.index.zone_id},
         {"zone_kind", r.index.zone_kind}, {"responsible", r.index.responsible}};
  for (const char* k : {"observer_id", "observer_kind", "mode"}) p[k] = obs.value(k, "");
  for (const char* k : {"method", "err_m", "dist_loc_km"}) p[k] = placed.value(k, json());
  const json geometry = r.index.lat && r.index.lon ? point(*r.index.lon, *r.index.lat) : json();
  return {{"type", "Feature"}, {"id", r.id}, {"geometry", geometry}, {"properties", p}};
}

// The plan's features from its GeoJSON (the same as `plan compile` writes), numbered in order.
std::vector<ogc::Feature> plan_features(const json& collection, const std::string& id_prefix) {
  std::vector<ogc::Feature> out;
  for (const json& f : collection["features"]) {
    ogc::Feature x;
    x.key = static_cast<int64_t>(out.size()) + 1;
    x.properties = f.value("properties", json::object());
    x.id = id_prefix.empty() ? x.properties.value("id", "") : id_prefix + std::to_string(x.key);
    x.geometry = f.value("geometry", json());
    x.box = ogc::box_of(x.geometry);
    out.push_back(std::move(x));
  }
  return out;
}

IncidentFilter incident_filter(const ogc::ItemQuery& q) {
  IncidentFilter f;
  const auto eq = [&](const char* k) { return q.equals.count(k) ? q.equals.at(k) : std::string(); };
  f.zone = eq("zone"), f.responsible = eq("responsible"), f.event = eq("event"), f.severity = eq("severity");
  // An incident spans [first_time, last_time]; it meets [start, end] when it ends at or after
  // start and begins at or before end (until is exclusive, hence the millisecond).
  if (q.datetime) {
    f.since_ms = q.datetime->start_ms;
    if (q.datetime->end_ms) f.until_ms = *q.datetime->end_ms + 1;
  }
  if (q.bbox) f.min_lon = q.bbox->min_lon, f.min_lat = q.bbox->min_lat, f.max_lon = q.bbox->max_lon, f.max_lat = q.bbox->max_lat;
  f.limit = q.limit;
  (q.cursor.backwards ? f.before : f.after) = q.cursor.key;
  return f;
}

store::Query observation_query(const ogc::ItemQuery& q) {
  store::Query s;
  const auto eq = [&](const char* k) { return q.equals.count(k) ? q.equals.at(k) : std::string(); };
  s.zone_id = eq("zone"), s.event = eq("event");
  if (const std::string r = eq("responsible"); !r.empty()) s.responsible_in = {r};
  if (q.datetime) {
    s.since_ms = q.datetime->start_ms;
    if (q.datetime->end_ms) s.until_ms = *q.datetime->end_ms + 1;
  }
  if (q.bbox) s.min_lon = q.bbox->min_lon, s.min_lat = q.bbox->min_lat, s.max_lon = q.bbox->max_lon, s.max_lat = q.bbox->max_lat;
  return s;
}

// A page of records by seq: `limit` after the cursor's key, or before it, newest first and then
// turned round; one record more than the page says whether the far side has more, and a
// one-record look the other way whether the near side has.
ogc::Page observation_page(store::Store& store, store::Query s, const ogc::ItemQuery& q) {
  ogc::Page page;
  page.matched = store.count(s);
  store::Query look = s;
  s.limit = q.limit + 1;
  if (q.cursor.backwards) s.before_seq = q.cursor.key, s.newest_first = true;
  else s.after_seq = q.cursor.key;
  std::vector<store::Record> recs = store.query(s);
  const bool more = static_cast<int>(recs.size()) > q.limit;
  if (more) recs.pop_back();
  if (q.cursor.backwards) std::reverse(recs.begin(), recs.end());
  if (recs.empty()) return page;
  look.limit = 1;
  bool other_side = false;
  if (q.cursor.backwards) {
    look.after_seq = recs.back().seq;
    other_side = !store.query(look).empty();
  } else {
    look.before_seq = recs.front().seq, look.newest_first = true;
    other_side = !store.query(look).empty();
  }
  const bool has_next = q.cursor.backwards ? other_side : more, has_prev = q.cursor.backwards ? more : other_side;
  if (has_next) page.next = ogc::Cursor{false, recs.back().seq};
  if (has_prev) page.prev = ogc::Cursor{true, recs.front().seq};
  for (const auto& r : recs) page.features.push_back(observation_feature(r));
  return page;
}

}  // namespace

void Api::mount_ogc(http::Router& router, const Wrap& wrap) {
  ogc_zones_ = plan_features(report::zones_geojson(map_), "");
  ogc_lines_ = plan_features(report::lines_geojson(map_), "line-");
  const std::string c = "/ogc/collections/([a-z]+)";
  router.get("/ogc/?", wrap(&Api::ogc_landing));
  router.get("/ogc/conformance", wrap(&Api::ogc_conformance));
  router.get("/ogc/api", wrap(&Api::ogc_api));
  router.get("/ogc/collections", wrap(&Api::ogc_collections));
  router.get(c, wrap(&Api::ogc_collection));
  router.get(c + "/queryables", wrap(&Api::ogc_queryables));
  router.get(c + "/items", wrap(&Api::ogc_items));
  router.get(c + "/items/([A-Za-z0-9_.-]+)", wrap(&Api::ogc_item));
}

// The caller of a document or a single feature, whose only parameters are access_token and f.
Api::Caller Api::ogc_reader(const http::Request& req) {
  const Caller who = authenticate(req, {"observer", "contingent", "analyst", "admin"});
  ogc::check_plain_params(req.params);
  return who;
}

std::vector<ogc::Collection> Api::ogc_catalogue(const Caller& who) {
  std::vector<ogc::Collection> out;
  for (const ogc::Collection& c : ogc::catalogue()) {
    const bool record = c.id == "incidents" || c.id == "alerts";
    if (record && (!incidents_ || !reads_record(who))) continue;
    out.push_back(ogc_collection_for(who, c.id));
  }
  return out;
}

ogc::Collection Api::ogc_collection_for(const Caller& who, const std::string& id) {
  std::vector<ogc::Collection> all = ogc::catalogue();
  const auto it = std::find_if(all.begin(), all.end(), [&](const ogc::Collection& c) { return c.id == id; });
  if (it == all.end()) refuse(404, "not_found", "no collection '" + id + "'; GET /ogc/collections lists them", "collectionId");
  ogc::Collection c = *it;
  const bool record = id == "incidents" || id == "alerts";
  if (record && !incidents_) refuse(404, "not_found", "this server keeps no incidents", "collectionId");
  if (record && !reads_record(who)) refuse(403, "forbidden", "role 'observer' may not read " + id, "collectionId");
  const auto plan_box = union_of(ogc_zones_);
  if (id == "zones") c.extent = plan_box;
  if (id == "lines") c.extent = union_of(ogc_lines_);
  if (id == "observations" || id == "alerts") c.extent = plan_box, c.temporal = ogc::Interval{};
  if (id == "incidents") {
    IncidentFilter f;
    f.limit = 0;
    scope(who, f);
    const IncidentPage p = incidents_->page(f);
    c.extent = box_from(p);
    c.temporal = p.matched ? ogc::Interval{p.first_ms, p.last_ms} : ogc::Interval{};
  }
  return c;
}

std::vector<ogc::Feature> Api::ogc_alerts(const Caller& who) {
  alert::AlertQuery q;
  q.limit = alert::kMaxAlertPage;
  scope(who, q);
  std::vector<ogc::Feature> out;
  for (;;) {
    const json page = alert::list_alerts(store_, q);
    for (const json& a : page["alerts"]) {
      ogc::Feature f;
      f.key = alert::alert_number(a.value("id", ""));
      f.id = a.value("id", "");
      f.first_ms = monitor::parse_time_ms(a.value("time", ""));
      std::vector<std::string> rules = a.value("rules", std::vector<std::string>{});
      f.properties = {{"time", a.value("time", "")}, {"type", a.value("type", "")}, {"responsible", a.value("contingent", "")},
                      {"zone", a.value("zone", "")}, {"incident_id", a.value("incident_id", "")},
                      {"rules", comma_joined(rules)}, {"message", a.value("message", "")},
                      {"status", a.value("delivery", json::object()).value("status", "")}};
      // At its incident's position, as the incident is now.
      if (const auto inc = incidents_->get(a.value("incident_id", ""))) {
        f.geometry = point(inc->value("lon", json()), inc->value("lat", json()));
        f.box = ogc::box_of(f.geometry);
      }
      out.push_back(std::move(f));
    }
    if (page["next_cursor"].is_null()) return out;
    q.after = std::stoll(page["next_cursor"].get<std::string>());
  }
}

ogc::Page Api::ogc_page(const Caller& who, const std::string& collection, const ogc::ItemQuery& q) {
  if (collection == "zones") return ogc::page_of(ogc_zones_, q);
  if (collection == "lines") return ogc::page_of(ogc_lines_, q);
  if (collection == "alerts") return ogc::page_of(ogc_alerts(who), q);
  if (collection == "observations") {
    store::Query s = observation_query(q);
    scope(who, s);
    return observation_page(store_, s, q);
  }
  IncidentFilter f = incident_filter(q);
  scope(who, f);
  const IncidentPage p = incidents_->page(f);
  ogc::Page page;
  page.matched = p.matched;
  for (const json& inc : p.incidents) page.features.push_back(incident_feature(inc));
  if (p.next) page.next = ogc::Cursor{false, p.next};
  if (p.prev) page.prev = ogc::Cursor{true, p.prev};
  return page;
}

void Api::ogc_landing(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  send(res, ogc::landing_page(link_base(req), "truceline: " + map_.plan.name));
}

void Api::ogc_conformance(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  send(res, ogc::conformance());
}

void Api::ogc_api(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  send(res, ogc::openapi(ogc::catalogue(), link_base(req)), ogc::kOpenApi);
}

void Api::ogc_collections(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  const ogc::LinkBase base = link_base(req);
  json list = json::array();
  for (const ogc::Collection& c : ogc_catalogue(who)) list.push_back(ogc::collection_json(c, base));
  send(res, json{{"collections", list},
                 {"links", {ogc::link(base("/collections"), "self", ogc::kJson, "the collections")}}});
}

void Api::ogc_collection(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  send(res, ogc::collection_json(ogc_collection_for(who, req.matches[1]), link_base(req)));
}

void Api::ogc_queryables(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  send(res, ogc::queryables_json(ogc_collection_for(who, req.matches[1]), link_base(req)), ogc::kSchemaJson);
}

void Api::ogc_items(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "contingent", "analyst", "admin"});
  const ogc::Collection c = ogc_collection_for(who, req.matches[1]);
  const ogc::ItemQuery q = ogc::parse_items_query(req.params, c.queryables);
  const ogc::Page page = ogc_page(who, c.id, q);
  const ogc::LinkBase base = link_base(req);
  const std::string items = base.root + "/collections/" + c.id + "/items";
  const std::optional<ogc::Cursor> here = req.has_param("cursor") ? std::optional(q.cursor) : std::nullopt;
  json links = {ogc::link(items + ogc::query_with(req.params, here), "self", ogc::kGeoJson, "this page"),
                ogc::link(base("/collections/" + c.id), "collection", ogc::kJson, c.title)};
  if (page.next) links.push_back(ogc::link(items + ogc::query_with(req.params, page.next), "next", ogc::kGeoJson, "the next page"));
  if (page.prev) links.push_back(ogc::link(items + ogc::query_with(req.params, page.prev), "prev", ogc::kGeoJson, "the page before"));
  send(res,
       json{{"type", "FeatureCollection"},
            {"features", page.features},
            {"numberMatched", page.matched},
            {"numberReturned", page.features.size()},
            {"timeStamp", monitor::format_time_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count())},
            {"links", links}},
       ogc::kGeoJson);
}

void Api::ogc_item(const http::Request& req, http::Response& res) {
  const Caller who = ogc_reader(req);
  const ogc::Collection c = ogc_collection_for(who, req.matches[1]);
  const std::string id = req.matches[2];
  json feature;
  const auto in = [&](const std::vector<ogc::Feature>& all) {
    for (const ogc::Feature& f : all)
      if (f.id == id) feature = ogc::feature_json(f);
  };
  if (c.id == "zones") in(ogc_zones_);
  if (c.id == "lines") in(ogc_lines_);
  if (c.id == "alerts") in(ogc_alerts(who));
  if (c.id == "incidents") {
    IncidentFilter mine;
    scope(who, mine);
    const auto inc = incidents_->get(id);
    if (inc && !mine.responsible.empty() && inc->value("responsible", "") != mine.responsible)
      refuse(403, "forbidden", "incident " + id + " is not your contingent's", "featureId");
    if (inc) feature = incident_feature(*inc);
  }
  if (c.id == "observations") {
    const auto rec = store_.get(id);
    if (rec && rec->kind == "observation" && !may_read(who, *rec))
      refuse(403, "forbidden", "this observation is outside what your token may read", "featureId");
    if (rec && rec->kind == "observation") feature = observation_feature(*rec);
  }
  if (feature.is_null()) refuse(404, "not_found", "no feature '" + id + "' in " + c.id, "featureId");
  const ogc::LinkBase base = link_base(req);
  feature["links"] = {ogc::link(base("/collections/" + c.id + "/items/" + ogc::url_encode(id)), "self", ogc::kGeoJson),
                      ogc::link(base("/collections/" + c.id), "collection", ogc::kJson, c.title)};
  send(res, feature, ogc::kGeoJson);
}

}  // namespace truceline::server
