// simulate / truth_csv: the same bytes for a seed and other bytes for another; realistic shares
// of observed events; every report within hearing or seeing range of its observer; bearing
// errors of the stated σ; late and duplicate reports; weapons in the DMZ; and the CLI.
#include "monitor/simulate.h"

#include <GeographicLib/Geodesic.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "formats/observations_csv.h"
#include "index/locator.h"
#include "integration/cli_support.h"
#include "support.h"

namespace truceline::monitor {
namespace {

using formats::observation_csv_row, formats::observations_csv_header, formats::read_observations_csv;

Simulation run(int events, uint64_t seed) {
  SimOptions opt;
  opt.events = events, opt.seed = seed;
  return simulate(testing::default_map(), opt);
}

// One simulation shared by the statistical tests (5,000 events).
const Simulation& sample() {
  static const Simulation sim = run(5000, 20250412);
  return sim;
}

std::string bytes(const Simulation& sim) {
  std::string out = observations_csv_header();
  for (const auto& s : sim.observations) out += observation_csv_row(s);
  return out + truth_csv(sim.truth);
}

std::map<std::string, const Sighting*> by_id(const Simulation& sim) {
  std::map<std::string, const Sighting*> m;
  for (const auto& s : sim.observations) m[s.id] = &s;
  return m;
}

struct Leg {
  double dist_m, azi_deg;
};
Leg inverse(geo::LonLat a, geo::LonLat b) {
  double s, a1, a2;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, s, a1, a2);
  return {s, a1};
}

TEST(Simulate, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string a = bytes(run(1500, 7));
  EXPECT_EQ(a, bytes(run(1500, 7)));
  EXPECT_NE(a, bytes(run(1500, 8)));
}

TEST(Simulate, ObservationsInTimeOrderWithIdsOneToN) {
  const auto& obs = sample().observations;
  for (size_t i = 0; i < obs.size(); ++i) {
    EXPECT_EQ(obs[i].id, std::to_string(i + 1));
    if (i) {
      EXPECT_LE(obs[i - 1].time_ms, obs[i].time_ms);
    }
  }
  const auto& truth = sample().truth;
  ASSERT_EQ(truth.size(), 5000u);
  for (size_t i = 1; i < truth.size(); ++i) EXPECT_LE(truth[i - 1].time_ms, truth[i].time_ms);
  EXPECT_GE(truth.front().time_ms, SimOptions{}.start_ms);
  EXPECT_LT(truth.back().time_ms, SimOptions{}.start_ms + 24 * 3'600'000);
}

TEST(Simulate, MostEventsObservedAFewByThreeOrMore) {
  const auto ids = by_id(sample());
  int observed = 0, three = 0, assigned = 0;
  for (const auto& t : sample().truth) {
    std::set<std::string> observers;
    for (const auto& id : t.observation_ids) observers.insert(ids.at(id)->observer_id);
    assigned += static_cast<int>(t.observation_ids.size());
    EXPECT_LE(t.observation_ids.size(), 6u) << t.id;
    EXPECT_LE(observers.size(), 4u) << t.id;
    observed += !observers.empty();
    three += observers.size() >= 3;
  }
  const double n = static_cast<double>(sample().truth.size());
  std::cout << "observed " << observed / n << ", by >= 3: " << three / n << "\n";
  EXPECT_GT(observed / n, 0.6);
  EXPECT_GT(three / n, 0.03);
  EXPECT_LT(three / n, 0.4);
  // The rest are false reports: about 2 % of all.
  const double false_share = 1 - assigned / static_cast<double>(sample().observations.size());
  EXPECT_GT(false_share, 0.015);
  EXPECT_LT(false_share, 0.025);
}

TEST(Simulate, EveryReportWithinRangeOfItsObserverAndSoonAfter) {
  const auto ids = by_id(sample());
  int late = 0, total = 0;
  for (const auto& t : sample().truth)
    for (const auto& id : t.observation_ids) {
      const Sighting& s = *ids.at(id);
      ASSERT_TRUE(s.observer);
      const double d = inverse(*s.observer, t.pos).dist_m;
      const double limit = s.mode == "heard" ? 8000 : s.mode == "saw" ? 4000 : 5000;
      EXPECT_LE(d, limit + 1) << id << " " << s.mode;
      const int64_t lag = s.time_ms - t.time_ms;
      EXPECT_GE(lag, 0) << id;
      EXPECT_LE(lag, 13 * 60'000) << id;  // a duplicate comes up to ten minutes after the first
      late += lag > 3 * 60'000;
      ++total;
    }
  EXPECT_LT(late, total / 10);  // only duplicates come later than three minutes
}

TEST(Simulate, BearingErrorsHaveTheStatedSigma) {
  const auto ids = by_id(sample());
  double sum2[2] = {0, 0};
  int n[2] = {0, 0};
  for (const auto& t : sample().truth)
    for (const auto& id : t.observation_ids) {
      const Sighting& s = *ids.at(id);
      ASSERT_TRUE(s.bearing_deg);
      const double err = std::remainder(*s.bearing_deg - inverse(*s.observer, t.pos).azi_deg, 360.0);
      const int k = s.mode == "heard" ? 0 : 1;
      sum2[k] += err * err, ++n[k];
    }
  ASSERT_GT(n[0], 1000);
  ASSERT_GT(n[1], 200);
  const double heard = std::sqrt(sum2[0] / n[0]), seen = std::sqrt(sum2[1] / n[1]);
  std::cout << "bearing RMS: heard " << heard << "° (" << n[0] << "), saw/recorded " << seen << "° (" << n[1] << ")\n";
  EXPECT_GT(heard, 7);
  EXPECT_LT(heard, 13);
  EXPECT_GT(seen, 2);
  EXPECT_LT(seen, 4);
}

TEST(Simulate, RealisticMixOfEventsWeaponsAndReports) {
  std::map<std::string, int> events, classes, modes;
  int fire = 0, crossing_candidates = 0;
  for (const auto& t : sample().truth) {
    ++events[t.event];
    if (!t.weapon_class.empty()) ++classes[t.weapon_class];
    if (t.origin) ++fire;
    crossing_candidates += t.origin && t.event == "explosion";
  }
  for (const auto& s : sample().observations) ++modes[s.mode];
  for (const auto& [e, n] : events) EXPECT_LE(n, events["explosion"]) << e;  // explosions most
  for (const char* e : {"burst", "shot", "illumination_flare", "muzzle_flash", "heavy_weapon", "armour", "uav", "aircraft"})
    EXPECT_GT(events[e], 0) << e;
  for (const char* c : {"small_arms", "mortar_lt_100", "artillery_ge_100", "mlrs", "mlrs_heavy", "tank", "missile",
                        "air_defence", "other"})
    EXPECT_GT(classes[c], 0) << c;
  EXPECT_GT(fire, 2500);
  EXPECT_GT(crossing_candidates, 2000);
  EXPECT_GT(modes["heard"], modes["saw"]);
  EXPECT_GT(modes["saw"], modes["recorded"]);
  EXPECT_GT(modes["recorded"], 0);
}

TEST(Simulate, SomeFireCrossesTheLineSomeHeavyWeaponsStandInTheDmz) {
  const index::Locator loc(testing::default_map());
  const auto& zones = testing::default_map().zones;
  int fire = 0, crossed = 0, heavy = 0, in_dmz = 0;
  for (const auto& t : sample().truth) {
    if (t.event == "explosion" && t.explosion_type == "impact" && t.origin) {
      ++fire;
      // Across the line when origin and impact lie in different zones outside the DMZ or the
      // segment between them is longer than both distances to the line: a cheap, sufficient test.
      const double d_o = loc.distance_to_line_m(*t.origin), d_i = loc.distance_to_line_m(t.pos);
      crossed += inverse(*t.origin, t.pos).dist_m > std::max(d_o, d_i) + 1;
    }
    if (t.event == "heavy_weapon") {
      ++heavy;
      const int z = loc.zone_of(t.pos);
      in_dmz += z >= 0 && zones[z].kind == "dmz";
    }
    EXPECT_LT(loc.distance_to_line_m(t.pos), 40'000) << t.id;  // along the line, not anywhere
  }
  EXPECT_GT(crossed, fire / 2);
  EXPECT_LT(crossed, fire);
  EXPECT_GT(in_dmz, heavy / 4);
}

// The Minsk-style example plan has withdrawal bands of 25, 35 and 70 km and no DMZ: heavy weapons
// of those classes stand inside their bands, the heaviest well beyond where others stand.
TEST(Simulate, HeavyWeaponsInsideTheWithdrawalBandsOfTheirClass) {
  const plan::ZoneMap map =
      plan::compile(plan::parse_plan((testing::root() / "plans/examples/minsk-style-2025.toml").string()), nullptr);
  std::map<std::string, double> band_m;
  for (const auto& l : map.lines)
    if (l.kind == "withdrawal_line") band_m[l.weapon_class] = std::max(band_m[l.weapon_class], l.offset_km * 1000);
  ASSERT_TRUE(band_m.count("mlrs_heavy"));
  SimOptions opt;
  opt.events = 6000, opt.seed = 9;
  const Simulation sim = simulate(map, opt);
  const index::Locator loc(map);
  int banded = 0, deep = 0;
  for (const auto& t : sim.truth) {
    if (t.event != "heavy_weapon" || !band_m.count(t.weapon_class)) continue;
    const double d = loc.distance_to_line_m(t.pos);
    EXPECT_LT(d, band_m[t.weapon_class] + 1000) << t.id << " " << t.weapon_class;
    ++banded;
    deep += t.weapon_class == "mlrs_heavy" && d > 16'000;
  }
  EXPECT_GT(banded, 100);
  EXPECT_GT(deep, 3);
}

TEST(Simulate, TruthCsvHasOneRowPerEventWithItsObservationIds) {
  const Simulation sim = run(50, 5);
  const std::string csv = truth_csv(sim.truth);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "event_id,time,lat,lon,event,explosion_type,weapon_class,origin_lat,origin_lon,observation_ids");
  int rows = 0;
  while (std::getline(in, line)) {
    const auto& t = sim.truth[rows++];
    EXPECT_EQ(line.rfind(t.id + ",", 0), 0u) << line;
    std::string ids;
    for (const auto& id : t.observation_ids) ids += (ids.empty() ? "" : ";") + id;
    EXPECT_EQ(line.substr(line.rfind(',') + 1), ids) << line;
  }
  EXPECT_EQ(rows, 50);
}

// No timing assertion; the time and size are printed for the record.
TEST(Simulate, AHundredThousandEvents) {
  const auto t0 = std::chrono::steady_clock::now();
  const Simulation sim = run(100'000, 1);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t bytes = observations_csv_header().size();
  for (const auto& o : sim.observations) bytes += observation_csv_row(o).size();
  EXPECT_EQ(sim.truth.size(), 100'000u);
  EXPECT_GT(sim.observations.size(), 100'000u);
  std::cout << "100,000 events → " << sim.observations.size() << " observations, " << bytes / 1e6 << " MB CSV, in "
            << s << " s\n";
}

TEST(SimulateCli, WritesBothFilesAndSaysWhat) {
  const auto dir = testing::scratch_dir("simulate");
  const auto obs = dir / "obs.csv", truth = dir / "truth.csv";
  const auto r = testing::run_cli("simulate plans/kellogg-2025-04.toml --events 300 --seed 4 -o '" + obs.string() +
                                      "' --truth '" + truth.string() + "'",
                                  dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("simulated 300 events"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("false reports"), std::string::npos) << r.err;
  std::ifstream in(obs);
  const auto read = read_observations_csv(in, obs.string());
  SimOptions opt;
  opt.events = 300, opt.seed = 4;
  const Simulation sim = simulate(testing::default_map(), opt);
  EXPECT_EQ(read.size(), sim.observations.size());
  EXPECT_EQ(testing::slurp(truth), truth_csv(sim.truth));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace truceline::monitor
