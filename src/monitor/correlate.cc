// Correlation of observations into incidents (see correlate.h and docs/incidents.md).
//
// Each observation is first located on its own (locate() on it alone: a point and a 1σ ellipse,
// long along a bearing without a range). It may join an open incident when
//   - their events agree (every explosion type is one event, "explosion"; heard and saw mix),
//   - its time lies within the window of every earlier report of the incident,
//   - the two positions agree: for a report with a bearing, the incident's fix lies near its
//     bearing line (and band); otherwise the Mahalanobis distance between the two fixes, with the
//     sum of their covariances, is small — both within gate_sigma taken as a χ² test of one or two
//     degrees of freedom (gate2), and
//   - the incident holds no other report of its observer: one observer reporting twice is one
//     event reported twice (a repeat: same content within 15 min; it joins without moving the
//     fix) or two events (anything else: it cannot join).
// Of the incidents it may join it joins the nearest in that Mahalanobis sense; else it opens one.
// The incident is then located again from all its reports (repeats counted once).
//
// Speed: open incidents sit in a grid of 0.1° cells by their position, so an observation looks
// only at the cells its gate can reach; incidents whose ellipse is too wide for that sit in a short
// list looked at every time. Incidents close once no report can join them any more.
#include "monitor/correlate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <numbers>
#include <string_view>
#include <unordered_map>

#include "io/csv.h"
#include "monitor/observation.h"

