// classify_stream: known places, streaming order and quoting, row errors, swapped columns, MGRS.
#include "index/classify.h"

#include <GeographicLib/MGRS.hpp>
#include <GeographicLib/UTMUPS.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "geo/errors.h"
#include "index/locator.h"
#include "io/csv.h"
#include "support.h"

namespace truceline::index {
namespace {

// Town centres as given by GeoNames (geonames.org, CC BY 4.0): the Ukrainian towns as in its
// cities1000 extract (also the source of data/settlements/ua-settlements.csv); Minsk (id 625144),
// Chisinau (618426) and Belgorod (578072) from the same gazetteer.
struct Place {
  const char* name;
  double lat, lon;
  const char* kind;  // expected zone_kind in the default plan (Kellogg, April 2025)
};
const Place kPlaces[] = {
    {"Lviv", 49.83826, 24.02324, "allied"},
    {"Odesa", 46.47747, 30.73262, "allied"},
    {"Vinnytsia", 49.23278, 28.48097, "allied"},
    {"Poltava", 49.59373, 34.54073, "ukraine"},
    {"Chernihiv", 51.50551, 31.28487, "ukraine"},
    {"Sumy", 50.92160, 34.80029, "ukraine"},
    {"Kramatorsk", 48.72305, 37.55629, "ukraine"},
    {"Sloviansk", 48.86667, 37.61667, "ukraine"},
    {"Donetsk", 48.02300, 37.80224, "russian"},
    {"Luhansk", 48.56705, 39.31706, "russian"},
    {"Melitopol", 46.84891, 35.36533, "russian"},
    {"Simferopol", 44.95719, 34.11079, "russian"},
    {"Pokrovsk", 48.28198, 37.17585, "dmz"},
    {"Chasiv Yar", 48.59348, 37.85724, "dmz"},
    {"Toretsk", 48.39869, 37.84787, "dmz"},
    {"Kupiansk", 49.71055, 37.61517, "dmz"},
    {"Huliaipole", 47.66389, 36.25633, "dmz"},
    {"Orikhiv", 47.56731, 35.78575, "dmz"},
    {"Nikopol", 47.57119, 34.39637, "dmz"},
    {"Bakhmut", 48.59441, 37.99983, "dmz"},
    {"Minsk", 53.90000, 27.56667, "outside"},
    {"Chisinau", 47.00556, 28.85750, "outside"},
    {"Belgorod", 50.61074, 36.58015, "outside"},
};

// Output columns appended after the input's.
enum { kZone, kKind, kResponsible, kDist, kError, kAppended };

struct Result {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  ClassifyStats stats;
};

Result classify(const std::string& csv, ClassifyOptions opt = {}) {
  std::istringstream in(csv);
  std::ostringstream out;
  Result r;
  r.stats = classify_stream(in, out, testing::default_map(), opt);
  std::istringstream back(out.str());
  io::CsvReader reader(back, "output");
  EXPECT_TRUE(reader.next(r.header));
  for (std::vector<std::string> f; reader.next(f);) r.rows.push_back(f);
  return r;
}

// The appended field `which` of a row whose input had `width` columns.
const std::string& appended(const std::vector<std::string>& row, size_t width, int which) { return row.at(width + which); }

TEST(Classify, KnownPlacesFallInTheirZones) {
  std::string csv = "name,lat,lon\n";
  for (const Place& p : kPlaces) csv += std::string(p.name) + "," + std::to_string(p.lat) + "," + std::to_string(p.lon) + "\n";
  ClassifyOptions opt;
  opt.chunk_rows = 5;  // several chunks, so that chunk boundaries are crossed too
  opt.swap_sample = 0;
  opt.threads = 3;
  const Result r = classify(csv, opt);
  ASSERT_EQ(r.rows.size(), std::size(kPlaces));
  EXPECT_EQ(r.stats.error_rows, 0);
  const Locator loc(testing::default_map());
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const Place& p = kPlaces[i];
    const auto& row = r.rows[i];
    EXPECT_EQ(row[0], p.name);
    EXPECT_EQ(appended(row, 3, kKind), p.kind) << p.name;
    EXPECT_EQ(appended(row, 3, kError), "") << p.name;
    // The distance is given inside and outside the area alike, in km to the metre.
    const double d = std::stod(appended(row, 3, kDist));
    EXPECT_NEAR(d, loc.distance_to_line_m({p.lon, p.lat}) / 1000, 0.0005) << p.name;
    if (std::string(p.kind) == "outside") {
      EXPECT_EQ(appended(row, 3, kZone), "outside");
      EXPECT_EQ(appended(row, 3, kResponsible), "");
    }
  }
}

TEST(Classify, ResponsiblePartyFollowsTheZone) {
  const Result r = classify("lat,lon\n49.83826,24.02324\n46.47747,30.73262\n48.023,37.80224\n48.28198,37.17585\n");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0][2], "allied-north");
  EXPECT_EQ(r.rows[0][4], "uk");
  EXPECT_EQ(r.rows[1][2], "allied-south");
  EXPECT_EQ(r.rows[1][4], "fr");
  EXPECT_EQ(r.rows[2][4], "ru");
  EXPECT_EQ(r.rows[3][4], "monitors");
  EXPECT_EQ(r.stats.in_zone[testing::default_map().zone_index("dmz")], 1);
}

