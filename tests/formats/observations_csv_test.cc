// read_observations_csv / observation_csv_row: a simulated stream written and read back field by
// field, columns in any order with unknown ones ignored, directions as bearings, σ from the mode,
// errors that name the line and the column, and a million rows read in about a second.
#include "formats/observations_csv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <sstream>

#include "geo/errors.h"
#include "monitor/simulate.h"
#include "monitor/uncertainty.h"
#include "support.h"

namespace truceline::formats {
namespace {

using monitor::SimOptions, monitor::Sighting, monitor::simulate;

std::vector<Sighting> read(const std::string& text, const monitor::PlaceOptions& opt = {}) {
  std::istringstream in(text);
  return read_observations_csv(in, "obs.csv", opt);
}

std::string written(const std::vector<Sighting>& obs) {
  std::string out = observations_csv_header();
  for (const auto& s : obs) out += observation_csv_row(s);
  return out;
}

// The message of the InputError that reading `text` throws, "" when it throws none.
std::string error_of(const std::string& text) {
  try {
    read(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

void expect_near_opt(const std::optional<double>& a, const std::optional<double>& b, double tol, const std::string& what) {
  ASSERT_EQ(a.has_value(), b.has_value()) << what;
  if (a) {
    EXPECT_NEAR(*a, *b, tol) << what;
  }
}

void expect_point(const std::optional<geo::LonLat>& a, const std::optional<geo::LonLat>& b, const std::string& what) {
  ASSERT_EQ(a.has_value(), b.has_value()) << what;
  if (!a) return;
  EXPECT_NEAR(a->lat, b->lat, 5e-7) << what;  // written to 1e-6°
  EXPECT_NEAR(a->lon, b->lon, 5e-7) << what;
}

TEST(ObsCsv, SimulatedRowsReadBackEqualInEveryField) {
  SimOptions opt;
  opt.events = 600, opt.seed = 3;
  const auto obs = simulate(testing::default_map(), opt).observations;
  ASSERT_GT(obs.size(), 300u);
  const auto back = read(written(obs));
  ASSERT_EQ(back.size(), obs.size());
  for (size_t i = 0; i < obs.size(); ++i) {
    const Sighting &a = obs[i], &b = back[i];
    const std::string what = "observation " + a.id;
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.time_ms, b.time_ms) << what;
    EXPECT_EQ(a.event, b.event) << what;
    EXPECT_EQ(a.explosion_type, b.explosion_type) << what;
    EXPECT_EQ(a.mode, b.mode) << what;
    EXPECT_EQ(a.weapon, b.weapon) << what;
    EXPECT_EQ(a.weapon_class, b.weapon_class) << what;
    EXPECT_EQ(a.observer_id, b.observer_id) << what;
    EXPECT_EQ(a.count, b.count) << what;
    EXPECT_EQ(a.bearing_sigma_deg, b.bearing_sigma_deg) << what;
    expect_point(a.observer, b.observer, what);
    expect_point(a.position, b.position, what);
    expect_near_opt(a.bearing_deg, b.bearing_deg, 0.05, what);  // written to 0.1°
    expect_near_opt(a.range_min_m, b.range_min_m, 1e-9, what);
    expect_near_opt(a.range_max_m, b.range_max_m, 1e-9, what);
  }
  // And a second pass is byte for byte the first.
  EXPECT_EQ(written(back), written(obs));
}

TEST(ObsCsv, AnyColumnOrderUnknownColumnsIgnoredIdsFromRowNumbers) {
  const auto obs = read(
      "Event,notes,time,mode,direction,observer_lat,observer_lon,range_min_km,range_max_km\n"
      "explosion,\"heavy, from the east\",2025-04-12T06:30:00+03:00,heard,ENE,48.5,37.9,3,6\r\n"
      "\n"
      "burst,,2025-04-12T03:31:00Z,saw,,,,,\n");
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(obs[0].id, "1");
  EXPECT_EQ(obs[1].id, "2");  // the blank line is no row
  EXPECT_EQ(obs[0].time_ms, 1744428600000);
  EXPECT_EQ(obs[0].bearing_deg, 67.5);
  EXPECT_EQ(obs[0].bearing_sigma_deg, 10);
  EXPECT_EQ(obs[0].range_min_m, 3000);
  EXPECT_EQ(obs[0].range_max_m, 6000);
  ASSERT_TRUE(obs[0].observer);
  EXPECT_EQ(obs[0].observer->lat, 48.5);
  EXPECT_EQ(obs[0].observer->lon, 37.9);
  EXPECT_FALSE(obs[1].bearing_deg);
  EXPECT_FALSE(obs[1].observer);
  EXPECT_EQ(obs[1].bearing_sigma_deg, 3);
  EXPECT_EQ(obs[1].count, 1);
}

TEST(ObsCsv, SigmaFromTheModeAndTheOptions) {
  monitor::PlaceOptions opt;
  opt.bearing_sigma_saw_deg = 2, opt.bearing_sigma_heard_deg = 12;
  const auto obs = read("time,event,mode,bearing_deg\n"
                        "2025-04-12T03:30:00Z,explosion,heard,10\n"
                        "2025-04-12T03:30:00Z,explosion,saw,10\n"
                        "2025-04-12T03:30:00Z,explosion,recorded,10\n"
                        "2025-04-12T03:30:00Z,explosion,,10\n",
                        opt);
  ASSERT_EQ(obs.size(), 4u);
  EXPECT_EQ(obs[0].bearing_sigma_deg, 12);
  EXPECT_EQ(obs[1].bearing_sigma_deg, 2);
  EXPECT_EQ(obs[2].bearing_sigma_deg, 2);
  EXPECT_EQ(obs[3].bearing_sigma_deg, 12);  // no mode: the cautious σ
}

TEST(ObsCsv, IdsFromTheIdColumnWhenGiven) {
  const auto obs = read("id,time,event\nA-1,2025-04-12T03:30:00Z,shot\n,2025-04-12T03:30:00Z,shot\n");
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(obs[0].id, "A-1");
  EXPECT_EQ(obs[1].id, "2");
}

TEST(ObsCsv, ErrorsNameTheLineAndTheColumn) {
  const std::string head = "id,time,event,mode,bearing_deg,direction,lat,lon,count,explosion_type\n";
  const std::string ok = "1,2025-04-12T03:30:00Z,explosion,heard,90,E,48,37,2,impact\n";
  EXPECT_EQ(error_of(head + ok), "");
  const auto err = [&](const std::string& row) { return error_of(head + ok + row); };

  std::string e = err("2,2025-04-12T03:30:00Z,explosion,heard,9O,,,,,\n");
  EXPECT_NE(e.find("obs.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("column 5 (bearing_deg)"), std::string::npos) << e;
  EXPECT_NE(e.find("'9O' is not a number"), std::string::npos) << e;

  e = err("2,2025-04-12T03:30:00Z,explosion,heard,360,,,,,\n");
  EXPECT_NE(e.find("column 5 (bearing_deg): 360 is outside [0, 360)"), std::string::npos) << e;
  e = err("2,yesterday,explosion,heard,,,,,,\n");
  EXPECT_NE(e.find("obs.csv:3: column 2 (time)"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,bang,heard,,,,,,\n");
  EXPECT_NE(e.find("column 3 (event): 'bang' is not one of"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,,heard,,,,,,\n");
  EXPECT_NE(e.find("column 3 (event): is empty"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,smelled,,,,,,\n");
  EXPECT_NE(e.find("column 4 (mode)"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,heard,,ESE,48,,,\n");
  EXPECT_NE(e.find("column 8 (lon)"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,heard,0,S,,,,\n");
  EXPECT_NE(e.find("column 6 (direction): S disagrees with bearing_deg 0"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,heard,,,,,1.5,\n");
  EXPECT_NE(e.find("column 9 (count)"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,heard,,,,,,impact\n");
  EXPECT_NE(e.find("column 10 (explosion_type)"), std::string::npos) << e;
  e = err("2,2025-04-12T03:30:00Z,shot,heard,,,91,30,,\n");
  EXPECT_NE(e.find("column 7 (lat): 91 is outside [-90, 90]"), std::string::npos) << e;

  e = error_of("id,when,event\n1,2025-04-12T03:30:00Z,shot\n");
  EXPECT_NE(e.find("obs.csv:1: the header has no 'time' column"), std::string::npos) << e;
  e = error_of("");
  EXPECT_NE(e.find("obs.csv: the file is empty"), std::string::npos) << e;
}

TEST(ObsCsv, RangeBandsMustBeWholeAndInOrder) {
  const std::string head = "time,event,range_min_km,range_max_km\n";
  std::string e = error_of(head + "2025-04-12T03:30:00Z,shot,3,\n");
  EXPECT_NE(e.find("obs.csv:2: column 4 (range_max_km)"), std::string::npos) << e;
  e = error_of(head + "2025-04-12T03:30:00Z,shot,6,3\n");
  EXPECT_NE(e.find("column 3 (range_min_km): is more than range_max_km"), std::string::npos) << e;
}

TEST(ObsCsv, WritesBearingsInsideTheCircle) {
  Sighting s;
  s.id = "x", s.event = "explosion", s.bearing_deg = 359.97;
  const auto back = read(observations_csv_header() + observation_csv_row(s));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].bearing_deg, 0.0);
}

TEST(ObsCsv, QuotesTextThatNeedsThem) {
  Sighting s;
  s.id = "7", s.event = "heavy_weapon", s.weapon = "152 mm \"Akatsiya\", self-propelled", s.observer_id = "P,1";
  const auto back = read(observations_csv_header() + observation_csv_row(s));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].weapon, s.weapon);
  EXPECT_EQ(back[0].observer_id, s.observer_id);
}

// The kinds beside ceasefire violations (docs/observations.md), one row each, with the fields
// the SMM's reports gave: read, written and read back equal.
TEST(ObsCsv, TheOtherKindsReadWriteAndReadBack) {
  const std::string text =
      "id,time,event,observer_lat,observer_lon,mode,restriction_type,imposed_by,duration_min,site_id,site_status,"
      "weapons,killed,injured,civilian,corroborated,damage\n"
      "r1,2025-04-12T06:30:00Z,restriction,48.33,37.905,saw,mines_or_uxo,ua,90,,,,,,,,\n"
      "w1,2025-04-12T06:40:00Z,weapons_site,47.2,33.0,saw,,,,HA-3,weapons_missing,mlrs=4; tank=2,,,,,\n"
      "c1,2025-04-12T07:00:00Z,casualty,47.84,35.14,,,,,,,,2,5,true,false,\n"
      "d1,2025-04-12T07:10:00Z,damage,47.84,35.14,,,,,,,,,,,,school;water;school\n";
  const auto obs = read(text);
  ASSERT_EQ(obs.size(), 4u);
  EXPECT_EQ(obs[0].restriction_type, "mines_or_uxo");
  EXPECT_EQ(obs[0].imposed_by, "ua");
  EXPECT_EQ(obs[0].duration_min, 90);
  ASSERT_TRUE(obs[0].position) << "a restriction happens where the patrol stood";
  EXPECT_EQ(obs[0].position->lat, 48.33);
  EXPECT_EQ(obs[0].position_sigma_m, monitor::kAtObserverSigmaM);
  EXPECT_EQ(obs[1].site_id, "HA-3");
  EXPECT_EQ(obs[1].site_status, "weapons_missing");
  EXPECT_EQ(obs[1].weapons, (std::map<std::string, int>{{"mlrs", 4}, {"tank", 2}}));
  EXPECT_EQ(obs[2].killed, 2);
  EXPECT_EQ(obs[2].injured, 5);
  EXPECT_TRUE(obs[2].civilian);
  EXPECT_FALSE(obs[2].corroborated);
  EXPECT_EQ(obs[3].damage, (std::vector<std::string>{"school", "water"})) << "each object type once";

  // The position derived at the observer is not written as a given one: read back, it is derived
  // again with its own σ (250 m), not taken as a position read off a map (50 m).
  const auto back = read(written(obs));
  ASSERT_EQ(back.size(), obs.size());
  for (size_t i = 0; i < obs.size(); ++i) {
    EXPECT_EQ(back[i].id, obs[i].id);
    EXPECT_EQ(back[i].event, obs[i].event);
    EXPECT_EQ(back[i].restriction_type, obs[i].restriction_type);
    EXPECT_EQ(back[i].imposed_by, obs[i].imposed_by);
    EXPECT_EQ(back[i].duration_min, obs[i].duration_min);
    EXPECT_EQ(back[i].site_id, obs[i].site_id);
    EXPECT_EQ(back[i].site_status, obs[i].site_status);
    EXPECT_EQ(back[i].weapons, obs[i].weapons);
    EXPECT_EQ(back[i].killed, obs[i].killed);
    EXPECT_EQ(back[i].injured, obs[i].injured);
    EXPECT_EQ(back[i].civilian, obs[i].civilian);
    EXPECT_EQ(back[i].corroborated, obs[i].corroborated);
    EXPECT_EQ(back[i].damage, obs[i].damage);
    EXPECT_EQ(back[i].position.has_value(), obs[i].position.has_value()) << obs[i].id;
    EXPECT_EQ(back[i].position_sigma_m, obs[i].position_sigma_m) << obs[i].id;
  }
}

// The rules of the JSON form (read_kind_fields), with the CSV's line and column.
TEST(ObsCsv, TheOtherKindsErrorsNameTheirColumn) {
  const std::string head = "time,event,observer_lat,observer_lon,restriction_type,weapons,site_id,site_status,civilian,killed,damage\n";
  const auto err = [&](const std::string& row) { return error_of(head + row); };
  std::string e = err("2025-04-12T06:30:00Z,restriction,48,37,,,,,,,\n");
  EXPECT_NE(e.find("obs.csv:2: column 5 (restriction_type): restriction_type is required"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,explosion,48,37,delayed,,,,,,\n");
  EXPECT_NE(e.find("column 5 (restriction_type): restriction_type is for event 'restriction' only"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,weapons_site,48,37,,tank=two,HA-1,all_present,,,\n");
  EXPECT_NE(e.find("column 6 (weapons): 'tank=two' is not weapon_class=count"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,weapons_site,48,37,,howitzer=2,HA-1,all_present,,,\n");
  EXPECT_NE(e.find("column 6 (weapons): weapons.howitzer"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,weapons_site,48,37,,,HA-1,,,,\n");
  EXPECT_NE(e.find("column 8 (site_status)"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,explosion,48,37,,,,,yes,1,\n");
  EXPECT_NE(e.find("column 9 (civilian): 'yes' is not true or false"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,casualty,48,37,,,,,,1.5,\n");
  EXPECT_NE(e.find("column 10 (killed)"), std::string::npos) << e;
  e = err("2025-04-12T06:30:00Z,damage,48,37,,,,,,,roof\n");
  EXPECT_NE(e.find("column 11 (damage): damage 'roof' is not one of"), std::string::npos) << e;
}

// Not a timing assertion (machines differ); the time is printed for docs/benchmarks.md.
TEST(ObsCsv, ReadsAMillionRows) {
  SimOptions opt;
  opt.events = 2000, opt.seed = 11;
  const auto obs = simulate(testing::default_map(), opt).observations;
  std::string text = observations_csv_header();
  for (size_t i = 0; i < 1'000'000; ++i) text += observation_csv_row(obs[i % obs.size()]);
  const auto t0 = std::chrono::steady_clock::now();
  const auto back = read(text);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(back.size(), 1'000'000u);
  std::cout << "read 1,000,000 rows (" << text.size() / 1e6 << " MB) in " << s << " s\n";
}

}  // namespace
}  // namespace truceline::formats
