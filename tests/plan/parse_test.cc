// Plan parsing: the [area] seam keys and [[enclaves]], the [alerts] table (defaults, the default plan's thresholds, errors that name the
// line), and text that once reached undefined behaviour in toml++ (found by fuzz_plan_toml,
// see io/toml.h): characters beyond ASCII outside strings and comments are a syntax error with
// the line; inside strings and comments they stay welcome.
#include <gtest/gtest.h>

#include "geo/errors.h"
#include "io/output.h"
#include "plan/plan.h"
#include "support.h"

namespace truceline::plan {
namespace {

std::string default_plan_path() { return (testing::root() / "plans/kellogg-2025-04.toml").string(); }

std::string error_of(const std::string& text) {
  try {
    parse_plan_text(text, default_plan_path());
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(AlertsParse, DefaultPlanHasAThresholdPerWatchedZone) {
  const Plan p = parse_plan(default_plan_path());
  EXPECT_EQ(p.alerts.violation_severity, "high");
  ASSERT_EQ(p.alerts.thresholds.size(), 3u);
  EXPECT_EQ(p.alerts.thresholds[0].zone, "dmz");
  EXPECT_EQ(p.alerts.thresholds[0].violations, 10);
  EXPECT_EQ(p.alerts.thresholds[0].window_minutes, 60);
  EXPECT_EQ(p.alerts.thresholds[0].min_severity, "low");
}

TEST(AlertsParse, WithoutTheTableTheDefaultsHold) {
  std::string text = io::read_file(default_plan_path());
  text = text.substr(0, text.find("\n[alerts]"));
  const Plan p = parse_plan_text(text, default_plan_path());
  EXPECT_EQ(p.alerts.violation_severity, "high");
  EXPECT_TRUE(p.alerts.thresholds.empty());
}

TEST(AlertsParse, BadValuesNameTheKeyAndLine) {
  const std::string text = io::read_file(default_plan_path());
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.find(from, t.find("\n[alerts]"));
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  std::string e = error_of(with("zone = \"dmz\"", "zone = \"nowhere\""));
  EXPECT_NE(e.find("kellogg-2025-04.toml:"), std::string::npos) << e;
  EXPECT_NE(e.find("'nowhere' is not a zone id"), std::string::npos) << e;
  e = error_of(with("violation_severity = \"high\"", "violation_severity = \"dire\""));
  EXPECT_NE(e.find("violation_severity"), std::string::npos) << e;
  e = error_of(with("violations = 10", "violations = 0"));
  EXPECT_NE(e.find("violations: must be a whole number"), std::string::npos) << e;
  e = error_of(with("window_minutes = 60", "window = \"1 h\""));
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST(PlanParseHostile, NonAsciiAfterAKeyIsRefusedWithItsLine) {
  // The fuzzer's first input, cut down: U+FEFD (Arabic ligature) right after a bare key.
  const std::string e = error_of("name = \"x\"\n\nwit\xEF\xBB\xBD = [\"occupied\"]\n");
  EXPECT_NE(e.find("kellogg-2025-04.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("expected '='"), std::string::npos) << e;
  // Another way in: a missed code point after a backslash inside a multi-line string.
  EXPECT_NE(error_of("name = \"x\"\ndescription = \"\"\"a\\\xEF\xBB\xBD\"\"\"\n").find(":2"), std::string::npos);
  // Cyrillic as a bare key: not TOML either.
  EXPECT_NE(error_of("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 = 1\n").find(":1"), std::string::npos);
}

TEST(PlanParseHostile, NonAsciiInStringsAndCommentsStillParses) {
  // The default plan with Cyrillic and the fuzzer's character in a comment, a basic, a literal and
  // a multi-line string, after a byte-order mark.
  std::string text = io::read_file(default_plan_path());
  text = "\xEF\xBB\xBF# \xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xEF\xBB\xBD\n" + text +
         "\n# \"not a string \xEF\xBB\xBD\n";
  const auto at = text.find("\ndescription = ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at + 1, text.find('\n', at + 1) - at - 1,
               "description = '''\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xEF\xBB\xBD'''");
  const Plan p = parse_plan_text(text, default_plan_path());
  EXPECT_FALSE(p.name.empty());
  EXPECT_EQ(error_of("name = \"\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \\\" \xEF\xBB\xBD\"\nsource = 'a \xEF\xBB\xBD'\n").find("TOML syntax"),
            std::string::npos);
}

TEST(SeamsParse, TheDefaultPlanGivesItsLandBorderSnapAndTolerance) {
  const Plan p = parse_plan(default_plan_path());
  EXPECT_NE(p.land_border_layer.find("data/border/ua-land-border.geojson"), std::string::npos);
  EXPECT_DOUBLE_EQ(p.border_snap_m, 2500);
  EXPECT_DOUBLE_EQ(p.gap_tolerance_m, 2000);
  EXPECT_TRUE(p.enclaves.empty());
}

TEST(SeamsParse, EnclavesAndTheirErrorsNameTheKeyAndLine) {
  const std::string text = io::read_file(default_plan_path());
  const Plan p = parse_plan_text(text + "\n[[enclaves]]\nname = \"Tuzla\"\nat = [36.6, 45.3]\nzone = \"russian\"\n",
                                 default_plan_path());
  ASSERT_EQ(p.enclaves.size(), 1u);
  EXPECT_EQ(p.enclaves[0].name, "Tuzla");
  EXPECT_DOUBLE_EQ(p.enclaves[0].at.lon, 36.6);
  EXPECT_EQ(p.enclaves[0].zone, "russian");
  std::string e = error_of(text + "\n[[enclaves]]\nat = [36.6, 45.3]\nzone = \"nowhere\"\n");
  EXPECT_NE(e.find("[[enclaves]] zone: 'nowhere' is not a zone id"), std::string::npos) << e;
  e = error_of(text + "\n[[enclaves]]\nat = [36.6]\nzone = \"russian\"\n");
  EXPECT_NE(e.find("[[enclaves]] at: must be a position [lon, lat]"), std::string::npos) << e;
  e = error_of(text + "\n[[enclaves]]\nat = [45.3, 136.6]\nzone = \"russian\"\n");
  EXPECT_NE(e.find("is not a position on the Earth"), std::string::npos) << e;
}

TEST(SeamsParse, BorderSnapNeedsALandBorder) {
  std::string text = io::read_file(default_plan_path());
  const auto at = text.find("land_border = ");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, text.find('\n', at) - at + 1);
  const std::string e = error_of(text);
  EXPECT_NE(e.find("[area] border_snap: needs land_border"), std::string::npos) << e;
}

}  // namespace
}  // namespace truceline::plan
