// `truceline serve` as a process with incidents and alerts: a posted report becomes an incident,
// its violation reaches the contingent's webhook signed, the chain verifies, and a restarted
// service goes on with the same incidents.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>

#include "alert/hmac.h"
#include "integration/process.h"
#include "monitor/observation.h"
#include "store/store_test_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json artillery(double lat, double lon, const std::string& who) {
  return json{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", who}, {"observer_kind", "patrol"}, {"mode", "saw"},
              {"event", "heavy_weapon"}, {"weapon_class", "artillery_ge_100"}, {"lat", lat}, {"lon", lon}};
}

// Polls `GET path` (up to 20 s, a bound for a hung test) until `done` holds for its JSON.
template <class Done>
json poll(httplib::Client& c, const std::string& path, const std::string& token, Done done) {
  json j;
  for (int i = 0; i < 200; ++i) {
    auto r = c.Get(path, {{"Authorization", "Bearer " + token}});
    if (r && r->status == 200 && done(j = json::parse(r->body))) return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return j;
}

TEST(ServeIncidentsTest, IncidentsAlertsAndARestart) {
  const fs::path dir = scratch_dir("serve-incidents");
  const fs::path db = dir / "record.sqlite";
  const std::string observer = cli_token(db, dir, "observer"), analyst = cli_token(db, dir, "analyst");

  // The monitors' webhook: checks the signature of every delivery.
  const std::string secret = "monitors-secret-0123456789";
  std::mutex mu;
  std::vector<json> delivered;
  int bad = 0;
  httplib::Server rx;
  rx.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (!alert::equal_constant_time(req.get_header_value("X-Truceline-Signature"), alert::signature_header(secret, req.body))) {
      ++bad;
      res.status = 401;
      return;
    }
    delivered.push_back(json::parse(req.body));
    res.status = 204;
  });
  const int rx_port = rx.bind_to_any_port("127.0.0.1");
  std::thread rx_thread([&] { rx.listen_after_bind(); });
  {
    std::ofstream(dir / "monitors.secret") << secret << "\n";
    std::ofstream(dir / "alerts.toml") << "[contingents.monitors]\nurl = \"http://127.0.0.1:" << rx_port
                                       << "/hook\"\nsecret_file = \"monitors.secret\"\n";
  }
  const std::vector<std::string> args{"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(),
                                      "--listen", "127.0.0.1:0", "--alerts", (dir / "alerts.toml").string()};
  {
    Process server(args, dir / "serve1.out");
    const int port = served_port(server.wait_for("http://"));
    ASSERT_GT(port, 0);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, artillery(48.28, 37.18, "P-1").dump(),
                    "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    const json list = poll(c, "/v1/incidents", analyst, [](const json& j) { return j["incidents"].size() == 1; });
    ASSERT_EQ(list["incidents"].size(), 1u) << list;
    EXPECT_EQ(list["incidents"][0]["id"], "i-1");
    EXPECT_EQ(list["incidents"][0]["violations"][0]["rule"], "weapon-in-dmz");
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu);
        if (!delivered.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    server.kill(SIGTERM);
  }
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(delivered[0]["type"], "violation");
    EXPECT_EQ(delivered[0]["incident_id"], "i-1");
    EXPECT_EQ(delivered[0]["contingent"], "monitors");
  }
  RunResult v = run_cli("verify --db '" + db.string() + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;

  // Restarted: the same incident; a second report of it revises i-1 and raises no second alert.
  {
    Process server(args, dir / "serve2.out");
    const int port = served_port(server.wait_for("http://"));
    ASSERT_GT(port, 0);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, artillery(48.2805, 37.18, "P-2").dump(),
                    "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    const json list = poll(c, "/v1/incidents", analyst,
                           [](const json& j) { return j["incidents"].size() == 1 && j["incidents"][0]["revision"] == 2; });
    ASSERT_EQ(list["incidents"].size(), 1u) << list;
    EXPECT_EQ(list["incidents"][0]["id"], "i-1");
    EXPECT_EQ(list["incidents"][0]["n_observations"], 2);
    // The alert and its delivery outlived the first process: they are in the record's outbox.
    auto alerts = c.Get("/v1/alerts", {{"Authorization", "Bearer " + analyst}});
    ASSERT_EQ(alerts->status, 200) << alerts->body;
    const json listed = json::parse(alerts->body)["alerts"];
    ASSERT_EQ(listed.size(), 1u) << listed;
    EXPECT_EQ(listed[0]["id"], delivered[0]["id"]);
    EXPECT_EQ(listed[0]["delivery"]["status"], "delivered");
    server.kill(SIGTERM);
  }
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(delivered.size(), 1u);
  }
  v = run_cli("verify --db '" + db.string() + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  rx.stop();
  rx_thread.join();
  fs::remove_all(dir);
}

