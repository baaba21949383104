#include "report/daily.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <regex>
#include <unordered_map>

#include "geo/errors.h"
#include "monitor/observation.h"
#include "plan/severity.h"

namespace truceline::report {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

std::string max_severity(const monitor::Incident& inc) {
  std::string best;
  for (const auto& v : inc.violations)
    if (plan::severity_rank(v.severity) > plan::severity_rank(best)) best = v.severity;
  return best;
}

std::string party_label(const plan::ZoneMap& map, const std::string& id) {
  if (id.empty()) return "none (no zone)";
  const plan::Party* p = map.plan.party(id);
  if (!p) return id;
  if (p->lead.empty() || p->lead == p->name) return p->name;
  return p->name + " (" + p->lead + ")";
}

std::string zone_label(const plan::ZoneMap& map, const std::string& id) {
  if (id.empty()) return "position unknown";
  if (id == "outside") return "outside the plan's area";
  const int z = map.zone_index(id);
  return z >= 0 ? map.zones[z].name : id;
}

// Incidents of one day, by the day of their first observation.
struct DayIncidents {
  std::vector<const monitor::Incident*> list;
  long violating() const {
    return std::count_if(list.begin(), list.end(), [](const auto* i) { return !i->violations.empty(); });
  }
};

// A count table over `keys` (in order), plus any key seen on either day but not listed.
template <class KeyOf>
std::vector<CountRow> count_rows(const DayIncidents& today, const DayIncidents& prev, std::vector<std::string> keys,
                                 KeyOf key_of, const std::function<std::string(const std::string&)>& label) {
  std::map<std::string, CountRow> rows;
  for (const auto& k : keys) rows[k].key = k;
  for (const auto* inc : today.list)
    for (const auto& k : key_of(*inc)) ++rows[k].today, rows[k].key = k;
  for (const auto* inc : prev.list)
    for (const auto& k : key_of(*inc)) ++rows[k].previous, rows[k].key = k;
  for (const auto& [k, row] : rows)
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::vector<CountRow> out;
  for (const auto& k : keys) {
    CountRow r = rows[k];
    r.label = label(k);
    out.push_back(std::move(r));
  }
  return out;
}

using Keys = std::vector<std::string>;

// The class the rules judged the incident by: the one most reported, else what the event implies
// (the rule in monitor/rules.cc).
std::string weapon_class_of(const monitor::Incident& inc, const std::unordered_map<std::string, const monitor::Sighting*>& by_id) {
  std::map<std::string, int> tally;
  std::string best;
  for (const auto& id : inc.observation_ids) {
    const auto it = by_id.find(id);
    if (it == by_id.end() || it->second->weapon_class.empty()) continue;
    const int n = ++tally[it->second->weapon_class];
    if (n > (best.empty() ? 0 : tally[best])) best = it->second->weapon_class;
  }
  if (!best.empty()) return best;
  if (inc.event == "armour") return "tank";
  if (inc.event == "burst" || inc.event == "shot") return "small_arms";
  return {};
}

// The tightest withdrawal band of that class on that side holding a point `d_km` from the line.
const plan::Line* band_of(const plan::ZoneMap& map, const std::string& cls, const std::string& side, double d_km) {
  const plan::Line* best = nullptr;
  for (const auto& l : map.lines)
    if (l.kind == "withdrawal_line" && l.weapon_class == cls && l.side == side && d_km < l.offset_km &&
        (!best || l.offset_km < best->offset_km))
      best = &l;
  return best;
}

std::string rule_kind(const plan::ZoneMap& map, const std::string& rule_id) {
  for (const auto& r : map.plan.rules)
    if (r.id == rule_id) return r.kind;
  return {};
}

}  // namespace

