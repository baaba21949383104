// parse_time_ms / format_time_ms: offsets, fractions, leap years, malformed times, and a
// day-by-day brute-force check of the calendar arithmetic.
#include <gtest/gtest.h>

#include <random>

#include "monitor/observation.h"

namespace truceline::monitor {
namespace {

// Expected values from Python's datetime (proleptic Gregorian, UTC).
constexpr int64_t k20250412_0330Z = 1744428600000;
constexpr int64_t k20240229_1200Z = 1709208000000;

TEST(ObservationTime, OffsetsNameTheSameInstant) {
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:00Z"), k20250412_0330Z);
  EXPECT_EQ(parse_time_ms("2025-04-12T06:30:00+03:00"), k20250412_0330Z);
  EXPECT_EQ(parse_time_ms("2025-04-11T22:00:00-05:30"), k20250412_0330Z);
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:00-00:00"), k20250412_0330Z);
  EXPECT_EQ(parse_time_ms("2025-04-12t03:30:00z"), k20250412_0330Z);
}

TEST(ObservationTime, SecondsOptionalFractionTruncatedToMilliseconds) {
  EXPECT_EQ(parse_time_ms("2025-04-12T06:30+03:00"), k20250412_0330Z);
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:00.5Z"), k20250412_0330Z + 500);
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:00.123456+00:00"), k20250412_0330Z + 123);
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:07,25Z"), k20250412_0330Z + 7250);
  EXPECT_EQ(parse_time_ms("2025-04-12T03:30:59.9999Z"), k20250412_0330Z + 59999);
}

TEST(ObservationTime, LeapYears) {
  EXPECT_EQ(parse_time_ms("2024-02-29T12:00:00Z"), k20240229_1200Z);
  EXPECT_EQ(parse_time_ms("2024-03-01T00:00:00+12:00"), k20240229_1200Z);
  EXPECT_EQ(parse_time_ms("2000-02-29T00:00:00Z"), 951782400000);  // divisible by 400: leap
  EXPECT_FALSE(parse_time_ms("2025-02-29T12:00:00Z"));
  EXPECT_FALSE(parse_time_ms("2100-02-29T12:00:00Z"));  // divisible by 100: not leap
  EXPECT_EQ(format_time_ms(k20240229_1200Z), "2024-02-29T12:00:00.000Z");
}

TEST(ObservationTime, RejectsTimesWithoutOffsetOrMalformed) {
  for (const char* bad : {"2025-04-12 06:30", "2025-04-12T06:30:00", "2025-04-12 06:30:00+03:00",
                          "2025-04-12T06:30:00+0300", "2025-04-12T06:30:00+03", "2025-04-12T24:00:00Z",
                          "2025-04-12T06:60:00Z", "2025-04-12T06:30:60Z", "2025-13-01T00:00:00Z",
                          "2025-04-31T00:00:00Z", "2025-00-10T00:00:00Z", "2025-04-00T00:00:00Z",
                          "2025-04-12T06:30:00.Z", "2025-04-12T06:30:00Z ", "2025-04-12T06:30:00+24:00",
                          "25-04-12T06:30:00Z", "2025-4-12T06:30:00Z", "", "yesterday"})
    EXPECT_FALSE(parse_time_ms(bad)) << bad;
}

TEST(ObservationTime, FormatsUtcAcrossDayAndEpochBoundaries) {
  EXPECT_EQ(format_time_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time_ms(-14182940000), "1969-07-20T20:17:40.000Z");
  EXPECT_EQ(format_time_ms(*parse_time_ms("2025-01-01T01:00:00.042+03:00")), "2024-12-31T22:00:00.042Z");
}

// Every day from 1900 to 2200, counted one by one with the calendar rules, against the formula.
TEST(ObservationTime, EveryDayAgainstBruteForceCount) {
  int64_t day = -25567;  // 1900-01-01, 70 years of 365 days plus 17 leap days before 1970
  for (int y = 1900; y < 2200; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int len[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= len[m - 1]; ++d, ++day) {
        char iso[32];
        std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00Z", y, m, d);
        ASSERT_EQ(parse_time_ms(iso), day * 86'400'000) << iso;
        ASSERT_EQ(format_time_ms(day * 86'400'000), std::string(iso).substr(0, 19) + ".000Z");
      }
  }
}

TEST(ObservationTime, RandomRoundTrips) {
  std::mt19937_64 rng(20250412);
  std::uniform_int_distribution<int64_t> ms(-62'135'596'800'000, 253'402'300'799'999);  // years 1–9999
  for (int i = 0; i < 100'000; ++i) {
    const int64_t t = ms(rng);
    ASSERT_EQ(parse_time_ms(format_time_ms(t)), t) << format_time_ms(t);
  }
}

}  // namespace
}  // namespace truceline::monitor
