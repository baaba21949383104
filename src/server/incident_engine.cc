#include "server/incident_engine.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "monitor/incident_json.h"
#include "monitor/observation.h"

namespace truceline::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t time_of(const json& inc, const char* key) { return monitor::parse_time_ms(inc.value(key, "")).value_or(0); }

// Every record of `kind` after `after_seq` up to `last_seq`, in chain order, a page at a time.
template <class Fn>
void each_record(store::Store& store, store::Query q, int page, int64_t last_seq, Fn fn) {
  q.limit = page;
  for (;;) {
    const std::vector<store::Record> recs = store.query(q);
    for (const auto& r : recs) {
      if (r.seq > last_seq) return;
      fn(r);
    }
    if (static_cast<int>(recs.size()) < page) return;
    q.after_seq = recs.back().seq;
  }
}

}  // namespace

int64_t incident_number(const std::string& id) {
  if (id.size() < 3 || id.compare(0, 2, "i-") != 0) return 0;
  int64_t n = 0;
  for (size_t i = 2; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9' || n > (INT64_MAX - 9) / 10) return 0;
    n = n * 10 + (id[i] - '0');
  }
  return n;
}

IncidentEngine::IncidentEngine(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store,
                               const IncidentEngineOptions& opt)
    : map_(map), locator_(locator), store_(store), opt_(opt), correlator_(map, locator, opt.correlate),
      incident_hub_(opt.sse), alert_hub_(opt.sse) {}

IncidentEngine::~IncidentEngine() { stop(); }

void IncidentEngine::set_alerts(alert::DeliveryLog* log, alert::WebhookSender* sender) {
  log_ = log, sender_ = sender;
  trigger_.emplace(map_.plan.alerts);
}

void IncidentEngine::start() {
  if (!try_lead()) {
    const int64_t head = store_.head().count;
    load_incidents(head);
    cursor_ = head;
  }
  thread_ = std::thread([this] { run(); });
}

void IncidentEngine::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  incident_hub_.close();
  alert_hub_.close();
}

void IncidentEngine::notify() {
  {
    std::lock_guard lock(wake_mu_);
    wake_ = true;
  }
  cv_.notify_one();
}

void IncidentEngine::sync() {
  std::unique_lock lock(wake_mu_);
  const int64_t ticket = ++wanted_;
  wake_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return done_ >= ticket || stopping_; });
}

void IncidentEngine::remember(const json& inc, const std::string& record_id) {
  const int64_t n = incident_number(inc.value("id", ""));
  std::lock_guard lock(mu_);
  Known& k = known_[n];
  k.latest = inc;
  k.revision = inc.value("revision", 0);
  k.first_ms = time_of(inc, "first_time"), k.last_ms = time_of(inc, "last_time");
  if (k.record_id.empty()) k.record_id = record_id;
}

// The chain as it stands: every incident's latest revision; then the observations of the last
// replay span run through the correlator again, each of its incidents taking the id of the
// recorded incident its observations were recorded in.
bool IncidentEngine::try_lead() {
  if (leading_) return true;
  if (may_lead_ && !may_lead_()) return false;
  rebuild();
  leading_ = true;
  return true;
}

void IncidentEngine::load_incidents(int64_t head) {
  store::Query q;
  q.kind = "incident";
  each_record(store_, q, opt_.page, head, [&](const store::Record& r) { remember(r.body, r.id); });
}

