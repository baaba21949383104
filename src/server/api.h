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
#include "tlog/dsse.h"
#include "plan/zone_map.h"
#include "store/store.h"

namespace truceline::server {

struct ApiOptions {
  size_t max_body_bytes = 16 << 20;  // DEFAULT: 16 MiB; larger bodies get 413
  size_t max_batch = 10'000;         // DEFAULT: 10,000 observations per POST
  int max_page = 1'000;              // DEFAULT: at most 1,000 records per GET page
  double rate_per_s = 500;           // DEFAULT: 500 requests/s per token, bursts of 2 s; then 429
  // Connections (docs/limits.md). cpp-httplib serves a connection on one worker for its whole
  // life, keep-alive requests and SSE streams included.
  size_t threads = 64;      // DEFAULT: 64 connections served at once
  size_t max_queued = 256;  // DEFAULT: 256 more wait for a worker; beyond those, 503 overloaded
  // Timeouts in seconds (docs/limits.md); each closes the connection without a response.
  int read_timeout_s = 5;        // DEFAULT: 5 s waiting for the next byte of a request
  int write_timeout_s = 5;       // DEFAULT: 5 s waiting for the client to take the next byte
  int keep_alive_timeout_s = 5;  // DEFAULT: 5 s idle between requests on one connection
  int keep_alive_max = 100;      // DEFAULT: 100 requests per connection, then it is closed
};

class IncidentEngine;
class LogPublisher;

class Api {
 public:
  // The map, locator and store must outlive the Api. Thread-safe: handlers run on the
  // server's worker threads.
  Api(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const ApiOptions& opt = {});
  // Installs the routes, the limits (connections, timeouts, body size) and JSON error handling
  // on `server`.
  void mount(httplib::Server& server);
  // Serves incidents and alerts from `engine` (docs/api.md) and tells it of every append; call
  // before mount(). The engine must outlive the server.
  void attach(IncidentEngine* engine) { incidents_ = engine; }
  // Reports the log's signer and witnesses in /v1/health; call before mount(). The /log/
  // endpoints are served either way (from the store, so any process of a shared database
  // serves what the signer published).
  void attach(LogPublisher* publisher) { publisher_ = publisher; }

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
  // The transparency log, public (log_routes.cc; docs/log.md).
  void log_checkpoint(const httplib::Request& req, httplib::Response& res);
  void log_tile(const httplib::Request& req, httplib::Response& res);
  void log_inclusion(const httplib::Request& req, httplib::Response& res);
  void log_consistency(const httplib::Request& req, httplib::Response& res);

  store::NewRecord observation_record(const nlohmann::json& obj, const std::string& field_prefix,
                                      const std::string& kind, const Caller& who,
                                      const nlohmann::json& envelope = nullptr);
  // Signed reports (docs/log.md): the keys registered for a submitter, cached for kKeyCacheS.
  std::vector<tlog::DeviceKey> device_keys(const std::string& submitter);
  // The observation inside `item`: itself, or the payload of a DSSE envelope whose signature a key
  // of the submitter's verifies. A submitter with keys must sign; one without may not.
  nlohmann::json unwrap(const nlohmann::json& item, const std::string& prefix, const std::vector<tlog::DeviceKey>& keys,
                        nlohmann::json& envelope);
  void post_key(const httplib::Request& req, httplib::Response& res);
  bool may_read(const Caller& who, const store::Record& r) const;

  const plan::ZoneMap& map_;
  const index::Locator& locator_;
  store::Store& store_;
  IncidentEngine* incidents_ = nullptr;
  LogPublisher* publisher_ = nullptr;
  ApiOptions opt_;
  std::string zones_geojson_;  // rendered once

  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex rate_mu_;
  std::unordered_map<std::string, Bucket> buckets_;

  // A key registered through another process is enforced here within this many seconds.
  static constexpr double kKeyCacheS = 2;
  struct CachedKeys {
    std::chrono::steady_clock::time_point at;
    std::vector<tlog::DeviceKey> keys;
  };
  std::mutex keys_mu_;
  std::unordered_map<std::string, CachedKeys> keys_;
};

// Creates a token for `t` in the store and returns it; only its SHA-256 is kept.
std::string create_token(store::Store& store, const store::Token& t);
// Registers an Ed25519 public key (base64 of its 32 bytes) for the submitter's signed reports, as a
// `device_key` record of the log; returns its keyid. Throws std::invalid_argument for a bad key.
std::string register_device_key(store::Store& store, const std::string& submitter, const std::string& public_key_b64,
                                const std::string& device);

}  // namespace truceline::server
