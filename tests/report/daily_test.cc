// The daily report's figures on a small synthetic record, put through a real SQLite store:
// counts by zone, contingent, event and rule against the previous day, the day's boundaries in
// the report's time zone, the 30-day trend, corrections and retractions, and the chain's head
// at the cut-off.
#include "report/daily.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "monitor/observation.h"
#include "report/daily_record.h"
#include "report/daily_render.h"
#include "report/daily_test_support.h"
#include "support.h"

namespace truceline::report {
namespace {

namespace fs = std::filesystem;

int64_t at(const std::string& iso) { return *monitor::parse_time_ms(iso); }

const index::Locator& locator() {
  static const index::Locator l(truceline::testing::default_map());
  return l;
}

geo::LonLat settlement(const std::string& name) {
  for (const auto& s : truceline::testing::default_map().settlements)
    if (s.name == name) return s.pos;
  ADD_FAILURE() << name << " is not in the settlements layer";
  return {};
}

// A point on the line of contact: inside the DMZ, which is 15 km either side of it.
geo::LonLat on_the_line() {
  const plan::Line* loc = truceline::testing::default_map().find_line("line_of_contact");
  return geo::line_parts(loc->geom).front().front();
}

monitor::Sighting sighting(const std::string& time, geo::LonLat where, const std::string& event,
                           const std::string& observer = "post-1") {
  monitor::Sighting s;
  s.time_ms = at(time);
  s.position = where;
  s.event = event;
  s.mode = "saw";
  s.observer_id = observer;
  if (event == "explosion") s.explosion_type = "impact";
  if (event == "armour") s.weapon_class = "tank";
  return s;
}

class DailyRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& map = truceline::testing::default_map();
    // Precondition of the expected counts: the places lie in the zones this test names.
    ASSERT_EQ(map.zones[locator().zone_of(settlement("Kharkiv"))].id, "ukraine");
    ASSERT_EQ(map.zones[locator().zone_of(settlement("Mariupol"))].id, "russian");
    ASSERT_EQ(map.zones[locator().zone_of(settlement("Kyiv"))].id, "allied-north");
    ASSERT_EQ(map.zones[locator().zone_of(on_the_line())].id, "dmz");

