#include "geo/vincenty.h"

namespace truceline::geo {
namespace {
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257223563;
constexpr double kB = kA * (1 - kF);
constexpr double kDeg = M_PI / 180;
// Below this the series of sin_cos_small and atan_small are exact to rounding: their first
// omitted terms, x⁷/5040, x⁸/40320 and x⁹/9, are under 1e-18 at x = 0.02.
constexpr double kSmall = 0.02;

// The last move of δ the iteration accepts: what the first-order correction leaves of it is of
// order f·a·kStep, 0.2 mm; measured, 0.19 mm against GeographicLib (vincenty_test.cc).
constexpr double kStep = 1e-8;

void sin_cos_small(double x, double& s, double& c) {
  if (std::abs(x) > kSmall) {
    s = std::sin(x), c = std::cos(x);
    return;
  }
  const double x2 = x * x;
  s = x * (1 - x2 / 6 * (1 - x2 / 20));
  c = 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30));
}

// The angle whose sine and cosine are given, for an angle near 0.
double atan_small(double s, double c) {
  const double x = s / c;
  if (!(c > 0 && std::abs(x) <= kSmall)) return std::atan2(s, c);
  const double x2 = x * x;
  return x * (1 - x2 * (1.0 / 3 - x2 * (1.0 / 5 - x2 / 7)));
}

// σ from its sine and cosine. Under 0.2 rad (1,270 km), asin s = s Σ c_n s^2n to n = 7, whose
// first omitted term is under 1e-13 of σ, costs less than atan2.
double arc(double s, double c) {
  const double s2 = s * s;
  if (!(c > 0 && s2 < 0.04)) return std::atan2(s, c);
  constexpr double c1 = 1.0 / 6, c2 = 3.0 / 40, c3 = 5.0 / 112, c4 = 35.0 / 1152, c5 = 63.0 / 2816,
                   c6 = 231.0 / 13312, c7 = 143.0 / 10240;
  return s * (1 + s2 * (c1 + s2 * (c2 + s2 * (c3 + s2 * (c4 + s2 * (c5 + s2 * (c6 + s2 * c7)))))));
}

struct Iterate {
  double sin_l, cos_l;          // of λ
  double sin_sigma, cos_sigma, sigma;
  double sin_alpha, cos2_alpha, cos_2sm;
  double step;                  // the last change of δ = λ − L, not yet applied to the above
};

// A first δ = λ − L, from quantities at λ = L and to first order in f of δ itself:
//   δ = f sin α σ (1 − C + C (sin σ / σ) cos 2σm) + O(f³)  with C = f/4 cos² α + O(f²),
// sin α σ = k sin λ F(σ), k = cos β1 cos β2, F = σ / sin σ = asin(s) / s by its series in
// s = sin σ. That product grows from λ = L to L + δ by δ k F (cos L + k sin² L / 3) (F' ≈ σ/3 and
// dσ/dλ = sin α). The start is then off by about f² δ, 4e-9 rad at 1,000 km, and one pass of the
// iteration nearly always ends it.
double first_delta(const AuxiliaryPair& q) {
  const double su1 = q.sin_beta1, cu1 = q.cos_beta1, su2 = q.sin_beta2, cu2 = q.cos_beta2;
  const double cos_sigma = su1 * su2 + cu1 * cu2 * q.cos_dlon;
  if (cos_sigma <= 0) return 0;  // beyond a quarter circle the series no longer holds
  const double t1 = cu2 * q.sin_dlon, t2 = cu1 * su2 - su1 * cu2 * q.cos_dlon;
  const double s2 = t1 * t1 + t2 * t2;
  if (s2 == 0) return 0;
  const double k = cu1 * cu2, ks = k * q.sin_dlon;
  const double F = 1 + s2 * (1.0 / 6 + s2 * (3.0 / 40));
  const double cos2_alpha = 1 - ks * ks / s2;
  const double cos_2sm = cos2_alpha > 0 ? cos_sigma - 2 * su1 * su2 / cos2_alpha : 0;  // 0 on the equator
  const double C = kF / 4 * cos2_alpha;
  const double growth = k * F * (q.cos_dlon + ks * q.sin_dlon / 3);
  return kF * ks * F * (1 + kF * growth) * (1 - C * (1 - cos_2sm));
}

