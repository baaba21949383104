// io::append_json_* and JsonObjectText must write exactly the text nlohmann's dump() writes for
// the same value: the chain's verify compares canonical content byte for byte.
#include "io/json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace truceline::io {
namespace {

using nlohmann::json;

std::string number_text(double v) {
  std::string s;
  append_json_number(s, v);
  return s;
}

TEST(JsonTextTest, NumbersAreWrittenAsTheDumpWritesThem) {
  const double special[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 50.0, 1e15, 1e16, 1e17, 123456789012345678.0,
                            1e-4, 1e-5, 1e-7, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                            47.71117, 35.70189, 21.20810780324362, -179.999999999, 4.35};
  for (double v : special) EXPECT_EQ(number_text(v), json(v).dump()) << v;
  // Random bit patterns cover every exponent; random coordinates the common case.
  std::mt19937_64 rng(20250412);
  std::uniform_real_distribution<double> coord(-180, 180);
  for (int i = 0; i < 200'000; ++i) {
    double v;
    const uint64_t bits = rng();
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) v = coord(rng);
    ASSERT_EQ(number_text(v), json(v).dump()) << bits;
    const double c = coord(rng);
    ASSERT_EQ(number_text(c), json(c).dump());
  }
  EXPECT_EQ(number_text(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), json(std::numeric_limits<double>::infinity()).dump());
}

TEST(JsonTextTest, IntegersAndStringsAsTheDumpWritesThem) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1744473600000}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string s;
    append_json_int(s, v);
    EXPECT_EQ(s, json(v).dump());
  }
  for (const std::string& v : {std::string("plain"), std::string(""), std::string("quote \" backslash \\"),
                              std::string("tab\tnl\n") + '\0' + "\x1f\x7f", std::string("Київ 😀")}) {
    std::string s;
    append_json_string(s, v);
    EXPECT_EQ(s, json(v).dump());
  }
  std::string s;
  EXPECT_THROW(append_json_string(s, "bad \xff"), json::type_error);
}

TEST(JsonTextTest, ObjectMembersComeOutInKeyOrder) {
  JsonObjectText o;
  o.text("time", "2025-04-12T06:30:00.000Z").integer("time_ms", 1744428600000).number("lat", 48.5);
  o.text("event", "explosion").raw("nested", R"({"a":1})").number("bearing_deg", 135).text("Z", "upper");
  std::string out;
  o.finish(out);
  const json tree = {{"time", "2025-04-12T06:30:00.000Z"}, {"time_ms", 1744428600000}, {"lat", 48.5},
                     {"event", "explosion"}, {"nested", {{"a", 1}}}, {"bearing_deg", 135.0}, {"Z", "upper"}};
  EXPECT_EQ(out, tree.dump());
}

}  // namespace
}  // namespace truceline::io
