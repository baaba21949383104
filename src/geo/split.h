#pragma once
// Splitting an area by a line that crosses it, such as a river: which part lies on each bank.
#include "geo/geos.h"

namespace truceline::geo {

struct Sides {
  Geom left;   // left of the line when following its vertex order (a river's left bank downstream)
  Geom right;
};

// Cuts `area` (polygonal) along `line` (a single connected line) and returns the two sides.
// Faces touching the line take the side of the line they border; faces the line does not touch
// (islands) take the side of the nearer bank (planar distance in lon/lat). Throws GeometryError when the line
// does not cut the area into two sides.
Sides split_by_line(const Geom& area, const Geom& line);

}  // namespace truceline::geo
