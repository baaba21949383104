// attribute(): zone and side of an incident, the side fire came from, and each rule kind on
// both sides of its boundary — in the default plan's DMZ, and in the Minsk-style plan's withdrawal
// bands (with rules added to it here).
#include "monitor/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "geo/geodesy.h"
#include "io/output.h"
#include "plan/compiler.h"
#include "support.h"

namespace truceline::monitor {
namespace {

// A point of the line of contact where it runs straight enough that points 0.5–40 km off it on
// either side lie in the area and that far from it (the first such vertex, every 10 km along the line), and the
// direction of the line there.
struct OnLine {
  geo::LonLat p;
  double azi_deg;
};
geo::LonLat off(const OnLine& l, int side, double km);
OnLine on_line(const plan::ZoneMap& map, const index::Locator& loc) {
  for (const auto& part : geo::line_parts(map.find_line("line_of_contact")->geom))
    for (size_t i = 10; i + 10 < part.size(); i += 10) {
      const geo::LonLat a = part[i - 10], b = part[i + 10];
      const OnLine l{part[i], std::atan2((b.lon - a.lon) * std::cos(a.lat * M_PI / 180), b.lat - a.lat) * 180 / M_PI};
      bool straight = true;
      for (int side : {-1, +1})
        for (double km : {0.5, 1.0, 2.0, 3.0, 5.0, 6.0, 8.0, 14.0, 16.0, 20.0, 25.0, 30.0, 40.0}) {
          const geo::LonLat q = off(l, side, km);
          straight = straight && loc.zone_of(q) >= 0 && std::fabs(loc.distance_to_line_m(q) / 1000 - km) < 0.1 * km + 0.05;
        }
      if (straight) return l;
    }
  ADD_FAILURE() << "no straight stretch of the line";
  return {};
}

// `km` off the line, to its right (+1) or left (−1).
geo::LonLat off(const OnLine& l, int side, double km) { return geo::destination(l.p, l.azi_deg + 90 * side, km * 1000); }

Incident attributed(const plan::ZoneMap& map, const index::Locator& loc, geo::LonLat at, const std::string& event,
                    const std::string& explosion_type = {}, const std::string& weapon_class = {}) {
  Sighting s;
  s.event = event, s.explosion_type = explosion_type, s.weapon_class = weapon_class;
  Incident inc;
  inc.event = event, inc.fix.ok = true, inc.fix.pos = at;
  attribute(inc, {&s}, map, loc);
  return inc;
}

bool breaks(const Incident& inc, const std::string& rule) {
  return std::any_of(inc.violations.begin(), inc.violations.end(), [&](const Violation& v) { return v.rule == rule; });
}

struct DefaultPlan : ::testing::Test {
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator& loc() {
    static const index::Locator l(testing::default_map());
    return l;
  }
  OnLine line = on_line(map, loc());
  // The side whose far point lies in Russian-held territory is the inside (occupied) side.
  int occupied = map.zones[loc().zone_of(off(line, +1, 25))].id == "russian" ? +1 : -1;
};

TEST_F(DefaultPlan, ZoneAndSideOnBothSidesInAndBeyondTheDmz) {
  for (int side : {-1, +1})
    for (double km : {0.5, 3.0, 14.0, 16.0, 40.0}) {
      const Incident inc = attributed(map, loc(), off(line, side, km), "troops");
      EXPECT_EQ(inc.side, side == occupied ? "occupied_side" : "ukrainian_side") << side << " " << km;
      if (km < 15) EXPECT_EQ(inc.zone_kind, "dmz") << km;
      else EXPECT_NE(inc.zone_kind, "dmz") << km;
      EXPECT_FALSE(inc.responsible.empty());
      EXPECT_TRUE(inc.violations.empty());
    }
}

TEST_F(DefaultPlan, WeaponInDmz) {
  EXPECT_TRUE(breaks(attributed(map, loc(), off(line, occupied, 5), "heavy_weapon", "", "artillery_ge_100"), "weapon-in-dmz"));
  EXPECT_TRUE(breaks(attributed(map, loc(), off(line, -occupied, 5), "armour"), "weapon-in-dmz"));
  EXPECT_FALSE(breaks(attributed(map, loc(), off(line, occupied, 20), "heavy_weapon", "", "mlrs"), "weapon-in-dmz"));
  // An impact in the DMZ is where a shell landed, not where a weapon stands.
  EXPECT_FALSE(breaks(attributed(map, loc(), off(line, occupied, 5), "explosion", "impact", "mlrs"), "weapon-in-dmz"));
  const auto v = attributed(map, loc(), off(line, occupied, 5), "armour").violations;
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].severity, "high");
}

