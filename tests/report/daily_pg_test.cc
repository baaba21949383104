// The daily report reads PostgreSQL as it reads SQLite: the same simulated record in both gives
// the same figures, and the chain head at a cut-off between two batches is found in both.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "index/locator.h"
#include "monitor/observation.h"
#include "monitor/simulate.h"
#include "report/daily_record.h"
#include "report/daily_test_support.h"
#include "store/store_test_support.h"
#include "support.h"

namespace truceline::report {
namespace {

TEST(DailyPg, SameFiguresAsSqlite) {
  const auto& map = truceline::testing::default_map();
  const index::Locator locator(map);
  monitor::SimOptions sim;
  sim.events = 400;
  sim.seed = 77;
  sim.start_ms = *monitor::parse_time_ms("2025-04-10T00:00:00Z");
  sim.hours = 72;
  const auto obs = monitor::simulate(map, sim).observations;
  const size_t half = obs.size() / 2;
  const std::vector<monitor::Sighting> first(obs.begin(), obs.begin() + static_cast<long>(half)),
      second(obs.begin() + static_cast<long>(half), obs.end());

  store::testing::TempDir dir;
  std::unique_ptr<store::Store> stores[] = {store::open_store((dir.path() / "r.sqlite").string()),
                                            store::open_store(store::testing::fresh_pg_database())};
  std::vector<store::ChainHead> mids;
  for (auto& s : stores) {
    testing::store_sightings(*s, first, map, locator);
    mids.push_back(s->head());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& s : stores) testing::store_sightings(*s, second, map, locator);

  const DayWindow day = day_window("2025-04-12");
  std::vector<DailyReport> reports;
  for (size_t i = 0; i < 2; ++i) {
    // A cut-off between the two batches sees the first only.
    const store::ChainHead at = head_at(*stores[i], mids[i].received_ms + 1);
    EXPECT_EQ(at.count, mids[i].count);
    EXPECT_EQ(at.hash, mids[i].hash);
    reports.push_back(make_daily_report(*stores[i], map, locator, day, std::numeric_limits<int64_t>::max() / 2));
  }
  const DailyReport &a = reports[0], &b = reports[1];
  EXPECT_GT(a.incidents, 0);
  EXPECT_EQ(a.observations, b.observations);
  EXPECT_EQ(a.incidents, b.incidents);
  EXPECT_EQ(a.incidents_previous, b.incidents_previous);
  EXPECT_EQ(a.violating, b.violating);
  EXPECT_EQ(a.head.count, b.head.count);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].place.phrase, b.rows[i].place.phrase);
    EXPECT_EQ(a.rows[i].incident.observation_ids, b.rows[i].incident.observation_ids);
  }
}

}  // namespace
}  // namespace truceline::report
