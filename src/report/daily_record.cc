#include "report/daily_record.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "monitor/sighting.h"

namespace truceline::report {
namespace {

constexpr int kPage = 2000;

// A stored observation read back, as every reader of the record does (monitor/sighting.h).
monitor::Sighting sighting(const nlohmann::json& observation, const std::string& id, const plan::MonitoringDefaults& sigma) {
  try {
    return monitor::stored_sighting(observation, id, monitor::PlaceOptions::of(sigma));
  } catch (const monitor::ValidationError& e) {
    throw store::StoreError("record " + id + ": the stored observation does not parse: " + e.what());
  }
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
      out.push_back(sighting(r.body.value("observation", nlohmann::json::object()), r.id, sigma));
      return;
    }
    if (a->second.retracted) return;
    auto s = sighting(a->second.observation, r.id, sigma);
    if (in_period(s)) out.push_back(std::move(s));
  });
  // Corrections that moved an observation into the period from outside it.
  for (const auto& [target, a] : amended) {
    if (a.retracted || seen.count(target)) continue;
    auto s = sighting(a.observation, target, sigma);
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
