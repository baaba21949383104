#include "geo/projection.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/LambertConformalConic.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace truceline::geo {
namespace {

const char* kUkraineLcc = "+proj=lcc +lat_1=45 +lat_2=51 +lat_0=48.5 +lon_0=31.5 +ellps=WGS84";
const LonLatBox kUkraineBox{22.1, 44.4, 40.2, 52.4};

TEST(Projection, OriginMapsToZero) {
  const Projection p(kUkraineLcc);
  const XY o = p.forward({31.5, 48.5});
  EXPECT_NEAR(o.x, 0, 1e-6);
  EXPECT_NEAR(o.y, 0, 1e-6);
}

TEST(Projection, RoundTripWithin1e9Degrees) {
  const Projection p(kUkraineLcc);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lon(20, 42), lat(43, 54);
  for (int i = 0; i < 2000; ++i) {
    const LonLat a{lon(rng), lat(rng)};
    const LonLat b = p.inverse(p.forward(a));
    ASSERT_NEAR(b.lon, a.lon, 1e-9) << a.lon << " " << a.lat;
    ASSERT_NEAR(b.lat, a.lat, 1e-9) << a.lon << " " << a.lat;
  }
}

// An independent implementation of the same projection: GeographicLib's, whose y is measured from
// its own latitude of origin, so compare differences from the point (lon_0, lat_0).
TEST(Projection, AgreesWithGeographicLibLambertConformalConic) {
  const Projection p(kUkraineLcc);
  const GeographicLib::Geodesic& wgs = GeographicLib::Geodesic::WGS84();
  const GeographicLib::LambertConformalConic ref(wgs.EquatorialRadius(), wgs.Flattening(), 45, 51, 1);
  double x0, y0, gamma, k;
  ref.Forward(31.5, 48.5, 31.5, x0, y0, gamma, k);
  for (const LonLat q : {LonLat{30.5238, 50.45466}, LonLat{36.25272, 49.98081}, LonLat{22.3, 48.6}, LonLat{33.5, 44.6}}) {
    double x, y;
    ref.Forward(31.5, q.lat, q.lon, x, y, gamma, k);
    const XY got = p.forward(q);
    EXPECT_NEAR(got.x, x - x0, 1e-3) << q.lon << " " << q.lat;
    EXPECT_NEAR(got.y, y - y0, 1e-3) << q.lon << " " << q.lat;
  }
}

// Length of a short geodesic a–b divided by its length on the map.
double scale_between(const Projection& p, LonLat a, LonLat b) {
  double s12;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, s12);
  const XY pa = p.forward(a), pb = p.forward(b);
  return std::hypot(pb.x - pa.x, pb.y - pa.y) / s12;
}

// Distances in a conformal conic are true on the standard parallels and shrink between them by
// the point scale k, which GeographicLib gives independently; compare with exact geodesics.
TEST(Projection, ProjectedDistanceMatchesGeodesicNearCentre) {
  const Projection p(kUkraineLcc);
  const GeographicLib::Geodesic& wgs = GeographicLib::Geodesic::WGS84();
  const GeographicLib::LambertConformalConic ref(wgs.EquatorialRadius(), wgs.Flattening(), 45, 51, 1);
  double x, y, gamma, k;
  ref.Forward(31.5, 48.5, 31.5, x, y, gamma, k);
  ASSERT_LT(k, 0.999);  // not trivially 1: halfway between the parallels the map shrinks
  // ~17 km across the centre, where the scale is k: within 0.1 % of the geodesic scaled by k.
  EXPECT_NEAR(scale_between(p, {31.4, 48.45}, {31.6, 48.55}), k, 1e-3 * k);
  // On a standard parallel the scale is 1.
  EXPECT_NEAR(scale_between(p, {31.4, 45.0}, {31.6, 45.0}), 1.0, 1e-4);
}

// The 1/6 rule keeps the scale within 0.2 % of 1 over the whole box (the header's claim).
TEST(Projection, FittedLccScaleErrorUnderTwoTenthsPercentOverUkraine) {
  const Projection p = fitted_lcc(kUkraineBox);
  double worst = 0;
  for (double lat = kUkraineBox.min_lat; lat <= kUkraineBox.max_lat + 1e-9; lat += 0.5)
    for (double lon = kUkraineBox.min_lon; lon <= kUkraineBox.max_lon + 1e-9; lon += 3)
      worst = std::max(worst, std::abs(scale_between(p, {lon, lat}, {lon + 0.05, lat + 0.05}) - 1));
  EXPECT_LT(worst, 2e-3);
  EXPECT_GT(worst, 5e-4);  // a conic over 8° of latitude cannot do much better; guards the test itself
}

TEST(Projection, BadDefinitionThrows) {
  EXPECT_THROW(Projection("+proj=no_such_projection"), GeometryError);
  EXPECT_THROW(Projection("not a definition"), GeometryError);
  EXPECT_THROW(Projection("+proj=lcc +lat_1=10 +lat_2=-10 +ellps=WGS84"), GeometryError);
  EXPECT_THROW(Projection("+proj=lcc +ellps=no_such_ellipsoid"), GeometryError);
}

TEST(Projection, UnprojectablePointThrows) {
  const Projection p("+proj=ortho +lat_0=48 +lon_0=31 +ellps=WGS84");  // the far hemisphere is hidden
  EXPECT_THROW(p.forward({-149, -48}), GeometryError);
}

TEST(Projection, MoveKeepsTheOperation) {
  Projection a(kUkraineLcc);
  const XY before = a.forward({30, 50});
  Projection b(std::move(a));
  const XY after = b.forward({30, 50});
  EXPECT_DOUBLE_EQ(before.x, after.x);
  EXPECT_DOUBLE_EQ(before.y, after.y);
  Projection c("+proj=merc +ellps=WGS84");
  c = std::move(b);
  EXPECT_DOUBLE_EQ(c.forward({30, 50}).y, before.y);
}

TEST(Projection, FittedLccUsesOneSixthRule) {
  const std::string def = fitted_lcc_definition(kUkraineBox);
  // span 8°: parallels at 44.4 + 8/6 and 52.4 - 8/6, origin mid-box.
  EXPECT_NE(def.find("+lat_1=45.733333"), std::string::npos) << def;
  EXPECT_NE(def.find("+lat_2=51.066667"), std::string::npos) << def;
  EXPECT_NE(def.find("+lat_0=48.400000"), std::string::npos) << def;
  EXPECT_NE(def.find("+lon_0=31.150000"), std::string::npos) << def;
  const Projection p = fitted_lcc(kUkraineBox);
  const XY centre = p.forward({31.15, 48.4});
  EXPECT_NEAR(centre.x, 0, 1e-6);
  EXPECT_NEAR(centre.y, 0, 1e-6);
}

TEST(Projection, FittedLccRejectsDegenerateBoxes) {
  EXPECT_THROW(fitted_lcc({10, 5, 0, 6}), GeometryError);     // inverted
  EXPECT_THROW(fitted_lcc({0, -10, 10, 10}), GeometryError);  // centred on the equator
}

}  // namespace
}  // namespace truceline::geo
