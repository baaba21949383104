// The HTTP API in-process: a real cpp-httplib server on a loopback port, a SQLite store in a
// temporary file, and clients holding tokens of every role.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "formats/observations_csv.h"
#include "formats/records.h"
#include "index/locator.h"
#include "monitor/observation.h"
#include "server/api.h"
#include "server/api_fixture.h"
#include "support.h"

namespace truceline::server {
namespace {

using nlohmann::json;
using testing_api::ApiTest;
using testing_api::obs_at;
namespace fs = std::filesystem;


TEST_F(ApiTest, PostPlacesTheObservationAndKeepsItsHistory) {
  const std::string id = post(obs_at(48.28, 37.18));  // Pokrovsk, in the DMZ
  auto r = call("GET", "/v1/observations/" + id, "analyst");
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = body(r);
  EXPECT_EQ(j["placement"]["zone_kind"], "dmz");
  EXPECT_EQ(j["submitter"], "obs-a");
  EXPECT_EQ(j["hash"].get<std::string>().size(), 64u);
  ASSERT_EQ(j["history"].size(), 1u);

  json corrected = obs_at(48.28, 37.18);
  corrected["count"] = 3;
  r = call("POST", "/v1/observations/" + id + "/corrections", "obs-a", json{{"reason", "count was 3"}, {"observation", corrected}}.dump());
  ASSERT_EQ(r->status, 201) << r->body;
  const json after = body(call("GET", "/v1/observations/" + id, "analyst"));
  ASSERT_EQ(after["history"].size(), 2u);
  EXPECT_EQ(after["history"][1]["kind"], "correction");
  EXPECT_EQ(after["observation"]["count"], j["observation"].value("count", 1)) << "the original is never rewritten";
  EXPECT_TRUE(store_->verify().ok);
}

TEST_F(ApiTest, ObserversReadOnlyTheirOwnReports) {
  const std::string a = post(obs_at(49.84, 24.03), "obs-a");
  post(obs_at(46.48, 30.72), "obs-b");
  EXPECT_EQ(call("GET", "/v1/observations/" + a, "obs-b")->status, 403);
  EXPECT_EQ(call("GET", "/v1/observations/" + a, "obs-a")->status, 200);
  const json list = body(call("GET", "/v1/observations", "obs-b"));
  ASSERT_EQ(list["observations"].size(), 1u);
  EXPECT_EQ(list["observations"][0]["submitter"], "obs-b");
}

TEST_F(ApiTest, ContingentsReadOnlyTheZonesTheyAnswerFor) {
  const std::string lviv = post(obs_at(49.84, 24.03));    // allied-north, UK-led
  const std::string odesa = post(obs_at(46.48, 30.72));   // allied-south, France-led
  EXPECT_EQ(call("GET", "/v1/observations/" + lviv, "uk")->status, 200);
  EXPECT_EQ(call("GET", "/v1/observations/" + odesa, "uk")->status, 403);
  EXPECT_EQ(call("GET", "/v1/observations/" + lviv, "fr")->status, 403);
  const json uk = body(call("GET", "/v1/observations", "uk"));
  ASSERT_EQ(uk["observations"].size(), 1u);
  EXPECT_EQ(uk["observations"][0]["id"], lviv);
  EXPECT_EQ(call("POST", "/v1/observations", "uk", obs_at(49.84, 24.03).dump())->status, 403) << "contingents do not submit";
}

TEST_F(ApiTest, TokensAreChecked) {
  auto r = call("GET", "/v1/observations", "");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(error_code(r), "unauthenticated");
  EXPECT_EQ(call("GET", "/v1/observations", "tl_not_a_token")->status, 401);
  EXPECT_EQ(call("GET", "/v1/health", "")->status, 200);
}

TEST_F(ApiTest, MalformedJsonNamesThePosition) {
  auto r = call("POST", "/v1/observations", "obs-a", "{\"time\": \"2025-04-12T06:30:00Z\",, }");
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(error_code(r), "malformed_json");
  EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("byte 33"), std::string::npos) << r->body;
}

TEST_F(ApiTest, InvalidObservationsAre422WithTheField) {
  json unknown = obs_at(48, 35);
  unknown["colour"] = "red";
  unknown["size"] = 3;
  auto r = call("POST", "/v1/observations", "obs-a", unknown.dump());
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(error_code(r), "unknown_field");
  const std::string msg = body(r)["error"]["message"];
  EXPECT_NE(msg.find("colour"), std::string::npos) << msg;
  EXPECT_NE(msg.find("size"), std::string::npos) << msg;

  r = call("POST", "/v1/observations", "obs-a", obs_at(95, 35).dump());
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(body(r)["error"]["field"], "lat");

  json future = obs_at(48, 35);
  future["time"] = monitor::format_time_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
      11 * 60 * 1000);
  r = call("POST", "/v1/observations", "obs-a", future.dump());
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(body(r)["error"]["field"], "time");
}