TEST(Classify, StreamingKeepsOrderColumnsAndQuotedFields) {
  // Fields with commas, doubled quotes and line breaks; coordinates in the middle of the row.
  std::string csv = "id,\"note, free\",LAT,Longitude,tail\n";
  std::vector<std::vector<std::string>> expect;
  for (int i = 0; i < 5000; ++i) {
    const double lat = 46 + (i % 600) * 0.01, lon = 24 + (i % 1300) * 0.01;
    std::vector<std::string> f{std::to_string(i), "a \"quoted\", note\nover two lines " + std::to_string(i),
                               std::to_string(lat), std::to_string(lon), i % 7 ? "x" : ""};
    csv += io::csv_record(f);
    expect.push_back(f);
  }
  ClassifyOptions opt;
  opt.chunk_rows = 777;
  opt.threads = 4;
  const Result r = classify(csv, opt);
  ASSERT_EQ(r.header.size(), 5u + kAppended);
  EXPECT_EQ(r.header[1], "note, free");
  EXPECT_EQ(r.header[5], "zone");
  EXPECT_EQ(r.header[8], "dist_loc_km");
  EXPECT_EQ(r.header[9], "error");
  ASSERT_EQ(r.rows.size(), expect.size());
  EXPECT_EQ(r.stats.rows, 5000);
  for (size_t i = 0; i < expect.size(); ++i) {
    ASSERT_EQ(r.rows[i].size(), 5u + kAppended) << "row " << i;
    for (size_t c = 0; c < 5; ++c) ASSERT_EQ(r.rows[i][c], expect[i][c]) << "row " << i << " column " << c;
    ASSERT_FALSE(appended(r.rows[i], 5, kZone).empty());
  }
  // Same answer whatever the chunking and the number of threads.
  ClassifyOptions one;
  one.threads = 1;
  const Result single = classify(csv, one);
  EXPECT_EQ(single.rows, r.rows);
}