// A hundred alerts waiting for a webhook that refuses them, the server killed with SIGKILL, the
// webhook back, the server restarted: every alert arrives, each with the id it was listed under.
TEST(ServeIncidentsTest, SigkillWithAHundredAlertsPendingLosesNone) {
  const fs::path dir = scratch_dir("serve-outbox-kill");
  const fs::path db = dir / "record.sqlite";
  const std::string observer = cli_token(db, dir, "observer"), analyst = cli_token(db, dir, "analyst");
  std::mutex mu;
  bool accepting = false;
  std::multiset<std::string> delivered;  // ids of 2xx deliveries; a repeat is allowed, a loss is not
  httplib::Server rx;
  rx.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (!accepting) {
      res.status = 503;
      return;
    }
    delivered.insert(json::parse(req.body).value("id", ""));
    res.status = 204;
  });
  const int rx_port = rx.bind_to_any_port("127.0.0.1");
  std::thread rx_thread([&] { rx.listen_after_bind(); });
  // Short backoff, no dead letter within the test: the alerts stay pending while refused.
  std::ofstream(dir / "alerts.toml") << "[delivery]\nmax_attempts = 100\nbackoff_ms = 100\ntimeout_s = 1\n\n"
                                     << "[contingents.monitors]\nurl = \"http://127.0.0.1:" << rx_port
                                     << "/hook\"\nsecret = \"monitors-secret-0123456789\"\n";
  const std::vector<std::string> args{"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(),
                                      "--listen", "127.0.0.1:0", "--alerts", (dir / "alerts.toml").string()};
  std::set<std::string> listed;
  {
    Process server(args, dir / "serve1.out");
    const int port = served_port(server.wait_for("http://"));
    ASSERT_GT(port, 0);
    httplib::Client c("127.0.0.1", port);
    // A hundred guns in the DMZ ten minutes apart: a hundred incidents, each a violation alert.
    json batch = json::array();
    for (int i = 0; i < 100; ++i) {
      json o = artillery(48.28, 37.18, "P-" + std::to_string(i));
      o["time"] = monitor::format_time_ms(*monitor::parse_time_ms("2025-04-12T06:30:00Z") + i * 600'000LL);
      batch.push_back(o);
    }
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, batch.dump(), "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    const json alerts = poll(c, "/v1/alerts?limit=1000", analyst, [](const json& j) {
      if (j["alerts"].size() < 100) return false;
      for (const json& a : j["alerts"])
        if (a["delivery"]["attempts"].get<int>() < 1) return false;
      return true;
    });
    ASSERT_EQ(alerts["alerts"].size(), 100u) << alerts;
    for (const json& a : alerts["alerts"]) {
      EXPECT_EQ(a["delivery"]["status"], "pending");
      EXPECT_EQ(a["delivery"]["last_status"], 503);
      listed.insert(a["id"].get<std::string>());
    }
    server.kill(SIGKILL);
  }
  ASSERT_EQ(listed.size(), 100u);
  {
    std::lock_guard lock(mu);
    accepting = true;
  }
  {
    Process server(args, dir / "serve2.out");
    const int port = served_port(server.wait_for("http://"));
    ASSERT_GT(port, 0);
    // A batch the killed process had claimed waits for its lease to lapse (8 × 3 × 1 s + 30 s).
    for (int i = 0; i < 1200; ++i) {
      {
        std::lock_guard lock(mu);
        if (std::set<std::string>(delivered.begin(), delivered.end()).size() >= listed.size()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    httplib::Client c("127.0.0.1", port);
    const json after = poll(c, "/v1/alerts?limit=1000&status=delivered", analyst,
                            [](const json& j) { return j["alerts"].size() == 100; });
    EXPECT_EQ(after["alerts"].size(), 100u);
    server.kill(SIGTERM);
  }
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(std::set<std::string>(delivered.begin(), delivered.end()), listed);
  }
  rx.stop();
  rx_thread.join();
  fs::remove_all(dir);
}

TEST(ServeIncidentsTest, ABadAlertsFileStopsTheServiceWithTheLine) {
  const fs::path dir = scratch_dir("serve-bad-alerts");
  std::ofstream(dir / "alerts.toml") << "[contingents.uk]\nurl = \"http://127.0.0.1:9/\"\nsecret = \"short\"\n";
  const RunResult r = run_cli("serve --plan plans/kellogg-2025-04.toml --db '" + (dir / "r.sqlite").string() +
                                  "' --listen 127.0.0.1:0 --alerts '" + (dir / "alerts.toml").string() + "'",
                              dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("alerts.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("secret"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// Two processes on one PostgreSQL database: one engine between them (the advisory lock), the other
// following its records; when the leader dies the follower takes over.
TEST(ServeIncidentsTest, OneEngineAmongProcessesSharingPostgres) {
  if (!std::getenv("TRUCELINE_TEST_PG_URI")) GTEST_SKIP() << "TRUCELINE_TEST_PG_URI is not set";
  const fs::path dir = scratch_dir("serve-incidents-pg");
  const std::string db = store::testing::fresh_pg_database();
  const auto token = [&](const std::string& role) {
    const RunResult r = run_cli("token create --db '" + db + "' --role " + role + " --name " + role, dir);
    EXPECT_EQ(r.code, 0) << r.err;
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  };
  const std::string observer = token("observer"), analyst = token("analyst");
  const std::string plan = (root() / "plans/kellogg-2025-04.toml").string();
  const auto args = [&](const std::string&) {
    return std::vector<std::string>{"serve", "--plan", plan, "--db", db, "--listen", "127.0.0.1:0"};
  };
  // a starts first and leads; b follows.
  Process a(args("a"), dir / "a.out");
  const int port_a = served_port(a.wait_for("http://"));
  Process b(args("b"), dir / "b.out");
  const int port_b = served_port(b.wait_for("http://"));
  ASSERT_GT(port_a, 0);
  ASSERT_GT(port_b, 0);

  // Ten events, each reported through both servers by two patrols.
  httplib::Client ca("127.0.0.1", port_a), cb("127.0.0.1", port_b);
  for (int e = 0; e < 10; ++e) {
    const double lat = 49.84 + 0.05 * e;  // Lviv and north of it: 5.5 km apart
    for (auto* c : {&ca, &cb}) {
      json o = artillery(lat, 24.03, c == &ca ? "P-a" : "P-b");
      o["event"] = "explosion", o["explosion_type"] = "impact";
      o.erase("weapon_class");
      auto r = c->Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, o.dump(), "application/json");
      ASSERT_EQ(r->status, 201) << r->body;
    }
  }
  const auto ten = [](const json& j) {
    if (j["incidents"].size() != 10) return false;
    for (const auto& i : j["incidents"])
      if (i["n_observations"] != 2) return false;
    return true;
  };
  const json on_a = poll(ca, "/v1/incidents", analyst, ten), on_b = poll(cb, "/v1/incidents", analyst, ten);
  ASSERT_TRUE(ten(on_a)) << on_a;
  ASSERT_TRUE(ten(on_b)) << on_b;  // the follower lists what the leader recorded
  EXPECT_EQ(on_a, on_b);
  // One engine: every incident's revisions are 1, 2, … once each (two engines would record each twice).
  for (const auto& i : on_a["incidents"]) {
    const json full = json::parse(ca.Get("/v1/incidents/" + i["id"].get<std::string>(), {{"Authorization", "Bearer " + analyst}})->body);
    for (size_t k = 0; k < full["revisions"].size(); ++k) EXPECT_EQ(full["revisions"][k]["revision"], static_cast<int>(k + 1)) << full;
  }

  // The leader dies; the follower takes the lock and correlates what comes next.
  a.kill(SIGKILL);
  json o = artillery(50.60, 24.03, "P-b");
  auto r = cb.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, o.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const json after = poll(cb, "/v1/incidents", analyst, [](const json& j) { return j["incidents"].size() == 11; });
  ASSERT_EQ(after["incidents"].size(), 11u) << after;
  EXPECT_EQ(after["incidents"][10]["id"], "i-11");
  b.kill(SIGTERM);
  const RunResult v = run_cli("verify --db '" + db + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
