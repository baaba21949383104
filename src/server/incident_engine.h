#pragma once
// Incidents in the live service (docs/incidents.md, The service): a background thread tails the
// hash chain, feeds every new observation, correction and retraction to a monitor::Correlator,
// and appends each new incident and each revision to the chain as a record of kind "incident"
// (body: the INCIDENT JSON of docs/api.md; target_id: the incident id, so that store history()
// of any revision lists them all). Revisions are batched: at most one append every flush
// interval, for all incidents revised since the last. Only what is durable is shown: the list,
// the SSE streams and the alerts follow the appends.
//
// It sits off the ingest path: an append only wakes the thread (notify()), which reads what was
// appended back from the store. So it also sees what other serve processes append.
//
// On start it rebuilds its state from the chain: the latest revision of every incident, the next
// incident number, and a correlator replayed over the observations of the last correlation span,
// matched to the incidents already recorded, so that nothing already correlated is recorded twice.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "alert/alert.h"
#include "alert/outbox.h"
#include "alert/webhook.h"
#include "index/locator.h"
#include "monitor/correlate.h"
#include "plan/zone_map.h"
#include "server/sse.h"
#include "store/store.h"

namespace truceline::server {

struct IncidentEngineOptions {
  monitor::CorrelateOptions correlate;
  // At most one append of revisions this often. DEFAULT: 250 ms.
  int flush_ms = 250;
  // Looks at the chain this often without a notify(), for records of other processes. DEFAULT: 1 s.
  int poll_ms = 1000;
  // Records read from the store per query. DEFAULT: 1,000.
  int page = 1000;
  // While the API is writing submissions the engine waits, up to this long, before each page it
  // reads: its appends would share the one writer and the disk with them, so during a burst
  // ingest comes first and the engine catches up after; under ingest that never pauses it still
  // takes a page this often. DEFAULT: 2 s.
  int defer_ms = 2000;
  // On start, observations whose event time lies within this of the latest incident's are
  // replayed. DEFAULT: 40 min, more than an incident can stay open (window + repeat window +
  // window, 21 min with the default window) with room for late reports.
  int64_t replay_ms = 40 * 60'000;
  // Latest revisions kept in memory as JSON, besides those of incidents still open; older ones are
  // read back from the store when asked for. DEFAULT: 4,096 (a few MB).
  size_t cached = 4096;
  SseHub::Options sse;
};

struct IncidentFilter {
  std::optional<int64_t> since_ms, until_ms;  // on last_time (inclusive) and first_time (exclusive)
  std::string zone, responsible, event;
  std::string severity;  // the gravest rule broken (low … critical); "" for any
  // A box on the position (lon/lat, edges included); an incident without a position is outside.
  std::optional<double> min_lon, min_lat, max_lon, max_lat;
  int limit = 100;
  int64_t after = 0;   // cursor: incidents numbered above this
  int64_t before = 0;  // > 0: the last `limit` incidents numbered below this instead (a page back)
};

// One page of list(), with what a client pages by.
struct IncidentPage {
  std::vector<nlohmann::json> incidents;  // latest revisions, in incident order
  int64_t matched = 0;  // incidents matching the filter, the cursor and the limit aside
  int64_t next = 0;     // more follow: the number of the page's last incident (an `after`)
  int64_t prev = 0;     // more precede: the number of the page's first incident (a `before`)
  // The extent of every match: the box of their positions (when `placed`) and their times.
  bool placed = false;
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
  int64_t first_ms = 0, last_ms = 0;
};

class IncidentEngine {
 public:
  // The map, locator and store must outlive the engine. `alerts` may be null: no alerts.
  IncidentEngine(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store,
                 const IncidentEngineOptions& opt = {});
  ~IncidentEngine();
  IncidentEngine(const IncidentEngine&) = delete;
  IncidentEngine& operator=(const IncidentEngine&) = delete;

  // Alerts from the plan's [alerts], recorded in the store's outbox (alert/outbox.h) and streamed;
  // `sender` (may be null: no webhooks, every alert recorded with status "none") is woken for
  // those of contingents it has a webhook for. Call before start(); the sender must outlive the
  // engine.
  void set_alerts(alert::WebhookSender* sender);
  // Several processes on one database: `may_lead` (called on the engine's thread, before start
  // and then on every round until it answers true) says whether this process may run the
  // correlator. Until it may, the engine follows: it reads the incident records the leading
  // process appends, for the list and the incident stream, and raises no alerts. Call before start().
  void set_leadership(std::function<bool()> may_lead) { may_lead_ = std::move(may_lead); }
  // Rebuilds from the chain and starts the thread.
  void start();
  // Stops the thread after a last flush; ends every stream.
  void stop();
  // Something was appended: look at the chain now. Cheap; never blocks on the engine's work.
  void notify();
  // The API brackets each append of submissions with these (IngestScope); the engine defers
  // while one is under way (defer_ms). ingest_end() also notifies.
  void ingest_begin();
  void ingest_end();
  // Blocks until every record appended before the call is correlated and its revisions are
  // durable and published (tests; an orderly shutdown).
  void sync();
  // The chain record the engine has read through (health: how far behind ingest it is).
  int64_t read_through() const { return cursor_.load(); }

