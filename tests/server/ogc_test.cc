// OGC API – Features without HTTP (server/ogc.h): the items parameters, cursors that keep their
// place while features are appended, and the documents.
#include "server/ogc.h"

#include <gtest/gtest.h>

#include <set>

#include "monitor/observation.h"

namespace truceline::server::ogc {
namespace {

using nlohmann::json;

int64_t at(const char* iso) { return *monitor::parse_time_ms(iso); }

std::string field_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ParamError& e) {
    return e.field;
  }
  return "(no error)";
}

TEST(OgcParamsTest, DatetimeTakesInstantsIntervalsAndOpenEnds) {
  const Interval instant = parse_datetime("2025-04-12T06:30:00Z");
  EXPECT_EQ(instant.start_ms, at("2025-04-12T06:30:00Z"));
  EXPECT_EQ(instant.end_ms, at("2025-04-12T06:30:00Z"));
  const Interval both = parse_datetime("2025-04-12T06:00:00+03:00/2025-04-12T07:00:00Z");
  EXPECT_EQ(both.start_ms, at("2025-04-12T03:00:00Z"));
  EXPECT_EQ(both.end_ms, at("2025-04-12T07:00:00Z"));
  EXPECT_FALSE(parse_datetime("../2025-04-12T07:00:00Z").start_ms);
  EXPECT_FALSE(parse_datetime("2025-04-12T07:00:00Z/..").end_ms);
  EXPECT_FALSE(parse_datetime("2025-04-12T07:00:00Z/").end_ms);
  const Interval day = parse_datetime("2025-04-12");
  EXPECT_EQ(day.start_ms, at("2025-04-12T00:00:00Z"));
  EXPECT_EQ(*day.end_ms, at("2025-04-13T00:00:00Z") - 1);
  EXPECT_TRUE(both.meets(at("2025-04-12T02:00:00Z"), at("2025-04-12T03:00:00Z")));   // ends at its start
  EXPECT_FALSE(both.meets(at("2025-04-12T07:00:00.001Z"), at("2025-04-12T08:00:00Z")));
  for (const char* bad : {"", "..", "yesterday", "2025-04-12T06:30:00", "a/b/c", "2025-04-13T00:00:00Z/2025-04-12T00:00:00Z"})
    EXPECT_EQ(field_of([&] { parse_datetime(bad); }), "datetime") << bad;
}

TEST(OgcParamsTest, BboxLimitAndCursor) {
  const Box b = parse_bbox("22.1,44.3,40.2,52.4");
  EXPECT_DOUBLE_EQ(b.min_lon, 22.1);
  EXPECT_DOUBLE_EQ(b.max_lat, 52.4);
  EXPECT_DOUBLE_EQ(parse_bbox("22,44,0,40,52,100").max_lon, 40);  // heights ignored
  for (const char* bad : {"1,2,3", "1,2,3,x", "40,44,22,52", "22,52,40,44", "1,2,3,4,5"})
    EXPECT_EQ(field_of([&] { parse_bbox(bad); }), "bbox") << bad;
  EXPECT_EQ(parse_limit("7"), 7);
  EXPECT_EQ(parse_limit("20000"), kMaxLimit);  // Part 1: above the maximum is the maximum, not an error
  EXPECT_EQ(parse_limit("99999999999999999999"), kMaxLimit);
  for (const char* bad : {"0", "-3", "2.5", "ten", ""}) EXPECT_EQ(field_of([&] { parse_limit(bad); }), "limit") << bad;
  EXPECT_EQ(cursor_text(parse_cursor("before-17")), "before-17");
  EXPECT_FALSE(parse_cursor("after-3").backwards);
  for (const char* bad : {"17", "after-", "after-x", "sideways-3"}) EXPECT_EQ(field_of([&] { parse_cursor(bad); }), "cursor");
}

TEST(OgcParamsTest, UnknownOrRepeatedParametersAreRefusedByName) {
  const std::vector<std::string> queryables{"zone", "severity"};
  const ItemQuery q = parse_items_query({{"zone", "dmz"}, {"limit", "5"}, {"access_token", "t"}, {"f", "json"}}, queryables);
  EXPECT_EQ(q.equals, (std::map<std::string, std::string>{{"zone", "dmz"}}));
  EXPECT_EQ(q.limit, 5);
  EXPECT_EQ(parse_items_query({}, queryables).limit, kDefaultLimit);
  EXPECT_EQ(field_of([&] { parse_items_query({{"colour", "red"}}, queryables); }), "colour");
  EXPECT_EQ(field_of([&] { parse_items_query({{"event", "x"}}, queryables); }), "event");  // not this collection's
  EXPECT_EQ(field_of([&] { parse_items_query({{"zone", "a"}, {"zone", "b"}}, queryables); }), "zone");
  EXPECT_EQ(field_of([&] { parse_items_query({{"f", "html"}}, queryables); }), "f");
  EXPECT_EQ(field_of([&] { check_plain_params({{"limit", "3"}}); }), "limit");
  EXPECT_EQ(field_of([&] { check_plain_params({{"access_token", "t"}}); }), "(no error)");
}

std::vector<Feature> numbered(int from, int to) {
  std::vector<Feature> out;
  for (int k = from; k <= to; ++k) {
    Feature f;
    f.key = k;
    f.id = "f-" + std::to_string(k);
    f.properties = {{"zone", k % 3 == 0 ? "dmz" : "allied-north"}};
    f.geometry = {{"type", "Point"}, {"coordinates", {30.0 + k * 0.01, 48.0}}};
    f.box = box_of(f.geometry);
    out.push_back(f);
  }
  return out;
}

