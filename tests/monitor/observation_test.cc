// parse_observation and to_json(Observation): valid minimal and full objects, each error code with
// its field, direction → bearing, MGRS observers, the ten-minute rule.
#include "monitor/observation.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/MGRS.hpp>
#include <GeographicLib/UTMUPS.hpp>
#include <gtest/gtest.h>

namespace truceline::monitor {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1744428600000;  // 2025-04-12T03:30:00Z

// The least an observation can say: who, what, when, from where.
json minimal() {
  return {{"time", "2025-04-12T06:30:00+03:00"}, {"observer_id", "SMM-P12"}, {"observer_kind", "patrol"},
          {"observer_lat", 48.72305}, {"observer_lon", 37.55629}, {"mode", "heard"}, {"event", "explosion"}};
}

json with(json j, const std::string& key, json v) {
  j[key] = std::move(v);
  return j;
}

json without(json j, const std::string& key) {
  j.erase(key);
  return j;
}

// The ValidationError parse_observation throws for `j`; fails the test when it throws none.
ValidationError error_of(const json& j, int64_t now = kNow) {
  try {
    parse_observation(j, now);
  } catch (const ValidationError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << j.dump();
  return ValidationError(0, "", "");
}

void expect_error(const json& j, const std::string& code, const std::string& field, int status = 422) {
  const ValidationError e = error_of(j);
  EXPECT_EQ(e.status(), status) << j.dump();
  EXPECT_EQ(e.code(), code) << j.dump() << ": " << e.what();
  EXPECT_EQ(e.field(), field) << j.dump() << ": " << e.what();
}

TEST(ObservationParse, Minimal) {
  const Observation o = parse_observation(minimal(), kNow);
  EXPECT_EQ(o.time_ms, kNow);
  EXPECT_EQ(o.observer_id, "SMM-P12");
  EXPECT_EQ(o.observer_kind, "patrol");
  EXPECT_EQ(o.observer_lat, 48.72305);
  EXPECT_EQ(o.observer_lon, 37.55629);
  EXPECT_EQ(o.mode, "heard");
  EXPECT_EQ(o.event, "explosion");
  EXPECT_EQ(o.count, 1);
  EXPECT_FALSE(o.bearing_deg);
  EXPECT_FALSE(o.range_min_km);
  EXPECT_FALSE(o.lat);
  EXPECT_TRUE(o.explosion_type.empty());
}

// "Heard 3 undetermined explosions 3–6 km south-east", with every optional field filled in.
TEST(ObservationParse, Full) {
  json j = minimal();
  j.update({{"explosion_type", "undetermined"}, {"count", 3}, {"direction", "SE"}, {"bearing_deg", 130},
            {"range_min_km", 3}, {"range_max_km", 6}, {"lat", 48.69}, {"lon", 37.61},
            {"weapon", "  122mm howitzer (2A18) "}, {"weapon_class", "artillery_ge_100"},
            {"notes", "\tpositioned 2 km NW of Kostiantynivka\n"}, {"source_ref", "SMM-DR-2025-085"}});
  const Observation o = parse_observation(j, kNow);
  EXPECT_EQ(o.explosion_type, "undetermined");
  EXPECT_EQ(o.count, 3);
  EXPECT_EQ(o.direction, "SE");
  EXPECT_EQ(o.bearing_deg, 130);  // the bearing is the finer of the two and is kept
  EXPECT_EQ(o.range_min_km, 3);
  EXPECT_EQ(o.range_max_km, 6);
  EXPECT_EQ(o.lat, 48.69);
  EXPECT_EQ(o.lon, 37.61);
  EXPECT_EQ(o.weapon, "122mm howitzer (2A18)");
  EXPECT_EQ(o.weapon_class, "artillery_ge_100");
  EXPECT_EQ(o.notes, "positioned 2 km NW of Kostiantynivka");
  EXPECT_EQ(o.source_ref, "SMM-DR-2025-085");
}

TEST(ObservationParse, EventPositionAloneIsEnough) {
  json j = without(without(minimal(), "observer_lat"), "observer_lon");
  j.update({{"mode", "saw"}, {"event", "armour"}, {"count", 2}, {"lat", 48.28}, {"lon", 37.18}});
  const Observation o = parse_observation(j, kNow);
  EXPECT_FALSE(o.observer_lat);
  EXPECT_EQ(o.lat, 48.28);
  EXPECT_EQ(o.count, 2);
}

TEST(ObservationParse, NullMeansAbsent) {
  const Observation o = parse_observation(with(with(minimal(), "weapon", nullptr), "bearing_deg", nullptr), kNow);
  EXPECT_TRUE(o.weapon.empty());
  EXPECT_FALSE(o.bearing_deg);
  expect_error(with(minimal(), "time", nullptr), "missing_field", "time");
}

TEST(ObservationParse, NotAnObject) {
  expect_error(json::array({minimal()}), "not_an_object", "", 400);
  expect_error(json("explosion"), "not_an_object", "", 400);
  expect_error(json(nullptr), "not_an_object", "", 400);
}

TEST(ObservationParse, UnknownFieldsAllNamed) {
  json j = minimal();
  j.update({{"range_km", 5}, {"bearing", 90}, {"zone", "dmz"}});
  const ValidationError e = error_of(j);
  EXPECT_EQ(e.code(), "unknown_field");
  EXPECT_EQ(e.field(), "bearing");  // the first in key order
  const std::string msg = e.what();
  for (const char* f : {"range_km", "bearing", "zone"}) EXPECT_NE(msg.find(f), std::string::npos) << msg;
}

TEST(ObservationParse, MissingRequired) {
  for (const char* f : {"time", "observer_id", "observer_kind", "mode", "event"})
    expect_error(without(minimal(), f), "missing_field", f);
  expect_error(with(minimal(), "observer_id", "   "), "missing_field", "observer_id");
  expect_error(without(without(minimal(), "observer_lat"), "observer_lon"), "missing_field", "observer_lat");
}

TEST(ObservationParse, HalfAPairIsMissingTheOtherHalf) {
  expect_error(without(minimal(), "observer_lon"), "missing_field", "observer_lon");
  expect_error(without(minimal(), "observer_lat"), "missing_field", "observer_lat");
  expect_error(with(minimal(), "lat", 48.3), "missing_field", "lon");
  expect_error(with(minimal(), "lon", 37.2), "missing_field", "lat");
  expect_error(with(minimal(), "range_max_km", 5), "missing_field", "range_min_km");
}

TEST(ObservationParse, BadType) {
  expect_error(with(minimal(), "observer_lat", "48.72"), "bad_type", "observer_lat");
  expect_error(with(minimal(), "count", "3"), "bad_type", "count");
  expect_error(with(minimal(), "bearing_deg", true), "bad_type", "bearing_deg");
  expect_error(with(minimal(), "observer_id", 12), "bad_type", "observer_id");
  expect_error(with(minimal(), "notes", json::array({"a"})), "bad_type", "notes");
  expect_error(with(minimal(), "time", kNow), "bad_type", "time");
}

TEST(ObservationParse, BadValueListsTheAllowed) {
  const ValidationError e = error_of(with(minimal(), "mode", "seen"));
  EXPECT_EQ(e.code(), "bad_value");
  EXPECT_EQ(e.field(), "mode");
  EXPECT_NE(std::string(e.what()).find("heard, saw, recorded"), std::string::npos) << e.what();
  expect_error(with(minimal(), "observer_kind", "drone"), "bad_value", "observer_kind");
  expect_error(with(minimal(), "event", "shelling"), "bad_value", "event");
  expect_error(with(minimal(), "explosion_type", "big"), "bad_value", "explosion_type");
  expect_error(with(minimal(), "weapon_class", "howitzer"), "bad_value", "weapon_class");
  expect_error(with(minimal(), "direction", "north"), "bad_value", "direction");
  expect_error(with(minimal(), "count", 2.5), "bad_value", "count");
  expect_error(with(minimal(), "time", "2025-04-12 06:30"), "bad_value", "time");
  expect_error(with(minimal(), "time", "2025-04-12T06:30:00"), "bad_value", "time");
}

TEST(ObservationParse, OutOfRange) {
  expect_error(with(minimal(), "observer_lat", 90.5), "out_of_range", "observer_lat");
  expect_error(with(minimal(), "observer_lon", -180.01), "out_of_range", "observer_lon");
  expect_error(with(with(minimal(), "lat", -91), "lon", 0), "out_of_range", "lat");
  expect_error(with(with(minimal(), "lat", 0), "lon", 181), "out_of_range", "lon");
  expect_error(with(minimal(), "bearing_deg", 360), "out_of_range", "bearing_deg");
  expect_error(with(minimal(), "bearing_deg", -0.5), "out_of_range", "bearing_deg");
  expect_error(with(with(minimal(), "range_min_km", -1), "range_max_km", 2), "out_of_range", "range_min_km");
  expect_error(with(minimal(), "count", 0), "out_of_range", "count");
  expect_error(with(minimal(), "count", -3), "out_of_range", "count");
  // The closed ends are accepted.
  EXPECT_NO_THROW(parse_observation(with(with(minimal(), "lat", 90), "lon", -180), kNow));
  EXPECT_EQ(parse_observation(with(minimal(), "bearing_deg", 359.99), kNow).bearing_deg, 359.99);
}

TEST(ObservationParse, Conflicts) {
  expect_error(with(with(minimal(), "range_min_km", 6), "range_max_km", 3), "conflict", "range_min_km");
  expect_error(with(with(minimal(), "event", "shot"), "explosion_type", "impact"), "conflict", "explosion_type");
  expect_error(with(with(minimal(), "direction", "N"), "bearing_deg", 90), "conflict", "direction");
  expect_error(with(with(minimal(), "direction", "N"), "bearing_deg", 11.3), "conflict", "direction");
  expect_error(with(minimal(), "observer_mgrs", "37UDP0000000000"), "conflict", "observer_mgrs");
}

TEST(ObservationParse, TooLong) {
  expect_error(with(minimal(), "notes", std::string(4001, 'x')), "too_long", "notes");
  expect_error(with(minimal(), "observer_id", std::string(201, 'p')), "too_long", "observer_id");
  expect_error(with(minimal(), "source_ref", std::string(201, 'r')), "too_long", "source_ref");
  // Limits count characters, not bytes: 4,000 Cyrillic letters (8,000 bytes) are accepted.
  std::string cyrillic;
  for (int i = 0; i < 4000; ++i) cyrillic += "ж";
  EXPECT_EQ(parse_observation(with(minimal(), "notes", cyrillic), kNow).notes.size(), 8000u);
  EXPECT_NO_THROW(parse_observation(with(minimal(), "notes", "  " + std::string(4000, 'x') + "  "), kNow));
}

TEST(ObservationParse, TenMinutesIntoTheFutureAtMost) {
  const int64_t ten_min = 10 * 60'000;
  EXPECT_EQ(parse_observation(minimal(), kNow - ten_min).time_ms, kNow);
  const ValidationError e = error_of(minimal(), kNow - ten_min - 1);
  EXPECT_EQ(e.code(), "time_in_future");
  EXPECT_EQ(e.field(), "time");
  EXPECT_EQ(e.status(), 422);
}

TEST(ObservationParse, DirectionBecomesBearing) {
  const std::pair<const char*, double> cases[] = {{"N", 0}, {"NNE", 22.5}, {"E", 90}, {"SE", 135},
                                                  {"SSW", 202.5}, {"W", 270}, {"NNW", 337.5}};
  for (const auto& [dir, deg] : cases) {
    const Observation o = parse_observation(with(minimal(), "direction", dir), kNow);
    EXPECT_EQ(o.bearing_deg, deg) << dir;
    EXPECT_EQ(o.direction, dir);
  }
  // A bearing within the direction's sector agrees with it, across north too.
  EXPECT_EQ(parse_observation(with(with(minimal(), "direction", "N"), "bearing_deg", 350), kNow).bearing_deg, 350);
  EXPECT_EQ(parse_observation(with(with(minimal(), "direction", "N"), "bearing_deg", 11.25), kNow).bearing_deg, 11.25);
}

TEST(ObservationParse, MgrsObserver) {
  const double lat = 48.5012, lon = 37.9876;  // near Toretsk
  int zone = 0;
  bool northp = false;
  double x = 0, y = 0;
  std::string mgrs;
  GeographicLib::UTMUPS::Forward(lat, lon, zone, northp, x, y);
  GeographicLib::MGRS::Forward(zone, northp, x, y, lat, 5, mgrs);  // 10 digits: a 1 m square
  json j = without(without(minimal(), "observer_lat"), "observer_lon");
  j["observer_mgrs"] = " " + mgrs.substr(0, 5) + " " + mgrs.substr(5, 5) + " " + mgrs.substr(10) + " ";
  const Observation o = parse_observation(j, kNow);
  ASSERT_TRUE(o.observer_lat && o.observer_lon);
  double dist = 0;
  GeographicLib::Geodesic::WGS84().Inverse(lat, lon, *o.observer_lat, *o.observer_lon, dist);
  EXPECT_LT(dist, 1.5);  // the square's centre: at most √2 m from any point in it
  EXPECT_EQ(o.observer_mgrs.substr(0, 5), mgrs.substr(0, 5));
  expect_error(with(j, "observer_mgrs", "37UXX99"), "bad_value", "observer_mgrs");
}

TEST(ObservationParse, JsonOmitsAbsentOptionals) {
  const json j = to_json(parse_observation(minimal(), kNow));
  EXPECT_EQ(j.at("time"), "2025-04-12T03:30:00.000Z");
  EXPECT_EQ(j.at("time_ms"), kNow);
  EXPECT_EQ(j.at("observer_lat"), 48.72305);
  EXPECT_EQ(j.at("count"), 1);
  for (const char* absent : {"lat", "lon", "bearing_deg", "direction", "range_min_km", "range_max_km",
                             "observer_mgrs", "explosion_type", "weapon", "weapon_class", "notes", "source_ref"})
    EXPECT_FALSE(j.contains(absent)) << absent;
}

TEST(ObservationParse, JsonCarriesEveryGivenField) {
  json in = minimal();
  in.update({{"explosion_type", "impact"}, {"count", 4}, {"direction", "SSE"}, {"range_min_km", 2},
             {"range_max_km", 4}, {"lat", 48.6}, {"lon", 37.7}, {"weapon", "mortar"},
             {"weapon_class", "mortar_lt_100"}, {"notes", "n"}, {"source_ref", "r"}});
  const json out = to_json(parse_observation(in, kNow));
  for (const auto& [key, v] : in.items()) {
    if (key == "time") continue;  // written back in UTC
    EXPECT_EQ(out.at(key), v) << key;
  }
  EXPECT_EQ(out.at("bearing_deg"), 157.5);
  // What to_json writes parses back to the same observation.
  EXPECT_EQ(to_json(parse_observation(without(out, "time_ms"), kNow)), out);
}

// The text form the ingest path stores must be exactly the tree's dump, for every member that can
// be there and for values that need escapes.
TEST(ObservationTest, TextFormIsExactlyTheDumpOfTheTree) {
  Observation o = parse_observation(minimal(), kNow);
  std::string text;
  append_json(text, o);
  EXPECT_EQ(text, to_json(o).dump());
  o.observer_mgrs = "37UDQ1234567890";
  o.bearing_deg = 112.5, o.direction = "ESE";
  o.range_min_km = 3, o.range_max_km = 6;
  o.lat = 48.1 / 3, o.lon = 37.000000000001;
  o.explosion_type = "impact", o.weapon = "2S1 \"Gvozdika\"", o.weapon_class = "artillery_ge_100";
  o.notes = "heard from Київ road\nsecond line", o.source_ref = "SMM-2025-04-12/17", o.count = 12;
  text.clear();
  append_json(text, o);
  EXPECT_EQ(text, to_json(o).dump());
  AcledInfo a;
  a.event_type = "Explosions/Remote violence", a.sub_event_type = "Shelling/artillery/missile attack";
  a.time_precision = 2, a.actor1 = "Military Forces of Russia (2000-)", a.fatalities = 3;
  o.acled = a;
  text.clear();
  append_json(text, o);
  EXPECT_EQ(text, to_json(o).dump());
  Placement p;
  p.method = "bearing_range", p.lat = 48.123456789, p.lon = 37.5, p.err_m = 1234.5, p.dist_loc_km = 0.001;
  p.zone_id = "dmz", p.zone_kind = "dmz", p.responsible = "un";
  text.clear();
  append_json(text, p);
  EXPECT_EQ(text, to_json(p).dump());
  text.clear();
  Placement none;
  none.method = "none";
  append_json(text, none);
  EXPECT_EQ(text, to_json(none).dump());
}

}  // namespace
}  // namespace truceline::monitor
