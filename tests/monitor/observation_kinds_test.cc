// The kinds the SMM's daily reports had besides ceasefire violations (docs/observations.md):
// restrictions of the monitors' freedom of movement, checks of weapons holding areas,
// casualties and damage — parsed strictly, written back identically, placed, and checked against
// the plan's rules.
#include <gtest/gtest.h>

#include "index/locator.h"
#include "monitor/correlate.h"
#include "monitor/observation.h"
#include "monitor/sighting.h"
#include "support.h"

namespace truceline::monitor {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1744428600000;  // 2025-04-12T03:30:00Z

// A patrol stopped at a checkpoint in the DMZ west of Horlivka (48.33 N, 37.90 E), as the SMM
// reported such stops: "armed men at a checkpoint refused the patrol passage".
json denied(const std::string& observer = "SMM-P12", double lat = 48.330, double lon = 37.905) {
  return {{"time", "2025-04-12T06:30:00+03:00"}, {"observer_id", observer}, {"observer_kind", "patrol"},
          {"observer_lat", lat}, {"observer_lon", lon}, {"mode", "saw"}, {"event", "restriction"},
          {"restriction_type", "denied_passage"}, {"imposed_by", "ru"}, {"duration_min", 45}};
}

// A holding-area check: "of the 12 howitzers recorded there, four were missing".
json site_check(const std::string& status, json weapons, double lat = 47.20, double lon = 33.00) {
  return {{"time", "2025-04-12T03:00:00Z"}, {"observer_id", "SMM-P3"}, {"observer_kind", "patrol"},
          {"observer_lat", lat}, {"observer_lon", lon}, {"mode", "saw"}, {"event", "weapons_site"},
          {"site_id", "HA-17"}, {"site_status", status}, {"weapons", std::move(weapons)}};
}

json with(json j, const json& patch) {
  j.update(patch);
  return j;
}

std::string code_of(const json& j) {
  try {
    parse_observation(j, kNow);
  } catch (const ValidationError& e) {
    return e.code() + " " + e.field();
  }
  return "accepted";
}

TEST(ObservationKinds, RestrictionParsesAndRoundTrips) {
  const Observation o = parse_observation(denied(), kNow);
  EXPECT_EQ(o.event, "restriction");
  EXPECT_EQ(o.restriction_type, "denied_passage");
  EXPECT_EQ(o.imposed_by, "ru");
  EXPECT_EQ(o.duration_min, 45);
  json out = to_json(o);
  out.erase("time_ms");
  EXPECT_EQ(to_json(parse_observation(out, kNow)), to_json(o));
  std::string text;
  append_json(text, o);
  EXPECT_EQ(text, to_json(o).dump());
}

TEST(ObservationKinds, EachKindsFieldsAreRefusedElsewhereAndRequiredWhereTheyBelong) {
  json j = denied();
  j.erase("restriction_type");
  EXPECT_EQ(code_of(j), "missing_field restriction_type");
  EXPECT_EQ(code_of(with(denied(), {{"restriction_type", "rude"}})), "bad_value restriction_type");
  // UAV jamming is a restriction and nothing else: there is no "jammed" event.
  EXPECT_EQ(code_of(with(denied(), {{"event", "uav_jammed"}})), "bad_value event");
  EXPECT_EQ(code_of(with(denied(), {{"restriction_type", "uav_jammed"}})), "accepted");
  json expl = denied();
  expl["event"] = "explosion";
  EXPECT_EQ(code_of(expl), "conflict restriction_type");
  EXPECT_EQ(code_of(with(denied(), {{"duration_min", 20000}})), "out_of_range duration_min");
  json site = site_check("all_present", {{"artillery_ge_100", 12}});
  EXPECT_EQ(code_of(site), "accepted");
  EXPECT_EQ(code_of(with(site, {{"weapons", {{"howitzer", 2}}}})), "bad_value weapons.howitzer");
  EXPECT_EQ(code_of(with(site, {{"weapons", {{"mlrs", 1.5}}}})), "bad_value weapons.mlrs");
  site.erase("site_id");
  EXPECT_EQ(code_of(site), "missing_field site_id");
  EXPECT_EQ(code_of(with(denied(), {{"site_status", "all_present"}})), "conflict site_status");
}

TEST(ObservationKinds, CasualtiesAndDamageOnAnyReport) {
  json j = denied();
  j["event"] = "explosion", j.erase("restriction_type"), j.erase("imposed_by"), j.erase("duration_min");
  j["casualties"] = {{"killed", 1}, {"injured", 3}, {"corroborated", true}};
  j["damage"] = {"residential", "power", "residential"};
  const Observation o = parse_observation(j, kNow);
  ASSERT_TRUE(o.casualties);
  EXPECT_EQ(o.casualties->killed, 1);
  EXPECT_EQ(o.casualties->injured, 3);
  EXPECT_TRUE(o.casualties->civilian);  // the default: the SMM counted civilian casualties
  EXPECT_TRUE(o.casualties->corroborated);
  EXPECT_EQ(o.damage, (std::vector<std::string>{"residential", "power"}));
  std::string text;
  append_json(text, o);
  EXPECT_EQ(text, to_json(o).dump());
  EXPECT_EQ(code_of(with(j, {{"casualties", {{"killed", 0}}}})), "bad_value casualties.killed");
  EXPECT_EQ(code_of(with(j, {{"casualties", {{"dead", 2}}}})), "unknown_field casualties.dead");
  EXPECT_EQ(code_of(with(j, {{"casualties", {{"killed", 1}, {"civilian", "yes"}}}})), "bad_type casualties.civilian");
  EXPECT_EQ(code_of(with(j, {{"damage", {"castle"}}})), "bad_value damage");
  EXPECT_EQ(code_of(with(j, {{"damage", json::array()}})), "bad_type damage");
  json alone = j;
  alone["event"] = "casualty", alone.erase("casualties");
  EXPECT_EQ(code_of(alone), "missing_field casualties");
  alone["event"] = "damage", alone.erase("damage");
  EXPECT_EQ(code_of(alone), "missing_field damage");
}

TEST(ObservationKinds, ImposedByMustBeAPartyOfThePlan) {
  const plan::Plan& plan = testing::default_map().plan;
  EXPECT_NO_THROW(check_with_plan(parse_observation(denied(), kNow), plan));
  try {
    check_with_plan(parse_observation(with(denied(), {{"imposed_by", "nato"}}), kNow), plan);
    ADD_FAILURE() << "accepted imposed_by nato";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.code(), "unknown_party");
    EXPECT_EQ(e.field(), "imposed_by");
    EXPECT_NE(std::string(e.what()).find("ru"), std::string::npos) << e.what();  // the ids it may be
  }
}

