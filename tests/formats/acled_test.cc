// ACLED rows: dates, the reader's errors, the event mapping, and the observation a row becomes.
#include "formats/acled.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "geo/errors.h"
#include "io/csv.h"
#include "support.h"

namespace truceline::formats {
namespace {

using nlohmann::json;

std::vector<AcledRow> read_all(const std::string& text, const std::string& name = "t.csv") {
  std::istringstream in(text);
  AcledReader r(in, name);
  std::vector<AcledRow> rows;
  for (AcledRow row; r.next(row);) rows.push_back(row);
  return rows;
}

std::string error_of(const std::string& text) {
  try {
    read_all(text);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

const std::string kHeader = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,latitude,longitude,geo_precision,notes\n";

TEST(AcledDate, TheFormsOfAcledExports) {
  EXPECT_EQ(parse_acled_date("2025-04-12"), "2025-04-12");
  EXPECT_EQ(parse_acled_date("12 April 2025"), "2025-04-12");
  EXPECT_EQ(parse_acled_date(" 2 april 2025 "), "2025-04-02");
  EXPECT_EQ(parse_acled_date("12-Apr-2025"), "2025-04-12");
  EXPECT_EQ(parse_acled_date("April 12, 2025"), "2025-04-12");
  EXPECT_EQ(parse_acled_date("29 February 2024"), "2024-02-29");
}

TEST(AcledDate, RefusesWhatIsNoCalendarDate) {
  for (const char* bad : {"29 February 2025", "2025-13-01", "2025-04-31", "12/04/2025", "12 Avril 2025", "", "12 April 25",
                          "April 2025"})
    EXPECT_EQ(parse_acled_date(bad), std::nullopt) << bad;
}

TEST(AcledReader, ReadsTheFixtureWithQuotedNotesAndEveryDateForm) {
  std::ifstream in(testing::root() / "tests/fixtures/acled/ukraine-sample.csv", std::ios::binary);
  AcledReader r(in, "ukraine-sample.csv");
  std::vector<AcledRow> rows;
  for (AcledRow row; r.next(row);) rows.push_back(row);
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[0].event_id_cnty, "UKR900001");
  EXPECT_EQ(rows[0].notes, "On 12 April 2025, Russian forces shelled Huliaipole (Polohivskyi, Zaporizhia), damaging houses.");
  EXPECT_EQ(rows[1].event_date, "2025-04-12");
  EXPECT_NE(rows[1].notes.find("Donetsk.\nNo casualties"), std::string::npos);  // a line break inside the field
  EXPECT_EQ(rows[2].line, 5);  // the row after a two-line record starts on line 5
  EXPECT_EQ(rows[3].event_date, "2025-04-13");
  EXPECT_EQ(rows[3].time_precision, 2);
  EXPECT_EQ(rows[3].geo_precision, 2);
  EXPECT_EQ(rows[3].fatalities, 3);
  EXPECT_EQ(rows[5].notes.find("\"injuring\""), rows[5].notes.find('"'));
  EXPECT_DOUBLE_EQ(rows[11].latitude, 47.8388);
  EXPECT_DOUBLE_EQ(rows[11].longitude, 35.1396);
  EXPECT_EQ(rows[11].admin1, "Zaporizhia");
  EXPECT_EQ(rows[11].country, "Ukraine");
}

TEST(AcledReader, ErrorsNameTheLineAndTheColumn) {
  std::string e = error_of(kHeader + "UKR1,2025-04-12,1,Battles,Armed clash,48.1,37.5,1,\nUKR2,2025-04-31,1,Battles,Armed clash,48.1,37.5,1,\n");
  EXPECT_NE(e.find("t.csv:3: column 2 (event_date): '2025-04-31' is not a date"), std::string::npos) << e;
  e = error_of(kHeader + "UKR1,2025-04-12,1,Battles,Armed clash,48.1,east,1,\n");
  EXPECT_NE(e.find("t.csv:2: column 7 (longitude): 'east' is not a number"), std::string::npos) << e;
  e = error_of(kHeader + "UKR1,2025-04-12,1,Battles,Armed clash,148.1,37.5,1,\n");
  EXPECT_NE(e.find("column 6 (latitude): 148.1 is outside ±90"), std::string::npos) << e;
  e = error_of(kHeader + "UKR1,2025-04-12,4,Battles,Armed clash,48.1,37.5,1,\n");
  EXPECT_NE(e.find("column 3 (time_precision): '4' is not a whole number from 1 to 3"), std::string::npos) << e;
  e = error_of(kHeader + ",2025-04-12,1,Battles,Armed clash,48.1,37.5,1,\n");
  EXPECT_NE(e.find("column 1 (event_id_cnty): is empty"), std::string::npos) << e;
  e = error_of("event_id_cnty,event_date,event_type\nUKR1,2025-04-12,Battles\n");
  EXPECT_NE(e.find("t.csv:1: the header has no latitude, longitude columns"), std::string::npos) << e;
  e = error_of(kHeader + "UKR1,2025-04-12,1,Battles,Armed clash,48.1,37.5,1,\"never closed\n");
  EXPECT_NE(e.find("t.csv"), std::string::npos) << e;
}

TEST(AcledReader, BlankLinesAndAByteOrderMarkAreFine) {
  const auto rows = read_all("\xEF\xBB\xBF" + kHeader + "\nUKR1,2025-04-12,1,Battles,Armed clash,48.1,37.5,1,\n\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event_id_cnty, "UKR1");
}

TEST(AcledMapping, EventTypesToObservationEvents) {
  const auto m = [](const char* t, const char* s, const char* notes = "") {
    const EventMapping e = mapping_for(t, s, notes);
    return e.event + "/" + e.weapon_class + "/" + e.explosion_type;
  };
  EXPECT_EQ(m("Explosions/Remote violence", "Shelling/artillery/missile attack"), "explosion/artillery_ge_100/impact");
  EXPECT_EQ(m("Explosions/Remote violence", "Air/drone strike", "a Shahed drone hit"), "uav//");
  EXPECT_EQ(m("Explosions/Remote violence", "Air/drone strike", "guided aerial bombs"), "aircraft//");
  EXPECT_EQ(m("Explosions/Remote violence", "Remote explosive/landmine/IED"), "explosion/other/undetermined");
  EXPECT_EQ(m("Battles", "Armed clash"), "burst/small_arms/");
  EXPECT_EQ(m("Battles", "Government regains territory"), "troops//");
  EXPECT_EQ(m("Violence against civilians", "Attack"), "shot//");
  EXPECT_EQ(m("Strategic developments", "Disrupted weapons use"), "other/air_defence/");
  EXPECT_EQ(m("Protests", "Peaceful protest"), "other//");
}

TEST(AcledObservation, EveryFixtureRowIsAValidObservation) {
  std::ifstream in(testing::root() / "tests/fixtures/acled/ukraine-sample.csv", std::ios::binary);
  AcledReader r(in, "ukraine-sample.csv");
  for (AcledRow row; r.next(row);) {
    const json j = observation_json(row);
    const monitor::Observation o = monitor::parse_observation(j, 4'000'000'000'000);
    EXPECT_EQ(o.observer_kind, "osint");
    EXPECT_EQ(o.source_ref, row.event_id_cnty);
    EXPECT_EQ(monitor::format_time_ms(o.time_ms).substr(0, 10), row.event_date);
    ASSERT_TRUE(o.acled.has_value());
    EXPECT_EQ(o.acled->event_type, row.event_type);
    EXPECT_EQ(o.acled->geo_precision, row.geo_precision);
    EXPECT_EQ(*o.lat, row.latitude);
    // What the record stores parses back to the same thing, ACLED coding included.
    json stored = monitor::to_json(o);
    stored.erase("time_ms");
    EXPECT_EQ(monitor::to_json(monitor::parse_observation(stored, 4'000'000'000'000)), monitor::to_json(o));
  }
}

TEST(AcledObservation, TheAcledObjectIsCheckedStrictly) {
  AcledRow row;
  row.event_id_cnty = "UKR1", row.event_date = "2025-04-12", row.event_type = "Battles";
  row.latitude = 48, row.longitude = 37;
  json j = observation_json(row);
  const auto code_of = [](const json& obs) {
    try {
      monitor::parse_observation(obs, 4'000'000'000'000);
    } catch (const monitor::ValidationError& e) {
      return e.field() + " " + e.code();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(code_of(j), "accepted");
  json k = j;
  k["acled"]["geo_precision"] = 4;
  EXPECT_EQ(code_of(k), "acled.geo_precision out_of_range");
  k = j;
  k["acled"]["colour"] = "red";
  EXPECT_EQ(code_of(k), "acled.colour unknown_field");
  k = j;
  k["acled"].erase("event_type");
  EXPECT_EQ(code_of(k), "acled.event_type missing_field");
  k = j;
  k["acled"] = "Battles";
  EXPECT_EQ(code_of(k), "acled bad_type");
}

// Kinds ACLED has no event type for go as "Other" strategic developments with their kind at the
// head of the notes; a report's killed are ACLED's fatalities.
TEST(AcledCsv, KindsAcledDoesNotCodeAreOtherWithTheirKindInTheNotes) {
  monitor::Observation fom;
  fom.time_ms = 1744430400000, fom.event = "restriction", fom.restriction_type = "denied_passage", fom.imposed_by = "ru";
  fom.observer_id = "P-1", fom.observer_lat = 48.33, fom.observer_lon = 37.9, fom.notes = "checkpoint at the bridge";
  const AcledRow a = acled_row_of(fom, "o-1");
  EXPECT_EQ(a.event_type, "Strategic developments");
  EXPECT_EQ(a.sub_event_type, "Other");
  EXPECT_EQ(a.notes, "[restriction: denied_passage by ru] checkpoint at the bridge");
  EXPECT_EQ(a.geo_precision, 2);  // placed by the observer's position
  monitor::Observation shell;
  shell.time_ms = 1744430400000, shell.event = "explosion", shell.lat = 47.8, shell.lon = 35.1;
  shell.casualties = monitor::Casualties{3, 4, true, false};
  const AcledRow b = acled_row_of(shell, "o-2");
  EXPECT_EQ(b.event_type, "Explosions/Remote violence");
  EXPECT_EQ(b.fatalities, 3);
  EXPECT_EQ(b.notes, "");
  monitor::Observation dmg = shell;
  dmg.event = "damage", dmg.casualties.reset(), dmg.damage = {"bridge", "road"};
  EXPECT_EQ(acled_row_of(dmg, "o-3").notes, "[damage: bridge, road]");
  const auto back = read_all(acled_csv_header() + acled_csv_row(a));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].notes, a.notes);
}

TEST(AcledCsv, RowsComeOutInAcledsColumnsAndReadBack) {
  AcledRow row;
  row.event_id_cnty = "UKR1", row.event_date = "2025-04-12", row.event_type = "Battles";
  row.sub_event_type = "Armed clash", row.latitude = 47.8388, row.longitude = 35.1396;
  row.notes = "shelled, \"heavily\"\nthen quiet";
  const std::string text = acled_csv_header() + acled_csv_row(row);
  std::istringstream in(text);
  io::CsvReader csv(in, "out");
  std::vector<std::string> header, fields;
  ASSERT_TRUE(csv.next(header));
  EXPECT_EQ(header.size(), 31u);
  EXPECT_EQ(header, acled_columns());
  ASSERT_TRUE(csv.next(fields));
  EXPECT_EQ(fields[22], "47.8388");
  EXPECT_EQ(fields[2], "2025");
  const auto back = read_all(text);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].notes, row.notes);
  EXPECT_EQ(back[0].latitude, row.latitude);
}

}  // namespace
}  // namespace truceline::formats