    dir_ = fs::temp_directory_path() / ("truceline-daily-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = store::open_store((dir_ / "record.sqlite").string());
    const std::vector<monitor::Sighting> obs = {
        sighting("2025-03-23T10:00:00+03:00", settlement("Mariupol"), "explosion"),  // in the trend only
        sighting("2025-03-01T10:00:00+03:00", settlement("Mariupol"), "explosion"),  // before the trend
        sighting("2025-04-11T10:00:00+03:00", settlement("Kharkiv"), "explosion"),    // previous day
        sighting("2025-04-11T11:00:00+03:00", on_the_line(), "armour"),
        // The day, in UTC+03:00: 00:30 local is still the 11th in UTC.
        sighting("2025-04-12T00:30:00+03:00", settlement("Kharkiv"), "explosion"),
        sighting("2025-04-12T05:00:00+03:00", settlement("Kharkiv"), "explosion"),
        sighting("2025-04-12T09:00:00+03:00", settlement("Mariupol"), "explosion"),
        sighting("2025-04-12T12:00:00+03:00", on_the_line(), "armour", "post-1"),
        sighting("2025-04-12T12:01:00+03:00", on_the_line(), "armour", "post-2"),  // the same tank
        sighting("2025-04-12T23:59:00+03:00", settlement("Kyiv"), "explosion"),
        sighting("2025-04-13T00:00:00+03:00", settlement("Kharkiv"), "explosion"),  // the next day
    };
    testing::store_sightings(*store_, obs, map, locator());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  DailyReport report(std::optional<int64_t> cutoff = std::numeric_limits<int64_t>::max() / 2) {
    return make_daily_report(*store_, truceline::testing::default_map(), locator(),
                             day_window("2025-04-12", "+03:00"), cutoff);
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

const CountRow& row(const std::vector<CountRow>& rows, const std::string& key) {
  for (const auto& r : rows)
    if (r.key == key) return r;
  static const CountRow none{"<missing>", "", -1, -1};
  ADD_FAILURE() << "no row " << key;
  return none;
}

TEST(DayWindow, ParsesTheDayInItsOffset) {
  const DayWindow w = day_window("2025-04-12", "+03:00");
  EXPECT_EQ(w.start_ms, at("2025-04-11T21:00:00Z"));
  EXPECT_EQ(w.end_ms, at("2025-04-12T21:00:00Z"));
  EXPECT_EQ(w.offset_min, 180);
  EXPECT_EQ(shift_days(w, 1).day, "2025-04-11");
  EXPECT_EQ(shift_days(w, 12).day, "2025-03-31");
  EXPECT_EQ(local_clock(w, at("2025-04-12T06:42:00Z")), "09:42");
  EXPECT_EQ(day_window("2025-04-12", "Z").tz, "+00:00");
  EXPECT_EQ(day_window("2025-04-12", "-05:30").start_ms, at("2025-04-12T05:30:00Z"));
}

TEST(DayWindow, RejectsBadDaysAndOffsets) {
  for (const char* bad : {"2025-02-30", "2025-4-12", "12/04/2025", "", "2025-04-12T00:00Z", "yesterday"})
    EXPECT_THROW(day_window(bad, "+00:00"), InputError) << bad;
  for (const char* bad : {"+3", "03:00", "+03", "UTC", "+15:00"}) EXPECT_THROW(day_window("2025-04-12", bad), InputError) << bad;
  try {
    day_window("2025-02-30");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--day"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("YYYY-MM-DD"), std::string::npos);
  }
}

TEST_F(DailyRecord, CountsAgainstThePreviousDay) {
  const DailyReport r = report();
  EXPECT_EQ(r.number, 102);  // 12 April is the 102nd day of 2025
  EXPECT_EQ(r.observations, 6);
  EXPECT_EQ(r.observations_previous, 2);
  EXPECT_EQ(r.incidents, 5);  // the two reports of the tank are one incident
  EXPECT_EQ(r.incidents_previous, 2);
  EXPECT_EQ(r.violating, 1);
  EXPECT_EQ(r.violating_previous, 1);

  EXPECT_EQ(row(r.by_zone, "ukraine").today, 2);
  EXPECT_EQ(row(r.by_zone, "ukraine").previous, 1);
  EXPECT_EQ(row(r.by_zone, "ukraine").delta(), 1);
  EXPECT_EQ(row(r.by_zone, "russian").today, 1);
  EXPECT_EQ(row(r.by_zone, "dmz").today, 1);
  EXPECT_EQ(row(r.by_zone, "dmz").delta(), 0);
  EXPECT_EQ(row(r.by_zone, "allied-north").today, 1);
  EXPECT_EQ(row(r.by_zone, "allied-south").today, 0);  // every zone is listed, even without incidents
  EXPECT_EQ(row(r.by_zone, "allied-south").label, "France-led sector");

  EXPECT_EQ(row(r.by_contingent, "ua").today, 2);
  EXPECT_EQ(row(r.by_contingent, "monitors").today, 1);
  EXPECT_EQ(row(r.by_contingent, "uk").today, 1);
  EXPECT_EQ(row(r.by_contingent, "fr").today, 0);
  EXPECT_EQ(row(r.by_event, "explosion").today, 4);
  EXPECT_EQ(row(r.by_event, "explosion").previous, 1);
  EXPECT_EQ(row(r.by_event, "armour").delta(), 0);
  EXPECT_EQ(row(r.by_rule, "weapon-in-dmz").today, 1);
  EXPECT_EQ(row(r.by_rule, "fire-across-line").today, 0);
}

TEST_F(DailyRecord, ListsTheDaysIncidentsInOrder) {
  const DailyReport r = report();
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(local_clock(r.window, r.rows[0].incident.first_ms), "00:30");
  EXPECT_EQ(r.rows[0].place.phrase, "in Kharkiv");
  EXPECT_EQ(r.rows[0].zone_name, "Ukraine east of the Dnieper");
  const IncidentRow& tank = r.rows[3];
  EXPECT_EQ(tank.number, 4);
  EXPECT_EQ(tank.incident.event, "armour");
  EXPECT_EQ(tank.observations, 2);
  EXPECT_EQ(tank.max_severity, "high");
  ASSERT_TRUE(tank.dist_line_km);
  EXPECT_LT(*tank.dist_line_km, 0.5);
  EXPECT_TRUE(r.band_weapons.empty());  // the plan draws no withdrawal lines
}

TEST_F(DailyRecord, TrendCoversThirtyDays) {
  const DailyReport r = report();
  ASSERT_EQ(r.trend.size(), 30u);
  EXPECT_EQ(r.trend.back().date, "2025-04-12");
  EXPECT_EQ(r.trend.front().date, "2025-03-14");
  EXPECT_EQ(r.trend.back().incidents, 5);
  EXPECT_EQ(r.trend[28].incidents, 2);
  EXPECT_EQ(r.trend[28].violating, 1);
  long total = 0;
  for (const auto& d : r.trend) total += d.incidents;
  EXPECT_EQ(total, 8);  // 5 + 2 + the one of 23 March; 1 March is outside
  EXPECT_EQ(r.trend[9].date, "2025-03-23");
  EXPECT_EQ(r.trend[9].incidents, 1);
}

TEST_F(DailyRecord, CorrectionsAndRetractionsApply) {
  const auto& map = truceline::testing::default_map();
  // o-10 is the 23:59 explosion at Kyiv; moved to Mariupol. o-6 (05:00 at Kharkiv) withdrawn.
  ASSERT_EQ(store_->get("o-10")->body["observation"]["time_ms"], at("2025-04-12T23:59:00+03:00"));
  auto moved = testing::observation_record(sighting("2025-04-12T23:59:00+03:00", settlement("Mariupol"), "explosion"),
                                           map, locator(), "correction", "o-10");
  store::NewRecord retraction;
  retraction.kind = "retraction", retraction.target_id = "o-6", retraction.submitter = "post-1";
  retraction.body = nlohmann::json{{"reason", "a door slamming"}};
  store_->append({moved, retraction}, "", "");
  const DailyReport r = report();
  EXPECT_EQ(r.incidents, 4);
  EXPECT_EQ(row(r.by_zone, "allied-north").today, 0);
  EXPECT_EQ(row(r.by_zone, "russian").today, 2);
  EXPECT_EQ(row(r.by_zone, "ukraine").today, 1);
}

TEST_F(DailyRecord, ChainHeadAtTheCutoff) {
  const store::ChainHead all = store_->head();
  ASSERT_EQ(all.count, 11);
  // The default cut-off, the end of 12 April 2025, is before anything was received.
  const DailyReport before = report(std::nullopt);
  EXPECT_EQ(before.head.count, 0);
  EXPECT_EQ(before.head.hash, std::string(64, '0'));
  EXPECT_EQ(before.incidents, 0);
  EXPECT_EQ(before.late_observations, 6);

  const DailyReport now = report();
  EXPECT_EQ(now.head.count, all.count);
  EXPECT_EQ(now.head.hash, all.hash);
  EXPECT_EQ(now.late_observations, 0);

  // A second batch later: a cut-off between the two sees only the first.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  testing::store_sightings(*store_, {sighting("2025-04-12T15:00:00+03:00", settlement("Kyiv"), "explosion")},
                           truceline::testing::default_map(), locator());
  const store::ChainHead mid = head_at(*store_, all.received_ms + 1);
  EXPECT_EQ(mid.count, all.count);
  EXPECT_EQ(mid.hash, all.hash);
  EXPECT_EQ(head_at(*store_, store_->head().received_ms + 1).count, 12);
  const DailyReport cut = report(all.received_ms + 1);
  EXPECT_EQ(cut.incidents, 5);
  EXPECT_EQ(cut.late_observations, 1);
  EXPECT_EQ(report().incidents, 6);
}

TEST_F(DailyRecord, RendersEveryFormat) {
  const DailyReport r = report();
  const auto& map = truceline::testing::default_map();
  const std::string html = daily_html(r, map);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Daily report 102/2025"), std::string::npos);
  EXPECT_NE(html.find("in Kharkiv"), std::string::npos);
  EXPECT_NE(html.find(r.head.hash), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained: no scripts, nothing fetched
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);

  const std::string md = daily_markdown(r, "day-map.svg", "day-trend.svg");
  EXPECT_NE(md.find("![Map of the day's incidents](day-map.svg)"), std::string::npos);
  EXPECT_NE(md.find("| Ukraine east of the Dnieper | 2 | 1 | +1 |"), std::string::npos);

  const auto j = nlohmann::json::parse(daily_json(r));
  EXPECT_EQ(j["totals"]["incidents"]["today"], 5);
  EXPECT_EQ(j["totals"]["incidents"]["delta"], 3);
  EXPECT_EQ(j["chain_at_cutoff"]["hash"], r.head.hash);
  EXPECT_EQ(j["incidents"].size(), 5u);
  EXPECT_EQ(j["incidents"][3]["n_observations"], 2);
  EXPECT_EQ(j["trend"].size(), 30u);
}

}  // namespace
}  // namespace truceline::report