const index::Locator& locator() {
  static const index::Locator loc(testing::default_map());
  return loc;
}

TEST(ObservationKinds, ARestrictionIsPlacedAtTheObserverAndTwoPatrolsAtOneCheckpointAreOneViolation) {
  const Observation a = parse_observation(denied("SMM-P12"), kNow);
  const Placement p = place(a, locator(), testing::default_map());
  EXPECT_EQ(p.method, "at_observer");
  EXPECT_EQ(*p.lat, 48.330);
  EXPECT_EQ(p.zone_id, "dmz");
  EXPECT_FALSE(p.responsible.empty());
  // A second patrol stopped at the same checkpoint a minute later, 200 m along the road.
  json second = denied("SMM-P14", 48.3315, 37.9055);
  second["time"] = "2025-04-12T06:31:00+03:00";
  const Observation b = parse_observation(second, kNow);
  const auto incidents = correlate_all({sighting_of(a, "o-1"), sighting_of(b, "o-2")}, testing::default_map(), locator());
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].observation_ids.size(), 2u);
  EXPECT_EQ(incidents[0].responsible, p.responsible);
  ASSERT_EQ(incidents[0].violations.size(), 1u);
  EXPECT_EQ(incidents[0].violations[0].rule, "restriction");
  // Without a party named it is recorded, but no rule of the plan says who broke what.
  json nobody = denied();
  nobody.erase("imposed_by");
  const auto alone = correlate_all({sighting_of(parse_observation(nobody, kNow), "o-3")}, testing::default_map(), locator());
  EXPECT_TRUE(alone.at(0).violations.empty());
}

