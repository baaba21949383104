// The fast inverse solution against GeographicLib on random pairs over and around Ukraine.
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <iostream>
#include <random>

#include "geo/vincenty.h"

namespace truceline::geo {
namespace {

TEST(VincentyTest, AgreesWithGeographicLibWithinHalfAMillimetre) {
  std::mt19937_64 rng(20250411);
  std::uniform_real_distribution<double> lat(40, 56), lon(18, 44), far_lat(-80, 80), far_lon(-180, 180);
  const auto& g = GeographicLib::Geodesic::WGS84();
  double worst = 0, worst_azi = 0;
  for (int i = 0; i < 200'000; ++i) {
    // Most pairs regional, some across the globe (not antipodal: λ stays below 150°).
    const bool regional = i % 10 != 0;
    const double la1 = regional ? lat(rng) : far_lat(rng), lo1 = regional ? lon(rng) : far_lon(rng);
    double la2 = regional ? lat(rng) : far_lat(rng), lo2 = regional ? lon(rng) : lo1 + std::fmod(far_lon(rng), 150.0);
    if (i % 1000 == 1) la2 = la1, lo2 = lo1 + 1e-7;  // nearly coincident
    InverseSolution v;
    ASSERT_TRUE(vincenty_inverse(reduce(la1, lo1), reduce(la2, lo2), v));
    double s, a1, a2;
    g.Inverse(la1, lo1, la2, lo2, s, a1, a2);
    worst = std::max(worst, std::abs(v.s12 - s));
    if (s > 1) {
      const double d = std::remainder(v.azi2 - a2, 360.0);
      worst_azi = std::max(worst_azi, std::abs(d));
    }
  }
  EXPECT_LT(worst, 0.5e-3) << "metres";
  EXPECT_LT(worst_azi, 1e-6) << "degrees";
  std::cout << "[          ] largest differences: " << worst * 1000 << " mm, " << worst_azi << "°\n";
}

TEST(VincentyTest, CoincidentPoints) {
  InverseSolution v;
  ASSERT_TRUE(vincenty_inverse(reduce(48, 31), reduce(48, 31), v));
  EXPECT_EQ(v.s12, 0);
}

TEST(VincentyTest, ReportsNearlyAntipodalPointsInsteadOfAnsweringWrong) {
  InverseSolution v;
  // Antipodal on the equator: Vincenty's iteration is known not to converge here.
  EXPECT_FALSE(vincenty_inverse(reduce(0.5, 0), reduce(-0.5, 179.7), v));
}

}  // namespace
}  // namespace truceline::geo
