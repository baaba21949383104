#include "report/daily_format.h"

#include <cstdio>
#include <map>

#include "report/svg_map.h"

namespace truceline::report::daily_format {

std::string html_escape(std::string_view s) { return xml_escape(s); }

std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string signed_delta(long d) { return d > 0 ? "+" + std::to_string(d) : std::to_string(d); }

std::string thousands(long long v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string title(const DailyReport& r) {
  return "Daily report " + std::to_string(r.number) + "/" + std::to_string(r.year);
}

std::string period(const DailyReport& r) {
  return local_date_time(r.window, r.window.start_ms) + " to " + local_date_time(r.window, r.window.end_ms) + " (UTC" +
         r.window.tz + ")";
}

std::string cutoff(const DailyReport& r) { return local_date_time(r.window, r.cutoff_ms) + " (UTC" + r.window.tz + ")"; }

std::string place(const IncidentRow& row) {
  if (!row.incident.fix.ok) return "position unknown";
  if (row.place.phrase.empty()) return fixed(row.incident.fix.pos.lat, 4) + ", " + fixed(row.incident.fix.pos.lon, 4);
  return row.place.phrase;
}

std::string violations(const monitor::Incident& inc) {
  std::string out;
  for (const auto& v : inc.violations) (out += out.empty() ? "" : "; ") += v.rule + " (" + v.severity + ")";
  return out;
}

std::string time_span(const DailyReport& r, const monitor::Incident& inc) {
  const std::string a = local_clock(r.window, inc.first_ms), b = local_clock(r.window, inc.last_ms);
  return a == b ? a : a + "–" + b;
}

std::string distance_to_line(const IncidentRow& row) { return row.dist_line_km ? fixed(*row.dist_line_km, 1) : ""; }

const char* severity_colour(const std::string& severity) {
  if (severity == "critical") return "#5c0010";
  if (severity == "high") return "#c0142c";
  if (severity == "medium") return "#e07b00";
  if (severity == "low") return "#d4b000";
  return "#2b5c8a";
}

std::string method_note(const DailyReport& r) {
  return "Incidents are recomputed from the observations in the record, not read from incident records: the "
         "observations of the " +
         std::to_string(r.trend.size()) +
         " days up to the day, as they stood at the cut-off (corrections applied, retractions removed), are "
         "correlated into incidents, located, attributed to a zone and checked against the plan's rules. The same "
         "record and cut-off always give the same report. An incident counts on the day of its first observation. "
         "Places are the distance and direction from the nearest settlement of the plan's settlements layer, "
         "measured on the WGS84 ellipsoid. Times are in UTC" +
         r.window.tz + ".";
}

namespace {

std::string weapons_text(const std::map<std::string, int>& weapons) {
  std::string out;
  for (const auto& [cls, n] : weapons) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + cls;
  return out.empty() ? "none counted" : out;
}

}  // namespace

std::vector<Section> other_sections(const DailyReport& r) {
  std::vector<Section> out;
  Section fom{"restrictions", "Restrictions of the monitors' freedom of movement",
              {"incident", "restriction", "imposed by", "minutes", "reports"}, {true, false, false, true, true}, {}, "None."};
  for (const RestrictionRow& x : r.restrictions)
    fom.rows.push_back({std::to_string(x.incident_number), x.type, x.imposed_by.empty() ? "not named" : x.imposed_by,
                        x.duration_min ? std::to_string(*x.duration_min) : "", std::to_string(x.reports)});
  out.push_back(std::move(fom));
  Section sites{"weapons-sites", "Holding areas and storage sites checked",
                {"incident", "site", "status", "weapons counted"}, {true, false, false, false}, {}, "None checked."};
  for (const SiteCheckRow& x : r.site_checks)
    sites.rows.push_back({std::to_string(x.incident_number), x.site_id, x.status, weapons_text(x.weapons)});
  out.push_back(std::move(sites));
  const CasualtyTotals& c = r.casualties;
  Section cas{"casualties", "Casualties", {"", "killed", "injured"}, {false, true, true}, {}, "None reported."};
  if (c.incidents > 0) {
    cas.rows.push_back({"all", std::to_string(c.killed), std::to_string(c.injured)});
    cas.rows.push_back({"civilians", std::to_string(c.civilian_killed), std::to_string(c.civilian_injured)});
    cas.rows.push_back({"in incidents (corroborated)", std::to_string(c.incidents) + " (" + std::to_string(c.corroborated_incidents) + ")", ""});
  }
  out.push_back(std::move(cas));
  Section dmg{"damage", "Damage to civilian objects", {"object", "incidents", "previous day"}, {false, true, true}, {}, "None reported."};
  for (const CountRow& row : r.damage) dmg.rows.push_back({row.label, std::to_string(row.today), std::to_string(row.previous)});
  out.push_back(std::move(dmg));
  return out;
}

}  // namespace truceline::report::daily_format