TEST(ObservationKinds, AHoldingAreaCheckBreaksTheRulesOfWhatItCounted) {
  const auto rules_of = [](const json& j) {
    const auto inc = correlate_all({sighting_of(parse_observation(j, kNow), "o-1")}, testing::default_map(), locator());
    std::vector<std::string> out;
    for (const Violation& v : inc.at(0).violations) out.push_back(v.rule);
    return out;
  };
  // Far behind the line (Kherson oblast's west, about 150 km from it): all present is no violation,
  // weapons missing is one.
  EXPECT_TRUE(rules_of(site_check("all_present", {{"artillery_ge_100", 12}})).empty());
  EXPECT_EQ(rules_of(site_check("weapons_missing", {{"artillery_ge_100", 8}})), (std::vector<std::string>{"weapons-missing"}));
  // The same howitzers counted at a site in the DMZ: a weapon in the DMZ.
  const auto in_dmz = rules_of(site_check("all_present", {{"artillery_ge_100", 4}}, 48.330, 37.905));
  EXPECT_NE(std::find(in_dmz.begin(), in_dmz.end(), "weapon-in-dmz"), in_dmz.end());
  // Nothing counted in the DMZ: an empty site is no weapon there.
  EXPECT_TRUE(rules_of(site_check("all_present", {{"artillery_ge_100", 0}}, 48.330, 37.905)).empty());
}

TEST(ObservationKinds, ACasualtyReportJoinsTheShellingItFollowsWithoutMovingIt) {
  json shell{{"time", "2025-04-12T03:00:00Z"}, {"observer_id", "P-5"}, {"observer_kind", "patrol"}, {"mode", "saw"},
             {"event", "explosion"}, {"explosion_type", "impact"}, {"lat", 47.840}, {"lon", 35.140}};
  const auto casualty = [](const std::string& time, double lat) {
    return json{{"time", time}, {"observer_id", "P-5"}, {"observer_kind", "patrol"}, {"mode", "saw"}, {"event", "casualty"},
                {"lat", lat}, {"lon", 35.140}, {"casualties", {{"injured", 2}}}};
  };
  const auto run = [&](const json& c) {
    return correlate_all({sighting_of(parse_observation(shell, kNow), "o-1"), sighting_of(parse_observation(c, kNow), "o-2")},
                         testing::default_map(), locator());
  };
  // The same patrol, ten minutes later, at the house 100 m from the crater.
  const auto joined = run(casualty("2025-04-12T03:10:00Z", 47.8409));
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].event, "explosion");
  EXPECT_EQ(joined[0].observation_ids, (std::vector<std::string>{"o-1", "o-2"}));
  const auto alone = correlate_all({sighting_of(parse_observation(shell, kNow), "o-1")}, testing::default_map(), locator());
  EXPECT_EQ(joined[0].fix.pos.lat, alone[0].fix.pos.lat);  // the crater, not between it and the house
  // Before the shelling, or 20 km away: a casualty of something else.
  EXPECT_EQ(run(casualty("2025-04-12T02:50:00Z", 47.8409)).size(), 2u);
  EXPECT_EQ(run(casualty("2025-04-12T03:10:00Z", 48.02)).size(), 2u);
}

}  // namespace
}  // namespace truceline::monitor
