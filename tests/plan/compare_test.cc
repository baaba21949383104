// Comparing compiled plans: a plan against itself changes nothing; the default plan against the
// four-regions plan moves Kherson and Zaporizhzhia to Russia, and every km² and every inhabitant
// that leaves one zone arrives in another.
#include "plan/compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support.h"

namespace truceline::plan {
namespace {

using testing::default_map;
using testing::four_regions_map;

const Comparison& default_vs_four() {
  static const Comparison c = compare(default_map(), four_regions_map());
  return c;
}

const SettlementChange* find_change(const Comparison& c, const std::string& name) {
  auto it = std::find_if(c.settlements.begin(), c.settlements.end(), [&](const auto& s) { return s.name == name; });
  return it == c.settlements.end() ? nullptr : &*it;
}

const LineLength* find_length(const Comparison& c, const std::string& kind) {
  auto it = std::find_if(c.lines.begin(), c.lines.end(), [&](const auto& l) { return l.kind == kind; });
  return it == c.lines.end() ? nullptr : &*it;
}

std::string kind_of(const ZoneMap& m, const std::string& zone_id) {
  const int i = m.zone_index(zone_id);
  return i < 0 ? "" : m.zones[i].kind;
}

TEST(Compare, PlanAgainstItselfChangesNothing) {
  const Comparison c = compare(default_map(), default_map());
  EXPECT_EQ(c.a_name, c.b_name);
  EXPECT_TRUE(c.transfers.empty()) << c.transfers.size() << " transfers, first " << c.transfers[0].from_zone << " → "
                                   << c.transfers[0].to_zone;
  EXPECT_TRUE(c.settlements.empty()) << c.settlements.size() << " settlements, first " << c.settlements[0].name;
  ASSERT_EQ(c.lines.size(), default_map().lines.size());
  for (const auto& l : c.lines) EXPECT_DOUBLE_EQ(l.a_km, l.b_km) << l.name;
}

TEST(Compare, KhersonAndZaporizhzhiaGoToRussiaOrTheDmz) {
  const Comparison& c = default_vs_four();
  for (const std::string name : {"Kherson", "Zaporizhia"}) {  // GeoNames spelling
    const SettlementChange* s = find_change(c, name);
    ASSERT_NE(s, nullptr) << name << " does not change zone";
    EXPECT_NE(kind_of(default_map(), s->from_zone), "russian") << name;
    const std::string to = kind_of(four_regions_map(), s->to_zone);
    EXPECT_TRUE(to == "russian" || to == "dmz") << name << " goes to " << s->to_zone;
  }
  EXPECT_EQ(find_change(c, "Kyiv"), nullptr);
  EXPECT_EQ(find_change(c, "Kharkiv"), nullptr);
}

TEST(Compare, SettlementsAreLargestFirstAndSumToTheTransfers) {
  const Comparison& c = default_vs_four();
  ASSERT_FALSE(c.settlements.empty());
  long moved = 0, transferred = 0;
  for (size_t i = 0; i < c.settlements.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(c.settlements[i - 1].population, c.settlements[i].population);
    }
    EXPECT_NE(c.settlements[i].from_zone, c.settlements[i].to_zone) << c.settlements[i].name;
    moved += c.settlements[i].population;
  }
  for (const auto& t : c.transfers) transferred += t.population;
  // Every zone pair of the two plans is in different hands or is the same zone id, so every
  // settlement that changes zone is counted in exactly one transfer.
  EXPECT_EQ(transferred, moved);
}

// Per-zone sums of the transfers out of and into each zone id.
struct Flows {
  std::map<std::string, double> out_km2, in_km2;
  std::map<std::string, long> out_pop, in_pop;
};

Flows flows(const Comparison& c) {
  Flows f;
  for (const auto& t : c.transfers) {
    f.out_km2[t.from_zone] += t.area_km2;
    f.in_km2[t.to_zone] += t.area_km2;
    f.out_pop[t.from_zone] += t.population;
    f.in_pop[t.to_zone] += t.population;
  }
  return f;
}

// Both plans partition the same area into zones with the same ids, so each zone of B is the
// zone of A less what it hands over plus what it receives. Only slivers under 0.01 km² are dropped,
// which bounds the error far below 0.01 % of a zone.
TEST(Compare, AreaAndPopulationAreConserved) {
  const Comparison& c = default_vs_four();
  const ZoneMap &a = default_map(), &b = four_regions_map();
  Flows f = flows(c);
  ASSERT_EQ(a.zones.size(), b.zones.size());
  for (const auto& za : a.zones) {
    const int j = b.zone_index(za.id);
    ASSERT_GE(j, 0) << za.id;
    const Zone& zb = b.zones[j];
    EXPECT_LE(f.out_km2[za.id], za.area_km2 * (1 + 1e-4)) << za.id;
    EXPECT_NEAR(zb.area_km2, za.area_km2 - f.out_km2[za.id] + f.in_km2[za.id], za.area_km2 * 1e-4) << za.id;
    EXPECT_EQ(zb.population, za.population - f.out_pop[za.id] + f.in_pop[za.id]) << za.id;
  }
}

// The total transferred is not the growth of the Russian and DMZ zones: land moves between those
// two as well (the old DMZ becomes Russian-held). The net flow from the other zones into them is.
TEST(Compare, NetFlowIntoRussianAndDmzIsTheirGrowth) {
  const Comparison& c = default_vs_four();
  auto held = [](const std::string& kind) { return kind == "russian" || kind == "dmz"; };
  double net = 0, total = 0;
  for (const auto& t : c.transfers) {
    if (!held(t.from_kind) && held(t.to_kind)) net += t.area_km2;
    if (held(t.from_kind) && !held(t.to_kind)) net -= t.area_km2;
    total += t.area_km2;
  }
  auto held_area = [&](const ZoneMap& m) {
    double s = 0;
    for (const auto& z : m.zones) s += held(z.kind) ? z.area_km2 : 0;
    return s;
  };
  const double growth = held_area(four_regions_map()) - held_area(default_map());
  EXPECT_GT(growth, 10000);  // the unoccupied parts of the four regions, net of the DMZ shift
  EXPECT_NEAR(net, growth, growth * 0.01);
  EXPECT_GT(total, net);
}

TEST(Compare, TransfersAreLargestFirstBetweenDifferentHands) {
  const Comparison& c = default_vs_four();
  ASSERT_FALSE(c.transfers.empty());
  for (size_t i = 0; i < c.transfers.size(); ++i) {
    const Transfer& t = c.transfers[i];
    if (i > 0) {
      EXPECT_GE(c.transfers[i - 1].area_km2, t.area_km2);
    }
    EXPECT_TRUE(t.area_km2 >= 0.01 || t.population > 0) << t.from_zone << " → " << t.to_zone;
    EXPECT_NE(t.from_zone, t.to_zone);
  }
}

TEST(Compare, LineOfContactHasALengthInBothPlans) {
  const Comparison& c = default_vs_four();
  const LineLength* l = find_length(c, "line_of_contact");
  ASSERT_NE(l, nullptr);
  EXPECT_GT(l->a_km, 500);
  EXPECT_GT(l->b_km, 500);
  EXPECT_DOUBLE_EQ(l->a_km, default_map().find_line("line_of_contact")->length_km);
  EXPECT_DOUBLE_EQ(l->b_km, four_regions_map().find_line("line_of_contact")->length_km);
  // The same river in both plans.
  const LineLength* d = find_length(c, "dividing_line");
  ASSERT_NE(d, nullptr);
  EXPECT_NEAR(d->a_km, d->b_km, 1e-9);
}

TEST(Compare, TextNamesBothPlansAndTheLargestSettlementsOnly) {
  const std::string text = comparison_text(default_vs_four(), 1);
  EXPECT_NE(text.find(default_map().plan.name), std::string::npos);
  EXPECT_NE(text.find(four_regions_map().plan.name), std::string::npos);
  EXPECT_NE(text.find("Zaporizhia"), std::string::npos);
  EXPECT_EQ(text.find("Kherson "), std::string::npos);  // second largest, beyond max_settlements = 1
  EXPECT_NE(text.find("dmz → russian"), std::string::npos);
  EXPECT_NE(text.find("line of contact"), std::string::npos);
}

}  // namespace
}  // namespace truceline::plan
