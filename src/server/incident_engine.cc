#include "server/incident_engine.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>

#include "monitor/incident_json.h"
#include "monitor/observation.h"
#include "monitor/sighting.h"
#include "plan/severity.h"

namespace truceline::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t time_of(const json& inc, const char* key) { return monitor::parse_time_ms(inc.value(key, "")).value_or(0); }

int gravest_severity(const json& inc) {
  int rank = 0;
  if (inc.contains("violations") && inc["violations"].is_array())
    for (const json& v : inc["violations"]) rank = std::max(rank, plan::severity_rank(v.value("severity", "")));
  return rank;
}

// Every record of `kind` after `after_seq` up to `last_seq`, in chain order, a page at a time;
// before_page() is called before each query.
template <class Fn>
void each_record(store::Store& store, store::Query q, int page, int64_t last_seq, Fn fn, const std::function<void()>& before_page = {}) {
  q.limit = page;
  for (;;) {
    if (before_page) before_page();
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
    : map_(map), store_(store), opt_(opt), correlator_(map, locator, opt.correlate),
      incident_hub_(opt.sse), alert_hub_(opt.sse) {}

IncidentEngine::~IncidentEngine() { stop(); }

void IncidentEngine::set_alerts(alert::WebhookSender* sender) {
  sender_ = sender;
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

void IncidentEngine::ingest_begin() {
  std::lock_guard lock(wake_mu_);
  ++ingesting_;
}

void IncidentEngine::ingest_end() {
  {
    std::lock_guard lock(wake_mu_);
    --ingesting_;
    wake_ = true;
  }
  cv_.notify_all();  // the loop's wait and defer() wait on the same variable
}

void IncidentEngine::defer() {
  std::unique_lock lock(wake_mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(opt_.defer_ms),
               [this] { return ingesting_ == 0 || stopping_ || wanted_ > done_; });
}

void IncidentEngine::sync() {
  std::unique_lock lock(wake_mu_);
  const int64_t ticket = ++wanted_;
  wake_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return done_ >= ticket || stopping_; });
}

// Incidents are numbered one after another, and the summaries are a vector indexed by number: a
// number this far beyond the last is not one the engine gave (a record edited by hand) and is
// left out rather than allocated for.
constexpr int64_t kMaxNumberGap = 1'000'000;

uint32_t IncidentEngine::name(const std::string& s) {
  const auto [it, added] = name_ix_.emplace(s, static_cast<uint32_t>(names_.size()));
  if (added) names_.push_back(s);
  return it->second;
}

const IncidentEngine::Known* IncidentEngine::known(int64_t n) const {
  if (n <= 0 || n > static_cast<int64_t>(known_.size()) || known_[n - 1].seq == 0) return nullptr;
  return &known_[n - 1];
}

void IncidentEngine::remember(const json& inc, int64_t seq) {
  const int64_t n = incident_number(inc.value("id", ""));
  std::lock_guard lock(mu_);
  if (n <= 0 || n > static_cast<int64_t>(known_.size()) + kMaxNumberGap) {
    std::cerr << "truceline: incidents: record " << store::id_of_seq(seq) << " names incident '"
              << inc.value("id", "") << "', not one this engine numbered; left out\n";
    return;
  }
  if (static_cast<int64_t>(known_.size()) < n) known_.resize(n);
  Known& k = known_[n - 1];
  k.seq = seq;
  k.revision = inc.value("revision", 0);
  k.n_observations = inc.value("n_observations", 0);
  k.first_ms = time_of(inc, "first_time"), k.last_ms = time_of(inc, "last_time");
  k.zone = name(inc.value("zone", "")), k.responsible = name(inc.value("responsible", "")), k.event = name(inc.value("event", ""));
  k.has_fix = inc.contains("lat") && inc["lat"].is_number() && inc.contains("lon") && inc["lon"].is_number();
  if (k.has_fix) k.lat = inc["lat"].get<double>(), k.lon = inc["lon"].get<double>();
  k.severity = static_cast<uint8_t>(gravest_severity(inc));
  cache_[n] = inc;
  while (cache_.size() > opt_.cached) cache_.erase(cache_.begin());
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
  each_record(store_, q, opt_.page, head, [&](const store::Record& r) { remember(r.body, r.seq); });
}

void IncidentEngine::rebuild() {
  const int64_t head = store_.head().count;
  load_incidents(head);
  int64_t t_max = INT64_MIN;
  {
    std::lock_guard lock(mu_);
    next_number_ = static_cast<int64_t>(known_.size()) + 1;
    for (const Known& k : known_)
      if (k.seq) t_max = std::max(t_max, k.last_ms);
  }
  store::Query q;
  if (t_max != INT64_MIN) {
    // The incidents the replay can touch: their last report lies within the replay span. The time
    // index holds first times, and no incident spans more than a replay span.
    q.kind = "incident";
    q.since_ms = t_max - 2 * opt_.replay_ms;
    std::unordered_map<std::string, json> recent;
    each_record(store_, q, opt_.page, head, [&](const store::Record& r) {
      if (time_of(r.body, "last_time") >= t_max - opt_.replay_ms) recent[r.target_id] = r.body;
    });
    for (const auto& [id, inc] : recent) {
      for (const auto& o : inc.value("observation_ids", std::vector<std::string>{})) recorded_in_[o] = id;
      if (trigger_) trigger_->remember(inc);
    }
  }

  // Retractions carry no event time: all of them. Corrections replace their observation in place.
  std::set<std::string> retracted;
  std::unordered_map<std::string, json> corrected;
  q.since_ms.reset();
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
    if (const auto s = sighting(obs, r.id)) mark(correlator_.add(*s), r.id, true);
  });
  recorded_in_.clear();
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