void IncidentEngine::rebuild() {
  const int64_t head = store_.head().count;
  load_incidents(head);
  store::Query q;
  int64_t t_max = INT64_MIN;
  for (const auto& [n, k] : known_) {
    next_number_ = std::max(next_number_, n + 1);
    t_max = std::max(t_max, k.last_ms);
    for (const auto& id : k.latest.value("observation_ids", std::vector<std::string>{})) recorded_in_[id] = k.latest["id"];
    if (trigger_) trigger_->remember(k.latest);
  }

  // Retractions carry no event time: all of them. Corrections replace their observation in place.
  std::set<std::string> retracted;
  std::unordered_map<std::string, json> corrected;
  q.kind = "retraction";
  each_record(store_, q, opt_.page, head, [&](const store::Record& r) { retracted.insert(r.target_id); });
  if (t_max != INT64_MIN) q.since_ms = t_max - opt_.replay_ms;
  q.kind = "correction";
  each_record(store_, q, opt_.page, head, [&](const store::Record& r) { corrected[r.target_id] = r.body["observation"]; });
  q.kind = "observation";
  each_record(store_, q, opt_.page, head, [&](const store::Record& r) {
    if (retracted.count(r.id)) return;
    const auto c = corrected.find(r.id);
    const json& obs = c != corrected.end() ? c->second : r.body["observation"];
    mark(correlator_.add(monitor::sighting_from_json(obs, r.id, map_.plan.monitoring)), r.id, true);
  });
  cursor_ = head;
}

void IncidentEngine::mark(const monitor::Incident& inc, const std::string& observation_id, bool replay) {
  auto it = service_id_.find(inc.id);
  if (replay) {
    const auto rec = recorded_in_.find(observation_id);
    if (rec != recorded_in_.end()) {
      if (it == service_id_.end()) service_id_.emplace(inc.id, rec->second);
      return;  // recorded before: nothing new
    }
  }
  if (it == service_id_.end()) it = service_id_.emplace(inc.id, "i-" + std::to_string(next_number_++)).first;
  pending_[it->second] = inc;
}

void IncidentEngine::take(const store::Record& r, bool replay) {
  const auto sighting = [&](const store::Record& rec, const std::string& id) {
    return monitor::sighting_from_json(rec.body["observation"], id, map_.plan.monitoring);
  };
  if (r.kind == "observation") {
    mark(correlator_.add(sighting(r, r.id)), r.id, replay);
  } else if (r.kind == "correction" || r.kind == "retraction") {
    // A report recorded in an incident the correlator no longer holds (before the replay span of
    // a restart): the incident stays as recorded rather than gain a second copy of the report.
    if (!correlator_.holds(r.target_id) && recorded_in_.count(r.target_id)) return;
    // The corrected report keeps the original's id: it is the same report, put right.
    if (const monitor::Incident* inc = correlator_.remove(r.target_id)) mark(*inc, "", replay);
    if (r.kind == "correction") mark(correlator_.add(sighting(r, r.target_id)), r.target_id, replay);
  }
}

void IncidentEngine::flush() {
  if (pending_.empty()) return;
  std::vector<store::NewRecord> records;
  records.reserve(pending_.size());
  for (const auto& [sid, inc] : pending_) {
    int revision = 1;
    {
      std::lock_guard lock(mu_);
      const auto k = known_.find(incident_number(sid));
      if (k != known_.end()) revision = k->second.revision + 1;
    }
    store::NewRecord rec;
    rec.kind = "incident";
    rec.target_id = sid;
    rec.submitter = "truceline";
    rec.body = monitor::incident_json(inc, sid, revision);
    // Only the event time goes into the index: the store checks the other index fields against
    // an observation's body, which an incident does not have.
    rec.index.time_ms = inc.first_ms;
    records.push_back(std::move(rec));
  }
  const store::AppendResult res = store_.append(records, "", "");
  pending_.clear();
  std::vector<alert::Alert> alerts;
  for (size_t i = 0; i < records.size(); ++i) {
    const json& inc = records[i].body;
    for (const auto& id : inc["observation_ids"]) recorded_in_[id.get<std::string>()] = inc["id"];
    remember(inc, res.ids.at(i));
    publish(inc, alerts);
  }
  // All of a flush's alerts logged in one transaction: a burst of violations costs one sync.
  if (log_) log_->add_alerts(alerts);
  for (const alert::Alert& a : alerts) {
    alert_hub_.publish("alert", alert::to_json(a), a.contingent);
    if (sender_) sender_->send(a);
  }
}

void IncidentEngine::publish(const json& inc, std::vector<alert::Alert>& alerts) {
  incident_hub_.publish("incident", inc, inc.value("responsible", ""));
  if (!trigger_) return;
  for (alert::Alert& a : trigger_->on_incident(inc, now_ms())) alerts.push_back(std::move(a));
}

