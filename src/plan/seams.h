#pragma once
// Where two layers must meet, they rarely do: DeepStateMap's occupied territory stops 0.5–2 km short
// of the coast and the state border the area layer draws, and the region boundaries that make the
// sectors follow the river less closely than the river layer. Left alone, each gap becomes a strip
// of the other side's zone — an enclave of Ukrainian-held ground in Crimea — that routes reports to
// the wrong party. This module removes such seams in two steps (docs/plan-format.md, "Seams"):
//   1. close_gaps: a layer shape is clipped to the area, and every gap narrower than a tolerance
//      between it and the area's outline is given to the shape that surrounds it;
//   2. reassign_fragments: after the zones are split, any part of a zone detached from its main
//      body and bordered by other zones is given to the zone it shares the longest boundary with,
//      unless the plan declares it an enclave.
#include <string>
#include <vector>

#include "geo/geos.h"
#include "geo/projection.h"
#include "plan/zone_map.h"

namespace truceline::plan {

struct GapFill {
  geo::Geom shape;  // the shape, clipped to the area, with its gaps filled
  SeamFill report;
};

// `shape` ∩ `area`, plus every part of area − shape narrower than `gap_m` that touches both the
// shape and the area's outline (a strip between the shape and a coast or border). Narrow is measured
// by a morphological opening (erode, then dilate by gap_m / 2) in `plane`, whose scale error is
// that of the projection (under 0.2 % over Ukraine for geo::fitted_lcc). gap_m = 0 only clips.
GapFill close_gaps(const geo::Geom& shape, const geo::Geom& area, double gap_m, const geo::Projection& plane);

// Gives every detached part of every zone that another zone borders to the zone it shares the
// longest boundary with, except parts holding a declared enclave's point that belong to the
// declared zone, and parts the line of contact runs through (the plan's own structure). A part
// moves only to another zone's main body; one bordered by nothing but fragments after the last
// pass stays, as "fragment". Updates each zone's geometry and area; returns every detached part found, moved or
// not. Repeats until nothing moves.
struct FragmentRules {
  const std::vector<Enclave>& enclaves;  // parts holding one of these points stay in its zone
  const geo::Geom* line = nullptr;       // the line of contact: a part it runs through for …
  double on_line_m = 5000;               // … at least this long stays (DEFAULT: 5 km, the line's min_piece)
};
std::vector<Fragment> reassign_fragments(std::vector<Zone>& zones, const FragmentRules& rules);

}  // namespace truceline::plan