// Records were validated on the way in; one that no longer parses was edited outside the service
// (verify names it) and is left out of the incidents rather than correlated from half its fields.
std::optional<monitor::Sighting> IncidentEngine::sighting(const json& observation, const std::string& id) const {
  try {
    return monitor::stored_sighting(observation, id, monitor::PlaceOptions::of(map_.plan.monitoring));
  } catch (const monitor::ValidationError& e) {
    std::cerr << "truceline: incidents: record " << id << " left out: its observation does not parse: " << e.what() << "\n";
    return std::nullopt;
  }
}

void IncidentEngine::take(const store::Record& r, bool replay) {
  if (r.kind == "observation") {
    if (const auto s = sighting(r.body["observation"], r.id)) mark(correlator_.add(*s), r.id, replay);
  } else if (r.kind == "correction" || r.kind == "retraction") {
    // A report whose incident the correlator no longer holds (closed and forgotten, or before the
    // replay span of a restart): the incident stays as recorded rather than gain a second copy of
    // the report (docs/incidents.md, Late corrections).
    if (!correlator_.holds(r.target_id)) return;
    // The corrected report keeps the original's id: it is the same report, put right.
    if (const monitor::Incident* inc = correlator_.remove(r.target_id)) mark(*inc, "", replay);
    if (r.kind == "correction")
      if (const auto s = sighting(r.body["observation"], r.target_id)) mark(correlator_.add(*s), r.target_id, replay);
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
      if (const Known* k = known(incident_number(sid))) revision = k->revision + 1;
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
    const int64_t seq = store::seq_of_id(res.ids.at(i));
    remember(inc, seq);
    publish(inc, seq, alerts);
  }
  record_alerts(alerts);
  for (const alert::Alert& a : alerts) {
    // The alert's number is its event id: a reader resumes from the outbox after it.
    alert_hub_.publish("alert", alert::to_json(a), a.contingent, alert::alert_number(a.id));
    if (sender_) sender_->send(a);
  }
}

// All of a flush's alerts go into the outbox in one transaction (a burst of violations costs one
// sync), before anything is streamed or sent: what a receiver or a stream sees has its id and
// survives a restart.
void IncidentEngine::record_alerts(std::vector<alert::Alert>& alerts) {
  if (!sender_) return alert::record_alerts(store_, alerts, nullptr);
  alert::record_alerts(store_, alerts, [this](const std::string& c) { return sender_->has_webhook(c); });
}

// Called right after a flush, with nothing pending: an incident forgotten here is never revised
// again, so nothing it leaves behind can come back.
void IncidentEngine::forget_closed() {
  for (const monitor::Incident& inc : correlator_.forget_closed()) {
    const auto it = service_id_.find(inc.id);
    if (it == service_id_.end()) continue;
    if (trigger_) trigger_->forget(it->second);
    service_id_.erase(it);
  }
}

void IncidentEngine::on_revision(std::function<void(const json&, int64_t)> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void IncidentEngine::stream(const json& inc, int64_t seq) {
  incident_hub_.publish("incident", inc, inc.value("responsible", ""), seq);
  std::lock_guard lock(listeners_mu_);
  for (const auto& listener : listeners_) listener(inc, seq);
}

// The revision's record number is its event id: a reader resumes from the record after it.
void IncidentEngine::publish(const json& inc, int64_t seq, std::vector<alert::Alert>& alerts) {
  stream(inc, seq);
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
    // Appends the pending revisions when `now` or when a flush interval has passed.
    const auto flush_if = [&](bool now) {
      if (!now && Clock::now() - last_flush < std::chrono::milliseconds(opt_.flush_ms)) return;
      last_flush = Clock::now();  // before: a failed append is tried again a flush interval later
      flush();
      if (leading_) forget_closed();
    };
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
          remember(r.body, r.seq);
          stream(r.body, r.seq);
        }
        cursor_ = r.seq;
      }, [&] {
        flush_if(false);  // a long catch-up still makes its revisions durable every flush interval
        defer();
      });
      flush_if(stopping || ticket > done_);  // done_ is written by this thread only
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

json IncidentEngine::cached(int64_t n) const {
  const auto c = cache_.find(n);
  return c != cache_.end() ? c->second : json();
}

