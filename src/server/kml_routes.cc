// Google Earth (docs/ogc.md, Google Earth): GET /v1/kml/live.kml is a NetworkLink that Google
// Earth refreshes every kRefreshS seconds from /v1/kml/incidents.kml, the incidents the token may
// read, written by the same KML writer as `truceline incidents -o x.kml`. Google Earth cannot set
// headers, so the link carries the token in its URL.
#include "formats/incidents.h"
#include "monitor/incident_json.h"
#include "report/svg_map.h"
#include "server/api.h"
#include "server/incident_engine.h"

namespace truceline::server {
namespace {

constexpr int kRefreshS = 30;
constexpr const char* kKmlType = "application/vnd.google-earth.kml+xml";

std::string network_link(const std::string& href, const std::string& name) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
         "  <NetworkLink>\n"
         "    <name>" + report::xml_escape(name) + "</name>\n"
         "    <open>1</open>\n"
         "    <flyToView>0</flyToView>\n"
         "    <Link>\n"
         "      <href>" + report::xml_escape(href) + "</href>\n"
         "      <refreshMode>onInterval</refreshMode>\n"
         "      <refreshInterval>" + std::to_string(kRefreshS) + "</refreshInterval>\n"
         "    </Link>\n"
         "  </NetworkLink>\n"
         "</kml>\n";
}

}  // namespace

// The token the caller authenticated with, from the header or the query (authenticate() has
// checked it already).
std::string Api::caller_token(const http::Request& req) const {
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  return auth.rfind(prefix, 0) == 0 ? auth.substr(prefix.size()) : req.get_param_value("access_token");
}

void Api::kml_live(const http::Request& req, http::Response& res) {
  authenticate(req, {"contingent", "analyst", "admin"});
  const std::string href = ogc::origin(req.get_header_value("Host"), req.get_header_value("X-Forwarded-Proto")) +
                           "/v1/kml/incidents.kml?access_token=" + ogc::url_encode(caller_token(req));
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"live.kml\"");
  res.set_content(network_link(href, "truceline: " + map_.plan.name + " (live)"), kKmlType);
}

void Api::kml_incidents(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  IncidentFilter f;
  f.limit = INT32_MAX;
  scope(who, f);
  std::vector<monitor::Incident> incidents;
  for (const auto& inc : incidents_->page(f).incidents) incidents.push_back(monitor::incident_from_json(inc));
  res.status = 200;
  // Google Earth asks again every refresh; nothing here is for a cache to keep.
  res.set_header("Cache-Control", "no-store");
  res.set_content(formats::incidents_kml(incidents, map_), kKmlType);
}

}  // namespace truceline::server
