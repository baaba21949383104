#pragma once
// Geodesic buffers of lines: the set of points within a distance of a line, measured on the
// WGS84 ellipsoid, as a lon/lat polygon.
#include "geo/geos.h"

namespace truceline::geo {

struct BufferOptions {
  // Lines are cut into pieces no longer than this; each piece is buffered in an azimuthal
  // equidistant projection centred on it, where distances from the centre are exact and the
  // scale error at range ρ is about (ρ/R)²/6. DEFAULT: 100 km, so that a 15 km buffer is within
  // 65 km of its centre and off by < 0.3 m.
  double piece_m = 100'000;
  // Segments per quarter circle in caps and joins. The chord of a 15 km arc with 64 segments
  // falls 1.1 m inside the arc. DEFAULT: 64.
  int quadrant_segments = 64;
  // The projected outline is densified to this before it returns to lon/lat, so the straight
  // lon/lat edges stay within centimetres of the projected ones. DEFAULT: 500 m.
  double max_edge_m = 500;
};

// Union of the geodesic buffers of every line part of `lineal` at `distance_m` (> 0).
// Accuracy with the defaults: the outline lies within 1.5 m of the true distance for d ≤ 50 km.
Geom geodesic_buffer(const Geom& lineal, double distance_m, const BufferOptions& opt = {});

}  // namespace truceline::geo
