// The incident and alert endpoints in-process: a real http::Server with the incident engine
// attached, a SQLite store in a temporary file, tokens of every role, and SSE read as a browser's
// EventSource would (token in the query).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "alert/outbox.h"
#include "index/locator.h"
#include "incident_api_fixture.h"
#include "live_server.h"
#include "server/api.h"
#include "server/incident_engine.h"
#include "support.h"

namespace truceline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using testing_api::seen;

// The events of an SSE stream, read on a thread of its own until stop() or the stream ends.
class SseReader {
 public:
  SseReader(int port, const std::string& path) : thread_([this, port, path] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    auto res = c.Get(path, [&](const char* data, size_t n) {
      std::lock_guard lock(mu_);
      text_.append(data, n);
      return !stop_;
    });
    std::lock_guard lock(mu_);
    ended_ = true;
    status_ = res ? res->status : -1;
  }) {}
  ~SseReader() {
    stop_ = true;
    thread_.join();
  }
  // Waits (up to 20 s, a bound for a hung test, not a measurement) until the stream holds `needle`.
  bool wait_for(const std::string& needle) {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard lock(mu_);
        if (text_.find(needle) != std::string::npos) return true;
        if (ended_) return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }
  // The data of every event of this type.
  std::vector<json> events(const std::string& type) {
    std::vector<json> out;
    const std::string t = text(), head = "event: " + type + "\ndata: ";
    for (size_t at = t.find(head); at != std::string::npos; at = t.find(head, at + 1)) {
      const size_t start = at + head.size(), end = t.find('\n', start);
      if (end != std::string::npos) out.push_back(json::parse(t.substr(start, end - start)));
    }
    return out;
  }
  void stop() { stop_ = true; }

 private:
  std::mutex mu_;
  std::string text_;
  bool ended_ = false;
  int status_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class IncidentRoutesTest : public testing_api::IncidentApiTest {};

TEST_F(IncidentRoutesTest, StreamDeliversTheIncidentOfAPostedObservation) {
  SseReader analyst(port_, stream_path("incidents", "analyst"));
  ASSERT_TRUE(analyst.wait_for(": keep-alive"));  // the stream is open
  const std::string id = post(seen(49.84, 24.03, "P-1"));  // Lviv: allied-north
  ASSERT_TRUE(analyst.wait_for("event: incident")) << analyst.text();
  const auto events = analyst.events("incident");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["observation_ids"], json({id}));
  EXPECT_EQ(events[0]["responsible"], "uk");
  EXPECT_EQ(events[0]["id"], "i-1");
  EXPECT_EQ(events[0]["revision"], 1);
  analyst.stop();
}

TEST_F(IncidentRoutesTest, HealthSaysHowFarTheEngineHasRead) {
  post(seen(49.84, 24.03, "P-1"));
  engine_->sync();
  const json h = json::parse(get("/v1/health", "analyst")->body);
  EXPECT_EQ(h["status"], "ok");
  // Through the observation (seq 1), and through its own revision of i-1 (seq 2) once it has
  // looked again; never beyond the head.
  ASSERT_EQ(store_->head().count, 2);
  EXPECT_GE(h["incidents_read_through"].get<int64_t>(), 1);
  EXPECT_LE(h["incidents_read_through"].get<int64_t>(), 2);
}