TEST_F(ApiTest, ARejectedBatchWritesNothing) {
  json batch = json::array({obs_at(48, 35), obs_at(48.1, 35.1), obs_at(48.2, 35.2)});
  batch[2].erase("observer_id");
  auto r = call("POST", "/v1/observations", "obs-a", batch.dump());
  ASSERT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(body(r)["error"]["field"].get<std::string>().rfind("[2].", 0), 0u) << r->body;
  EXPECT_EQ(store_->head().count, 0);
  batch[2]["observer_id"] = "P-2";
  r = call("POST", "/v1/observations", "obs-a", batch.dump());
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(body(r)["ids"].size(), 3u);
  EXPECT_EQ(store_->head().count, 3);
}

TEST_F(ApiTest, IdempotencyKeys) {
  const std::string b1 = obs_at(48, 35).dump(), b2 = obs_at(48.5, 35).dump();
  auto first = call("POST", "/v1/observations", "obs-a", b1, "key-1");
  ASSERT_EQ(first->status, 201);
  auto again = call("POST", "/v1/observations", "obs-a", b1, "key-1");
  ASSERT_EQ(again->status, 201);
  EXPECT_EQ(body(again)["ids"], body(first)["ids"]);
  EXPECT_EQ(store_->head().count, 1) << "a replay stores nothing";
  auto other = call("POST", "/v1/observations", "obs-a", b2, "key-1");
  EXPECT_EQ(other->status, 409);
  EXPECT_EQ(error_code(other), "idempotency_conflict");
}