// Walking next links while features arrive at the end yields every feature once: the cursor is
// the last key seen, which appends never move.
TEST(OgcPagingTest, NextLinksYieldEachFeatureOnceWhileFeaturesArrive) {
  std::vector<Feature> all = numbered(1, 10);
  ItemQuery q;
  q.limit = 3;
  std::vector<std::string> seen;
  for (int round = 0;; ++round) {
    const Page p = page_of(all, q);
    for (const json& f : p.features) seen.push_back(f["id"]);
    if (!p.next) break;
    q.cursor = *p.next;
    // Two more arrive after each page, fewer than a page takes, so that the walk ends.
    {
      const auto more = numbered(static_cast<int>(all.size()) + 1, static_cast<int>(all.size()) + 2);
      all.insert(all.end(), more.begin(), more.end());
    }
  }
  EXPECT_EQ(all.size(), 24u);  // 10, then 2 after each of the 7 pages with a next
  EXPECT_EQ(seen.size(), all.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST(OgcPagingTest, PrevLeadsBackAndFiltersCount) {
  const std::vector<Feature> all = numbered(1, 10);
  ItemQuery q;
  q.limit = 4;
  const Page first = page_of(all, q);
  EXPECT_EQ(first.matched, 10);
  EXPECT_FALSE(first.prev);
  q.cursor = *first.next;
  const Page second = page_of(all, q);
  EXPECT_EQ(second.features.front()["id"], "f-5");
  ASSERT_TRUE(second.prev);
  q.cursor = *second.prev;
  const Page back = page_of(all, q);
  ASSERT_EQ(back.features.size(), 4u);
  EXPECT_EQ(back.features.front()["id"], "f-1");
  EXPECT_FALSE(back.prev);
  ASSERT_TRUE(back.next);
  EXPECT_EQ(back.next->key, 4);

  ItemQuery dmz;
  dmz.equals["zone"] = "dmz";
  EXPECT_EQ(page_of(all, dmz).matched, 3);  // 3, 6, 9
  ItemQuery boxed;
  boxed.bbox = Box{30.015, 47, 30.035, 49};  // keys 2 and 3
  EXPECT_EQ(page_of(all, boxed).matched, 2);
}

TEST(OgcLinksTest, QueriesAreEncodedAndTheCursorReplaced) {
  const std::string q = query_with({{"zone", "a b&c"}, {"cursor", "after-1"}, {"datetime", "2025-04-12T00:00:00Z/.."}},
                                   Cursor{false, 9});
  EXPECT_EQ(q, "?cursor=after-9&datetime=2025-04-12T00%3A00%3A00Z%2F..&zone=a%20b%26c");
  EXPECT_EQ(query_with({}, std::nullopt), "");
}

// Every items path declares its collection's queryables (GDAL sends a -where of these as query
// parameters only when the OpenAPI document declares them), every $ref resolves, and every
// operation answers with described responses.
TEST(OgcDocumentsTest, OpenApiDeclaresEachCollectionsQueryables) {
  const LinkBase base{"http://h/ogc", ""};
  const json doc = openapi(catalogue(), base);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["servers"][0]["url"], "http://h/ogc");
  std::set<std::string> ids;
  for (const Collection& c : catalogue()) {
    const json& params = doc["paths"]["/collections/" + c.id + "/items"]["get"]["parameters"];
    std::set<std::string> names;
    for (const json& p : params) {
      if (p.contains("$ref")) {
        const std::string ref = p["$ref"];
        ASSERT_EQ(ref.rfind("#/components/parameters/", 0), 0u);
        ASSERT_TRUE(doc["components"]["parameters"].contains(ref.substr(24))) << ref;
        names.insert(doc["components"]["parameters"][ref.substr(24)]["name"].get<std::string>());
      } else {
        names.insert(p["name"].get<std::string>());
      }
    }
    for (const char* common : {"bbox", "datetime", "limit", "cursor"}) EXPECT_TRUE(names.count(common)) << c.id;
    for (const std::string& q : c.queryables) EXPECT_TRUE(names.count(q)) << c.id << " " << q;
    const json schema = queryables_json(c, base);
    EXPECT_EQ(schema["properties"].size(), c.queryables.size()) << c.id;
    EXPECT_EQ(schema["$id"], "http://h/ogc/collections/" + c.id + "/queryables");
  }
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << path;
      for (const auto& [status, r] : op["responses"].items()) EXPECT_TRUE(r.contains("description")) << path << status;
    }
}

TEST(OgcDocumentsTest, LandingPageLinksAndConformance) {
  const json landing = landing_page(LinkBase{"http://h/ogc", "?access_token=t"}, "x");
  std::set<std::string> rels;
  for (const json& l : landing["links"]) {
    rels.insert(l["rel"].get<std::string>());
    EXPECT_NE(l["href"].get<std::string>().find("?access_token=t"), std::string::npos);  // the token travels
  }
  for (const char* rel : {"self", "service-desc", "conformance", "data"}) EXPECT_TRUE(rels.count(rel)) << rel;
  const std::string classes = conformance().dump();
  for (const char* c : {"conf/core", "conf/geojson", "conf/oas30"}) EXPECT_NE(classes.find(c), std::string::npos) << c;
}

}  // namespace
}  // namespace truceline::server::ogc
