#pragma once
// Geodesy on the WGS84 ellipsoid through GeographicLib. Every function states its accuracy.
#include <vector>

#include "geo/geos.h"

namespace truceline::geo {

// Ellipsoidal area of a polygonal geometry (Polygon, MultiPolygon, or a collection holding them),
// in m². Edges are geodesics between vertices (GeographicLib PolygonArea); holes are subtracted.
// Accuracy: that of PolygonArea, about 0.1 m² per km of perimeter; for edges under 1 km the
// geodesic and the lon/lat straight edge differ by < 2 cm, so the difference is immaterial.
double area_m2(const Geom& polygonal);

// Geodesic length of a polyline in metres (exact to nanometres per edge).
double length_m(const std::vector<LonLat>& line);
// Sum of length_m over every line part of a (multi)line geometry.
double length_m(const Geom& lineal);

// Inserts vertices along each geodesic edge so that no edge is longer than max_edge_m.
std::vector<LonLat> densify(const std::vector<LonLat>& line, double max_edge_m);

// Geodesic distance in metres between two points (exact to nanometres).
double distance_m(LonLat a, LonLat b);

// Distance in metres from p to the geodesic segment a–b, by the chord between a and b in an
// azimuthal equidistant projection centred on p (distances from p are exact in it). The chord
// departs from the projected geodesic by less than L²·d/(24·R²) for a segment of length L at
// distance d: under 1 mm for L ≤ 1 km and d ≤ 1,000 km. Callers densify lines to ≤ 1 km.
double distance_to_segment_m(LonLat p, LonLat a, LonLat b);

// Reference solution for the same quantity, used to check the fast one: the closest point on the
// geodesic is found by Karney's iteration in the gnomonic projection (Karney 2013, section 8),
// then measured with an exact inverse solution. Converges to < 1 µm; 10–20x slower.
double distance_to_segment_exact_m(LonLat p, LonLat a, LonLat b);

// Point reached from `from` after `dist_m` along azimuth `azi_deg` (exact direct problem).
LonLat destination(LonLat from, double azi_deg, double dist_m);

}  // namespace truceline::geo
