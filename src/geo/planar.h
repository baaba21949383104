#pragma once
// Planar work on lon/lat geometry in a projection chosen for it: a geometry goes into the plane of
// a geo::Projection (metres), is buffered or clipped there, and comes back. For morphology whose
// distances are tolerances — closing a seam of a few kilometres between two layers — a Lambert
// conformal conic fitted to the area is enough: its scale error over Ukraine stays under 0.2 %
// (projection.h), 4 m on a 2 km tolerance. Exact distances go through geo::geodesic_buffer.
#include "geo/geos.h"
#include "geo/projection.h"

namespace truceline::geo {

// Every coordinate of `g` through proj.forward (to metres) or proj.inverse (back to lon/lat).
// Throws GeometryError where the projection cannot map a point.
Geom to_plane(const Geom& g, const Projection& proj);
Geom from_plane(const Geom& g, const Projection& proj);

// GEOS buffer in the geometry's own units, round joins: a negative distance erodes a polygon.
// `quadrant_segments` segments per quarter circle. DEFAULT: 8 (a chord of a 1 km arc falls 19 m
// inside it — fine for tolerances, not for exact offsets).
Geom planar_buffer(const Geom& g, double distance, int quadrant_segments = 8);

// The part of `g` within the box (GEOSClipByRect: fast, and may return invalid polygons only where
// the box edge runs along an edge of g; callers intersect properly afterwards where that matters).
Geom clip_to_box(const Geom& g, const LonLatBox& box);

// Douglas–Peucker simplification (GEOSSimplify) with `tolerance` in the geometry's units: for
// lines used as a search window or a tolerance band, never for a result.
Geom simplified(const Geom& g, double tolerance);

// `b` widened by about `m` metres on every side (a spherical estimate, for search windows).
LonLatBox widened(LonLatBox b, double m);

// The stretches of a lon/lat polyline at least `clearance` metres from `obstacle` (a prepared
// geometry in `plane`'s metres). The line is probed every `step_m` along each edge; a crossing is
// found by bisection to within a millimetre of the probed edge, and the stretches keep the
// line's own vertices in between. `closed`: the polyline is a ring, so a stretch over its start
// is one stretch. Distances carry the projection's scale error (under 0.2 % for fitted_lcc).
std::vector<std::vector<LonLat>> stretches_clear_of(const std::vector<LonLat>& line, bool closed,
                                                    const Prepared& obstacle, const Projection& plane,
                                                    double clearance, double step_m);

// The lon/lat (or x/y) bounding box of a geometry; an empty geometry gives an empty box (min > max).
LonLatBox bounds(const Geom& g);

}  // namespace truceline::geo
