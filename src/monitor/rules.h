#pragma once
// The plan's rules, checked against an incident: fire across the line of contact; any weapon in
// the DMZ; a weapon of a class closer to the line than its withdrawal distance on that side;
// aircraft or drones over the DMZ. Also the attribution every rule needs: which side of the line
// an incident lies on, and for directional fire the side it came from and whether it crossed.
#include <string>
#include <vector>

#include "index/locator.h"
#include "monitor/incident.h"
#include "plan/zone_map.h"

namespace truceline::monitor {

// Fills zone, zone_kind, responsible, side, origin_side, crossed_line and violations of `inc`
// from its fix and its observations.
void attribute(Incident& inc, const std::vector<const Sighting*>& members, const plan::ZoneMap& map,
               const index::Locator& locator);

}  // namespace truceline::monitor
