#pragma once
// The daily report of a monitoring mission, modelled on the OSCE Special Monitoring Mission's
// daily reports: numbered, stating the period covered and the cut-off, counts against the
// previous day, each incident with its time and place said the way monitors say it, weapons
// seen inside withdrawal bands, a map, a 30-day trend, and the chain's head at the cut-off so
// that anyone holding the record can check what the report was made from.
//
// The report recomputes incidents from the observations (monitor::correlate_all) rather than
// reading incident records, so it stands alone: the same record and cut-off give the same
// report. This file is the arithmetic; daily_record.h reads the store, daily_render.h writes.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "index/locator.h"
#include "monitor/correlate.h"
#include "plan/zone_map.h"
#include "report/place_phrase.h"
#include "report/trend_chart.h"
#include "store/store.h"

namespace truceline::report {

// A calendar day in a fixed UTC offset: [start_ms, end_ms) in UTC milliseconds.
struct DayWindow {
  std::string day;       // YYYY-MM-DD
  std::string tz;        // "+03:00"; "Z" is written "+00:00"
  int offset_min = 0;    // local minus UTC
  int64_t start_ms = 0, end_ms = 0;
};

// Parses the day and the offset. Throws InputError naming --day or --tz with an example when
// either is malformed or not a real date (2025-02-30).
DayWindow day_window(const std::string& day, const std::string& tz = "+00:00");
// The window `days` days before (negative: after) `w`, in the same offset.
DayWindow shift_days(const DayWindow& w, int days);
// "06:42" / "2025-04-12 06:42": a UTC time in the window's offset.
std::string local_clock(const DayWindow& w, int64_t ms);
std::string local_date_time(const DayWindow& w, int64_t ms);

struct DailyOptions {
  int trend_days = 30;                   // DEFAULT: 30 days up to and including the day
  monitor::CorrelateOptions correlate;   // DEFAULT: the correlator's own
  PlacePhraseOptions place;              // DEFAULT: 8 compass points, every settlement
};

// One row of a count table: the day against the previous day.
struct CountRow {
  std::string key, label;  // key: zone id, party id, event; label: what the reader sees
  long today = 0, previous = 0;
  long delta() const { return today - previous; }
};

struct IncidentRow {
  int number = 0;                     // 1-based, in time order within the day
  monitor::Incident incident;
  Place place;                        // nearest settlement; empty phrase when unlocated
  std::string zone_name, responsible_name;
  std::optional<double> dist_line_km; // to the line of contact
  long observations = 0;              // reports merged into the incident
  std::string max_severity;           // of its violations; "" when it breaks no rule
};

// A weapon inside a withdrawal band: an incident breaking a weapon_in_band rule.
struct BandWeapon {
  int incident_number = 0;
  std::string weapon_class, side, band;  // band: the withdrawal line's name
  double band_km = 0;                    // how far back that class must be
  double dist_line_km = 0;               // how far back it was seen
  std::string rule, severity;
};

// The sections the SMM's daily reports had besides ceasefire violations, from the day's incidents.
// A restriction of the monitors' freedom of movement (one incident: every patrol it stopped).
struct RestrictionRow {
  int incident_number = 0;
  std::string type, imposed_by;          // imposed_by: the party's id, "" when not named
  std::optional<int> duration_min;       // the longest any of its reports gave
  long reports = 0;
};

// A check of a holding area or storage site.
struct SiteCheckRow {
  int incident_number = 0;
  std::string site_id, status;
  std::map<std::string, int> weapons;    // the largest count of each class its reports gave
};

// Casualties of the day: per incident the largest figures any of its reports gave (three patrols
// reporting the same two injured are two injured), summed over the day's incidents.
struct CasualtyTotals {
  long killed = 0, injured = 0, civilian_killed = 0, civilian_injured = 0;
  long incidents = 0, corroborated_incidents = 0;
};

struct DailyReport {
  std::string plan_name, plan_date;
  DayWindow window;
  int number = 0, year = 0;                  // "Daily report 102/2025": the day of the year
  int64_t cutoff_ms = 0;                     // the end of the day unless told otherwise
  store::ChainHead head;                     // the chain at the cut-off
  int64_t late_observations = 0;             // observations of the day received after the cut-off
  long observations = 0, observations_previous = 0;
  long incidents = 0, incidents_previous = 0;
  long violating = 0, violating_previous = 0;  // incidents breaking at least one rule
  std::vector<CountRow> by_zone, by_contingent, by_event, by_rule;  // incidents; by_rule: violations
  std::vector<IncidentRow> rows;
  std::vector<BandWeapon> band_weapons;
  std::vector<RestrictionRow> restrictions;
  std::vector<SiteCheckRow> site_checks;
  CasualtyTotals casualties;
  std::vector<CountRow> damage;              // incidents damaging each object type (today, previous day)
  std::vector<TrendDay> trend;               // oldest first, ending with the day
};

// Builds the report's figures from `obs`, which must hold the observations of the trend period
// (DailyOptions::trend_days up to the day, plus one correlation window before it so that an
// incident begun just before the period is not split). Incidents count on the day of their
// first observation. The chain fields (cutoff_ms, head, late_observations) are the caller's.
DailyReport build_daily_report(const plan::ZoneMap& map, const index::Locator& locator,
                               const std::vector<monitor::Sighting>& obs, const DayWindow& day,
                               const DailyOptions& opt = {});

// The period whose observations build_daily_report needs: [start_ms, end_ms) of the whole trend.
DayWindow trend_period(const DayWindow& day, const DailyOptions& opt = {});

}  // namespace truceline::report
