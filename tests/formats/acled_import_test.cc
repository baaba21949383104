// ACLED into a record and back out: batches, re-runs that add nothing, bad rows, and the bar of
// issue 6 — every row's id, date, coordinates and type come back from an export.
#include "formats/acled_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "formats/acled.h"
#include "formats/records.h"
#include "geo/errors.h"
#include "support.h"

namespace truceline::formats {
namespace {

namespace fs = std::filesystem;

class AcledImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::fresh_test_dir("acled");
    store_ = store::open_store((dir_ / "record.sqlite").string());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::string fixture() const { return (testing::root() / "tests/fixtures/acled/ukraine-sample.csv").string(); }
  AcledImportStats run(const std::string& path, AcledImportOptions opt = {}) {
    const plan::ZoneMap& map = testing::default_map();
    static const index::Locator locator(map);
    return import_acled(path, *store_, map, locator, opt);
  }
  std::vector<AcledRow> rows_of(const std::string& text) {
    std::istringstream in(text);
    AcledReader r(in, "export");
    std::vector<AcledRow> rows;
    for (AcledRow row; r.next(row);) rows.push_back(row);
    return rows;
  }
  std::string export_csv() {
    std::string out = acled_csv_header();
    for (const auto& r : current_observations(*store_, std::nullopt, std::nullopt))
      out += acled_csv_row(acled_row_of(r.obs, r.id));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AcledImportTest, EveryRowBecomesAPlacedOsintObservation) {
  AcledImportOptions opt;
  opt.batch_rows = 5;
  const AcledImportStats s = run(fixture(), opt);
  EXPECT_EQ(s.rows, 12);
  EXPECT_EQ(s.appended, 12);
  EXPECT_EQ(s.batches, 3);  // 5 + 5 + 2
  EXPECT_EQ(store_->head().count, 12);
  store::Query q;
  q.limit = 100;
  const auto recs = store_->query(q);
  ASSERT_EQ(recs.size(), 12u);
  EXPECT_EQ(recs[0].submitter, "acled-import");
  EXPECT_EQ(recs[0].body["observation"]["source_ref"], "UKR900001");
  EXPECT_EQ(recs[0].body["observation"]["observer_kind"], "osint");
  // Huliaipole lies inside the default plan's area; the placement names its zone like the API's would.
  EXPECT_EQ(recs[0].body["placement"]["method"], "given");
  EXPECT_FALSE(recs[0].index.zone_id.empty());
  EXPECT_TRUE(store_->verify().ok);
}

TEST_F(AcledImportTest, ARerunAddsNothingAndAnUpdatedExportOnlyTheNewRows) {
  run(fixture());
  const AcledImportStats again = run(fixture());
  EXPECT_EQ(again.appended, 0);
  EXPECT_EQ(again.already, 12);
  EXPECT_EQ(store_->head().count, 12);
  // An export of a later day repeats the old rows and adds one.
  std::string text;
  {
    std::ifstream in(fixture(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::string extra = text.substr(text.rfind("UKR900012"));
  extra.replace(0, 9, "UKR900013");
  const fs::path updated = dir_ / "updated.csv";
  std::ofstream(updated) << text << extra;
  const AcledImportStats upd = run(updated.string());
  EXPECT_EQ(upd.rows, 13);
  EXPECT_EQ(upd.appended, 1);
  EXPECT_EQ(upd.already, 12);
  EXPECT_EQ(store_->head().count, 13);
}

TEST_F(AcledImportTest, ABadRowStopsTheImportBeforeAnythingIsWritten) {
  std::ifstream in(fixture(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.replace(text.find("2025-04-15"), 10, "2025-04-35");  // UKR900009, on line 11
  const fs::path bad = dir_ / "bad.csv";
  std::ofstream(bad) << text;
  try {
    run(bad.string());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:11: column 2 (event_date): '2025-04-35' is not a date"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(store_->head().count, 0);

  AcledImportOptions skip;
  skip.skip_bad = true;
  std::vector<std::string> warnings;
  skip.warn = [&](const std::string& w) { warnings.push_back(w); };
  const AcledImportStats s = run(bad.string(), skip);
  EXPECT_EQ(s.rows, 12);
  EXPECT_EQ(s.bad, 1);
  EXPECT_EQ(s.appended, 11);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("bad.csv:11"), std::string::npos) << warnings[0];
}

TEST_F(AcledImportTest, AFutureDateIsRefusedNamingTheColumn) {
  const fs::path f = dir_ / "future.csv";
  std::ofstream(f) << "event_id_cnty,event_date,event_type,latitude,longitude\nUKR1,2125-04-12,Battles,48.1,37.5\n";
  try {
    run(f.string());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("future.csv:2: column event_date: time 2125-04-12T00:00:00Z is more than ten minutes"),
              std::string::npos)
        << e.what();
  }
}

// The bar: imported and exported, every row gives back its id, date, coordinates and type.
TEST_F(AcledImportTest, ExportGivesBackEveryRowsIdDateCoordinatesAndType) {
  std::ifstream in(fixture(), std::ios::binary);
  AcledReader reader(in, "fixture");
  std::map<std::string, AcledRow> original;
  for (AcledRow row; reader.next(row);) original[row.event_id_cnty] = row;

  run(fixture());
  const auto exported = rows_of(export_csv());
  ASSERT_EQ(exported.size(), original.size());
  for (const auto& row : exported) {
    ASSERT_TRUE(original.count(row.event_id_cnty)) << row.event_id_cnty;
    const AcledRow& o = original[row.event_id_cnty];
    EXPECT_EQ(row.event_date, o.event_date) << o.event_id_cnty;
    EXPECT_EQ(row.latitude, o.latitude) << o.event_id_cnty;
    EXPECT_EQ(row.longitude, o.longitude) << o.event_id_cnty;
    EXPECT_EQ(row.event_type, o.event_type) << o.event_id_cnty;
    EXPECT_EQ(row.sub_event_type, o.sub_event_type) << o.event_id_cnty;
    EXPECT_EQ(row.time_precision, o.time_precision) << o.event_id_cnty;
    EXPECT_EQ(row.geo_precision, o.geo_precision) << o.event_id_cnty;
    EXPECT_EQ(row.fatalities, o.fatalities) << o.event_id_cnty;
    EXPECT_EQ(row.notes, o.notes) << o.event_id_cnty;
    EXPECT_EQ(row.actor1, o.actor1) << o.event_id_cnty;
  }
}

TEST_F(AcledImportTest, RetractedAndCorrectedObservationsExportAsTheyStandNow) {
  run(fixture());
  store::Query q;
  q.limit = 2;
  const auto first = store_->query(q);
  store::NewRecord retract;
  retract.kind = "retraction", retract.target_id = first[0].id, retract.submitter = "admin";
  retract.body = {{"reason", "duplicate"}};
  store::NewRecord corr;
  corr.kind = "correction", corr.target_id = first[1].id, corr.submitter = "admin";
  nlohmann::json obs = first[1].body["observation"];
  obs.erase("time_ms");
  obs["lat"] = 48.3;
  // The placement and index stay the original's: this test is about which observation is read back.
  corr.body = {{"observation", obs}, {"placement", first[1].body["placement"]}, {"reason", "position"}};
  corr.index = first[1].index;
  store_->append({retract, corr}, "", "");
  const auto rows = rows_of(export_csv());
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows[0].event_id_cnty, "UKR900002");
  EXPECT_EQ(rows[0].latitude, 48.3);
}

}  // namespace
}  // namespace truceline::formats
