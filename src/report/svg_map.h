#pragma once
// A standalone SVG map of a compiled plan: zones filled with their colours, the plan's lines
// drawn, large settlements labelled, a legend. Drawn in a conformal projection (PROJ) fitted to
// the area; needs no network and no fonts beyond the viewer's.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/projection.h"
#include "io/xml_text.h"
#include "plan/zone_map.h"

namespace truceline::report {

// A point drawn over the zones: an incident, say. `label` is written beside it; `title` shows
// when the pointer rests on it.
struct SvgMarker {
  geo::LonLat pos;
  std::string colour = "#111111";
  double radius_px = 4;
  std::string label, title;
};

struct SvgMapOptions {
  int width_px = 1200;  // DEFAULT: 1200; REQUIRES: >= 200. The height follows the area's shape (at most 2x the width)
  long label_min_population = 200'000;  // DEFAULT: settlements of 200,000 or more are labelled
  // DEFAULT: none, the plan's whole area. Set: the map frames this lon/lat box instead (a day's
  // incidents, say) and clips what lies outside it.
  std::optional<geo::LonLatBox> extent;
  std::vector<SvgMarker> markers;  // DEFAULT: none; drawn above the zones, lines and settlements
  // Legend rows for the markers (colour, text), below the line kinds. DEFAULT: none.
  std::vector<std::pair<std::string, std::string>> marker_legend;
  std::string subtitle;  // DEFAULT: "" — the plan's date, its area and the projection
};

std::string svg_map(const plan::ZoneMap& map, const SvgMapOptions& opt = {});

// Text for XML and HTML content and attribute values (io/xml_text.h).
using io::xml_escape;

}  // namespace truceline::report
