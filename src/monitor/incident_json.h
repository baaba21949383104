#pragma once
// The service's form of an incident: the INCIDENT JSON of docs/api.md.
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

// The Incident an INCIDENT JSON holds, its `id` the service's ("i-17"); the inverse of
// incident_json but for the revision. Missing members stay at their defaults.
Incident incident_from_json(const nlohmann::json& j);

}  // namespace truceline::monitor
