#pragma once
// An observation as the correlator sees it (a Sighting), made in one place for every path that
// needs one — the service's incident engine, the daily report, `export incidents` — so that the
// same report is placed the same way whichever of them reads it.
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/incident.h"
#include "monitor/observation.h"
#include "plan/plan.h"

namespace truceline::monitor {

// The correlator's view of `o`, with id `id`.
Sighting sighting_of(const Observation& o, const std::string& id, const PlaceOptions& opt = {});

// A stored observation (a record body's "observation", as to_json(Observation) wrote it) read
// back: validated on the way in, so only the future-time rule is left out. Throws
// ValidationError when it does not parse (a record edited by hand).
Observation stored_observation(const nlohmann::json& observation);

// sighting_of(stored_observation(observation), id, opt).
Sighting stored_sighting(const nlohmann::json& observation, const std::string& id, const PlaceOptions& opt = {});

}  // namespace truceline::monitor
