#include "report/place_phrase.h"

#include <gtest/gtest.h>

#include "geo/geodesy.h"

namespace truceline::report {
namespace {

// Huliaipole's centre (47.6617 N, 36.2567 E, rounded from its OpenStreetMap node) and two other
// settlements placed where they cannot be the nearest to the points tested beside Huliaipole.
std::vector<plan::Settlement> settlements() {
  std::vector<plan::Settlement> s(3);
  s[0].name = "Huliaipole", s[0].pos = {36.2567, 47.6617}, s[0].population = 12'000;
  s[1].name = "Far East", s[1].pos = {37.5, 47.6617}, s[1].population = 500'000;
  s[2].name = "Far North", s[2].pos = {36.2567, 48.6}, s[2].population = 1'000;
  return s;
}

TEST(CompassName, EightPointsAtTheirCentres) {
  const char* names[] = {"north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(compass_name(45.0 * i, 8), names[i]) << i;
}

TEST(CompassName, BoundariesBelongToTheNextDirectionClockwise) {
  EXPECT_EQ(compass_name(22.4999, 8), "north");
  EXPECT_EQ(compass_name(22.5, 8), "north-east");
  EXPECT_EQ(compass_name(337.4999, 8), "north-west");
  EXPECT_EQ(compass_name(337.5, 8), "north");
  EXPECT_EQ(compass_name(359.999, 8), "north");
  EXPECT_EQ(compass_name(11.2499, 16), "north");
  EXPECT_EQ(compass_name(11.25, 16), "north-north-east");
  EXPECT_EQ(compass_name(146.25, 16), "south-south-east");
  EXPECT_EQ(compass_name(146.2499, 16), "south-east");
  EXPECT_EQ(compass_name(45, 4), "east");  // a 4-point rose: 45° starts the east sector
}

TEST(CompassName, TakesAnyAngleModulo360) {
  EXPECT_EQ(compass_name(-45, 8), "north-west");
  EXPECT_EQ(compass_name(720 + 135, 8), "south-east");
  EXPECT_EQ(compass_name(-0.0001, 16), "north");
}

TEST(CompassName, RejectsOtherRoses) { EXPECT_THROW(compass_name(10, 12), std::invalid_argument); }

TEST(PlaceNamer, ThreeKilometresSouthEast) {
  const PlaceNamer namer(settlements());
  const geo::LonLat p = geo::destination({36.2567, 47.6617}, 135, 3000);
  const Place place = namer.describe(p);
  EXPECT_EQ(place.phrase, "3 km south-east of Huliaipole");
  EXPECT_NEAR(place.distance_km, 3.0, 1e-9);
  EXPECT_NEAR(place.azimuth_deg, 135.0, 1e-9);
  EXPECT_EQ(place.direction, "south-east");
}

TEST(PlaceNamer, SixteenPointsAndRounding) {
  PlacePhraseOptions opt;
  opt.points = 16;
  const PlaceNamer namer(settlements(), opt);
  // 157.5° is south-south-east exactly; 4.6 km rounds to 5.
  const Place place = namer.describe(geo::destination({36.2567, 47.6617}, 157.5, 4600));
  EXPECT_EQ(place.phrase, "5 km south-south-east of Huliaipole");
}

TEST(PlaceNamer, CloseToTheCentreIsInTheSettlement) {
  const PlaceNamer namer(settlements());
  EXPECT_EQ(namer.describe(geo::destination({36.2567, 47.6617}, 200, 300)).phrase, "in Huliaipole");
  // Just outside the half kilometre: at least "1 km", never "0 km".
  EXPECT_EQ(namer.describe(geo::destination({36.2567, 47.6617}, 270, 600)).phrase, "1 km west of Huliaipole");
}

TEST(PlaceNamer, PicksTheNearestSettlement) {
  const PlaceNamer namer(settlements());
  // 60 km east of Huliaipole is ~34 km west of "Far East" (which lies ~94 km east).
  const Place place = namer.describe(geo::destination({36.2567, 47.6617}, 90, 60'000));
  EXPECT_EQ(place.settlement, "Far East");
  EXPECT_NE(place.phrase.find("west of Far East"), std::string::npos) << place.phrase;
}

// Cross-check against brute force: the exact geodesic distance to every settlement.
TEST(PlaceNamer, AgreesWithBruteForceOnRandomPoints) {
  std::vector<plan::Settlement> s;
  uint64_t state = 12345;
  const auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int i = 0; i < 300; ++i) {
    plan::Settlement x;
    x.name = "s" + std::to_string(i);
    x.pos = {30 + 10 * uniform(), 45 + 7 * uniform()};
    s.push_back(x);
  }
  const PlaceNamer namer(s);
  for (int k = 0; k < 500; ++k) {
    const geo::LonLat p{29 + 12 * uniform(), 44 + 9 * uniform()};
    double best = 1e300;
    std::string name;
    for (const auto& x : s)
      if (const double d = geo::distance_m(x.pos, p); d < best) best = d, name = x.name;
    const Place place = namer.describe(p);
    EXPECT_EQ(place.settlement, name) << p.lon << "," << p.lat;
    EXPECT_NEAR(place.distance_km * 1000, best, 1e-6);
  }
}

TEST(PlaceNamer, MinimumPopulationAndEmptyLayer) {
  PlacePhraseOptions opt;
  opt.min_population = 100'000;
  const PlaceNamer big(settlements(), opt);
  EXPECT_EQ(big.describe({36.2567, 47.6617}).settlement, "Far East");
  const PlaceNamer none({});
  EXPECT_EQ(none.describe({36.2567, 47.6617}).phrase, "");
}

}  // namespace
}  // namespace truceline::report