TEST_F(IncidentRoutesTest, AContingentNeverSeesAnotherContingentsIncidents) {
  SseReader uk(port_, stream_path("incidents", "uk"));
  ASSERT_TRUE(uk.wait_for(": keep-alive"));
  post(seen(46.48, 30.72, "P-1"));  // Odesa: allied-south, France-led
  post(seen(49.84, 24.03, "P-2"));  // Lviv: allied-north, UK-led
  ASSERT_TRUE(uk.wait_for("\"responsible\":\"uk\"")) << uk.text();
  engine_->sync();
  for (const auto& e : uk.events("incident")) EXPECT_EQ(e["responsible"], "uk");

  const json mine = json::parse(get("/v1/incidents", "uk")->body);
  ASSERT_EQ(mine["incidents"].size(), 1u);
  EXPECT_EQ(mine["incidents"][0]["responsible"], "uk");
  EXPECT_EQ(json::parse(get("/v1/incidents?responsible=fr", "uk")->body)["incidents"].size(), 0u);
  EXPECT_EQ(json::parse(get("/v1/incidents", "analyst")->body)["incidents"].size(), 2u);
  EXPECT_EQ(json::parse(get("/v1/incidents?responsible=fr", "analyst")->body)["incidents"].size(), 1u);

  const std::string fr_id = json::parse(get("/v1/incidents?responsible=fr", "analyst")->body)["incidents"][0]["id"];
  EXPECT_EQ(get("/v1/incidents/" + fr_id, "uk")->status, 403);
  EXPECT_EQ(get("/v1/incidents/" + fr_id, "fr")->status, 200);
  EXPECT_EQ(get("/v1/incidents", "obs-a")->status, 403);
  EXPECT_EQ(get("/v1/incidents/i-99", "analyst")->status, 404);
  uk.stop();
}

TEST_F(IncidentRoutesTest, IncidentDetailHasRevisionsAndObservations) {
  const std::string a = post(seen(49.84, 24.03, "P-1"));
  engine_->sync();
  const std::string b = post(seen(49.8405, 24.03, "P-2"));
  engine_->sync();
  auto r = get("/v1/incidents/i-1", "analyst");
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  EXPECT_EQ(j["revision"], 2);
  ASSERT_EQ(j["revisions"].size(), 2u);
  EXPECT_EQ(j["revisions"][0]["observation_ids"], json({a}));
  ASSERT_EQ(j["observations"].size(), 2u);
  EXPECT_EQ(j["observations"][1]["id"], b);
  EXPECT_EQ(j["observations"][1]["placement"]["zone_id"], "allied-north");

  // Paging: one a page, the cursor leads to the next.
  post(seen(46.48, 30.72, "P-3"));
  engine_->sync();
  const json p1 = json::parse(get("/v1/incidents?limit=1", "analyst")->body);
  ASSERT_EQ(p1["incidents"].size(), 1u);
  ASSERT_TRUE(p1["next_cursor"].is_string());
  const json p2 = json::parse(get("/v1/incidents?limit=1&cursor=" + p1["next_cursor"].get<std::string>(), "analyst")->body);
  ASSERT_EQ(p2["incidents"].size(), 1u);
  EXPECT_NE(p2["incidents"][0]["id"], p1["incidents"][0]["id"]);
  EXPECT_EQ(get("/v1/incidents?limit=0", "analyst")->status, 400);
  EXPECT_EQ(get("/v1/incidents?since=yesterday", "analyst")->status, 400);
}

TEST_F(IncidentRoutesTest, AlertStreamCarriesViolationAlertsToTheirContingent) {
  SseReader monitors(port_, stream_path("alerts", "monitors"));
  SseReader uk(port_, stream_path("alerts", "uk"));
  ASSERT_TRUE(monitors.wait_for(": keep-alive"));
  ASSERT_TRUE(uk.wait_for(": keep-alive"));
  post(seen(48.28, 37.18, "P-1", "heavy_weapon"));  // artillery at Pokrovsk, in the DMZ
  ASSERT_TRUE(monitors.wait_for("event: alert")) << monitors.text();
  const auto alerts = monitors.events("alert");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["id"], "a-1");
  EXPECT_EQ(alerts[0]["type"], "violation");
  EXPECT_EQ(alerts[0]["contingent"], "monitors");
  EXPECT_EQ(alerts[0]["incident_id"], "i-1");
  EXPECT_EQ(alerts[0]["rules"], json({"weapon-in-dmz"}));
  engine_->sync();
  EXPECT_TRUE(uk.events("alert").empty());
  const json recorded = alert::list_alerts(*store_, {})["alerts"];
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["incident_id"], "i-1");
}

