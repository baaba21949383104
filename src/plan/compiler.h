#pragma once
// Plan → ZoneMap. Geometry is built in lon/lat with every distance measured on the ellipsoid:
// buffers through geo::geodesic_buffer, areas through geo::area_m2, lengths through geo::length_m.
// Tolerances (the seams between layers, plan/seams.h; the line's distance from the outline) are
// measured in a conformal plane fitted to the area, within 0.2 %.
#include "io/geojson.h"
#include "plan/zone_map.h"

namespace truceline::plan {

struct CompileOptions {
  // Lines of the plan are densified to this so that their straight lon/lat edges and the
  // geodesics between their vertices differ by under 2 cm. DEFAULT: 1 km.
  double max_edge_m = 1000;
  // Area left in no zone above this is reported as a warning. DEFAULT: 0.01 km².
  double unassigned_warn_km2 = 0.01;
};

// Reads the plan's layers and builds its zones and lines. Throws InputError naming the plan, the
// layer or the feature when an input is wrong, with the fix. Warnings (repaired features, area in
// no zone) go to `warn` and into ZoneMap::warnings.
ZoneMap compile(const Plan& plan, const io::Warn& warn, const CompileOptions& opt = {});

// Reads a settlements CSV (name, lat, lon, population[, admin_code]); sorted largest first.
std::vector<Settlement> read_settlements(const std::string& path);

}  // namespace truceline::plan
