#pragma once
// `plan check`: whether a compiled plan is a seamless partition of its area (docs/plan-format.md,
// "Checks"). Reads a ZoneMap, changes nothing. Findings that need a person are warnings; `plan
// check --strict` (and the tests, for every plan and every date of the occupied series) fail on
// any.
#include <string>
#include <vector>

#include "plan/zone_map.h"

namespace truceline::plan {

struct CheckOptions {
  // The zones must add up to the area, and overlap each other by no more than this share of it.
  // DEFAULT: 0.01 %.
  double partition_tolerance = 1e-4;
  // Declared enclaves together above this are a warning: an enclave is an exception, not a way
  // to keep a seam. DEFAULT: 60 km².
  double max_declared_km2 = 60;
};

struct ZoneParts {
  std::string zone;
  int parts = 0;
};

struct PlanCheck {
  std::vector<ZoneParts> parts;          // per zone, after the seam step
  std::vector<Fragment> kept;            // detached parts left: declared enclaves and islands
  std::vector<Fragment> moved_parts;     // detached parts given to a neighbouring zone
  int moved = 0;
  double moved_km2 = 0;
  std::vector<SeamFill> seams;           // per layer shape
  std::vector<const Settlement*> snapped;  // beyond the land border, given the nearest zone
  std::vector<const Settlement*> outside;  // in no zone
  double area_km2 = 0, zones_km2 = 0, unassigned_km2 = 0, overlap_km2 = 0;
  std::vector<std::string> warnings;
};

PlanCheck check_plan(const ZoneMap& map, const CheckOptions& opt = {});

// The check as lines of text for the terminal (and the warnings as "warning: …").
std::string check_text(const PlanCheck& c);

}  // namespace truceline::plan