// The kinds beside ceasefire violations go in and come back as sent; a restriction is placed where
// the patrol was stopped; a party the plan does not have is refused; five sends of one report with
// one Idempotency-Key (an observer app retrying) store it once.
TEST_F(ApiTest, RestrictionsSitesCasualtiesAndDamageRoundTrip) {
  json fom{{"time", "2025-04-12T06:30:00+03:00"}, {"observer_id", "P-1"}, {"observer_kind", "patrol"},
           {"observer_lat", 48.330}, {"observer_lon", 37.905}, {"mode", "saw"}, {"event", "restriction"},
           {"restriction_type", "mines_or_uxo"}, {"imposed_by", "ua"}, {"duration_min", 90}};
  json site{{"time", "2025-04-12T06:40:00+03:00"}, {"observer_id", "P-1"}, {"observer_kind", "patrol"},
            {"observer_lat", 47.2}, {"observer_lon", 33.0}, {"mode", "saw"}, {"event", "weapons_site"},
            {"site_id", "HA-3"}, {"site_status", "all_present"}, {"weapons", {{"mlrs", 6}}}};
  json hurt = obs_at(47.84, 35.14, "shell-1");
  hurt["casualties"] = {{"killed", 2}, {"injured", 5}, {"civilian", true}, {"corroborated", false}};
  hurt["damage"] = {"school", "water"};
  for (const json& sent : {fom, site, hurt}) {
    std::string id;
    for (int i = 0; i < 5; ++i) {
      auto r = call("POST", "/v1/observations", "obs-a", sent.dump(), "app-" + sent.value("event", ""));
      ASSERT_EQ(r->status, 201) << r->body;
      EXPECT_EQ(r->get_header_value("Idempotent-Replayed"), i == 0 ? "" : "true");
      id = body(r)["id"];
    }
    const json got = body(call("GET", "/v1/observations/" + id, "analyst"));
    for (const auto& [key, value] : sent.items()) {
      if (key == "time") continue;  // given with an offset, stored in UTC
      EXPECT_EQ(got["observation"][key], value) << key;
    }
    if (sent["event"] == "restriction") {
      EXPECT_EQ(got["placement"]["method"], "at_observer");
      EXPECT_EQ(got["placement"]["zone_kind"], "dmz");
    }
  }
  EXPECT_EQ(store_->head().count, 3) << "fifteen sends, three reports";

  // The record as `export observations` writes it, read back as `truceline incidents` reads it:
  // each kind's fields as they were sent.
  std::istringstream csv(formats::observations_csv(formats::current_observations(*store_, {}, {})));
  const auto rows = formats::read_observations_csv(csv, "export.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].restriction_type, "mines_or_uxo");
  EXPECT_EQ(rows[0].imposed_by, "ua");
  EXPECT_EQ(rows[0].duration_min, 90);
  EXPECT_EQ(rows[1].site_id, "HA-3");
  EXPECT_EQ(rows[1].site_status, "all_present");
  EXPECT_EQ(rows[1].weapons, (std::map<std::string, int>{{"mlrs", 6}}));
  EXPECT_EQ(rows[2].killed, 2);
  EXPECT_EQ(rows[2].injured, 5);
  EXPECT_TRUE(rows[2].civilian);
  EXPECT_FALSE(rows[2].corroborated);
  EXPECT_EQ(rows[2].damage, (std::vector<std::string>{"school", "water"}));

  fom["imposed_by"] = "nato";
  auto bad = call("POST", "/v1/observations", "obs-a", fom.dump());
  ASSERT_EQ(bad->status, 422);
  EXPECT_EQ(error_code(bad), "unknown_party");
  EXPECT_EQ(body(bad)["error"]["field"], "imposed_by");
}

TEST_F(ApiTest, BodyOverTheLimitIs413) {
  TearDown();
  http::ServerOptions small;
  small.limits.max_body = 1000;
  start({}, small);
  json batch = json::array();
  for (int i = 0; i < 20; ++i) batch.push_back(obs_at(48, 35));
  auto r = call("POST", "/v1/observations", "obs-a", batch.dump());
  ASSERT_EQ(r->status, 413);
  EXPECT_EQ(error_code(r), "body_too_large");
  EXPECT_EQ(store_->head().count, 0);
}

TEST_F(ApiTest, ZonesHeadAndFilters) {
  post(obs_at(48.28, 37.18));
  post(obs_at(49.84, 24.03));
  const json zones = json::parse(call("GET", "/v1/zones", "analyst")->body);
  EXPECT_EQ(zones["features"].size(), 5u);
  const json head = body(call("GET", "/v1/chain/head", "uk"));
  EXPECT_EQ(head["count"], 2);
  EXPECT_EQ(head["hash"], store_->head().hash);
  const json dmz = body(call("GET", "/v1/observations?zone_kind=dmz", "analyst"));
  ASSERT_EQ(dmz["observations"].size(), 1u);
  const json west = body(call("GET", "/v1/observations?bbox=22,48,26,51", "analyst"));
  ASSERT_EQ(west["observations"].size(), 1u);
  EXPECT_EQ(west["observations"][0]["placement"]["zone_id"], "allied-north");
  const json page = body(call("GET", "/v1/observations?limit=1", "analyst"));
  ASSERT_TRUE(page.contains("next_cursor"));
  const json next = body(call("GET", "/v1/observations?limit=1&cursor=" + page["next_cursor"].get<std::string>(), "analyst"));
  ASSERT_EQ(next["observations"].size(), 1u);
  EXPECT_NE(next["observations"][0]["id"], page["observations"][0]["id"]);
  EXPECT_EQ(call("GET", "/v1/observations?bbox=1,2,3", "analyst")->status, 400);
}

// 10,000 random bodies, the bytes a broken client or an attacker sends, through the router as the
// server hands them over: each is a 400 malformed_json naming a byte offset, none a 5xx, and no
// answer quotes a byte of the body. A third of such bodies used to get 500 "request refused".
TEST_F(ApiTest, RandomBodiesAre400AndNeverEchoed) {
  TearDown();
  ApiOptions fast;
  fast.rate_per_s = 1e9;  // one token sending 10,000 requests at once
  start(fast);
  std::mt19937 rng(20261207);
  const std::string auth = "Bearer " + tokens_["obs-a"];
  for (int i = 0; i < 10'000; ++i) {
    http::Request req;
    req.method = "POST";
    req.path = req.target = "/v1/observations";
    req.headers.emplace("Authorization", auth);
    req.body.resize(1 + rng() % 64);
    for (char& c : req.body) c = static_cast<char>(rng() % 256);
    // A body that happens to be JSON (a lone digit) is not junk: such inputs are left out.
    if (!json::parse(req.body, nullptr, false).is_discarded()) continue;
    http::Response res;
    http_.router.handle(req, res);
    ASSERT_EQ(res.status, 400) << "body #" << i << ": " << res.body;
    const json e = json::parse(res.body)["error"];
    ASSERT_EQ(e["code"], "malformed_json");
    ASSERT_EQ(e["message"].get<std::string>().rfind("malformed JSON at byte ", 0), 0u) << e;
    for (unsigned char c : res.body) ASSERT_LT(c, 0x80) << "a byte of the body came back: " << res.body;
  }
  EXPECT_EQ(store_->head().count, 0);
}

}  // namespace
}  // namespace truceline::server
