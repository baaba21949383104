#include "report/daily_record.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace truceline::report {
namespace {

constexpr int kPage = 2000;

std::optional<double> number_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every record of one kind up to max_seq, in chain order, page by page.
template <class Visit>
void each_record(store::Store& store, store::Query q, int64_t max_seq, Visit visit) {
  q.limit = kPage;
  for (;;) {
    const auto page = store.query(q);
    for (const auto& r : page) {
      if (r.seq > max_seq) return;
      visit(r);
    }
    if (static_cast<int>(page.size()) < kPage) return;
    q.after_seq = page.back().seq;
  }
}

struct Amendment {
  int64_t seq = 0;
  bool retracted = false;
  nlohmann::json observation;  // the corrected observation
};

// The last amendment of each observation up to max_seq.
std::map<std::string, Amendment> amendments(store::Store& store, int64_t max_seq) {
  std::map<std::string, Amendment> out;
  for (const char* kind : {"correction", "retraction"}) {
    store::Query q;
    q.kind = kind;
    each_record(store, q, max_seq, [&](const store::Record& r) {
      Amendment& a = out[r.target_id];
      if (r.seq < a.seq) return;
      a.seq = r.seq;
      a.retracted = r.kind == "retraction";
      a.observation = a.retracted ? nlohmann::json() : r.body.value("observation", nlohmann::json::object());
    });
  }
  return out;
}

}  // namespace

monitor::Sighting sighting_from_observation(const nlohmann::json& o, const std::string& id,
                                            const plan::MonitoringDefaults& sigma) {
  monitor::Sighting s;
  s.id = id;
  s.time_ms = o.value("time_ms", int64_t{0});
  s.event = text_at(o, "event");
  s.explosion_type = text_at(o, "explosion_type");
  s.mode = text_at(o, "mode");
  s.weapon = text_at(o, "weapon");
  s.weapon_class = text_at(o, "weapon_class");
  s.observer_id = text_at(o, "observer_id");
  s.count = o.value("count", 1);
  const auto olat = number_at(o, "observer_lat"), olon = number_at(o, "observer_lon");
  if (olat && olon) s.observer = geo::LonLat{*olon, *olat};
  s.bearing_deg = number_at(o, "bearing_deg");
  // As the offline reader does: a bearing of unknown mode gets the wider σ.
  s.bearing_sigma_deg = s.mode == "saw" || s.mode == "recorded" ? sigma.bearing_sigma_saw_deg : sigma.bearing_sigma_heard_deg;
  const auto lo = number_at(o, "range_min_km"), hi = number_at(o, "range_max_km");
  if (lo && hi) s.range_min_m = *lo * 1000, s.range_max_m = *hi * 1000;
  const auto lat = number_at(o, "lat"), lon = number_at(o, "lon");
  if (lat && lon) s.position = geo::LonLat{*lon, *lat};
  return s;
}

store::ChainHead head_at(store::Store& store, int64_t cutoff_ms) {
  const store::ChainHead now = store.head();
  store::ChainHead out;
  out.hash = std::string(64, '0');
  if (now.count == 0) return out;
  if (now.received_ms < cutoff_ms) return now;
  // The largest seq received before the cut-off, in [0, count).
  int64_t lo = 0, hi = now.count;  // invariant: seq lo is before (0: nothing), seq hi is not
  std::optional<store::Record> best;
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    auto r = store.get(store::id_of_seq(mid));
    if (!r) throw store::StoreError("record o-" + std::to_string(mid) + " is missing from the chain; run truceline verify");
    if (r->received_ms < cutoff_ms) lo = mid, best = std::move(r);
    else hi = mid;
  }
  if (lo == 0) return out;
  if (!best || best->seq != lo) best = store.get(store::id_of_seq(lo));
  out.count = lo;
  out.hash = best->hash;
  out.received_ms = best->received_ms;
  return out;
}

std::vector<monitor::Sighting> read_sightings(store::Store& store, int64_t since_ms, int64_t until_ms, int64_t max_seq,
                                              const plan::MonitoringDefaults& sigma) {
  const auto amended = amendments(store, max_seq);
  const auto in_period = [&](const monitor::Sighting& s) { return s.time_ms >= since_ms && s.time_ms < until_ms; };
  std::vector<monitor::Sighting> out;
  std::set<std::string> seen;
  store::Query q;
  q.since_ms = since_ms, q.until_ms = until_ms;
  each_record(store, q, max_seq, [&](const store::Record& r) {
    seen.insert(r.id);
    const auto a = amended.find(r.id);
    if (a == amended.end()) {
      out.push_back(sighting_from_observation(r.body.value("observation", nlohmann::json::object()), r.id, sigma));
      return;
    }
    if (a->second.retracted) return;
    auto s = sighting_from_observation(a->second.observation, r.id, sigma);
    if (in_period(s)) out.push_back(std::move(s));
  });
  // Corrections that moved an observation into the period from outside it.
  for (const auto& [target, a] : amended) {
    if (a.retracted || seen.count(target)) continue;
    auto s = sighting_from_observation(a.observation, target, sigma);
    if (in_period(s)) out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const monitor::Sighting& a, const monitor::Sighting& b) { return a.time_ms < b.time_ms; });
  return out;
}

int64_t count_observations_after(store::Store& store, int64_t since_ms, int64_t until_ms, int64_t after_seq) {
  store::Query q;
  q.since_ms = since_ms, q.until_ms = until_ms, q.after_seq = after_seq;
  int64_t n = 0;
  each_record(store, q, std::numeric_limits<int64_t>::max(), [&](const store::Record&) { ++n; });
  return n;
}

DailyReport make_daily_report(store::Store& store, const plan::ZoneMap& map, const index::Locator& locator,
                              const DayWindow& day, std::optional<int64_t> cutoff_ms, const DailyOptions& opt) {
  const int64_t cutoff = cutoff_ms.value_or(day.end_ms);
  const store::ChainHead head = head_at(store, cutoff);
  const DayWindow period = trend_period(day, opt);
  const auto obs = read_sightings(store, period.start_ms - opt.correlate.window_ms, period.end_ms, head.count,
                                  map.plan.monitoring);
  DailyReport r = build_daily_report(map, locator, obs, day, opt);
  r.cutoff_ms = cutoff;
  r.head = head;
  r.late_observations = count_observations_after(store, day.start_ms, day.end_ms, head.count);
  return r;
}

}  // namespace truceline::report
