#pragma once
// The monitoring service's HTTP API (docs/api.md): observations in, a durable hash-chained record
// out, every endpoint checked against the caller's role. Transport-free: it installs handlers on
// an http::Router, which http::Server (or a test, or the fuzz target) drives.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/event_stream.h"
#include "http/router.h"
#include "index/locator.h"
#include "tlog/dsse.h"
#include "plan/zone_map.h"
#include "server/caller.h"
#include "server/ogc.h"
#include "store/store.h"

namespace truceline::alert {
struct AlertQuery;
}

namespace truceline::server {

// The API's own limits (docs/limits.md); those of connections, bodies and deadlines are the
// server's (http::ServerOptions).
struct ApiOptions {
  size_t max_batch = 10'000;  // DEFAULT: 10,000 observations per POST
  int max_page = 1'000;       // DEFAULT: at most 1,000 records per GET page
  double rate_per_s = 500;    // DEFAULT: 500 requests/s per token, bursts of 2 s; then 429
  size_t max_replay = 1'000;  // DEFAULT: a resuming event stream replays at most 1,000 missed events
};

class CotView;
class IncidentEngine;
class LogPublisher;
struct IncidentFilter;

class Api {
 public:
  // The map, locator and store must outlive the Api. Thread-safe: handlers run on the
  // server's worker threads.
  Api(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const ApiOptions& opt = {});
  // Installs the routes on `router`; each answers its refusals with the JSON error of docs/api.md.
  void mount(http::Router& router);
  // Serves incidents and alerts from `engine` (docs/api.md) and tells it of every append; call
  // before mount(). The engine must outlive the server.
  void attach(IncidentEngine* engine) { incidents_ = engine; }
  // Reports the log's signer and witnesses in /v1/health; call before mount(). The /log/
  // endpoints are served either way (from the store, so any process of a shared database
  // serves what the signer published).
  void attach(LogPublisher* publisher) { publisher_ = publisher; }
  // An observation from another channel (the CoT feed's spot reports) taken as POST
  // /v1/observations takes it from `who`: the same role, signature, validation, placement and
  // record, `key` its Idempotency-Key. Returns its id. Throws monitor::ValidationError, or a
  // std::runtime_error saying why it was refused.
  std::string submit(const Caller& who, const nlohmann::json& observation, const std::string& key);
  // Serves GET /v1/cot from `view` (docs/cot.md); call before mount(). The view must outlive the server.
  void attach(const CotView* view) { cot_ = view; }

  using Caller = server::Caller;
  // What each role may read (docs/api.md, Tokens and roles): one rule for every view of the
  // record — the JSON endpoints, OGC API – Features, KML. Each narrows a query already holding
  // the caller's own filters; a contingent asking for another contingent's finds nothing.
  static void scope(const Caller& who, IncidentFilter& f);
  static void scope(const Caller& who, store::Query& q);
  static void scope(const Caller& who, alert::AlertQuery& q);

 private:
  Caller authenticate(const http::Request& req, std::initializer_list<const char*> roles);
  void check_rate(const std::string& token_hash);

  void post_observations(const http::Request& req, http::Response& res);
  void list_observations(const http::Request& req, http::Response& res);
  void get_observation(const http::Request& req, http::Response& res);
  void post_correction(const http::Request& req, http::Response& res);
  void get_zones(const http::Request& req, http::Response& res);
  void get_head(const http::Request& req, http::Response& res);
  void get_health(const http::Request& req, http::Response& res);
  // Incidents and alerts (incident_routes.cc).
  void list_incidents(const http::Request& req, http::Response& res);
  void get_incident(const http::Request& req, http::Response& res);
  void incident_stream(const http::Request& req, http::Response& res);
  void list_alerts(const http::Request& req, http::Response& res);
  void alert_stream(const http::Request& req, http::Response& res);
  void get_cot(const http::Request& req, http::Response& res);
  // Resuming a stream (Last-Event-ID).
  static int64_t last_event_id(const http::Request& req);
  std::vector<http::Event> missed_incidents(const Caller& who, int64_t last);
  std::vector<http::Event> missed_alerts(const Caller& who, int64_t last);
  // The transparency log, public (log_routes.cc; docs/log.md).
  void log_checkpoint(const http::Request& req, http::Response& res);
  void log_tile(const http::Request& req, http::Response& res);
  void log_inclusion(const http::Request& req, http::Response& res);
  void log_consistency(const http::Request& req, http::Response& res);

  store::NewRecord observation_record(const nlohmann::json& obj, const std::string& field_prefix,
                                      const std::string& kind, const Caller& who,
                                      const nlohmann::json& envelope = nullptr);
  // Signed reports (docs/log.md): the keys registered for a submitter, cached for kKeyCacheS.
  std::vector<tlog::DeviceKey> device_keys(const std::string& submitter);
  // The observation inside `item`: itself, or the payload of a DSSE envelope whose signature a key
  // of the submitter's verifies. A submitter with keys must sign; one without may not.
  nlohmann::json unwrap(const nlohmann::json& item, const std::string& prefix, const std::vector<tlog::DeviceKey>& keys,
                        nlohmann::json& envelope);
  void post_key(const http::Request& req, http::Response& res);
  bool may_read(const Caller& who, const store::Record& r) const;

  using Wrap = std::function<http::Handler(void (Api::*)(const http::Request&, http::Response&))>;
  // OGC API – Features (ogc_routes.cc; docs/ogc.md).
  void mount_ogc(http::Router& router, const Wrap& wrap);
  Caller ogc_reader(const http::Request& req);
  void ogc_landing(const http::Request& req, http::Response& res);
  void ogc_conformance(const http::Request& req, http::Response& res);
  void ogc_api(const http::Request& req, http::Response& res);
  void ogc_collections(const http::Request& req, http::Response& res);
  void ogc_collection(const http::Request& req, http::Response& res);
  void ogc_queryables(const http::Request& req, http::Response& res);
  void ogc_items(const http::Request& req, http::Response& res);
  void ogc_item(const http::Request& req, http::Response& res);
  // The collections `who` may read, with their extents as `who` sees them.
  std::vector<ogc::Collection> ogc_catalogue(const Caller& who);
  ogc::Collection ogc_collection_for(const Caller& who, const std::string& id);
  ogc::Page ogc_page(const Caller& who, const std::string& collection, const ogc::ItemQuery& q);
  std::vector<ogc::Feature> ogc_alerts(const Caller& who);
  // Google Earth (kml_routes.cc): a NetworkLink to the incidents the token may read, and them.
  void kml_live(const http::Request& req, http::Response& res);
  void kml_incidents(const http::Request& req, http::Response& res);
  std::string caller_token(const http::Request& req) const;

  const plan::ZoneMap& map_;
  const index::Locator& locator_;
  store::Store& store_;
  IncidentEngine* incidents_ = nullptr;
  LogPublisher* publisher_ = nullptr;
  const CotView* cot_ = nullptr;
  ApiOptions opt_;
  std::string zones_geojson_;  // rendered once
  std::vector<ogc::Feature> ogc_zones_, ogc_lines_;  // the plan's, made once

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
// `device_key` record of the log, unless the submitter has it already; returns its keyid. Throws
// std::invalid_argument for a bad key.
std::string register_device_key(store::Store& store, const std::string& submitter, const std::string& public_key_b64,
                                const std::string& device);

}  // namespace truceline::server