// A reader that reconnects with the id of the last event it had gets what it missed, from the
// record, and nothing it had; a contingent's replay holds only its own incidents.
TEST_F(IncidentRoutesTest, AReconnectingReaderResumesAfterItsLastEventId) {
  post(seen(49.84, 24.03, "P-1"));  // Lviv: i-1, uk
  engine_->sync();
  const int64_t first = store_->head().count;  // the record of i-1's revision
  post(seen(46.48, 30.72, "P-2"));  // Odesa: i-2, fr
  post(seen(50.45, 30.52, "P-3"));  // Kyiv: i-3
  engine_->sync();
  SseReader analyst(port_, stream_path("incidents", "analyst") + "&last_event_id=" + std::to_string(first));
  ASSERT_TRUE(analyst.wait_for("\"id\":\"i-3\"")) << analyst.text();
  std::vector<std::string> ids;
  for (const auto& e : analyst.events("incident")) ids.push_back(e["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"i-2", "i-3"}));
  EXPECT_EQ(analyst.text().find("id: " + std::to_string(first) + "\n"), std::string::npos);
  // Live events follow the replay.
  post(seen(48.46, 35.04, "P-4"));  // Dnipro
  ASSERT_TRUE(analyst.wait_for("\"id\":\"i-4\"")) << analyst.text();
  SseReader fr(port_, stream_path("incidents", "fr") + "&last_event_id=1");
  ASSERT_TRUE(fr.wait_for("\"id\":\"i-2\"")) << fr.text();
  engine_->sync();
  for (const auto& e : fr.events("incident")) EXPECT_EQ(e["responsible"], "fr");
  EXPECT_EQ(get(stream_path("incidents", "analyst") + "&last_event_id=x", "analyst")->status, 400);
}

// The list of past alerts: a contingent sees its own, others' are not found, observers may not.
TEST_F(IncidentRoutesTest, PastAlertsAreListedForTheRolesThatMayReadThem) {
  post(seen(48.28, 37.18, "P-1", "heavy_weapon"));  // artillery at Pokrovsk: an alert for monitors
  engine_->sync();
  const json all = json::parse(get("/v1/alerts", "analyst")->body);
  ASSERT_EQ(all["alerts"].size(), 1u) << all;
  EXPECT_EQ(all["alerts"][0]["contingent"], "monitors");
  EXPECT_EQ(all["alerts"][0]["delivery"]["status"], "none");  // no webhook in this test
  EXPECT_EQ(json::parse(get("/v1/alerts", "monitors")->body)["alerts"].size(), 1u);
  EXPECT_EQ(json::parse(get("/v1/alerts", "uk")->body)["alerts"].size(), 0u);
  EXPECT_EQ(json::parse(get("/v1/alerts?contingent=monitors", "uk")->body)["alerts"].size(), 0u);
  EXPECT_EQ(get("/v1/alerts", "obs-a")->status, 403);
  EXPECT_EQ(get("/v1/alerts?status=lost", "analyst")->status, 400);
  EXPECT_EQ(json::parse(get("/v1/alerts?status=dead", "analyst")->body)["alerts"].size(), 0u);
}

TEST_F(IncidentRoutesTest, TokensInTheQueryAreCheckedLikeHeaders) {
  httplib::Client c("127.0.0.1", port_);
  EXPECT_EQ(c.Get("/v1/incidents?access_token=" + tokens_["analyst"])->status, 200);
  EXPECT_EQ(c.Get("/v1/incidents?access_token=nonsense")->status, 401);
  EXPECT_EQ(c.Get("/v1/incidents")->status, 401);
  EXPECT_EQ(c.Get("/v1/incidents/stream?access_token=" + tokens_["obs-a"])->status, 403);
  EXPECT_EQ(c.Get("/v1/zones?access_token=" + tokens_["obs-a"])->status, 200);
}

TEST_F(IncidentRoutesTest, StreamsEndWhenTheServerStops) {
  auto reader = std::make_unique<SseReader>(port_, stream_path("incidents", "analyst"));
  ASSERT_TRUE(reader->wait_for(": keep-alive"));
  EXPECT_EQ(engine_->incident_events().subscribers(), 1u);
  http_.stop();  // returns only once every connection has ended
  reader.reset();
  EXPECT_EQ(engine_->incident_events().subscribers(), 0u);
}

}  // namespace
}  // namespace truceline::server