void IncidentEngine::run() {
  // The lowest priority: during a burst of submissions ingest takes the cores and the engine
  // catches up after it (docs/benchmarks.md measures how long that takes); at nice 10 it still
  // took a seventh of two cores from a batch load. Linux nice values are per thread. Failure only
  // means the default priority.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  auto last_flush = Clock::now();
  for (;;) {
    int64_t ticket = 0;
    bool stopping = false;
    {
      std::unique_lock lock(wake_mu_);
      auto wait = std::chrono::milliseconds(opt_.poll_ms);
      if (!pending_.empty())
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  last_flush + std::chrono::milliseconds(opt_.flush_ms) - Clock::now()));
      if (wait.count() > 0) cv_.wait_for(lock, wait, [this] { return wake_ || stopping_; });
      wake_ = false;
      ticket = wanted_, stopping = stopping_;
    }
    try {
      if (!stopping) try_lead();
      store::Query q;
      q.kind = leading_ ? "" : "incident";
      q.after_seq = cursor_;
      each_record(store_, q, opt_.page, INT64_MAX, [&](const store::Record& r) {
        if (leading_) {
          take(r, false);
        } else {
          // Following the leading process: its revisions, as they land.
          remember(r.body, r.id);
          incident_hub_.publish("incident", r.body, r.body.value("responsible", ""));
        }
        cursor_ = r.seq;
      });
      const bool synced = ticket > done_;  // done_ is written by this thread only
      if (stopping || synced || Clock::now() - last_flush >= std::chrono::milliseconds(opt_.flush_ms)) {
        last_flush = Clock::now();  // before: a failed append is tried again a flush interval later
        flush();
      }
    } catch (const std::exception& e) {
      // The store failed (a lost connection, a full disk): what is pending stays pending and is
      // tried again at the next wake-up.
      std::cerr << "truceline: incidents: " << e.what() << "\n";
    }
    {
      std::lock_guard lock(wake_mu_);
      done_ = std::max(done_, ticket);
    }
    cv_.notify_all();
    if (stopping) return;
  }
}

}  // namespace truceline::server

namespace truceline::server {

std::vector<nlohmann::json> IncidentEngine::list(const IncidentFilter& f, int64_t* next) const {
  std::vector<nlohmann::json> out;
  if (next) *next = 0;
  std::lock_guard lock(mu_);
  for (auto it = known_.upper_bound(f.after); it != known_.end(); ++it) {
    const Known& k = it->second;
    const nlohmann::json& j = k.latest;
    if (j.value("n_observations", 0) == 0) continue;
    if (f.since_ms && k.last_ms < *f.since_ms) continue;
    if (f.until_ms && k.first_ms >= *f.until_ms) continue;
    if (!f.zone.empty() && j.value("zone", "") != f.zone) continue;
    if (!f.responsible.empty() && j.value("responsible", "") != f.responsible) continue;
    if (!f.event.empty() && j.value("event", "") != f.event) continue;
    if (static_cast<int>(out.size()) == f.limit) {
      if (next) *next = std::prev(it)->first;
      break;
    }
    out.push_back(j);
  }
  return out;
}

std::optional<nlohmann::json> IncidentEngine::get(const std::string& id) const {
  std::lock_guard lock(mu_);
  const auto it = known_.find(incident_number(id));
  if (it == known_.end()) return std::nullopt;
  return it->second.latest;
}

std::vector<nlohmann::json> IncidentEngine::revisions(const std::string& id) const {
  std::string record_id;
  {
    std::lock_guard lock(mu_);
    const auto it = known_.find(incident_number(id));
    if (it == known_.end()) return {};
    record_id = it->second.record_id;
  }
  std::vector<nlohmann::json> out;
  for (const auto& r : store_.history(record_id))
    if (r.kind == "incident" && r.target_id == id) out.push_back(r.body);
  return out;
}

}  // namespace truceline::server