// Widens the page's extent to take in incident `k` (the first match: `first`).
void IncidentEngine::extend(IncidentPage& p, const Known& k, bool first) {
  p.first_ms = first ? k.first_ms : std::min(p.first_ms, k.first_ms);
  p.last_ms = first ? k.last_ms : std::max(p.last_ms, k.last_ms);
  if (!k.has_fix) return;
  if (!p.placed) p.min_lon = p.max_lon = k.lon, p.min_lat = p.max_lat = k.lat, p.placed = true;
  p.min_lon = std::min(p.min_lon, k.lon), p.max_lon = std::max(p.max_lon, k.lon);
  p.min_lat = std::min(p.min_lat, k.lat), p.max_lat = std::max(p.max_lat, k.lat);
}

std::vector<nlohmann::json> IncidentEngine::list(const IncidentFilter& f, int64_t* next) const {
  IncidentPage p = page(f);
  if (next) *next = p.next;
  return std::move(p.incidents);
}

IncidentPage IncidentEngine::page(const IncidentFilter& f) const {
  IncidentPage out;
  // Matched under the lock from the summaries; what is not cached is read afterwards, so that a
  // slow store never holds up the engine.
  struct Hit {
    int64_t n, seq;
    json body;  // null: read the record at seq
  };
  std::deque<Hit> found;
  bool more_before = false, more_after = false;
  {
    std::lock_guard lock(mu_);
    const auto ix = [&](const std::string& s) -> std::optional<uint32_t> {
      const auto it = name_ix_.find(s);
      return it == name_ix_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
    };
    const auto zone = ix(f.zone), responsible = ix(f.responsible), event = ix(f.event);
    const int severity = plan::severity_rank(f.severity);
    if (!zone || !responsible || !event || (!f.severity.empty() && severity == 0)) return out;  // a name no incident has
    const auto matches = [&](const Known& k) {
      if (k.seq == 0 || k.n_observations == 0) return false;
      if (f.since_ms && k.last_ms < *f.since_ms) return false;
      if (f.until_ms && k.first_ms >= *f.until_ms) return false;
      if ((!f.zone.empty() && k.zone != *zone) || (!f.responsible.empty() && k.responsible != *responsible) ||
          (!f.event.empty() && k.event != *event) || (severity && k.severity != severity))
        return false;
      if (f.min_lon && (!k.has_fix || k.lon < *f.min_lon || k.lon > *f.max_lon || k.lat < *f.min_lat || k.lat > *f.max_lat))
        return false;
      return true;
    };
    const size_t limit = static_cast<size_t>(std::max(f.limit, 0));
    for (int64_t n = 1; n <= static_cast<int64_t>(known_.size()); ++n) {
      const Known& k = known_[n - 1];
      if (!matches(k)) continue;
      extend(out, k, out.matched == 0);
      ++out.matched;
      if (f.before > 0) {
        // Backwards: the last `limit` below the cursor.
        if (n >= f.before) {
          more_after = true;
          continue;
        }
        found.push_back({n, k.seq, json()});
        if (found.size() > limit) found.pop_front(), more_before = true;
      } else if (n <= f.after) {
        more_before = true;
      } else if (found.size() < limit) {
        found.push_back({n, k.seq, json()});
      } else {
        more_after = true;
      }
    }
    for (Hit& h : found) h.body = cached(h.n);
  }
  if (more_after && !found.empty()) out.next = found.back().n;
  if (more_before && !found.empty()) out.prev = found.front().n;
  out.incidents.reserve(found.size());
  for (Hit& h : found) out.incidents.push_back(h.body.is_null() ? read_latest(h.seq) : std::move(h.body));
  return out;
}

nlohmann::json IncidentEngine::read_latest(int64_t seq) const {
  const auto rec = store_.get(store::id_of_seq(seq));
  if (!rec || rec->kind != "incident")
    throw store::StoreError("incident record " + store::id_of_seq(seq) + " is missing from the chain; run truceline verify");
  return rec->body;
}

std::optional<nlohmann::json> IncidentEngine::get(const std::string& id) const {
  int64_t seq = 0;
  {
    std::lock_guard lock(mu_);
    const int64_t n = incident_number(id);
    const Known* k = known(n);
    if (!k) return std::nullopt;
    if (json j = cached(n); !j.is_null()) return j;
    seq = k->seq;
  }
  return read_latest(seq);
}

std::vector<nlohmann::json> IncidentEngine::revisions(const std::string& id) const {
  int64_t seq = 0;
  {
    std::lock_guard lock(mu_);
    const Known* k = known(incident_number(id));
    if (!k) return {};
    seq = k->seq;
  }
  std::vector<nlohmann::json> out;
  for (const auto& r : store_.history(store::id_of_seq(seq)))
    if (r.kind == "incident" && r.target_id == id) out.push_back(r.body);
  return out;
}

}  // namespace truceline::server