namespace truceline::monitor {

namespace {

constexpr double kDeg = std::numbers::pi / 180;
constexpr double kMPerDegLat = 111'000;  // enough for gating; positions come from locate()
constexpr double kCellDeg = 0.1;
// A repeated report (same observer, same content) arrives up to minutes after the first: it
// joins the first's incident within this long of it. DEFAULT: 15 min, as patrols re-send a report
// when the first got no acknowledgement (the simulator's repeats come 2–10 min late).
constexpr int64_t kRepeatWindowMs = 15 * 60'000;
// Incidents whose 1σ major axis exceeds this are looked at by every observation rather than
// found through the grid. A lone heard bearing without range has a major axis of about 4 km.
constexpr double kGridMajorM = 6000;

// A 2×2 covariance on the local east/north plane, m².
struct Cov {
  double xx = 0, yy = 0, xy = 0;
};

Cov covariance(const Ellipse& e) {
  const double t = e.azimuth_deg * kDeg, a2 = e.major_m * e.major_m, b2 = e.minor_m * e.minor_m;
  const double ux = std::sin(t), uy = std::cos(t);  // along the major axis
  const double vx = std::cos(t), vy = -std::sin(t);
  return {a2 * ux * ux + b2 * vx * vx, a2 * uy * uy + b2 * vy * vy, a2 * ux * uy + b2 * vx * vy};
}

// Squared Mahalanobis distance between two fixes with the sum of their covariances.
double mahalanobis2(const Fix& a, const Cov& ca, const Fix& b, const Cov& cb) {
  const double dx = (b.pos.lon - a.pos.lon) * kMPerDegLat * std::cos(0.5 * (a.pos.lat + b.pos.lat) * kDeg);
  const double dy = (b.pos.lat - a.pos.lat) * kMPerDegLat;
  const double xx = ca.xx + cb.xx + 1, yy = ca.yy + cb.yy + 1, xy = ca.xy + cb.xy;  // +1 m²: never singular
  const double det = xx * yy - xy * xy;
  return (yy * dx * dx - 2 * xy * dx * dy + xx * dy * dy) / det;
}

// Squared distance, in σ, of a fix from a report's bearing line: across the line, with the bearing's
// σ at that distance and the fix's own spread across it; along it, from the middle of the report's
// range band, with half the band and the fix's spread along it (no band: no such term). Better
// than comparing the report's own fix, whose position along the bearing is only a guess when it
// gives no range. A fix behind the observer, or further than any report reaches, does not fit.
double bearing_distance2(const Sighting& s, const Fix& fix, const Cov& c) {
  constexpr double kMaxRangeM = 30'000;
  const double dx = (fix.pos.lon - s.observer->lon) * kMPerDegLat * std::cos(0.5 * (fix.pos.lat + s.observer->lat) * kDeg);
  const double dy = (fix.pos.lat - s.observer->lat) * kMPerDegLat;
  const double b = *s.bearing_deg * kDeg;
  const double ux = std::sin(b), uy = std::cos(b);  // along the bearing
  const double along = dx * ux + dy * uy, across = dx * uy - dy * ux;
  if (along < -1000 || along > kMaxRangeM) return INFINITY;
  const double var_along = c.xx * ux * ux + 2 * c.xy * ux * uy + c.yy * uy * uy;
  const double var_across = c.xx * uy * uy - 2 * c.xy * ux * uy + c.yy * ux * ux;
  const double sb = bearing_sigma_deg(s) * kDeg * std::max(along, 0.0);
  double d2 = across * across / (sb * sb + var_across + 1);
  if (s.range_min_m && s.range_max_m) {
    const double mid = 0.5 * (*s.range_min_m + *s.range_max_m), half = 0.5 * (*s.range_max_m - *s.range_min_m);
    d2 += (along - mid) * (along - mid) / (half * half + var_along + 1);
  }
  return d2;
}

// Reports of what fire did, and the fire they can follow (Engine::fit).
bool aftermath(const std::string& event) { return event == "casualty" || event == "damage"; }
bool fire(const std::string& event) { return event == "explosion" || event == "projectile"; }
constexpr double kAftermath = -1e9;

// An explosion type that tells places apart; "undetermined" goes with any.
bool determined(const std::string& type) { return !type.empty() && type != "undetermined"; }

bool same_report(const Sighting& a, const Sighting& b) {
  const auto near = [](const std::optional<double>& x, const std::optional<double>& y, double tol) {
    return x.has_value() == y.has_value() && (!x || std::fabs(*x - *y) <= tol);
  };
  const auto same_pos = [](const std::optional<geo::LonLat>& x, const std::optional<geo::LonLat>& y) {
    return x.has_value() == y.has_value() && (!x || (std::fabs(x->lon - y->lon) < 1e-6 && std::fabs(x->lat - y->lat) < 1e-6));
  };
  return a.event == b.event && near(a.bearing_deg, b.bearing_deg, 0.05) && near(a.range_min_m, b.range_min_m, 1) &&
         near(a.range_max_m, b.range_max_m, 1) && same_pos(a.position, b.position);
}

// The squared distance a consistent report stays within as often as a one-dimensional normal
// stays within `gate` σ (3σ: 99.73 %), for a χ² test of `dof` (1 or 2) degrees of freedom: gate²
// for one; −2 ln(1 − P) for two (3σ: 11.8, i.e. 3.44σ). A 2-D gate of plain gate² would turn away
// consistent reports about four times as often as a 1-D one (1.1 % rather than 0.27 % at 3σ).
double gate2(double gate, int dof) {
  if (dof <= 1) return gate * gate;
  return -2 * std::log(std::erfc(gate / std::numbers::sqrt2));
}

int64_t cell_key(geo::LonLat p) {
  const auto x = static_cast<int64_t>(std::floor(p.lon / kCellDeg));
  const auto y = static_cast<int64_t>(std::floor(p.lat / kCellDeg));
  return x * 100'000 + y;
}

}  // namespace

namespace {

// The correlator proper; Correlator and correlate_all are thin shells over it.
class Engine {
 public:
  const plan::ZoneMap& map;
  const index::Locator& locator;
  CorrelateOptions opt;
  bool attribute_each = true;  // correlate_all attributes once at the end instead

