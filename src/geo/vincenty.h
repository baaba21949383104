#pragma once
// A fast inverse geodesic solution on WGS84 for the hot path of distance queries.
//
// Vincenty's iteration (Survey Review 23(176), 1975) on the auxiliary sphere of reduced latitudes,
// with the reduced latitudes' sines and cosines precomputed per point, so a solution costs one
// sincos per iteration and no other transcendental set-up. Accuracy: within 0.5 mm of
// GeographicLib's Inverse for distances up to 10,000 km (checked in vincenty_test.cc); it does not
// converge for nearly antipodal points (λ close to 180°), where it reports failure and callers
// fall back to GeographicLib.
// Thread safety: pure functions.
#include <cmath>

namespace truceline::geo {

// A point with its reduced latitude β (tan β = (1 − f) tan φ) prepared.
struct ReducedPoint {
  double lat = 0, lon = 0;  // degrees
  double sin_beta = 0, cos_beta = 1;
};

ReducedPoint reduce(double lat, double lon);

struct InverseSolution {
  double s12 = 0;   // metres
  double azi1 = 0;  // degrees, at the first point, clockwise from north
  double azi2 = 0;  // degrees, at the second point, continuing the geodesic beyond it
  double sigma = 0; // arc length on the auxiliary sphere, radians
};

// False when the iteration does not converge (nearly antipodal points).
bool vincenty_inverse(const ReducedPoint& p1, const ReducedPoint& p2, InverseSolution& out);

}  // namespace truceline::geo
