#pragma once
// Observations into incidents: space–time clustering that respects each observation's
// uncertainty region and event type, incremental so that later reports revise incidents.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "index/locator.h"
#include "monitor/incident.h"
#include "monitor/locate.h"
#include "monitor/rules.h"
#include "plan/zone_map.h"

namespace truceline::monitor {

struct CorrelateOptions {
  // Two observations can be of one event only if their times differ by at most this.
  // DEFAULT: 180 s — the simulator's and the OSCE reports' clock noise is minutes, not hours.
  int64_t window_ms = 180'000;
  // Observations whose uncertainty regions lie further apart than this many σ are different
  // events. DEFAULT: 3.
  double gate_sigma = 3;
};

// Keeps open incidents and assigns each new observation to one incident (or a new one). Each
// observation belongs to exactly one incident. Not thread-safe.
class Correlator {
 public:
  Correlator(const plan::ZoneMap& map, const index::Locator& locator, const CorrelateOptions& opt = {});
  // Adds an observation (in roughly increasing time order); returns the incident it joined or
  // opened, as it stands now (its revision).
  const Incident& add(const Sighting& s);
  // Takes a report out of its incident (a retraction, or the first half of a correction: remove,
  // then add the corrected report) and locates and attributes the incident again from the rest;
  // returns the revised incident, or nullptr when no incident holds `observation_id`. An incident
  // left with no report keeps its id, with no fix and no observations. It stays open or closed
  // as it was: a removal never reopens an incident.
  const Incident* remove(const std::string& observation_id);
  // Whether some incident holds this report.
  bool holds(const std::string& observation_id) const;
  // Incidents that no report can join any more, oldest first, with their reports: they leave the
  // correlator, which then no longer holds() their reports. A long-running service calls it so
  // that its memory follows the reports of the open span, not all it has seen.
  std::vector<Incident> forget_closed();
  // All incidents not forgotten, closed and open, in order of first time.
  std::vector<Incident> incidents() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Offline: correlates every observation and returns the incidents, attributed and checked.
std::vector<Incident> correlate_all(const std::vector<Sighting>& obs, const plan::ZoneMap& map,
                                    const index::Locator& locator, const CorrelateOptions& opt = {});

// INCIDENTS.csv: incident_id,first_time,last_time,lat,lon,err_major_m,err_minor_m,err_azimuth_deg,
// n_observations,observation_ids,zone,zone_kind,responsible,origin_side,violations
std::string incidents_csv_header();
std::string incident_csv_row(const Incident& inc);

}  // namespace truceline::monitor