  struct Open {
    Incident inc;
    std::vector<const Sighting*> members;   // every report, in order of arrival
    std::vector<const Sighting*> distinct;  // repeats left out: what the fix is made of
    int64_t first_nd = 0, last_nd = 0;      // time span of the distinct reports
    int64_t last_report = 0;
    Cov cov;
    bool open = true, wide = false;
    int64_t cell = 0;
    std::vector<std::unique_ptr<Sighting>> own;  // Correlator: copies of what add() was given
    // So that trying a report against an incident costs little whatever its size (a busy sector
    // can hold thousands of open incidents of fifty reports each): each observer's first report,
    // indexed once an incident has kIndexFrom members (most have one or two, and a scan of those
    // is cheaper than a table), and the explosion type the distinct reports name, if any.
    static constexpr size_t kIndexFrom = 16;
    std::unique_ptr<std::unordered_map<std::string_view, const Sighting*>> by_observer;
    std::string_view type;
    bool mixed = false;  // distinct reports of two types: only after a removal promoted a repeat
    void note(const Sighting* s, bool is_distinct) {
      if (by_observer && !s->observer_id.empty()) by_observer->try_emplace(s->observer_id, s);
      if (!by_observer && members.size() >= kIndexFrom) {
        by_observer = std::make_unique<std::unordered_map<std::string_view, const Sighting*>>();
        for (const Sighting* m : members)
          if (!m->observer_id.empty()) by_observer->try_emplace(m->observer_id, m);
      }
      if (!is_distinct || !determined(s->explosion_type)) return;
      if (type.empty()) type = s->explosion_type;
      mixed = mixed || type != s->explosion_type;
    }
    void renote() {
      by_observer.reset(), type = {}, mixed = false;
      for (const Sighting* d : distinct) note(d, true);
      if (!by_observer && members.size() >= kIndexFrom) note(members.back(), false);
    }
    // The first report of `observer` (not empty) among the members, or null.
    const Sighting* first_of(const std::string& observer) const {
      if (by_observer) {
        const auto it = by_observer->find(observer);
        return it == by_observer->end() ? nullptr : it->second;
      }
      for (const Sighting* m : members)
        if (m->observer_id == observer) return m;
      return nullptr;
    }
  };
  // Incident i is *incs[i - base]. forget_closed() frees each closed incident and drops the freed
  // ones from the front, so that an incident open longer than those opened after it (a repeated
  // report keeps it open up to 33 min) holds back only a pointer for each of them.
  std::deque<std::unique_ptr<Open>> incs;
  std::vector<int> closed;  // closed since the last forget_closed()
  int base = 0;
  int last = -1;  // the incident the last add() joined or opened
  std::unordered_map<int64_t, std::vector<int>> grid;
  std::vector<int> wide, open_list;
  int64_t now = INT64_MIN, next_sweep = INT64_MIN;
  size_t since_sweep = 0, sweep_after = 256;  // reports added since the last sweep; when to sweep again
  // Correlator only (correlate_all never removes): which incident holds each report.
  std::unordered_map<std::string, int> where;

  Engine(const plan::ZoneMap& m, const index::Locator& l, const CorrelateOptions& o) : map(m), locator(l), opt(o) {}

  Open& at(int i) { return *incs[i - base]; }
  const Open& at(int i) const { return *incs[i - base]; }
  int end() const { return base + static_cast<int>(incs.size()); }
  Incident& add(const Sighting* s);
  Incident* remove(const std::string& observation_id);
  std::vector<Incident> forget_closed();
  void attribute_now(Open& o) { attribute(o.inc, o.members, map, locator); }

