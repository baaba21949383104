#pragma once
// What `truceline timeline` writes (docs/timeline.md): the series as CSV, the settlements that
// changed hands as CSV, the ground taken and given back as GeoJSON, and an SVG chart of the
// occupied area over time with each date's gains and losses as bars.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plan/timeline.h"

namespace truceline::report {

std::string timeline_csv(const std::vector<plan::TimelineStep>& steps);
std::string timeline_settlements_csv(const std::vector<plan::TimelineStep>& steps);
nlohmann::json timeline_geojson(const std::vector<plan::TimelineStep>& steps);
std::string timeline_svg(const std::vector<plan::TimelineStep>& steps, int width_px = 900, int height_px = 420);

}  // namespace truceline::report
