// OGC API – Features and the KML NetworkLink over HTTP, in-process, with the incident engine:
// what each role sees and counts, paging while reports arrive, refusals, the documents' types.
#include <gtest/gtest.h>

#include <set>

#include "incident_api_fixture.h"
#include "monitor/observation.h"

namespace truceline::server {
namespace {

using nlohmann::json;
using testing_api::seen;

class OgcRoutesTest : public testing_api::IncidentApiTest {
 protected:
  // `n` reports far enough apart to be `n` incidents: Lviv's (uk) going north-east, or Odesa's (fr).
  void post_incidents(int n, bool uk, int first = 0) {
    for (int i = first; i < first + n; ++i)
      post(uk ? seen(49.6 + 0.03 * i, 24.0 + 0.03 * i, "P-" + std::to_string(i))
              : seen(46.5 + 0.03 * i, 30.4 + 0.03 * i, "P-" + std::to_string(i)));
  }
  json get_json(const std::string& path, const std::string& who, int status = 200) {
    auto r = get(path, who);
    EXPECT_EQ(r->status, status) << path << " " << r->body;
    return json::parse(r->body);
  }
  // Follows `next` links from `path`, posting `per_page` new reports after each page.
  std::vector<std::string> walk(const std::string& path, const std::string& who, int per_page_added, int& added) {
    std::vector<std::string> ids;
    std::string url = path;
    for (int pages = 0; pages < 200; ++pages) {
      const json page = get_json(url, who);
      for (const json& f : page["features"]) ids.push_back(f["id"]);
      std::string next;
      for (const json& l : page["links"])
        if (l["rel"] == "next") next = l["href"];
      if (next.empty()) break;
      url = next.substr(next.find("/ogc/"));
      if (added < 12) post_incidents(per_page_added, true, 100 + added), added += per_page_added, engine_->sync();
    }
    return ids;
  }
};

TEST_F(OgcRoutesTest, EachRoleListsAndCountsWhatItMayReadInTheApi) {
  post_incidents(5, true);
  post_incidents(3, false);
  engine_->sync();
  EXPECT_EQ(get_json("/ogc/collections", "analyst")["collections"].size(), 5u);
  EXPECT_EQ(get_json("/ogc/collections", "obs-a")["collections"].size(), 3u);  // no incidents, no alerts
  get_json("/ogc/collections/incidents/items", "obs-a", 403);
  for (const std::string who : {"analyst", "uk", "fr"}) {
    const json items = get_json("/ogc/collections/incidents/items", who);
    const json api = get_json("/v1/incidents?limit=1000", who);
    EXPECT_EQ(items["numberMatched"], api["incidents"].size()) << who;
    EXPECT_EQ(items["numberReturned"], items["features"].size()) << who;
    for (const json& f : items["features"])
      if (who != "analyst") EXPECT_EQ(f["properties"]["responsible"], who);
  }
  EXPECT_EQ(get_json("/ogc/collections/incidents/items", "uk")["numberMatched"], 5);
  // A contingent asking for another's finds none; an analyst filters by it.
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?responsible=fr", "uk")["numberMatched"], 0);
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?responsible=fr", "analyst")["numberMatched"], 3);
  EXPECT_EQ(get_json("/ogc/collections/observations/items", "fr")["numberMatched"], 3);
  // One feature: another contingent's is refused, as in /v1/incidents/{id}.
  const std::string uk_one = get_json("/ogc/collections/incidents/items?limit=1", "uk")["features"][0]["id"];
  EXPECT_EQ(get_json("/ogc/collections/incidents/items/" + uk_one, "uk")["id"], uk_one);
  get_json("/ogc/collections/incidents/items/" + uk_one, "fr", 403);
  get_json("/ogc/collections/incidents/items/i-999", "analyst", 404);
}

TEST_F(OgcRoutesTest, NextLinksYieldEachIncidentOnceWhileReportsArrive) {
  post_incidents(9, true);
  engine_->sync();
  int added = 0;
  const auto ids = walk("/ogc/collections/incidents/items?limit=2", "analyst", 3, added);
  EXPECT_EQ(added, 12);
  EXPECT_EQ(ids.size(), 21u);  // the nine, and the twelve that came while paging, all after the cursor
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  added = 12;
  const auto obs = walk("/ogc/collections/observations/items?limit=4", "analyst", 0, added);
  EXPECT_EQ(obs.size(), 21u);
  EXPECT_EQ(std::set<std::string>(obs.begin(), obs.end()).size(), obs.size());
}

// The bar at its size: 10,000 incidents walked 1,000 at a time while 100 more arrive after
// each page; every incident comes exactly once. Reports are 5 minutes apart on a 100 × 100 grid in
// the UK's sector, so each is an incident of its own.
TEST_F(OgcRoutesTest, TenThousandIncidentsWalkedOnceEachWhileReportsArrive) {
  int made = 0;
  const auto post_batch = [&](int n) {
    json batch = json::array();
    for (int k = 0; k < n; ++k, ++made) {
      json o = seen(49.6 + 0.008 * (made % 100), 24.2 + 0.012 * (made / 100 % 100), "P-" + std::to_string(made));
      o["time"] = monitor::format_time_ms(1'744'400'000'000 + static_cast<int64_t>(made) * 300'000);
      batch.push_back(o);
    }
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + tokens_["obs-a"]}}, batch.dump(), "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
  };
  for (int b = 0; b < 10; ++b) post_batch(1000);
  engine_->sync();
  ASSERT_EQ(get_json("/ogc/collections/incidents/items?limit=1", "analyst")["numberMatched"], 10'000);
  std::vector<std::string> ids;
  std::string url = "/ogc/collections/incidents/items?limit=1000";
  int arrived = 0;
  for (int pages = 0; pages < 100 && !url.empty(); ++pages) {
    const json page = get_json(url, "analyst");
    for (const json& f : page["features"]) ids.push_back(f["id"]);
    url.clear();
    for (const json& l : page["links"])
      if (l["rel"] == "next") url = l["href"].get<std::string>().substr(l["href"].get<std::string>().find("/ogc/"));
    if (arrived < 1000) post_batch(100), arrived += 100, engine_->sync();
  }
  EXPECT_EQ(arrived, 1000);
  EXPECT_EQ(ids.size(), 11'000u) << "the 10,000 and the 1,000 that came while paging, all after the cursor";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "none twice";
}

TEST_F(OgcRoutesTest, PrevLinksLeadBackAndFiltersNarrow) {
  post_incidents(5, true);
  post_incidents(2, false);
  post(seen(48.28, 37.18, "P-9", "heavy_weapon"));  // artillery in the DMZ: rules broken
  engine_->sync();
  const json first = get_json("/ogc/collections/observations/items?limit=3", "analyst");
  std::string next;
  for (const json& l : first["links"])
    if (l["rel"] == "next") next = l["href"];
  ASSERT_FALSE(next.empty());
  const json second = get_json(next.substr(next.find("/ogc/")), "analyst");
  std::string prev;
  for (const json& l : second["links"])
    if (l["rel"] == "prev") prev = l["href"];
  ASSERT_FALSE(prev.empty());
  const json back = get_json(prev.substr(prev.find("/ogc/")), "analyst");
  EXPECT_EQ(back["features"], first["features"]);
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?zone=dmz", "analyst")["numberMatched"], 1);
  const json grave = get_json("/ogc/collections/incidents/items?severity=high", "analyst");
  ASSERT_EQ(grave["numberMatched"], 1);
  EXPECT_NE(grave["features"][0]["properties"]["rules"].get<std::string>(), "");
  // Around Lviv only: the five uk incidents.
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?bbox=23.5,49.5,25,50.2", "analyst")["numberMatched"], 5);
  EXPECT_EQ(get_json("/ogc/collections/observations/items?bbox=23.5,49.5,25,50.2", "analyst")["numberMatched"], 5);
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?datetime=2025-04-12T06:30:00Z", "analyst")["numberMatched"], 8);
  EXPECT_EQ(get_json("/ogc/collections/incidents/items?datetime=../2025-04-12T06:29:59Z", "analyst")["numberMatched"], 0);
  EXPECT_EQ(get_json("/ogc/collections/zones/items?responsible=uk", "analyst")["numberMatched"], 1);
}

TEST_F(OgcRoutesTest, RefusalsNameTheParameterAndTypesAreOgcs) {
  for (const char* path : {"/ogc/collections/incidents/items?colour=red", "/ogc/collections/zones/items?severity=high",
                           "/ogc/collections/incidents/items?limit=0", "/ogc/collections?limit=3",
                           "/ogc/collections/incidents/items?bbox=1,2,3"}) {
    auto r = get(path, "analyst");
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "bad_parameter") << path;
  }
  EXPECT_EQ(json::parse(get("/ogc/collections/incidents/items?colour=red", "analyst")->body)["error"]["field"], "colour");
  EXPECT_EQ(get("/ogc/collections/nothing", "analyst")->status, 404);
  httplib::Client c("127.0.0.1", port_);
  EXPECT_EQ(c.Get("/ogc/collections")->status, 401);
  EXPECT_EQ(get("/ogc/collections/zones/items", "analyst")->get_header_value("Content-Type"), "application/geo+json");
  EXPECT_EQ(get("/ogc/collections", "analyst")->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(get("/ogc/api", "analyst")->get_header_value("Content-Type"), "application/vnd.oai.openapi+json;version=3.0");
  const json q = get_json("/ogc/collections/incidents/queryables", "uk");
  EXPECT_EQ(q["properties"].size(), 4u);
  EXPECT_EQ(q["properties"]["severity"]["type"], "string");
  // A token in the query travels in every link, for clients that cannot set headers.
  const json l = json::parse(c.Get("/ogc/collections/zones/items?limit=2&access_token=" + tokens_["uk"])->body);
  for (const json& link : l["links"]) EXPECT_NE(link["href"].get<std::string>().find(tokens_["uk"]), std::string::npos);
}

TEST_F(OgcRoutesTest, KmlNetworkLinkCarriesTheTokenToTheIncidentsItMayRead) {
  post_incidents(4, true);
  post_incidents(2, false);
  engine_->sync();
  auto live = get("/v1/kml/live.kml", "fr");
  ASSERT_EQ(live->status, 200);
  EXPECT_EQ(live->get_header_value("Content-Type"), "application/vnd.google-earth.kml+xml");
  EXPECT_NE(live->body.find("<refreshMode>onInterval</refreshMode>"), std::string::npos);
  const size_t at = live->body.find("<href>"), end = live->body.find("</href>");
  ASSERT_NE(at, std::string::npos);
  const std::string href = live->body.substr(at + 6, end - at - 6);
  EXPECT_NE(href.find("access_token=" + tokens_["fr"]), std::string::npos);
  httplib::Client c("127.0.0.1", port_);  // as Google Earth: no header, the token in the URL
  auto kml = c.Get(href.substr(href.find("/v1/")));
  ASSERT_EQ(kml->status, 200);
  size_t placemarks = 0;
  for (size_t p = kml->body.find("<Placemark"); p != std::string::npos; p = kml->body.find("<Placemark", p + 1)) ++placemarks;
  EXPECT_EQ(placemarks, 2u * 2);  // fr's two incidents, each a point and its ellipse
  EXPECT_EQ(get("/v1/kml/live.kml", "obs-a")->status, 403);
}

}  // namespace
}  // namespace truceline::server