 private:
  void index_in(int i);
  void index_out(int i);
  void relocate(int i);
  void sweep();
  // Squared Mahalanobis distance of `s` (fix f, covariance c) to incident i, or −1 for a repeat of
  // one of its reports, or kAftermath + d² for a report of what an incident's fire did; +inf when
  // it cannot join. Negative values join without moving the incident's fix.
  double fit(const Open& o, const Sighting& s, const Fix& f, const Cov& c) const;
  void candidates(const Fix& f, std::vector<int>& out) const;
};

}  // namespace

void Engine::index_in(int i) {
  Open& o = at(i);
  o.wide = !o.inc.fix.ok || o.inc.fix.err.major_m > kGridMajorM;
  if (o.wide) {
    if (o.inc.fix.ok) wide.push_back(i);  // an incident with no position can take nothing
    return;
  }
  o.cell = cell_key(o.inc.fix.pos);
  grid[o.cell].push_back(i);
}

void Engine::index_out(int i) {
  Open& o = at(i);
  std::vector<int>& v = o.wide ? wide : grid[o.cell];
  const auto it = std::find(v.begin(), v.end(), i);
  if (it != v.end()) *it = v.back(), v.pop_back();
}

void Engine::relocate(int i) {
  Open& o = at(i);
  index_out(i);
  o.inc.fix = locate(o.distinct);
  o.cov = covariance(o.inc.fix.err);
  index_in(i);
}

double Engine::fit(const Open& o, const Sighting& s, const Fix& f, const Cov& c) const {
  constexpr double kNo = INFINITY;
  if (aftermath(s.event)) {
    // Casualties or damage reported on their own join the fire they follow: an explosion or a
    // projectile incident still open, from its first report to the repeat window after its last,
    // where the report's fix passes the gate. Any observer may report them, the one who heard the
    // shelling too. The nearest joins (the offset keeps the value below −1 and ordered by d²).
    if (!fire(o.inc.event) || !o.inc.fix.ok || s.time_ms < o.inc.first_ms || s.time_ms > o.inc.last_ms + kRepeatWindowMs)
      return kNo;
    const double d2 = mahalanobis2(f, c, o.inc.fix, o.cov);
    return d2 <= gate2(opt.gate_sigma, 2) ? kAftermath + d2 : kNo;
  }
  // Out of reach in time even as a repeat: most candidates end here, on integers alone.
  if (s.time_ms > std::max(o.first_nd + opt.window_ms, o.inc.last_ms + kRepeatWindowMs) ||
      s.time_ms < std::min(o.last_nd - opt.window_ms, o.inc.first_ms - kRepeatWindowMs))
    return kNo;
  if (!o.inc.fix.ok || o.inc.event != s.event) return kNo;
  // An impact, an outgoing round and an airburst are different places of one shot (firing point,
  // target, the air above it), so two reports naming different types are of different explosions;
  // "undetermined" goes with any.
  if (determined(s.explosion_type) && (o.mixed || (!o.type.empty() && o.type != s.explosion_type))) return kNo;
  if (!s.observer_id.empty())
    if (const Sighting* m = o.first_of(s.observer_id)) {
      if (same_report(*m, s) && s.time_ms - m->time_ms <= kRepeatWindowMs && m->time_ms - s.time_ms <= kRepeatWindowMs)
        return -1;
      return kNo;  // another report of its observer: another event
    }
  if (s.time_ms > o.first_nd + opt.window_ms || s.time_ms < o.last_nd - opt.window_ms) return kNo;
  const bool by_bearing = s.observer && s.bearing_deg && !s.position;
  const double d2 = by_bearing ? bearing_distance2(s, o.inc.fix, o.cov) : mahalanobis2(f, c, o.inc.fix, o.cov);
  // A bearing without a band is one measurement (one degree of freedom); a bearing with a band, and
  // a fix against a fix, are two.
  const int dof = by_bearing && !(s.range_min_m && s.range_max_m) ? 1 : 2;
  return d2 <= gate2(opt.gate_sigma, dof) ? d2 : kNo;
}

void Engine::candidates(const Fix& f, std::vector<int>& out) const {
  out = wide;
  // Reach of the gate: this fix's major axis and the widest incident kept in the grid.
  const double reach_m = std::min(60'000.0, std::sqrt(gate2(opt.gate_sigma, 2)) * (f.err.major_m + kGridMajorM));
  const double dlat = reach_m / kMPerDegLat;
  const double dlon = dlat / std::max(0.1, std::cos(f.pos.lat * kDeg));
  const auto x0 = static_cast<int64_t>(std::floor((f.pos.lon - dlon) / kCellDeg));
  const auto x1 = static_cast<int64_t>(std::floor((f.pos.lon + dlon) / kCellDeg));
  const auto y0 = static_cast<int64_t>(std::floor((f.pos.lat - dlat) / kCellDeg));
  const auto y1 = static_cast<int64_t>(std::floor((f.pos.lat + dlat) / kCellDeg));
  for (int64_t x = x0; x <= x1; ++x)
    for (int64_t y = y0; y <= y1; ++y)
      if (const auto it = grid.find(x * 100'000 + y); it != grid.end()) out.insert(out.end(), it->second.begin(), it->second.end());
}

// Closes incidents that no report can join any more: past the window of their first report and
// the repeat window of their last, with one more window of slack for reports arriving late.
void Engine::sweep() {
  std::vector<int> still;
  for (int i : open_list) {
    Open& o = at(i);
    const int64_t until = std::max(o.first_nd + opt.window_ms, o.last_report + kRepeatWindowMs) + opt.window_ms;
    if (now > until) {
      index_out(i);
      o.open = false;
      closed.push_back(i);
    } else {
      still.push_back(i);
    }
  }
  open_list.swap(still);
}

Incident& Engine::add(const Sighting* s) {
  if (s->time_ms > now) now = s->time_ms;
  // Every minute of event time, and also after as many reports as were left open by the last
  // sweep: reports that arrive late (a backlog, a day re-sent) do not move the newest time, and
  // without the second rule the incidents they open would never close and every later report
  // would be tried against them. Either way a sweep costs at most one look per report added.
  if (now >= next_sweep || ++since_sweep >= sweep_after) {
    sweep();
    next_sweep = now + 60'000, since_sweep = 0, sweep_after = std::max<size_t>(256, open_list.size());
  }

  const Fix f = locate({s});
  const Cov c = covariance(f.err);
  int best = -1;
  double best_d2 = INFINITY;
  if (f.ok) {
    static thread_local std::vector<int> cands;
    candidates(f, cands);
    for (int i : cands) {
      const double d2 = fit(at(i), *s, f, c);
      if (d2 < best_d2) best = i, best_d2 = d2;
    }
  }
  if (best < 0) {
    best = end();
    incs.push_back(std::make_unique<Open>());
    Open& o = *incs.back();
    o.inc.id = "I" + std::to_string(best + 1);
    o.inc.event = s->event;
    o.inc.first_ms = o.inc.last_ms = o.first_nd = o.last_nd = o.last_report = s->time_ms;
    o.members.push_back(s), o.distinct.push_back(s);
    o.note(s, true);
    o.inc.observation_ids.push_back(s->id);
    o.inc.fix = f, o.cov = c;
    index_in(best);
    open_list.push_back(best);
  } else {
    Open& o = at(best);
    o.members.push_back(s);
    o.inc.observation_ids.push_back(s->id);
    o.inc.first_ms = std::min(o.inc.first_ms, s->time_ms), o.inc.last_ms = std::max(o.inc.last_ms, s->time_ms);
    o.last_report = std::max(o.last_report, s->time_ms);
    o.note(s, best_d2 >= 0);
    if (best_d2 >= 0) {  // a new report, not a repeat: it moves the fix
      o.distinct.push_back(s);
      o.first_nd = std::min(o.first_nd, s->time_ms), o.last_nd = std::max(o.last_nd, s->time_ms);
      relocate(best);
    }
  }
  Open& o = at(best);
  last = best;
  if (attribute_each) {
    where[s->id] = best;
    attribute_now(o);
  }
  return o.inc;
}

Incident* Engine::remove(const std::string& observation_id) {
  const auto it = where.find(observation_id);
  if (it == where.end()) return nullptr;
  const int i = it->second;
  where.erase(it);
  Open& o = at(i);
  const auto drop = [&](std::vector<const Sighting*>& v) {
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Sighting* m) { return m->id == observation_id; }), v.end());
  };
  drop(o.members);
  drop(o.distinct);
  std::erase(o.inc.observation_ids, observation_id);
  // A repeat whose original is gone now stands for the report itself.
  for (const Sighting* m : o.members)
    if (std::find(o.distinct.begin(), o.distinct.end(), m) == o.distinct.end() &&
        std::none_of(o.distinct.begin(), o.distinct.end(), [&](const Sighting* d) { return d->observer_id == m->observer_id; }))
      o.distinct.push_back(m);
  if (!o.members.empty()) {
    o.inc.first_ms = o.inc.last_ms = o.members.front()->time_ms;
    for (const Sighting* m : o.members)
      o.inc.first_ms = std::min(o.inc.first_ms, m->time_ms), o.inc.last_ms = std::max(o.inc.last_ms, m->time_ms);
  }
  if (!o.distinct.empty()) {
    o.first_nd = o.last_nd = o.distinct.front()->time_ms;
    for (const Sighting* d : o.distinct)
      o.first_nd = std::min(o.first_nd, d->time_ms), o.last_nd = std::max(o.last_nd, d->time_ms);
  }
  o.renote();
  // Located again; a closed incident stays out of the grid, so nothing new can join it.
  index_out(i);
  o.inc.fix = locate(o.distinct);
  o.cov = covariance(o.inc.fix.err);
  if (o.open) index_in(i);
  attribute_now(o);
  return &o.inc;
}

std::vector<Incident> Engine::forget_closed() {
  std::vector<Incident> gone;
  std::sort(closed.begin(), closed.end());
  for (int i : closed) {
    std::unique_ptr<Open>& o = incs[i - base];
    for (const Sighting* m : o->members) where.erase(m->id);
    gone.push_back(std::move(o->inc));
    o.reset();
  }
  closed.clear();
  while (!incs.empty() && !incs.front()) incs.pop_front(), ++base;
  return gone;
}

struct Correlator::State : Engine {
  using Engine::Engine;
};

Correlator::Correlator(const plan::ZoneMap& map, const index::Locator& locator, const CorrelateOptions& opt)
    : state_(std::make_shared<State>(map, locator, opt)) {}

const Incident& Correlator::add(const Sighting& s) {
  auto copy = std::make_unique<Sighting>(s);
  const Incident& inc = state_->add(copy.get());
  state_->at(state_->last).own.push_back(std::move(copy));
  return inc;
}

std::vector<Incident> Correlator::forget_closed() { return state_->forget_closed(); }

const Incident* Correlator::remove(const std::string& observation_id) { return state_->remove(observation_id); }

bool Correlator::holds(const std::string& observation_id) const { return state_->where.count(observation_id) > 0; }

std::vector<Incident> Correlator::incidents() const {
  std::vector<Incident> out;
  out.reserve(state_->incs.size());
  for (const auto& o : state_->incs)
    if (o) out.push_back(o->inc);  // forgotten ones are gone
  std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) { return a.first_ms < b.first_ms; });
  return out;
}

