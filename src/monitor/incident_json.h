#pragma once
// The service's forms of incidents and reports: an incident as the INCIDENT JSON of docs/api.md,
// and a stored observation record's body read back as the Sighting the correlator takes.
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/incident.h"
#include "plan/plan.h"

namespace truceline::monitor {

// {"id", "revision", "first_time", "last_time", "event", "lat", "lon", "err_major_m", "err_minor_m",
// "err_azimuth_deg", "n_observations", "observation_ids", "zone", "zone_kind", "responsible",
// "side", "origin_side", "crossed_line", "violations": [{"rule", "severity"}]}; position and
// ellipse null without a fix. `id` and `revision` are the service's, not inc.id.
nlohmann::json incident_json(const Incident& inc, const std::string& id, int revision);

// A stored observation (the "observation" member of a record body, as to_json(Observation)
// writes it) as the correlator's Sighting with id `id`. Bearing σ by mode come from the plan's
// [monitoring]; a given position keeps the Sighting's default σ.
Sighting sighting_from_json(const nlohmann::json& observation, const std::string& id,
                            const plan::MonitoringDefaults& monitoring);

// The rank of a severity: low 1, medium 2, high 3, critical 4; 0 for anything else.
int severity_rank(const std::string& severity);

}  // namespace truceline::monitor