TEST(Classify, FieldsAreQuotedOnlyWhereNeeded) {
  const std::string csv = "name,lat,lon\nKyiv,50.45466,30.5238\n\"Odesa\",46.47747,30.73262\n\"Bila \"\"Tserkva\"\", town\",49.79,30.13\n";
  std::istringstream in(csv);
  std::ostringstream out;
  classify_stream(in, out, testing::default_map());
  std::istringstream lines(out.str());
  std::string header, kyiv, odesa, bila;
  std::getline(lines, header);
  std::getline(lines, kyiv);
  std::getline(lines, odesa);
  std::getline(lines, bila);
  EXPECT_EQ(header, "name,lat,lon,zone,zone_kind,responsible,dist_loc_km,error");
  EXPECT_EQ(kyiv.rfind("Kyiv,50.45466,30.5238,allied-north,allied,uk,417.", 0), 0u) << kyiv;
  EXPECT_EQ(odesa.rfind("Odesa,46.47747,30.73262,allied-south,allied,fr,", 0), 0u) << odesa;
  EXPECT_EQ(bila.rfind("\"Bila \"\"Tserkva\"\", town\",49.79,30.13,allied-north,", 0), 0u) << bila;
  // km with three decimals, and an empty error field.
  EXPECT_TRUE(std::regex_match(kyiv, std::regex(".*,[0-9]+\\.[0-9]{3},$"))) << kyiv;
}

TEST(Classify, BadRowsGetAnErrorAndTheRunGoesOn) {
  const std::string csv =
      "name,lat,lon\n"
      "Kyiv,50.45466,30.5238\n"     // line 2
      "typo,abc,30.5\n"             // 3
      "range,95.5,30.5\n"           // 4
      "range2,50.4,-181\n"          // 5
      "short,50.4\n"                // 6
      "empty,,30.5\n"               // 7
      "comma,\"50,45\",30.5\n"      // 8
      "inf,inf,30.5\n"              // 9
      "\n"                          // 10: blank, skipped
      "spaces, +50.45466 , 30.5238 \n"  // 11
      "Lviv,49.83826,24.02324\n";   // 12
  const Result r = classify(csv);
  ASSERT_EQ(r.rows.size(), 10u);
  EXPECT_EQ(r.stats.rows, 10);
  EXPECT_EQ(r.stats.error_rows, 7);
  EXPECT_EQ(r.stats.first_error, "input:3: lat 'abc' is not a number");
  auto error = [&](size_t i) { return appended(r.rows[i], 3, kError); };
  EXPECT_EQ(error(0), "");
  EXPECT_EQ(error(1), "lat 'abc' is not a number");
  EXPECT_EQ(error(2), "lat '95.5' is out of range (-90 to 90)");
  EXPECT_EQ(error(3), "lon '-181' is out of range (-180 to 180)");
  EXPECT_EQ(error(4), "lon is missing (the row has 2 fields, lon is field 3)");
  EXPECT_EQ(error(5), "lat is empty");
  EXPECT_EQ(error(6), "lat '50,45' is not a number (use '.' as the decimal separator)");
  EXPECT_EQ(error(7), "lat 'inf' is not a number");
  EXPECT_EQ(error(8), "");
  EXPECT_EQ(appended(r.rows[8], 3, kZone), "allied-north");
  EXPECT_EQ(appended(r.rows[9], 3, kKind), "allied");
  for (size_t i = 1; i < 8; ++i)
    for (int k : {kZone, kKind, kResponsible, kDist}) EXPECT_EQ(appended(r.rows[i], 3, k), "") << "row " << i;
  // The short row is padded, so its appended fields sit under their header names.
  EXPECT_EQ(r.rows[4].size(), 3u + kAppended);
}

TEST(Classify, HeaderWithoutCoordinatesIsRefusedBeforeWriting) {
  for (const std::string csv : {"name,x,y\na,1,2\n", "name,lat\na,50\n", ""}) {
    std::istringstream in(csv);
    std::ostringstream out;
    ClassifyOptions opt;
    opt.name = "events.csv";
    try {
      classify_stream(in, out, testing::default_map(), opt);
      ADD_FAILURE() << "accepted: " << csv;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("events.csv", 0), 0u) << e.what();
      EXPECT_FALSE(e.fix().empty());
    }
    EXPECT_EQ(out.str(), "");
  }
}

