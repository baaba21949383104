// Alert decisions, signatures, backoff and the alerts file.
#include <gtest/gtest.h>

#include "alert/alert.h"
#include "alert/config.h"
#include "alert/hmac.h"
#include "alert/webhook.h"
#include "geo/errors.h"
#include "monitor/observation.h"

namespace truceline::alert {
namespace {

using nlohmann::json;

// RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
TEST(Hmac, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(signature_header("Jefe", "what do ya want for nothing?").rfind("sha256=5bdcc146", 0), 0u);
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
}

TEST(Backoff, DoublesFromTheBaseUpToTheCap) {
  DeliveryOptions o;
  o.backoff_ms = 1000, o.max_backoff_ms = 5000;
  EXPECT_EQ(backoff_before(2, o), 1000);
  EXPECT_EQ(backoff_before(3, o), 2000);
  EXPECT_EQ(backoff_before(4, o), 4000);
  EXPECT_EQ(backoff_before(5, o), 5000);
  EXPECT_EQ(backoff_before(40, o), 5000);
}

json incident(int n, const std::string& zone, const std::string& first_time, std::vector<std::pair<std::string, std::string>> rules,
              const std::string& responsible = "uk") {
  json v = json::array();
  for (const auto& [rule, sev] : rules) v.push_back(json{{"rule", rule}, {"severity", sev}});
  return json{{"id", "i-" + std::to_string(n)}, {"revision", 1}, {"first_time", first_time}, {"last_time", first_time},
              {"event", "explosion"}, {"zone", zone}, {"responsible", responsible}, {"violations", v}};
}

std::string minute(int m) {
  return monitor::format_time_ms(*monitor::parse_time_ms("2025-04-12T06:00:00Z") + int64_t{m} * 60'000);
}

plan::AlertRules rules_with_threshold(int n, int window_minutes) {
  plan::AlertRules r;
  r.thresholds.push_back({"allied-north", n, window_minutes, "low"});
  return r;
}

TEST(Trigger, ThresholdFiresAtExactlyTheNthViolationWithinTheWindow) {
  Trigger t(rules_with_threshold(10, 60));
  // Nine within the hour: nothing. One outside the zone and one breaking no rule do not count.
  for (int i = 1; i <= 9; ++i)
    EXPECT_TRUE(t.on_incident(incident(i, "allied-north", minute(i * 5), {{"fire-across-line", "medium"}}), 0).empty()) << i;
  EXPECT_TRUE(t.on_incident(incident(50, "allied-south", minute(46), {{"fire-across-line", "medium"}}), 0).empty());
  EXPECT_TRUE(t.on_incident(incident(51, "allied-north", minute(47), {}), 0).empty());
  // A revision of an incident already counted does not count again.
  EXPECT_TRUE(t.on_incident(incident(9, "allied-north", minute(45), {{"fire-across-line", "medium"}}), 0).empty());
  const auto a = t.on_incident(incident(10, "allied-north", minute(50), {{"fire-across-line", "medium"}}), 0);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, "threshold");
  EXPECT_EQ(a[0].zone, "allied-north");
  EXPECT_EQ(a[0].contingent, "uk");
  EXPECT_EQ(a[0].incident_id, "i-10");
  // Spent: the 11th does not fire again.
  EXPECT_TRUE(t.on_incident(incident(11, "allied-north", minute(52), {{"fire-across-line", "medium"}}), 0).empty());
}

TEST(Trigger, ViolationsOlderThanTheWindowDoNotCount) {
  Trigger t(rules_with_threshold(3, 60));
  EXPECT_TRUE(t.on_incident(incident(1, "allied-north", minute(0), {{"r", "low"}}), 0).empty());
  EXPECT_TRUE(t.on_incident(incident(2, "allied-north", minute(30), {{"r", "low"}}), 0).empty());
  // 70 minutes after the first: it has left the window, two remain.
  EXPECT_TRUE(t.on_incident(incident(3, "allied-north", minute(70), {{"r", "low"}}), 0).empty());
  EXPECT_EQ(t.on_incident(incident(4, "allied-north", minute(80), {{"r", "low"}}), 0).size(), 1u);
}

TEST(Trigger, ViolationAlertOncePerRuleAtOrAboveTheSeverity) {
  plan::AlertRules r;  // violation_severity high, no thresholds
  Trigger t(r);
  EXPECT_TRUE(t.on_incident(incident(1, "dmz", minute(0), {{"air-over-dmz", "medium"}}, "monitors"), 0).empty());
  auto a = t.on_incident(incident(1, "dmz", minute(0), {{"air-over-dmz", "medium"}, {"weapon-in-dmz", "high"}}, "monitors"), 7);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, "violation");
  EXPECT_EQ(a[0].contingent, "monitors");
  EXPECT_EQ(a[0].rules, std::vector<std::string>{"weapon-in-dmz"});
  EXPECT_EQ(a[0].time_ms, 7);
  // The same rule in a later revision: no second alert; a new one: an alert for it alone.
  EXPECT_TRUE(t.on_incident(incident(1, "dmz", minute(0), {{"weapon-in-dmz", "high"}}, "monitors"), 0).empty());
  a = t.on_incident(incident(1, "dmz", minute(0), {{"weapon-in-dmz", "high"}, {"fire-across-line", "critical"}}, "monitors"), 0);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rules, std::vector<std::string>{"fire-across-line"});
  // No responsible contingent: nobody to tell.
  EXPECT_TRUE(t.on_incident(incident(2, "outside", minute(0), {{"weapon-in-dmz", "high"}}, ""), 0).empty());
}

