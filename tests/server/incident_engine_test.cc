// The incident engine over a real SQLite store: revisions as chain records, the chain verifying,
// retractions, and a restart that continues where the chain left off.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "index/locator.h"
#include "monitor/observation.h"
#include "server/incident_engine.h"
#include "support.h"

namespace truceline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// An observation record as the API builds it (Api::observation_record).
store::NewRecord observation_record(const json& obj, const index::Locator& locator) {
  const monitor::Observation obs = monitor::parse_observation(obj, monitor::parse_time_ms("2025-04-12T12:00:00Z").value());
  const monitor::Placement p = monitor::place(obs, locator, testing::default_map());
  store::NewRecord r;
  r.kind = "observation";
  r.submitter = "patrol";
  r.body = json{{"observation", monitor::to_json(obs)}, {"placement", monitor::to_json(p)}};
  r.index = {obs.time_ms, obs.event, p.zone_id, p.zone_kind, p.responsible, p.lat, p.lon};
  return r;
}

// An explosion seen at a given position by observer `who`, `minute` minutes after 06:00.
json seen(double lat, double lon, const std::string& who, int minute = 30) {
  char t[32];
  std::snprintf(t, sizeof t, "2025-04-12T%02d:%02d:00Z", 6 + minute / 60, minute % 60);
  return json{{"time", t}, {"observer_id", who}, {"observer_kind", "patrol"}, {"mode", "saw"},
              {"event", "explosion"}, {"explosion_type", "impact"}, {"lat", lat}, {"lon", lon}};
}

class IncidentEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { locator_ = new index::Locator(testing::default_map()); }
  static void TearDownTestSuite() { delete locator_; }

  void SetUp() override {
    dir_ = testing::fresh_test_dir("engine");
    store_ = store::open_store((dir_ / "record.sqlite").string());
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void start(const IncidentEngineOptions& opt = {}) {
    engine_.reset();
    engine_ = std::make_unique<IncidentEngine>(testing::default_map(), *locator_, *store_, opt);
    engine_->start();
  }
  std::vector<std::string> append(const std::vector<json>& obs) {
    std::vector<store::NewRecord> recs;
    for (const auto& o : obs) recs.push_back(observation_record(o, *locator_));
    const auto ids = store_->append(recs, "", "").ids;
    if (engine_) engine_->notify();
    return ids;
  }
  // Appends a retraction of `observation_id` and waits until the engine has taken it.
  void retract(const std::string& observation_id, const std::string& reason) {
    store::NewRecord r;
    r.kind = "retraction";
    r.target_id = observation_id;
    r.submitter = "patrol";
    r.body = json{{"reason", reason}};
    store_->append({r}, "", "");
    engine_->notify();
    engine_->sync();
  }
  std::vector<store::Record> incident_records() {
    store::Query q;
    q.kind = "incident";
    q.limit = 0;
    return store_->query(q);
  }
  std::vector<json> all() {
    IncidentFilter f;
    f.limit = 1000;
    return engine_->list(f);
  }

  static index::Locator* locator_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<IncidentEngine> engine_;
};
index::Locator* IncidentEngineTest::locator_ = nullptr;