DayWindow day_window(const std::string& day, const std::string& tz) {
  static const std::regex day_re(R"(\d{4}-\d{2}-\d{2})"), tz_re(R"([+-]\d{2}:\d{2}|Z)");
  if (!std::regex_match(tz, tz_re))
    throw InputError("--tz", "'" + tz + "' is not a UTC offset", "write it as +HH:MM or -HH:MM, e.g. +03:00");
  const std::string norm_tz = tz == "Z" ? "+00:00" : tz;
  const auto start = std::regex_match(day, day_re) ? monitor::parse_time_ms(day + "T00:00:00" + norm_tz) : std::nullopt;
  if (!start) throw InputError("--day", "'" + day + "' is not a date", "write it as YYYY-MM-DD, e.g. 2025-04-12");
  const auto midnight_utc = monitor::parse_time_ms(day + "T00:00:00Z");
  DayWindow w;
  w.day = day, w.tz = norm_tz;
  w.offset_min = static_cast<int>((*midnight_utc - *start) / 60'000);
  if (std::abs(w.offset_min) > 14 * 60)
    throw InputError("--tz", "'" + tz + "' is beyond ±14:00", "give the offset of a real time zone, e.g. +03:00");
  w.start_ms = *start, w.end_ms = *start + kMsPerDay;
  return w;
}

DayWindow shift_days(const DayWindow& w, int days) {
  DayWindow out = w;
  out.start_ms -= days * kMsPerDay, out.end_ms -= days * kMsPerDay;
  out.day = local_date_time(out, out.start_ms).substr(0, 10);
  return out;
}

std::string local_date_time(const DayWindow& w, int64_t ms) {
  const std::string t = monitor::format_time_ms(ms + int64_t{w.offset_min} * 60'000);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

std::string local_clock(const DayWindow& w, int64_t ms) { return local_date_time(w, ms).substr(11); }

DayWindow trend_period(const DayWindow& day, const DailyOptions& opt) {
  DayWindow first = shift_days(day, std::max(opt.trend_days, 2) - 1);
  first.end_ms = day.end_ms;
  return first;
}

namespace {

// Incidents of each day of the trend period, by the day of their first observation.
std::vector<DayIncidents> by_day(const std::vector<monitor::Incident>& incidents, const DayWindow& period, int n_days) {
  std::vector<DayIncidents> days(static_cast<size_t>(n_days));
  for (const auto& inc : incidents) {
    if (inc.first_ms < period.start_ms || inc.first_ms >= period.end_ms) continue;
    days[static_cast<size_t>((inc.first_ms - period.start_ms) / kMsPerDay)].list.push_back(&inc);
  }
  return days;
}

void fill_counts(DailyReport& r, const plan::ZoneMap& map, const DayIncidents& today, const DayIncidents& before) {
  Keys zone_keys, party_keys, rule_keys;
  for (const auto& z : map.zones) {
    zone_keys.push_back(z.id);
    if (std::find(party_keys.begin(), party_keys.end(), z.responsible) == party_keys.end()) party_keys.push_back(z.responsible);
  }
  for (const auto& rule : map.plan.rules) rule_keys.push_back(rule.id);
  r.by_zone = count_rows(today, before, zone_keys, [](const monitor::Incident& i) { return Keys{i.zone}; },
                         [&](const std::string& k) { return zone_label(map, k); });
  r.by_contingent = count_rows(today, before, party_keys, [](const monitor::Incident& i) { return Keys{i.responsible}; },
                               [&](const std::string& k) { return party_label(map, k); });
  r.by_event = count_rows(today, before, {}, [](const monitor::Incident& i) { return Keys{i.event}; },
                          [](const std::string& k) { return k.empty() ? std::string("unknown") : k; });
  std::stable_sort(r.by_event.begin(), r.by_event.end(), [](const CountRow& a, const CountRow& b) {
    return a.today != b.today ? a.today > b.today : a.previous > b.previous;
  });
  r.by_rule = count_rows(
      today, before, rule_keys,
      [](const monitor::Incident& i) {
        Keys k;
        for (const auto& v : i.violations) k.push_back(v.rule);
        return k;
      },
      [&](const std::string& k) {
        for (const auto& rule : map.plan.rules)
          if (rule.id == k) return rule.id + " (" + rule.severity + ")";
        return k;
      });
}

IncidentRow incident_row(const monitor::Incident& inc, int number, const plan::ZoneMap& map,
                         const index::Locator& locator, const PlaceNamer& namer) {
  IncidentRow row;
  row.number = number;
  row.incident = inc;
  if (inc.fix.ok) {
    row.place = namer.describe(inc.fix.pos);
    const double d = locator.distance_to_line_m(inc.fix.pos);
    if (std::isfinite(d)) row.dist_line_km = d / 1000;
  }
  row.zone_name = zone_label(map, inc.zone);
  row.responsible_name = inc.responsible.empty() ? std::string() : party_label(map, inc.responsible);
  row.observations = static_cast<long>(inc.observation_ids.size());
  row.max_severity = max_severity(inc);
  return row;
}

// The incident's weapon_in_band violations, as rows of the withdrawal-band table.
void add_band_weapons(DailyReport& r, const IncidentRow& row, const plan::ZoneMap& map,
                      const std::unordered_map<std::string, const monitor::Sighting*>& by_id) {
  for (const auto& v : row.incident.violations) {
    if (rule_kind(map, v.rule) != "weapon_in_band" || !row.dist_line_km) continue;
    BandWeapon w;
    w.incident_number = row.number;
    w.weapon_class = weapon_class_of(row.incident, by_id);
    w.side = row.incident.side;
    w.dist_line_km = *row.dist_line_km;
    if (const plan::Line* band = band_of(map, w.weapon_class, w.side, w.dist_line_km))
      w.band = band->name, w.band_km = band->offset_km;
    w.rule = v.rule, w.severity = v.severity;
    r.band_weapons.push_back(std::move(w));
  }
}

// The incident's reports, as the correlator was given them.
std::vector<const monitor::Sighting*> members_of(const monitor::Incident& inc,
                                                 const std::unordered_map<std::string, const monitor::Sighting*>& by_id) {
  std::vector<const monitor::Sighting*> out;
  for (const auto& id : inc.observation_ids)
    if (const auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  return out;
}

// The rows of the other sections an incident gives: a restriction, a site check, casualties.
void add_sections(DailyReport& r, const IncidentRow& row,
                  const std::unordered_map<std::string, const monitor::Sighting*>& by_id) {
  const std::vector<const monitor::Sighting*> members = members_of(row.incident, by_id);
  if (row.incident.event == "restriction") {
    RestrictionRow x;
    x.incident_number = row.number, x.reports = static_cast<long>(members.size());
    for (const monitor::Sighting* s : members) {
      if (x.type.empty()) x.type = s->restriction_type;
      if (x.imposed_by.empty()) x.imposed_by = s->imposed_by;
      if (s->duration_min) x.duration_min = std::max(x.duration_min.value_or(0), *s->duration_min);
    }
    r.restrictions.push_back(std::move(x));
  }
  if (row.incident.event == "weapons_site") {
    SiteCheckRow x;
    x.incident_number = row.number;
    for (const monitor::Sighting* s : members) {
      if (x.site_id.empty()) x.site_id = s->site_id, x.status = s->site_status;
      for (const auto& [cls, n] : s->weapons) x.weapons[cls] = std::max(x.weapons[cls], n);
    }
    r.site_checks.push_back(std::move(x));
  }
  long killed = 0, injured = 0;
  bool civilian = false, corroborated = false;
  for (const monitor::Sighting* s : members) {
    if (s->killed + s->injured == 0) continue;
    killed = std::max<long>(killed, s->killed), injured = std::max<long>(injured, s->injured);
    civilian = civilian || s->civilian, corroborated = corroborated || s->corroborated;
  }
  if (killed + injured == 0) return;
  CasualtyTotals& c = r.casualties;
  c.killed += killed, c.injured += injured, ++c.incidents, c.corroborated_incidents += corroborated;
  if (civilian) c.civilian_killed += killed, c.civilian_injured += injured;
}

}  // namespace

DailyReport build_daily_report(const plan::ZoneMap& map, const index::Locator& locator,
                               const std::vector<monitor::Sighting>& obs, const DayWindow& day,
                               const DailyOptions& opt) {
  DailyReport r;
  r.plan_name = map.plan.name, r.plan_date = map.plan.date;
  r.window = day;
  r.year = std::stoi(day.day.substr(0, 4));
  r.number = static_cast<int>((day.start_ms - day_window(day.day.substr(0, 4) + "-01-01", day.tz).start_ms) / kMsPerDay) + 1;
  r.cutoff_ms = day.end_ms;

  const int n_days = std::max(opt.trend_days, 2);
  const DayWindow prev = shift_days(day, 1);
  for (const auto& s : obs) {
    r.observations += s.time_ms >= day.start_ms && s.time_ms < day.end_ms;
    r.observations_previous += s.time_ms >= prev.start_ms && s.time_ms < prev.end_ms;
  }

  const std::vector<monitor::Incident> incidents = monitor::correlate_all(obs, map, locator, opt.correlate);
  const std::vector<DayIncidents> days = by_day(incidents, trend_period(day, opt), n_days);
  for (int k = 0; k < n_days; ++k) {
    const auto& d = days[static_cast<size_t>(k)];
    r.trend.push_back({shift_days(day, n_days - 1 - k).day, static_cast<long>(d.list.size()), d.violating()});
  }
  const DayIncidents& today = days.back();
  const DayIncidents& before = days[days.size() - 2];
  r.incidents = static_cast<long>(today.list.size()), r.incidents_previous = static_cast<long>(before.list.size());
  r.violating = today.violating(), r.violating_previous = before.violating();
  fill_counts(r, map, today, before);

  std::unordered_map<std::string, const monitor::Sighting*> by_id;
  for (const auto& s : obs) by_id.emplace(s.id, &s);
  const PlaceNamer namer(map.settlements, opt.place);
  auto list = today.list;
  std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->first_ms < b->first_ms; });
  for (const auto* inc : list) {
    r.rows.push_back(incident_row(*inc, static_cast<int>(r.rows.size()) + 1, map, locator, namer));
    add_band_weapons(r, r.rows.back(), map, by_id);
    add_sections(r, r.rows.back(), by_id);
  }
  r.damage = count_rows(
      today, before, {},
      [&](const monitor::Incident& i) {
        Keys k;
        for (const monitor::Sighting* s : members_of(i, by_id))
          for (const std::string& d : s->damage)
            if (std::find(k.begin(), k.end(), d) == k.end()) k.push_back(d);
        return k;
      },
      [](const std::string& k) { return k; });
  return r;
}

}  // namespace truceline::report
