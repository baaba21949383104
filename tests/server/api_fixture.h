#pragma once
// The HTTP API in-process, for the tests of its endpoints: a real http::Server on a loopback port,
// a SQLite store in a temporary file, and clients (cpp-httplib's) holding tokens of every role.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

#include "index/locator.h"
#include "monitor/observation.h"
#include "live_server.h"
#include "server/api.h"
#include "support.h"

namespace truceline::server::testing_api {

using nlohmann::json;
namespace fs = std::filesystem;

inline json obs_at(double lat, double lon, const std::string& ref = "r") {
  return json{{"time", "2025-04-12T06:30:00+03:00"}, {"observer_id", "P-1"}, {"observer_kind", "patrol"},
              {"mode", "saw"}, {"event", "explosion"}, {"explosion_type", "impact"}, {"lat", lat}, {"lon", lon},
              {"source_ref", ref}};
}

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { locator_ = new index::Locator(testing::default_map()); }
  static void TearDownTestSuite() { delete locator_; }

  void SetUp() override { start({}); }
  void TearDown() override {
    http_.stop();
    store_.reset();
    fs::remove_all(dir_);
  }

  void start(const ApiOptions& opt, const http::ServerOptions& server = {}) {
    dir_ = testing::fresh_test_dir("api");
    store_ = store::open_store((dir_ / "record.sqlite").string());
    for (const auto& [name, role, contingent] : std::vector<std::array<std::string, 3>>{
             {"obs-a", "observer", ""}, {"obs-b", "observer", ""}, {"uk", "contingent", "uk"},
             {"fr", "contingent", "fr"}, {"analyst", "analyst", ""}, {"admin", "admin", ""}})
      tokens_[name] = create_token(*store_, {name, role, contingent});
    api_ = std::make_unique<Api>(testing::default_map(), *locator_, *store_, opt);
    api_->mount(http_.router);
    http_.start(server);
    port_ = http_.port;
  }

  httplib::Result call(const std::string& method, const std::string& path, const std::string& who,
                       const std::string& body = "", const std::string& idem = "") {
    httplib::Client c("127.0.0.1", port_);
    httplib::Headers h;
    if (!who.empty()) h.emplace("Authorization", "Bearer " + (tokens_.count(who) ? tokens_[who] : who));
    if (!idem.empty()) h.emplace("Idempotency-Key", idem);
    if (method == "POST") return c.Post(path, h, body, "application/json");
    return c.Get(path, h);
  }
  static json body(const httplib::Result& r) { return json::parse(r->body); }
  static std::string error_code(const httplib::Result& r) { return body(r)["error"]["code"]; }

  std::string post(const json& obs, const std::string& who = "obs-a") {
    auto r = call("POST", "/v1/observations", who, obs.dump());
    EXPECT_EQ(r->status, 201) << r->body;
    return body(r)["id"];
  }

  static index::Locator* locator_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Api> api_;
  testing::LiveServer http_;
  int port_ = 0;
};
inline index::Locator* ApiTest::locator_ = nullptr;

}  // namespace truceline::server::testing_api