  // The latest revision of each incident matching `f`, in incident order; `next` is set when
  // more remain. Incidents left with no observation (all retracted) are left out.
  std::vector<nlohmann::json> list(const IncidentFilter& f, int64_t* next = nullptr) const;
  // The same, with the count of all matches and the cursors either way. Numbers only grow, so a
  // cursor stays on its place while incidents are added or revised.
  IncidentPage page(const IncidentFilter& f) const;
  // The latest revision, or nullopt.
  std::optional<nlohmann::json> get(const std::string& id) const;
  // Every revision, oldest first (from the chain).
  std::vector<nlohmann::json> revisions(const std::string& id) const;

  SseHub& incident_events() { return incident_hub_; }
  // Also hands every revision the incident stream carries from now on to `listener`, on the
  // engine's thread, with its record's seq (the CoT feed). It must not block, and must outlive
  // the engine's thread (stop()).
  void on_revision(std::function<void(const nlohmann::json&, int64_t)> listener);
  SseHub& alert_events() { return alert_hub_; }

 private:
  // What list() filters on, for every incident: a few dozen bytes, so that a service running for
  // months holds its incidents' summaries, not their JSON. The JSON is the record at `seq`.
  struct Known {
    int64_t seq = 0;  // the record of the latest revision; 0: no such incident
    int64_t first_ms = 0, last_ms = 0;
    double lat = 0, lon = 0;  // when has_fix
    int32_t revision = 0, n_observations = 0;
    uint32_t zone = 0, responsible = 0, event = 0;  // in names_
    uint8_t severity = 0;  // plan::severity_rank of the gravest rule broken; 0 for none
    bool has_fix = false;
  };
  static void extend(IncidentPage& p, const Known& k, bool first);
  void rebuild();
  void load_incidents(int64_t head);
  bool try_lead();
  void run();
  void take(const store::Record& r, bool replay);
  std::optional<monitor::Sighting> sighting(const nlohmann::json& observation, const std::string& id) const;
  void mark(const monitor::Incident& inc, const std::string& observation_id, bool replay);
  void flush();
  // To the incident stream's readers and the listeners.
  void stream(const nlohmann::json& incident, int64_t seq);
  // Streams the incident and adds the alerts it raises to `alerts`.
  void publish(const nlohmann::json& incident, int64_t seq, std::vector<alert::Alert>& alerts);
  // Gives the alerts their ids in the outbox.
  void record_alerts(std::vector<alert::Alert>& alerts);
  void remember(const nlohmann::json& incident, int64_t seq);
  void forget_closed();
  void defer();  // waits while submissions are being appended (defer_ms at most)
  // Under mu_.
  const Known* known(int64_t n) const;
  uint32_t name(const std::string& s);
  nlohmann::json cached(int64_t n) const;  // null when not cached
  nlohmann::json read_latest(int64_t seq) const;  // from the store

  const plan::ZoneMap& map_;
  store::Store& store_;
  IncidentEngineOptions opt_;
  monitor::Correlator correlator_;

  // Engine thread only.
  std::atomic<int64_t> cursor_ = 0;                          // last seq looked at
  std::unordered_map<std::string, std::string> service_id_;  // correlator id → "i-N", while it holds it
  std::unordered_map<std::string, std::string> recorded_in_; // rebuild only: observation → incident recorded
  std::map<std::string, monitor::Incident> pending_;         // service id → revision not yet appended
  int64_t next_number_ = 1;
  std::optional<alert::Trigger> trigger_;
  alert::WebhookSender* sender_ = nullptr;
  std::function<bool()> may_lead_;
  bool leading_ = false;

  // Shared with readers.
  mutable std::mutex mu_;
  std::vector<Known> known_;                   // [incident number − 1]
  std::vector<std::string> names_{""};         // zones, contingents, events
  std::unordered_map<std::string, uint32_t> name_ix_{{"", 0}};
  std::map<int64_t, nlohmann::json> cache_;    // incident number → latest revision, the newest ones
  // Wake-ups: apart from mu_, so that notify() on the ingest path never waits for a reader.
  std::mutex wake_mu_;
  std::condition_variable cv_;
  bool wake_ = false, stopping_ = false;
  int64_t wanted_ = 0, done_ = 0;  // sync(): tickets asked and served
  int ingesting_ = 0;              // appends of submissions under way
  std::thread thread_;

  SseHub incident_hub_, alert_hub_;
  std::mutex listeners_mu_;
  std::vector<std::function<void(const nlohmann::json&, int64_t)>> listeners_;
};

// Marks an append of submissions for the engine (none: nothing to mark).
class IngestScope {
 public:
  explicit IngestScope(IncidentEngine* e) : e_(e) {
    if (e_) e_->ingest_begin();
  }
  ~IngestScope() {
    if (e_) e_->ingest_end();
  }
  IngestScope(const IngestScope&) = delete;
  IngestScope& operator=(const IngestScope&) = delete;

 private:
  IncidentEngine* e_;
};

// "i-17" → 17; 0 when malformed.
int64_t incident_number(const std::string& id);

}  // namespace truceline::server
