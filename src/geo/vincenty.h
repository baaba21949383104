#pragma once
// A fast inverse geodesic solution on WGS84 for the hot path of distance queries.
//
// Vincenty's iteration (Survey Review 23(176), 1975) on the auxiliary sphere of reduced latitudes.
// The callers give each point's reduced latitude as a sine and cosine and the longitude difference
// L as a sine and cosine too (a LineIndex query reads them off unit vectors). The iteration then
// runs on δ = λ − L, which stays below f·π ≈ 0.011 rad for every pair but nearly antipodal ones,
// so sin λ and cos λ come from those of L and short series in δ; σ comes from a series up to
// 1,270 km and from atan2 beyond. It starts from a closed-form δ good to about f² δ and stops once
// a pass moves δ by under 1e-8 rad, correcting σ to first order for that last move: one pass
// between points up to 1,000 km apart, and no sine, cosine or arc tangent in it.
// Accuracy: within 0.5 mm of GeographicLib's Inverse for distances up to 10,000 km (0.19 mm at
// worst measured; checked in vincenty_test.cc); it does not converge for nearly antipodal points
// (λ close to 180°), where it reports failure and callers fall back to GeographicLib.
// Thread safety: pure functions.
#include <cmath>

namespace truceline::geo {

// A point with its reduced latitude β (tan β = (1 − f) tan φ) prepared.
struct ReducedPoint {
  double lat = 0, lon = 0;  // degrees
  double sin_beta = 0, cos_beta = 1;
};

ReducedPoint reduce(double lat, double lon);

// Two points as the iteration needs them.
struct AuxiliaryPair {
  double sin_beta1 = 0, cos_beta1 = 1, sin_beta2 = 0, cos_beta2 = 1;
  double sin_dlon = 0, cos_dlon = 1;  // of L = lon2 − lon1
};

struct AuxiliarySolution {
  double s12 = 0;                        // metres
  double sigma = 0, sin_sigma = 0;       // arc length on the auxiliary sphere, radians
  double sin_azi2 = 0, cos_azi2 = 1;     // azimuth at the second point, continuing beyond it
};

// False when the iteration does not converge (nearly antipodal points).
bool vincenty_inverse(const AuxiliaryPair& pair, AuxiliarySolution& out);

struct InverseSolution {
  double s12 = 0;   // metres
  double azi1 = 0;  // degrees, at the first point, clockwise from north
  double azi2 = 0;  // degrees, at the second point, continuing the geodesic beyond it
  double sigma = 0; // arc length on the auxiliary sphere, radians
};

// The same from latitudes and longitudes, with both azimuths in degrees.
bool vincenty_inverse(const ReducedPoint& p1, const ReducedPoint& p2, InverseSolution& out);

}  // namespace truceline::geo
