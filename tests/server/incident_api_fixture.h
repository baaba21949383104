#pragma once
// The API with the incident engine attached, in-process: a real http::Server, a SQLite store in a
// temporary file, and tokens of every role (observer obs-a; contingents uk, fr and monitors;
// analyst; admin).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "index/locator.h"
#include "live_server.h"
#include "server/api.h"
#include "server/incident_engine.h"
#include "support.h"

namespace truceline::server::testing_api {

using nlohmann::json;
namespace fs = std::filesystem;

// An observation of `event` at lat/lon by observer `who`, at 06:30Z on 12 April 2025.
inline json seen(double lat, double lon, const std::string& who, const std::string& event = "explosion") {
  json o{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", who}, {"observer_kind", "patrol"}, {"mode", "saw"},
         {"event", event}, {"lat", lat}, {"lon", lon}};
  if (event == "explosion") o["explosion_type"] = "impact";
  if (event == "heavy_weapon") o["weapon_class"] = "artillery_ge_100";
  return o;
}

class IncidentApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { locator_ = new index::Locator(testing::default_map()); }
  static void TearDownTestSuite() { delete locator_; }

  void SetUp() override {
    dir_ = testing::fresh_test_dir(std::string("incroutes-") + ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name());
    store_ = store::open_store((dir_ / "record.sqlite").string());
    for (const auto& [name, role, contingent] : std::vector<std::array<std::string, 3>>{
             {"obs-a", "observer", ""}, {"uk", "contingent", "uk"}, {"fr", "contingent", "fr"},
             {"monitors", "contingent", "monitors"}, {"analyst", "analyst", ""}, {"admin", "admin", ""}})
      tokens_[name] = create_token(*store_, {name, role, contingent});
    engine_ = std::make_unique<IncidentEngine>(testing::default_map(), *locator_, *store_);
    engine_->set_alerts(nullptr);
    engine_->start();
    api_ = std::make_unique<Api>(testing::default_map(), *locator_, *store_);
    api_->attach(engine_.get());
    api_->mount(http_.router);
    // Keep-alives every 100 ms: a reader told to stop leaves at the next chunk.
    http::ServerOptions opt;
    opt.stream_keep_alive_s = 0.1;
    http_.start(opt);
    port_ = http_.port;
  }
  void TearDown() override {
    http_.stop();
    engine_.reset();
    api_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result get(const std::string& path, const std::string& who) {
    httplib::Client c("127.0.0.1", port_);
    return c.Get(path, {{"Authorization", "Bearer " + tokens_[who]}});
  }
  std::string post(const json& obs) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + tokens_["obs-a"]}}, obs.dump(), "application/json");
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["id"];
  }
  std::string stream_path(const std::string& what, const std::string& who) {
    return "/v1/" + what + "/stream?access_token=" + tokens_[who];
  }

  static index::Locator* locator_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<IncidentEngine> engine_;
  std::unique_ptr<Api> api_;
  testing::LiveServer http_;
  int port_ = 0;
};
inline index::Locator* IncidentApiTest::locator_ = nullptr;

}  // namespace truceline::server::testing_api
