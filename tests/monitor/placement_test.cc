// place and to_json(Placement): given positions classified in the default plan, bearing + range
// placements checked against GeographicLib's inverse, the stated errors, no position without a
// direction.
#include <GeographicLib/Geodesic.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "index/locator.h"
#include "monitor/observation.h"
#include "support.h"

namespace truceline::monitor {
namespace {

const index::Locator& locator() {
  static const index::Locator loc(testing::default_map());
  return loc;
}

Placement placed(const Observation& o, const PlaceOptions& opt = {}) {
  return place(o, locator(), testing::default_map(), opt);
}

// An SMM-style patrol at Kramatorsk (GeoNames), in Ukrainian-held ground west of the DMZ.
Observation patrol(const std::string& mode, const std::string& event) {
  Observation o;
  o.observer_id = "SMM-P12";
  o.observer_kind = "patrol";
  o.observer_lat = 48.72305, o.observer_lon = 37.55629;
  o.mode = mode;
  o.event = event;
  return o;
}

Observation at(double lat, double lon) {
  Observation o = patrol("saw", "armour");
  o.lat = lat, o.lon = lon;
  return o;
}

// Distance and azimuth from the observer to the placed event, by GeographicLib's inverse.
struct Inverse {
  double dist_m, azi_deg;
};
Inverse from_observer(const Observation& o, const Placement& p) {
  Inverse r{};
  double azi2 = 0;
  GeographicLib::Geodesic::WGS84().Inverse(*o.observer_lat, *o.observer_lon, *p.lat, *p.lon, r.dist_m, r.azi_deg, azi2);
  return r;
}

double rad(double deg) { return deg * std::numbers::pi / 180; }

TEST(ObservationPlace, BearingAndRangeBandMiddle) {
  Observation o = patrol("saw", "muzzle_flash");
  o.bearing_deg = 135, o.range_min_km = 3, o.range_max_km = 6;
  const Placement p = placed(o);
  EXPECT_EQ(p.method, "bearing_range");
  ASSERT_TRUE(p.lat && p.lon);
  const Inverse inv = from_observer(o, p);
  EXPECT_NEAR(inv.dist_m, 4500, 1.0);
  EXPECT_NEAR(inv.azi_deg, 135, 1e-6);
  // Half the band along the bearing, 3° of bearing across it at 4.5 km.
  EXPECT_NEAR(*p.err_m, std::hypot(1500, 4500 * rad(3)), 1e-6);
}

TEST(ObservationPlace, HeardBearingIsLessCertain) {
  Observation o = patrol("heard", "explosion");
  o.bearing_deg = 290, o.range_min_km = 2, o.range_max_km = 4;
  const Placement p = placed(o);
  const Inverse inv = from_observer(o, p);
  EXPECT_NEAR(inv.dist_m, 3000, 1.0);
  EXPECT_NEAR(inv.azi_deg, 290 - 360, 1e-6);  // GeographicLib reports azimuths in [-180, 180]
  EXPECT_NEAR(*p.err_m, std::hypot(1000, 3000 * rad(10)), 1e-6);
  PlaceOptions opt;
  opt.bearing_sigma_heard_deg = 20;
  EXPECT_NEAR(*placed(o, opt).err_m, std::hypot(1000, 3000 * rad(20)), 1e-6);
}

TEST(ObservationPlace, DefaultBandsWithoutRange) {
  Observation boom = patrol("heard", "explosion");
  boom.bearing_deg = 90;
  const Placement p = placed(boom);
  EXPECT_NEAR(from_observer(boom, p).dist_m, 5000, 1.0);
  EXPECT_NEAR(*p.err_m, std::hypot(4000, 5000 * rad(10)), 1e-6);

  Observation shots = patrol("heard", "burst");
  shots.bearing_deg = 90;
  const Placement q = placed(shots);
  EXPECT_NEAR(from_observer(shots, q).dist_m, 4000, 1.0);  // heard: 0–8 km
  EXPECT_NEAR(*q.err_m, std::hypot(4000, 4000 * rad(10)), 1e-6);

  Observation seen = patrol("saw", "burst");
  seen.bearing_deg = 90;
  const Placement r = placed(seen);
  EXPECT_NEAR(from_observer(seen, r).dist_m, 2000, 1.0);  // seen: 0–4 km
  EXPECT_NEAR(*r.err_m, std::hypot(2000, 2000 * rad(3)), 1e-6);
}

TEST(ObservationPlace, GivenPositionInTheDmzNearPokrovsk) {
  const Placement p = placed(at(48.28, 37.18));
  EXPECT_EQ(p.method, "given");
  EXPECT_EQ(p.lat, 48.28);
  EXPECT_EQ(p.lon, 37.18);
  EXPECT_EQ(p.err_m, 50);
  EXPECT_EQ(p.zone_id, "dmz");
  EXPECT_EQ(p.zone_kind, "dmz");
  EXPECT_EQ(p.responsible, "monitors");
  EXPECT_EQ(testing::default_map().zones.at(p.zone).id, "dmz");
  ASSERT_TRUE(p.dist_loc_km);
  EXPECT_LE(*p.dist_loc_km, 15.0);  // the plan's DMZ reaches 15 km each side of the line
  EXPECT_NEAR(*p.dist_loc_km, locator().distance_to_line_m({37.18, 48.28}) / 1000, 1e-12);
  PlaceOptions exact;
  exact.given_err_m = 0;
  EXPECT_EQ(placed(at(48.28, 37.18), exact).err_m, 0);
}

TEST(ObservationPlace, LvivIsAllied) {
  const Placement p = placed(at(49.83826, 24.02324));
  EXPECT_EQ(p.zone_kind, "allied");
  EXPECT_EQ(p.zone_id, "allied-north");
  EXPECT_EQ(p.responsible, "uk");  // the UK-led sector
  ASSERT_TRUE(p.dist_loc_km);
  EXPECT_GT(*p.dist_loc_km, 500);  // Lviv is far west of the front (about 730 km from Kherson)
}

TEST(ObservationPlace, OutsideTheArea) {
  const Placement p = placed(at(53.9, 27.56667));  // Minsk
  EXPECT_EQ(p.zone, -1);
  EXPECT_EQ(p.zone_id, "outside");
  EXPECT_EQ(p.zone_kind, "outside");
  EXPECT_TRUE(p.responsible.empty());
}

TEST(ObservationPlace, HeardWithoutDirectionHasNoPosition) {
  for (const char* mode : {"heard", "saw"}) {
    Observation o = patrol(mode, "explosion");
    o.range_min_km = 3, o.range_max_km = 5;  // a band without a bearing still places nothing
    const Placement p = placed(o);
    EXPECT_EQ(p.method, "observer") << mode;
    EXPECT_FALSE(p.lat || p.lon || p.err_m || p.dist_loc_km) << mode;
    EXPECT_EQ(p.zone, -1);
    EXPECT_TRUE(p.zone_id.empty() && p.zone_kind.empty() && p.responsible.empty()) << p.zone_id;
    EXPECT_EQ(to_json(p), nlohmann::json({{"method", "observer"}}));
  }
}

TEST(ObservationPlace, NothingKnownIsNone) {
  Observation o = patrol("heard", "explosion");
  o.observer_lat.reset(), o.observer_lon.reset();
  o.bearing_deg = 45;
  EXPECT_EQ(placed(o).method, "none");
}

TEST(ObservationPlace, GivenPositionWinsOverBearing) {
  Observation o = at(48.28, 37.18);
  o.bearing_deg = 10, o.range_min_km = 1, o.range_max_km = 2;
  EXPECT_EQ(placed(o).method, "given");
  EXPECT_EQ(placed(o).lat, 48.28);
}

TEST(ObservationPlace, Json) {
  const Placement p = placed(at(48.28, 37.18));
  const nlohmann::json j = to_json(p);
  EXPECT_EQ(j.at("method"), "given");
  EXPECT_EQ(j.at("lat"), 48.28);
  EXPECT_EQ(j.at("lon"), 37.18);
  EXPECT_EQ(j.at("err_m"), 50);
  EXPECT_EQ(j.at("zone_id"), "dmz");
  EXPECT_EQ(j.at("zone_kind"), "dmz");
  EXPECT_EQ(j.at("responsible"), "monitors");
  EXPECT_EQ(j.at("dist_loc_km"), *p.dist_loc_km);
  EXPECT_EQ(j.size(), 8u);
  const nlohmann::json outside = to_json(placed(at(53.9, 27.56667)));
  EXPECT_FALSE(outside.contains("responsible"));
  EXPECT_EQ(outside.at("zone_id"), "outside");
}

}  // namespace
}  // namespace truceline::monitor