TEST(Classify, AcledHeadersAnyCase) {
  const Result r = classify("event_id,LATITUDE,Longitude\nUKR1,48.023,37.80224\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(appended(r.rows[0], 3, kKind), "russian");
}

TEST(Classify, SwappedColumnsAreRefused) {
  // Real places with their lon under `lat` and their lat under `lon`, and one correct row.
  std::string csv = "name,lat,lon\nLviv,49.83826,24.02324\n";
  for (const Place& p : kPlaces)
    if (std::string(p.kind) != "outside") csv += std::string(p.name) + "," + std::to_string(p.lon) + "," + std::to_string(p.lat) + "\n";
  std::istringstream in(csv);
  std::ostringstream out;
  ClassifyOptions opt;
  opt.name = "acled.csv";
  opt.chunk_rows = 4;  // the sample still comes from the first max(chunk_rows, swap_sample) rows
  try {
    classify_stream(in, out, testing::default_map(), opt);
    ADD_FAILURE() << "swapped file accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "acled.csv:3");  // the first row that looks swapped
    EXPECT_NE(std::string(e.what()).find("lat and lon look swapped: 20 of the first 21 rows"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("exchange the column names"), std::string::npos);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(Classify, ALoneSwappedRowGetsAnError) {
  const Result r = classify("name,lat,lon\nKyiv,50.45466,30.5238\nOdesa,30.73262,46.47747\nLviv,49.83826,24.02324\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.stats.error_rows, 1);
  EXPECT_EQ(appended(r.rows[1], 3, kError),
            "lat 30.73262, lon 46.47747 is outside the plan's area but inside it with the two exchanged; check the row");
  EXPECT_EQ(appended(r.rows[1], 3, kZone), "");
  // Genuinely outside points that stay outside when exchanged are just outside.
  const Result minsk = classify("lat,lon\n53.9,27.56667\n");
  EXPECT_EQ(minsk.rows[0][2], "outside");
  EXPECT_EQ(minsk.stats.error_rows, 0);
}

// Output text of classify_stream, and its statistics.
std::string classify_text(const std::string& csv, const ClassifyOptions& opt, ClassifyStats* stats = nullptr) {
  std::istringstream in(csv);
  std::ostringstream out;
  const ClassifyStats s = classify_stream(in, out, testing::default_map(), opt);
  if (stats) *stats = s;
  return out.str();
}

TEST(Classify, SameBytesWhateverTheBlocksAndThreads) {
  // Quoted line breaks, CRLF, blank lines, bad rows and a last record without its newline, so that
  // blocks get cut next to every kind of record.
  std::string csv = "id,\"note\",lat,lon\r\n";
  for (int i = 0; i < 400; ++i) {
    const double lat = 46 + (i % 60) * 0.1, lon = 23 + (i % 150) * 0.1;
    csv += std::to_string(i) + ",";
    csv += i % 5 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "plain";
    csv += "," + (i % 17 == 3 ? std::string("x") : std::to_string(lat)) + "," + std::to_string(lon);
    csv += i % 3 ? "\n" : "\r\n";
    if (i % 50 == 7) csv += "\n";
  }
  csv += "last,,50.45,30.52";
  ClassifyOptions big;
  big.threads = 1;
  ClassifyStats expect_stats;
  const std::string expect = classify_text(csv, big, &expect_stats);
  EXPECT_EQ(expect_stats.rows, 401);
  EXPECT_EQ(expect_stats.first_error, "input:6: lat 'x' is not a number");  // row 3 follows a two-line row
  for (size_t block_bytes : {1, 13, 100, 4096}) {
    for (unsigned threads : {1u, 3u}) {
      ClassifyOptions opt;
      opt.block_bytes = block_bytes;
      opt.threads = threads;
      opt.chunk_rows = 10;
      ClassifyStats stats;
      EXPECT_EQ(classify_text(csv, opt, &stats), expect) << block_bytes << " bytes, " << threads << " threads";
      EXPECT_EQ(stats.rows, expect_stats.rows);
      EXPECT_EQ(stats.error_rows, expect_stats.error_rows);
      EXPECT_EQ(stats.first_error, expect_stats.first_error);
      EXPECT_EQ(stats.in_zone, expect_stats.in_zone);
      EXPECT_EQ(stats.outside, expect_stats.outside);
    }
  }
}

TEST(Classify, UnterminatedQuoteNamesItsLine) {
  const std::string csv = "name,lat,lon\nKyiv,50.45466,30.5238\n\"a\nb\",49.8,24.0\nopen \"quote,49.8,24.0\nLviv,49.8,24.0\n";
  for (size_t block_bytes : {1, 8, 1 << 20}) {
    ClassifyOptions opt;
    opt.name = "q.csv";
    opt.block_bytes = block_bytes;
    try {
      classify_text(csv, opt);
      ADD_FAILURE() << "accepted an unterminated quote";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), "q.csv:5") << block_bytes;
      EXPECT_NE(std::string(e.what()).find("unterminated quoted field"), std::string::npos);
    }
  }
}

TEST(Classify, SwapCheckLooksAcrossSmallBlocks) {
  // The sample spans many blocks; the file is still judged before anything is written.
  std::string csv = "name,lat,lon\n";
  for (int i = 0; i < 200; ++i) csv += "p" + std::to_string(i) + "," + std::to_string(30 + (i % 80) * 0.1) + ",49.5\n";
  std::istringstream in(csv);
  std::ostringstream out;
  ClassifyOptions opt;
  opt.block_bytes = 16;
  opt.threads = 2;
  EXPECT_THROW(classify_stream(in, out, testing::default_map(), opt), InputError);
  EXPECT_EQ(out.str(), "");
}

std::string mgrs_of(double lat, double lon, int prec = 5) {
  int zone;
  bool northp;
  double x, y;
  GeographicLib::UTMUPS::Forward(lat, lon, zone, northp, x, y);
  std::string s;
  GeographicLib::MGRS::Forward(zone, northp, x, y, lat, prec, s);
  return s;
}

TEST(Classify, MgrsInput) {
  const std::string donetsk = mgrs_of(48.023, 37.80224), lviv = mgrs_of(49.83826, 24.02324);
  ASSERT_EQ(donetsk.substr(0, 3), "37U");
  ASSERT_EQ(lviv.substr(0, 3), "35U");
  // A spaced, lower-case reference is the same place.
  const std::string spaced = lviv.substr(0, 3) + " " + lviv.substr(3, 2) + " " + lviv.substr(5, 5) + " " + lviv.substr(10);
  std::string lower = donetsk;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string csv = "name,MGRS\nDonetsk," + donetsk + "\nLviv," + spaced + "\nlower," + lower +
                          "\nbad,XYZ123\nzone only,37U\nmissing\n";
  const Result r = classify(csv);
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(appended(r.rows[0], 2, kKind), "russian");
  EXPECT_EQ(appended(r.rows[1], 2, kZone), "allied-north");
  EXPECT_EQ(appended(r.rows[2], 2, kKind), "russian");
  // A 10-digit reference is the 1 m square's centre: distances agree with lat/lon to a metre.
  const Result ll = classify("lat,lon\n48.023,37.80224\n");
  EXPECT_NEAR(std::stod(appended(r.rows[0], 2, kDist)), std::stod(ll.rows[0][5]), 0.0015);
  EXPECT_NE(appended(r.rows[3], 2, kError).find("mgrs 'XYZ123' is not a valid grid reference"), std::string::npos);
  EXPECT_NE(appended(r.rows[4], 2, kError).find("names only a grid zone"), std::string::npos);
  EXPECT_EQ(appended(r.rows[5], 2, kError), "mgrs is missing (the row has 1 field, mgrs is field 2)");
  EXPECT_EQ(r.stats.error_rows, 3);
}

}  // namespace
}  // namespace truceline::index
