#pragma once
// A standalone SVG map of a compiled plan: zones filled with their colours, the plan's lines
// drawn, large settlements labelled, a legend. Drawn in a conformal projection (PROJ) fitted to
// the area; needs no network and no fonts beyond the viewer's.
#include <string>

#include "plan/zone_map.h"

namespace truceline::report {

struct SvgMapOptions {
  int width_px = 1200;  // DEFAULT: 1200; REQUIRES: >= 200. The height follows the area's shape (at most 2x the width)
  long label_min_population = 200'000;  // DEFAULT: settlements of 200,000 or more are labelled
};

std::string svg_map(const plan::ZoneMap& map, const SvgMapOptions& opt = {});

}  // namespace truceline::report
