#pragma once
// Observations into a real store, as the HTTP API would put them there: for the daily report's
// tests, which read them back through store::Store.
#include <string>
#include <vector>

#include "index/locator.h"
#include "monitor/incident.h"
#include "plan/zone_map.h"
#include "store/store.h"

namespace truceline::report::testing {

// The record POST /v1/observations would append for `s` (body: observation and placement).
store::NewRecord observation_record(const monitor::Sighting& s, const plan::ZoneMap& map, const index::Locator& locator,
                                    const std::string& kind = "observation", const std::string& target_id = {});

// Appends every sighting, in batches.
void store_sightings(store::Store& store, const std::vector<monitor::Sighting>& obs, const plan::ZoneMap& map,
                     const index::Locator& locator);

}  // namespace truceline::report::testing
