// Correlator::remove (retractions and corrections in the service) and the service's JSON forms:
// an incident as INCIDENT JSON, a stored observation back as a Sighting.
#include <gtest/gtest.h>

#include "monitor/correlate.h"
#include "monitor/incident_json.h"
#include "monitor/sighting.h"
#include "monitor/observation.h"
#include "support.h"

namespace truceline::monitor {
namespace {

const index::Locator& locator() {
  static const index::Locator loc(testing::default_map());
  return loc;
}

constexpr int64_t kT0 = 1744430400000;  // 2025-04-12T04:00:00Z

Sighting at(const std::string& id, const std::string& observer, double lat, double lon, int64_t dt_ms = 0) {
  Sighting s;
  s.id = id, s.observer_id = observer, s.time_ms = kT0 + dt_ms;
  s.event = "explosion", s.explosion_type = "impact", s.mode = "saw";
  s.position = geo::LonLat{lon, lat};
  return s;
}

TEST(CorrelatorRemove, ARetractedReportLeavesItsIncidentWhichIsLocatedAgain) {
  Correlator c(testing::default_map(), locator());
  c.add(at("a", "P-1", 47.800, 37.0));
  c.add(at("b", "P-2", 47.8009, 37.0, 30'000));
  const Incident before = c.add(at("c", "P-3", 47.8018, 37.0, 60'000));
  ASSERT_EQ(before.observation_ids.size(), 3u);
  EXPECT_TRUE(c.holds("c"));

  const Incident* after = c.remove("c");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->id, before.id);
  EXPECT_EQ(after->observation_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_LT(after->fix.pos.lat, before.fix.pos.lat);  // the mean of the two left
  EXPECT_EQ(after->last_ms, kT0 + 30'000);
  EXPECT_FALSE(c.holds("c"));
  EXPECT_EQ(c.remove("c"), nullptr);
  EXPECT_EQ(c.remove("never-seen"), nullptr);

  // A report of the same event arriving later still joins the incident.
  EXPECT_EQ(c.add(at("d", "P-4", 47.8005, 37.0, 90'000)).id, before.id);
}

TEST(CorrelatorRemove, AnIncidentLeftEmptyHasNoFixAndTakesNothing) {
  Correlator c(testing::default_map(), locator());
  const std::string id = c.add(at("a", "P-1", 47.8, 37.0)).id;
  const Incident* empty = c.remove("a");
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->observation_ids.empty());
  EXPECT_FALSE(empty->fix.ok);
  EXPECT_TRUE(empty->violations.empty());
  // A correction: the same report, elsewhere, makes an incident of its own.
  EXPECT_NE(c.add(at("a", "P-1", 47.5, 37.3)).id, id);
}

TEST(IncidentJson, HasTheContractFieldsAndNullsWithoutAFix) {
  Incident inc;
  inc.first_ms = kT0, inc.last_ms = kT0 + 1000, inc.event = "explosion";
  inc.observation_ids = {"o-5", "o-9"};
  inc.zone = "dmz", inc.zone_kind = "dmz", inc.responsible = "monitors";
  inc.violations = {{"weapon-in-dmz", "high"}};
  nlohmann::json j = incident_json(inc, "i-17", 3);
  EXPECT_EQ(j["id"], "i-17");
  EXPECT_EQ(j["revision"], 3);
  EXPECT_EQ(j["first_time"], "2025-04-12T04:00:00.000Z");
  EXPECT_EQ(j["n_observations"], 2);
  EXPECT_TRUE(j["lat"].is_null());
  EXPECT_TRUE(j["err_major_m"].is_null());
  EXPECT_EQ(j["violations"][0]["severity"], "high");
  for (const char* k : {"zone_kind", "side", "origin_side", "crossed_line", "err_minor_m", "err_azimuth_deg", "observation_ids"})
    EXPECT_TRUE(j.contains(k)) << k;
  inc.fix = {true, {37.2, 48.1}, {400, 150, 71.5}};
  j = incident_json(inc, "i-17", 4);
  EXPECT_EQ(j["lat"], 48.1);
  EXPECT_EQ(j["err_azimuth_deg"], 71.5);
}

TEST(IncidentJson, StoredObservationReadsBackAsItsSighting) {
  const Observation o = parse_observation(
      nlohmann::json{{"time", "2025-04-12T06:30:00+03:00"}, {"observer_id", "P-7"}, {"observer_kind", "patrol"},
                     {"mode", "heard"}, {"event", "explosion"}, {"explosion_type", "outgoing"}, {"observer_lat", 48.5},
                     {"observer_lon", 37.9}, {"direction", "ENE"}, {"range_min_km", 3}, {"range_max_km", 6},
                     {"weapon_class", "mlrs"}, {"count", 4}},
      kT0 + 86'400'000);
  plan::MonitoringDefaults m;
  m.bearing_sigma_heard_deg = 12;
  const Sighting s = stored_sighting(to_json(o), "o-3", PlaceOptions::of(m));
  EXPECT_EQ(s.id, "o-3");
  EXPECT_EQ(s.time_ms, kT0 - 1'800'000);  // 06:30+03:00 is 03:30Z
  EXPECT_EQ(s.observer_id, "P-7");
  EXPECT_EQ(s.explosion_type, "outgoing");
  EXPECT_EQ(s.weapon_class, "mlrs");
  EXPECT_EQ(s.count, 4);
  ASSERT_TRUE(s.observer && s.bearing_deg && s.range_min_m && s.range_max_m);
  EXPECT_DOUBLE_EQ(s.observer->lat, 48.5);
  EXPECT_DOUBLE_EQ(*s.bearing_deg, 67.5);
  EXPECT_DOUBLE_EQ(*s.range_min_m, 3000);
  EXPECT_DOUBLE_EQ(s.bearing_sigma_deg, 12);
  EXPECT_FALSE(s.position);
}

}  // namespace
}  // namespace truceline::monitor