TEST_F(IncidentEngineTest, RevisionsAreChainRecordsAndTheChainVerifies) {
  start();
  const auto a = append({seen(47.80, 37.00, "P-1")});
  engine_->sync();
  auto list = all();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "i-1");
  EXPECT_EQ(list[0]["revision"], 1);
  EXPECT_EQ(list[0]["zone"], "dmz");

  // A second patrol sees it 100 m away: the same incident, revised. A third place, 20 km off: a new one.
  const auto b = append({seen(47.8009, 37.00, "P-2")});
  const auto c = append({seen(47.60, 37.30, "P-3")});
  engine_->sync();
  list = all();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], "i-1");
  EXPECT_EQ(list[0]["revision"], 2);
  EXPECT_EQ(list[0]["observation_ids"], json({a[0], b[0]}));
  EXPECT_EQ(list[1]["id"], "i-2");
  EXPECT_EQ(list[1]["observation_ids"], json({c[0]}));

  const auto recs = incident_records();
  EXPECT_GE(recs.size(), 3u);
  for (const auto& r : recs) {
    EXPECT_EQ(r.kind, "incident");
    EXPECT_EQ(r.target_id, r.body["id"]);
  }
  const auto revs = engine_->revisions("i-1");
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0]["revision"], 1);
  EXPECT_EQ(revs[1]["revision"], 2);

  EXPECT_TRUE(store_->verify().ok) << store_->verify().reason;
  // The default query still lists observations only.
  store::Query q;
  for (const auto& r : store_->query(q)) EXPECT_EQ(r.kind, "observation");
  EXPECT_EQ(store_->query(q).size(), 3u);
}

TEST_F(IncidentEngineTest, OneBatchIsOneRevisionPerIncident) {
  start();
  std::vector<json> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(seen(47.80 + i * 1e-5, 37.00, "P-" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) batch.push_back(seen(47.40 - i * 0.1, 37.60, "Q-" + std::to_string(i)));
  append(batch);
  engine_->sync();
  const auto list = all();
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0]["n_observations"], 20);
  // Revisions are batched: each incident was appended once, in one append.
  EXPECT_EQ(incident_records().size(), list.size());
}

TEST_F(IncidentEngineTest, RetractionAndCorrectionReviseTheIncident) {
  start();
  const auto ids = append({seen(47.80, 37.00, "P-1"), seen(47.8009, 37.00, "P-2")});
  engine_->sync();
  ASSERT_EQ(all().at(0)["n_observations"], 2);

  retract(ids[1], "duplicate");
  auto inc = engine_->get("i-1");
  ASSERT_TRUE(inc);
  EXPECT_EQ((*inc)["observation_ids"], json({ids[0]}));
  EXPECT_EQ((*inc)["revision"], 2);

  // A correction moves the first report 30 km: the incident follows it, under the same report id.
  store::NewRecord corr = observation_record(seen(47.55, 37.40, "P-1"), *locator_);
  corr.kind = "correction";
  corr.target_id = ids[0];
  corr.body["reason"] = "misread map";
  store_->append({corr}, "", "");
  engine_->notify();
  engine_->sync();
  const auto list = all();
  ASSERT_EQ(list.size(), 1u);  // i-1 is left empty and out of the list; the corrected report makes i-2
  EXPECT_EQ(list[0]["observation_ids"], json({ids[0]}));
  EXPECT_NEAR(list[0]["lat"].get<double>(), 47.55, 1e-6);
  EXPECT_EQ(engine_->get("i-1").value()["n_observations"], 0);
  EXPECT_TRUE(store_->verify().ok);
}

TEST_F(IncidentEngineTest, RestartContinuesNumberingWithoutDuplicates) {
  start();
  append({seen(47.80, 37.00, "P-1"), seen(47.60, 37.30, "P-3")});
  engine_->sync();
  ASSERT_EQ(all().size(), 2u);
  const size_t records_before = incident_records().size();

  // Restart: nothing new was appended, so nothing new is recorded.
  start();
  engine_->sync();
  EXPECT_EQ(all().size(), 2u);
  EXPECT_EQ(incident_records().size(), records_before);

  // A report of the first event joins i-1 (its open state was rebuilt); a new place is i-3.
  const auto b = append({seen(47.8009, 37.00, "P-2"), seen(47.20, 36.90, "P-4")});
  engine_->sync();
  auto inc = engine_->get("i-1");
  ASSERT_TRUE(inc);
  EXPECT_EQ((*inc)["revision"], 2);
  EXPECT_EQ((*inc)["n_observations"], 2);
  ASSERT_TRUE(engine_->get("i-3"));
  EXPECT_EQ(engine_->get("i-3").value()["observation_ids"], json({b[1]}));
  EXPECT_EQ(all().size(), 3u);

  // Observations appended while no engine ran (a crash before its flush) are correlated once.
  engine_.reset();
  append({seen(47.00, 36.50, "P-5")});
  start();
  engine_->sync();
  EXPECT_EQ(all().size(), 4u);
  ASSERT_TRUE(engine_->get("i-4"));
  start();
  engine_->sync();
  EXPECT_EQ(all().size(), 4u);
  EXPECT_TRUE(store_->verify().ok);
}

