#pragma once
// The monitoring service's HTTP API (docs/api.md) over cpp-httplib: observations in, a durable
// hash-chained record out, every endpoint checked against the caller's role.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "index/locator.h"
#include "plan/zone_map.h"
#include "store/store.h"

namespace truceline::server {

struct ApiOptions {
  size_t max_body_bytes = 16 << 20;  // DEFAULT: 16 MiB; larger bodies get 413
  size_t max_batch = 10'000;         // DEFAULT: 10,000 observations per POST
  int max_page = 1'000;              // DEFAULT: at most 1,000 records per GET page
  double rate_per_s = 500;           // DEFAULT: 500 requests/s per token, bursts of 2 s; then 429
};

class IncidentEngine;

class Api {
 public:
  // The map, locator and store must outlive the Api. Thread-safe: handlers run on the
  // server's worker threads.
  Api(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const ApiOptions& opt = {});
  // Installs the routes, the body limit and JSON error handling on `server`.
  void mount(httplib::Server& server);
  // Serves incidents and alerts from `engine` (docs/api.md) and tells it of every append; call
  // before mount(). The engine must outlive the server.
  void attach(IncidentEngine* engine) { incidents_ = engine; }

 private:
  struct Caller {
    std::string name, role, contingent;
  };
  Caller authenticate(const httplib::Request& req, std::initializer_list<const char*> roles);
  void check_rate(const std::string& token_hash);

  void post_observations(const httplib::Request& req, httplib::Response& res);
  void list_observations(const httplib::Request& req, httplib::Response& res);
  void get_observation(const httplib::Request& req, httplib::Response& res);
  void post_correction(const httplib::Request& req, httplib::Response& res);
  void get_zones(const httplib::Request& req, httplib::Response& res);
  void get_head(const httplib::Request& req, httplib::Response& res);
  void get_health(const httplib::Request& req, httplib::Response& res);
  // Incidents and alerts (incident_routes.cc).
  void list_incidents(const httplib::Request& req, httplib::Response& res);
  void get_incident(const httplib::Request& req, httplib::Response& res);
  void incident_stream(const httplib::Request& req, httplib::Response& res);
  void alert_stream(const httplib::Request& req, httplib::Response& res);

  store::NewRecord observation_record(const nlohmann::json& obj, const std::string& field_prefix,
                                      const std::string& kind, const Caller& who);
  bool may_read(const Caller& who, const store::Record& r) const;

  const plan::ZoneMap& map_;
  const index::Locator& locator_;
  store::Store& store_;
  IncidentEngine* incidents_ = nullptr;
  ApiOptions opt_;
  std::string zones_geojson_;  // rendered once

  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex rate_mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Creates a token for `t` in the store and returns it; only its SHA-256 is kept.
std::string create_token(store::Store& store, const store::Token& t);

}  // namespace truceline::server
