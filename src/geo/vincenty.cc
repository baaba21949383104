#include "geo/vincenty.h"

namespace truceline::geo {
namespace {
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257223563;
constexpr double kB = kA * (1 - kF);
constexpr double kDeg = M_PI / 180;
}  // namespace

ReducedPoint reduce(double lat, double lon) {
  // tan β = (1 − f) tan φ, written without the tangent so that the poles need no special case.
  const double s = (1 - kF) * std::sin(lat * kDeg), c = std::cos(lat * kDeg);
  const double h = std::hypot(s, c);
  return {lat, lon, s / h, c / h};
}

bool vincenty_inverse(const ReducedPoint& p1, const ReducedPoint& p2, InverseSolution& out) {
  const double su1 = p1.sin_beta, cu1 = p1.cos_beta, su2 = p2.sin_beta, cu2 = p2.cos_beta;
  double dlon = p2.lon - p1.lon;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  const double L = dlon * kDeg;
  double lambda = L, sin_sigma = 0, cos_sigma = 1, sigma = 0, cos2_alpha = 1, cos_2sm = 0, sin_l = 0, cos_l = 1;
  int iter = 0;
  for (; iter < 100; ++iter) {
    sin_l = std::sin(lambda);
    cos_l = std::cos(lambda);
    const double t1 = cu2 * sin_l, t2 = cu1 * su2 - su1 * cu2 * cos_l;
    sin_sigma = std::sqrt(t1 * t1 + t2 * t2);
    if (sin_sigma == 0) {  // coincident points
      out = {0, 0, 0, 0};
      return true;
    }
    cos_sigma = su1 * su2 + cu1 * cu2 * cos_l;
    sigma = std::atan2(sin_sigma, cos_sigma);
    const double sin_alpha = cu1 * cu2 * sin_l / sin_sigma;
    cos2_alpha = 1 - sin_alpha * sin_alpha;
    cos_2sm = cos2_alpha != 0 ? cos_sigma - 2 * su1 * su2 / cos2_alpha : 0;  // 0 on the equator
    const double C = kF / 16 * cos2_alpha * (4 + kF * (4 - 3 * cos2_alpha));
    const double next = L + (1 - C) * kF * sin_alpha *
                                (sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)));
    const bool done = std::abs(next - lambda) < 5e-11;  // 5e-11 rad of λ is 0.3 mm on the ground
    lambda = next;
    if (done) break;
  }
  if (iter >= 100) return false;
  const double u2 = cos2_alpha * (kA * kA - kB * kB) / (kB * kB);
  const double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const double c2 = cos_2sm * cos_2sm;
  const double dsigma = B * sin_sigma *
                        (cos_2sm + B / 4 * (cos_sigma * (-1 + 2 * c2) -
                                            B / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma) * (-3 + 4 * c2)));
  out.s12 = kB * A * (sigma - dsigma);
  out.azi1 = std::atan2(cu2 * sin_l, cu1 * su2 - su1 * cu2 * cos_l) / kDeg;
  out.azi2 = std::atan2(cu1 * sin_l, -su1 * cu2 + cu1 * su2 * cos_l) / kDeg;
  out.sigma = sigma;
  return true;
}

}  // namespace truceline::geo
