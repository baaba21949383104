// The one way an observation becomes a correlator input (monitor/sighting.h): its rules, and the
// three readers of a record that use it — the service's incident engine, the daily report and
// `export incidents` — giving the same incidents for the same imported ACLED events, whose
// geo_precision only this function turns into a position's σ.
#include "monitor/sighting.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "formats/acled_import.h"
#include "formats/records.h"
#include "index/locator.h"
#include "monitor/correlate.h"
#include "report/daily_record.h"
#include "server/incident_engine.h"
#include "store/store_test_support.h"
#include "support.h"

namespace truceline::monitor {
namespace {

Observation observation(const std::string& mode) {
  Observation o;
  o.time_ms = 1'744'440'000'000, o.event = "explosion", o.mode = mode, o.observer_id = "P-1";
  o.observer_lat = 48.5, o.observer_lon = 37.9, o.bearing_deg = 80, o.range_min_km = 3, o.range_max_km = 6;
  return o;
}

TEST(SightingOf, BearingSigmaByModeAndTheBandInMetres) {
  const PlaceOptions opt{.given_err_m = 40, .bearing_sigma_saw_deg = 2, .bearing_sigma_heard_deg = 12};
  EXPECT_EQ(sighting_of(observation("saw"), "a", opt).bearing_sigma_deg, 2);
  EXPECT_EQ(sighting_of(observation("recorded"), "a", opt).bearing_sigma_deg, 2);
  EXPECT_EQ(sighting_of(observation("heard"), "a", opt).bearing_sigma_deg, 12);
  EXPECT_EQ(sighting_of(observation(""), "a", opt).bearing_sigma_deg, 12);  // unknown: the wider
  const Sighting s = sighting_of(observation("saw"), "o-9", opt);
  EXPECT_EQ(s.id, "o-9");
  EXPECT_EQ(*s.range_min_m, 3000);
  EXPECT_EQ(*s.range_max_m, 6000);
  EXPECT_EQ(s.observer->lat, 48.5);
  EXPECT_FALSE(s.position);
}

TEST(SightingOf, AGivenPositionsSigmaIsTheOptionsOrAcledsPrecision) {
  Observation o = observation("saw");
  o.lat = 48.0, o.lon = 37.0;
  const PlaceOptions opt{.given_err_m = 40};
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator locator(map);
  EXPECT_EQ(sighting_of(o, "a", opt).position_sigma_m, 40);
  EXPECT_EQ(place(o, locator, map, opt).err_m, 40);
  for (const auto& [precision, sigma] : std::map<int, double>{{1, 2'000}, {2, 10'000}, {3, 50'000}, {7, 50'000}}) {
    o.acled = AcledInfo{};
    o.acled->geo_precision = precision;
    EXPECT_EQ(sighting_of(o, "a", opt).position_sigma_m, sigma) << precision;
    EXPECT_EQ(place(o, locator, map, opt).err_m, sigma) << "the record's placement says the same, " << precision;
  }
}

TEST(SightingOf, AStoredObservationReadsBackAsTheSameSighting) {
  Observation o = observation("heard");
  o.time_ms = 1'744'430'400'000;
  o.observer_kind = "patrol", o.explosion_type = "impact", o.count = 3;
  const Sighting direct = sighting_of(o, "o-1");
  const Sighting stored = stored_sighting(to_json(o), "o-1");
  EXPECT_EQ(stored.time_ms, direct.time_ms);
  EXPECT_EQ(stored.count, 3);
  EXPECT_EQ(stored.explosion_type, "impact");
  EXPECT_EQ(*stored.bearing_deg, *direct.bearing_deg);
  EXPECT_EQ(stored.bearing_sigma_deg, direct.bearing_sigma_deg);
  EXPECT_THROW(stored_sighting(nlohmann::json{{"event", "explosion"}}, "o-2"), ValidationError);
}

class SightingPathsTest : public ::testing::Test {
 protected:
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_ = store::open_store((dir_.path() / "record.sqlite").string());
};

// Each incident's error ellipse (major axis, m) by the id of its first observation.
std::map<std::string, double> majors(const std::vector<Incident>& incidents) {
  std::map<std::string, double> out;
  for (const Incident& inc : incidents) out[inc.observation_ids.at(0)] = inc.fix.err.major_m;
  return out;
}

TEST_F(SightingPathsTest, ServeReportAndExportPlaceAnAcledEventAlike) {
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator locator(map);
  // The sample (tests/fixtures/acled/README.md): twelve events, one at geo_precision 3, two at 2.
  formats::import_acled((testing::root() / "tests/fixtures/acled/ukraine-sample.csv").string(), *store_, map, locator);
  const int64_t head = store_->head().count;
  ASSERT_GT(head, 0);

  // `export incidents`: the record's current observations.
  std::vector<Sighting> exported;
  for (const formats::RecordedObservation& r : formats::current_observations(*store_, std::nullopt, std::nullopt))
    exported.push_back(sighting_of(r.obs, r.id, PlaceOptions::of(map.plan.monitoring)));
  const auto by_export = majors(correlate_all(exported, map, locator));

  // The daily report: the observations of a period, as they stood at a cut-off.
  const auto reported = report::read_sightings(*store_, 0, INT64_MAX / 2, head, map.plan.monitoring);
  const auto by_report = majors(correlate_all(reported, map, locator));

  // `serve`: the incident engine reading the chain.
  std::map<std::string, double> by_serve;
  {
    server::IncidentEngine engine(map, locator, *store_);
    engine.start();
    engine.sync();
    server::IncidentFilter f;
    f.limit = 1000;
    for (const nlohmann::json& inc : engine.list(f))
      by_serve[inc["observation_ids"][0].get<std::string>()] = inc["err_major_m"].get<double>();
    engine.stop();
  }

  ASSERT_EQ(by_export.size(), exported.size());  // twelve events far apart: one incident each
  EXPECT_EQ(by_report, by_export);
  ASSERT_EQ(by_serve.size(), by_export.size());
  for (const auto& [id, major] : by_export) EXPECT_NEAR(by_serve.at(id), major, 1e-6) << id;
  // The event coded "a larger region" (geo_precision 3) is placed within tens of kilometres, not
  // the 50 m of a position read off a map.
  const auto wide = std::count_if(by_export.begin(), by_export.end(), [](const auto& kv) { return kv.second > 20'000; });
  EXPECT_EQ(wide, 1);
}

}  // namespace
}  // namespace truceline::monitor
