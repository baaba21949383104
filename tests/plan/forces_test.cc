// Force sizing (plan/forces.h) on the default plan: fronts are the shared boundaries they claim to
// be, posts and bases follow the rates, parties add up their zones; [forces] is parsed strictly.
#include "plan/forces.h"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/errors.h"
#include "plan/plan.h"
#include "support.h"

namespace truceline::plan {
namespace {

double line_km(const ZoneMap& map, const std::string& kind) {
  double km = 0;
  for (const Line& l : map.lines) km += l.kind == kind ? l.length_km : 0;
  return km;
}

TEST(Forces, TheDmzsFrontIsItsTwoEdgesAndTheAlliedSeamIsNoFront) {
  const ZoneMap& map = testing::default_map();
  const double dmz_front = front_km(map, map.zone_index("dmz"));
  const double edges = line_km(map, "dmz_edge");
  EXPECT_NEAR(dmz_front, edges, edges * 0.02) << "the DMZ meets other parties' zones along its two edges";
  // allied-north and allied-south (uk, fr) are both of kind allied: their seam is not a front, so
  // allied-north's front is its stretch of the river against Ukraine's zone alone.
  const int north = map.zone_index("allied-north");
  const double north_front = front_km(map, north);
  EXPECT_GT(north_front, 50);
  EXPECT_LT(north_front, line_km(map, "dividing_line"));
}

TEST(Forces, PostsBasesAndTroopsFollowTheRates) {
  const ZoneMap& map = testing::default_map();
  Forces f;
  f.post_spacing_m = 7'000, f.troops_per_post = 30, f.base_area_km2 = 200, f.troops_per_base = 120, f.rotation = 2.5;
  f.patrol_depth_m = 15'000;
  const ForceSizing s = size_forces(map, f);
  ASSERT_EQ(s.zones.size(), map.zones.size());
  long deployed = 0, total = 0;
  for (size_t i = 0; i < s.zones.size(); ++i) {
    const ZoneForces& z = s.zones[i];
    EXPECT_EQ(z.posts, static_cast<int>(std::ceil(z.front_km / 7))) << z.zone;
    EXPECT_DOUBLE_EQ(z.patrolled_km2, std::min(map.zones[i].area_km2, z.front_km * 15)) << z.zone;
    EXPECT_EQ(z.bases, static_cast<int>(std::ceil(z.patrolled_km2 / 200))) << z.zone;
    EXPECT_EQ(z.deployed, z.posts * 30L + z.bases * 120L) << z.zone;
    deployed += z.deployed;
  }
  for (const PartyForces& p : s.parties) {
    EXPECT_EQ(p.total, static_cast<long>(std::ceil(p.deployed * 2.5))) << p.party;
    total += p.deployed;
  }
  EXPECT_EQ(total, deployed) << "every zone counted once, by its party";
  EXPECT_EQ(s.parties.size(), 5u);
}

std::string plan_with(const std::string& forces) {
  return "name = \"t\"\n[area]\nlayer = \"../data/regions/ua-regions.geojson\"\n"
         "[shapes]\nocc = { layer = \"../data/occupied/occupied-20250411.geojson\" }\n"
         "[line_of_contact]\nboundary_of = \"occ\"\n"
         "[[zones]]\nid = \"a\"\nname = \"A\"\nkind = \"ukraine\"\n[forces]\n" + forces;
}

TEST(Forces, TheTableIsParsedStrictly) {
  const std::string path = (testing::root() / "plans" / "t.toml").string();
  const Plan p = parse_plan_text(plan_with("post_spacing = \"5 km\"\nrotation = 2\npatrol_depth = \"10 km\"\n"), path);
  ASSERT_TRUE(p.forces);
  EXPECT_EQ(p.forces->post_spacing_m, 5000);
  EXPECT_EQ(p.forces->rotation, 2);
  EXPECT_EQ(p.forces->patrol_depth_m, 10000);
  EXPECT_EQ(p.forces->troops_per_post, Forces{}.troops_per_post) << "the rest by default";
  for (const auto& [bad, said] : {std::pair{"troops_per_post = 2.5\n", "[forces] troops_per_post: must be a whole number"},
                                  std::pair{"rotation = 0.5\n", "[forces] rotation: must be a number from 1 to 10"},
                                  std::pair{"post_spacing = \"10 m\"\n", "[forces] post_spacing: must be at least 100 m"},
                                  std::pair{"posts = 3\n", "[forces] posts: unknown key"}}) {
    try {
      parse_plan_text(plan_with(bad), path);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(said), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace truceline::plan