TEST_F(DefaultPlan, AirOverDmz) {
  EXPECT_TRUE(breaks(attributed(map, loc(), off(line, -occupied, 8), "uav"), "air-over-dmz"));
  EXPECT_TRUE(breaks(attributed(map, loc(), off(line, occupied, 1), "aircraft"), "air-over-dmz"));
  EXPECT_FALSE(breaks(attributed(map, loc(), off(line, occupied, 25), "uav"), "air-over-dmz"));
}

TEST_F(DefaultPlan, FireAcrossTheLineIsAssessedOnlyWhereTheFiringPointIsKnown) {
  // Outgoing: the incident is the firing point; within the weapon's reach of the line.
  const Incident out = attributed(map, loc(), off(line, occupied, 6), "explosion", "outgoing", "artillery_ge_100");
  EXPECT_EQ(out.origin_side, "occupied_side");
  EXPECT_TRUE(out.crossed_line);
  EXPECT_TRUE(breaks(out, "fire-across-line"));
  // Mortars reach 4 km: fired from 6 km back they cannot cross.
  EXPECT_FALSE(attributed(map, loc(), off(line, occupied, 6), "explosion", "outgoing", "mortar_lt_100").crossed_line);
  // An impact: the target is known, the origin is not.
  const Incident imp = attributed(map, loc(), off(line, occupied, 2), "explosion", "impact");
  EXPECT_TRUE(imp.origin_side.empty());
  EXPECT_FALSE(imp.crossed_line);
  EXPECT_FALSE(breaks(imp, "fire-across-line"));
  // An undetermined explosion says nothing of direction either.
  EXPECT_FALSE(attributed(map, loc(), off(line, occupied, 2), "explosion", "undetermined").crossed_line);
}

TEST_F(DefaultPlan, NoPositionNoAttribution) {
  Incident inc;
  inc.event = "armour";
  Sighting s;
  attribute(inc, {&s}, map, loc());
  EXPECT_TRUE(inc.zone.empty());
  EXPECT_TRUE(inc.violations.empty());
}

// The Minsk-style plan has withdrawal bands and no DMZ; rules are added to its text.
const plan::ZoneMap& minsk() {
  static const plan::ZoneMap map = [] {
    const auto path = testing::root() / "plans/examples/minsk-style-2025.toml";
    std::string text = io::read_file(path);
    text += "\n[[rules]]\nid = \"band\"\nkind = \"weapon_in_band\"\nseverity = \"medium\"\n"
            "\n[[rules]]\nid = \"mlrs-band\"\nkind = \"weapon_in_band\"\nseverity = \"critical\"\nweapon_classes = [\"mlrs\"]\n";
    return plan::compile(plan::parse_plan_text(text, path.string()), nullptr);
  }();
  return map;
}

TEST(MinskPlan, WeaponInWithdrawalBandOnEitherSide) {
  const auto& map = minsk();
  const index::Locator loc(map);
  const OnLine line = on_line(map, loc);
  for (int side : {-1, +1}) {
    const auto art20 = attributed(map, loc, off(line, side, 20), "heavy_weapon", "", "artillery_ge_100");
    EXPECT_TRUE(breaks(art20, "band")) << side;
    EXPECT_FALSE(breaks(art20, "mlrs-band"));  // the rule names its classes
    EXPECT_FALSE(breaks(attributed(map, loc, off(line, side, 30), "heavy_weapon", "", "artillery_ge_100"), "band"));
    const auto mlrs30 = attributed(map, loc, off(line, side, 30), "heavy_weapon", "", "mlrs");
    EXPECT_TRUE(breaks(mlrs30, "band") && breaks(mlrs30, "mlrs-band")) << side;
    // Tanks have no band in this plan; a heavy weapon of unknown class cannot be checked.
    EXPECT_FALSE(breaks(attributed(map, loc, off(line, side, 5), "armour"), "band"));
    EXPECT_FALSE(breaks(attributed(map, loc, off(line, side, 5), "heavy_weapon"), "band"));
    // Sides from the withdrawal lines agree with the zones.
    const auto far = attributed(map, loc, off(line, side, 40), "troops");
    EXPECT_EQ(far.side, far.zone == "russian" ? "occupied_side" : "ukrainian_side");
    EXPECT_EQ(attributed(map, loc, off(line, side, 3), "troops").side, far.side);
  }
}

}  // namespace
}  // namespace truceline::monitor