std::vector<Incident> correlate_all(const std::vector<Sighting>& obs, const plan::ZoneMap& map,
                                    const index::Locator& locator, const CorrelateOptions& opt) {
  // In time order, whatever the file's order; ties keep it.
  std::vector<const Sighting*> order;
  order.reserve(obs.size());
  for (const auto& s : obs) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const Sighting* a, const Sighting* b) { return a->time_ms < b->time_ms; });

  Engine st(map, locator, opt);
  st.attribute_each = false;
  for (const Sighting* s : order) st.add(s);
  std::vector<Incident> out;
  out.reserve(st.incs.size());
  for (auto& o : st.incs) {
    st.attribute_now(*o);
    out.push_back(std::move(o->inc));
  }
  std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) { return a.first_ms < b.first_ms; });
  return out;
}

std::string incidents_csv_header() {
  return "incident_id,first_time,last_time,lat,lon,err_major_m,err_minor_m,err_azimuth_deg,n_observations,"
         "observation_ids,zone,zone_kind,responsible,origin_side,violations\n";
}

std::string incident_csv_row(const Incident& inc) {
  std::string out;
  char num[64];
  const auto field = [&](const std::string& v) { out += ',', io::append_csv_field(out, v); };
  const auto number = [&](const char* fmt, double x) {
    out += ',';
    out.append(num, std::snprintf(num, sizeof num, fmt, x));
  };
  io::append_csv_field(out, inc.id);
  field(format_time_ms(inc.first_ms));
  field(format_time_ms(inc.last_ms));
  if (inc.fix.ok) {
    number("%.6f", inc.fix.pos.lat), number("%.6f", inc.fix.pos.lon);
    number("%.0f", inc.fix.err.major_m), number("%.0f", inc.fix.err.minor_m), number("%.1f", inc.fix.err.azimuth_deg);
  } else {
    out += ",,,,,";
  }
  out += ',' + std::to_string(inc.observation_ids.size());
  std::string ids, viol;
  for (const auto& id : inc.observation_ids) (ids += ids.empty() ? "" : ";") += id;
  for (const auto& v : inc.violations) (viol += viol.empty() ? "" : ";") += v.rule + ":" + v.severity;
  field(ids), field(inc.zone), field(inc.zone_kind), field(inc.responsible), field(inc.origin_side), field(viol);
  return out + "\n";
}

}  // namespace truceline::monitor