TEST(Trigger, RememberedIncidentsRaiseNothingAgain) {
  Trigger t(rules_with_threshold(2, 60));
  t.remember(incident(1, "allied-north", minute(0), {{"fire-across-line", "high"}}));
  EXPECT_TRUE(t.on_incident(incident(1, "allied-north", minute(0), {{"fire-across-line", "high"}}), 0).empty());
  // …but it still counts towards the threshold.
  const auto a = t.on_incident(incident(2, "allied-north", minute(1), {{"fire-across-line", "high"}}), 0);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].type, "violation");
  EXPECT_EQ(a[1].type, "threshold");
}

TEST(AlertConfig, ReadsWebhooksAndDelivery) {
  const AlertConfig c = parse_alert_config(R"(
[delivery]
max_attempts = 3
backoff_ms = 20

[contingents.uk]
url = "http://127.0.0.1:9/hook"
secret = "0123456789abcdef0123"
)", "alerts.toml");
  EXPECT_EQ(c.delivery.max_attempts, 3);
  EXPECT_EQ(c.delivery.backoff_ms, 20);
  ASSERT_EQ(c.contingents.count("uk"), 1u);
  EXPECT_EQ(c.contingents.at("uk").url, "http://127.0.0.1:9/hook");
}

TEST(AlertConfig, BadFilesNameTheLineAndTheKey) {
  const auto message = [](const std::string& text) {
    try {
      parse_alert_config(text, "alerts.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("[contingents.uk]\nurl = \"ftp://x\"\nsecret = \"0123456789abcdef\"\n").find("alerts.toml:"), std::string::npos);
  EXPECT_NE(message("[contingents.uk]\nurl = \"http://x/\"\nsecret = \"short\"\n").find("shorter than 16"), std::string::npos);
  EXPECT_NE(message("[contingents.uk]\nurl = \"http://x/\"\n").find("exactly one of secret"), std::string::npos);
  EXPECT_NE(message("[delivery]\nmax_attempts = 0\n").find("max_attempts"), std::string::npos);
  EXPECT_NE(message("[contingents.uk]\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\ncolour = 1\n").find("unknown key"),
            std::string::npos);
}

}  // namespace
}  // namespace truceline::alert
