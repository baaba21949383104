// Plan parsing: the [alerts] table (defaults, the default plan's thresholds, errors that name the
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

}  // namespace
}  // namespace truceline::plan