// Closed incidents leave the engine's memory: it answers for them from the store, the same JSON
// as recorded, and a late retraction or correction of one of their reports leaves them as recorded
// (docs/incidents.md, Late corrections) rather than open a second incident for the report.
TEST_F(IncidentEngineTest, ClosedIncidentsAreReadBackFromTheStore) {
  IncidentEngineOptions opt;
  opt.cached = 1;
  start(opt);
  const auto a = append({seen(47.80, 37.00, "P-1", 0), seen(47.60, 37.30, "P-2", 1)});
  engine_->sync();
  // An hour later: the first two incidents have closed and are forgotten at the next flush.
  append({seen(47.20, 36.90, "P-3", 60)});
  engine_->sync();
  const auto recs = incident_records();
  ASSERT_EQ(recs.size(), 3u);
  const auto list = all();
  ASSERT_EQ(list.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(list[i], recs[i].body);
    EXPECT_EQ(engine_->get(recs[i].target_id).value(), recs[i].body);
  }
  EXPECT_EQ(engine_->revisions("i-1").size(), 1u);
  IncidentFilter f;
  f.zone = recs[0].body["zone"];
  f.limit = 1;
  int64_t next = 0;
  const auto page = engine_->list(f, &next);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0]["id"], "i-1");

  retract(a[0], "late");
  EXPECT_EQ(incident_records().size(), 3u);
  EXPECT_EQ(engine_->get("i-1").value()["n_observations"], 1);
  EXPECT_FALSE(engine_->get("i-4"));
  EXPECT_TRUE(store_->verify().ok);
}

// An incident record numbered far beyond the others (not one the engine wrote) is left out, not
// allocated for: the summaries are a vector indexed by number.
// Ingest first: while the API is writing submissions the engine waits (defer_ms), reads on
// as soon as the writing stops, and under writing that never stops still reads a page each
// defer_ms.
TEST_F(IncidentEngineTest, WhileSubmissionsAreWrittenTheEngineWaits) {
  IncidentEngineOptions opt;
  opt.defer_ms = 60'000;
  start(opt);
  {
    const IngestScope writing(engine_.get());
    append({seen(47.80, 37.00, "P-1")});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(engine_->read_through(), 0);
    EXPECT_TRUE(all().empty());
  }
  engine_->sync();
  EXPECT_GE(engine_->read_through(), 1);  // the observation
  EXPECT_EQ(all().size(), 1u);

  opt.defer_ms = 100;
  start(opt);
  const IngestScope writing(engine_.get());
  append({seen(47.60, 37.30, "P-3")});  // seq 3: after the observation and i-1
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (engine_->read_through() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_GE(engine_->read_through(), 3);
}

TEST_F(IncidentEngineTest, AnIncidentNumberFarBeyondTheOthersIsLeftOut) {
  store::NewRecord rogue;
  rogue.kind = "incident";
  rogue.target_id = "i-4000000000";
  rogue.submitter = "truceline";
  rogue.body = json{{"id", "i-4000000000"}, {"revision", 1}, {"n_observations", 1}, {"first_time", "2025-04-12T06:00:00Z"},
                    {"last_time", "2025-04-12T06:00:00Z"}, {"zone", "dmz"}, {"event", "explosion"}};
  store_->append({rogue}, "", "");
  start();
  append({seen(47.80, 37.00, "P-1")});
  engine_->sync();
  const auto list = all();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "i-1");
  EXPECT_FALSE(engine_->get("i-4000000000"));
}

}  // namespace
}  // namespace truceline::server