// Vincenty's iteration on δ = λ − L. Each pass moves δ by about f cos²β times the previous move.
// It stops once a pass moves δ by under kStep; the solution then takes the quantities of the
// last pass and corrects σ to first order for that last move (dσ/dλ = sin α, see length).
bool iterate(const AuxiliaryPair& q, Iterate& it) {
  const double su1 = q.sin_beta1, cu1 = q.cos_beta1, su2 = q.sin_beta2, cu2 = q.cos_beta2;
  double delta = first_delta(q);
  for (int iter = 0; iter < 100; ++iter) {
    double sd, cd;
    sin_cos_small(delta, sd, cd);
    it.sin_l = q.sin_dlon * cd + q.cos_dlon * sd;
    it.cos_l = q.cos_dlon * cd - q.sin_dlon * sd;
    const double t1 = cu2 * it.sin_l, t2 = cu1 * su2 - su1 * cu2 * it.cos_l;
    const double sin_sigma = std::sqrt(t1 * t1 + t2 * t2);
    if (sin_sigma == 0) {  // coincident points
      it.sin_sigma = it.sigma = it.sin_alpha = it.step = 0, it.cos_sigma = 1;
      return true;
    }
    const double cos_sigma = su1 * su2 + cu1 * cu2 * it.cos_l;
    // After the first pass σ changes by about as little as δ: add the change, a small angle.
    it.sigma = iter == 0 ? arc(sin_sigma, cos_sigma)
                         : it.sigma + atan_small(sin_sigma * it.cos_sigma - cos_sigma * it.sin_sigma,
                                                 cos_sigma * it.cos_sigma + sin_sigma * it.sin_sigma);
    it.sin_sigma = sin_sigma, it.cos_sigma = cos_sigma;
    it.sin_alpha = cu1 * cu2 * it.sin_l / sin_sigma;
    it.cos2_alpha = 1 - it.sin_alpha * it.sin_alpha;
    it.cos_2sm = it.cos2_alpha != 0 ? cos_sigma - 2 * su1 * su2 / it.cos2_alpha : 0;  // 0 on the equator
    const double C = kF / 16 * it.cos2_alpha * (4 + kF * (4 - 3 * it.cos2_alpha));
    const double next =
        (1 - C) * kF * it.sin_alpha *
        (it.sigma + C * sin_sigma * (it.cos_2sm + C * cos_sigma * (-1 + 2 * it.cos_2sm * it.cos_2sm)));
    it.step = next - delta;
    if (std::abs(it.step) < kStep) return true;
    delta = next;
  }
  return false;
}

double length(const Iterate& it) {
  const double u2 = it.cos2_alpha * (kA * kA - kB * kB) / (kB * kB);
  const double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const double c2 = it.cos_2sm * it.cos_2sm;
  const double dsigma =
      B * it.sin_sigma *
      (it.cos_2sm + B / 4 * (it.cos_sigma * (-1 + 2 * c2) -
                             B / 6 * it.cos_2sm * (-3 + 4 * it.sin_sigma * it.sin_sigma) * (-3 + 4 * c2)));
  // σ moved on to the λ of the last step; A and Δσ, of order f, change by f times that step only.
  return kB * A * (it.sigma + it.sin_alpha * it.step - dsigma);
}

// sin λ and cos λ moved on by the last step, for the azimuths: between points a metre apart a
// step of 1e-13 rad still turns them by 1e-6 rad. The step is under kStep, so its square
// is negligible.
void final_lambda(const Iterate& it, double& sin_l, double& cos_l) {
  sin_l = it.sin_l + it.step * it.cos_l;
  cos_l = it.cos_l - it.step * it.sin_l;
}

}  // namespace

ReducedPoint reduce(double lat, double lon) {
  // tan β = (1 − f) tan φ, written without the tangent so that the poles need no special case.
  const double s = (1 - kF) * std::sin(lat * kDeg), c = std::cos(lat * kDeg);
  const double h = std::sqrt(s * s + c * c);  // between 1 − f and 1: no overflow for hypot to avoid
  return {lat, lon, s / h, c / h};
}

bool vincenty_inverse(const AuxiliaryPair& pair, AuxiliarySolution& out) {
  Iterate it;
  if (!iterate(pair, it)) return false;
  out.s12 = it.sin_sigma == 0 ? 0 : length(it);
  out.sigma = it.sigma;
  out.sin_sigma = it.sin_sigma;
  double sin_l, cos_l;
  final_lambda(it, sin_l, cos_l);
  // (sin, cos) of α2 times sin σ, the norm of this vector.
  const double e = pair.cos_beta1 * sin_l;
  const double n = pair.cos_beta1 * pair.sin_beta2 * cos_l - pair.sin_beta1 * pair.cos_beta2;
  if (it.sin_sigma == 0) {
    out.sin_azi2 = 0, out.cos_azi2 = 1;
  } else {
    const double inv = 1 / it.sin_sigma;
    out.sin_azi2 = e * inv, out.cos_azi2 = n * inv;
  }
  return true;
}

bool vincenty_inverse(const ReducedPoint& p1, const ReducedPoint& p2, InverseSolution& out) {
  const double L = std::remainder(p2.lon - p1.lon, 360.0) * kDeg;
  const AuxiliaryPair pair{p1.sin_beta, p1.cos_beta, p2.sin_beta, p2.cos_beta, std::sin(L), std::cos(L)};
  Iterate it;
  if (!iterate(pair, it)) return false;
  if (it.sin_sigma == 0) {
    out = {0, 0, 0, 0};
    return true;
  }
  const double su1 = p1.sin_beta, cu1 = p1.cos_beta, su2 = p2.sin_beta, cu2 = p2.cos_beta;
  out.s12 = length(it);
  double sin_l, cos_l;
  final_lambda(it, sin_l, cos_l);
  out.azi1 = std::atan2(cu2 * sin_l, cu1 * su2 - su1 * cu2 * cos_l) / kDeg;
  out.azi2 = std::atan2(cu1 * sin_l, -su1 * cu2 + cu1 * su2 * cos_l) / kDeg;
  out.sigma = it.sigma;
  return true;
}

}  // namespace truceline::geo
