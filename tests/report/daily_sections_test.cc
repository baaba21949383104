// The daily report's sections beside the ceasefire violations, as the SMM's daily reports had
// them: restrictions of the monitors' movement, holding areas checked, casualties, damage.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "index/locator.h"
#include "monitor/observation.h"
#include "monitor/sighting.h"
#include "report/daily.h"
#include "report/daily_render.h"
#include "support.h"

namespace truceline::report {
namespace {

using nlohmann::json;

monitor::Sighting sighting(json j, const std::string& id) {
  return monitor::sighting_of(monitor::parse_observation(j, INT64_MAX / 2), id);
}

json report(const std::string& who, const std::string& time, double lat, double lon, const std::string& event) {
  return {{"time", time}, {"observer_id", who}, {"observer_kind", "patrol"}, {"observer_lat", lat}, {"observer_lon", lon},
          {"mode", "saw"}, {"event", event}};
}

class DailySections : public ::testing::Test {
 protected:
  static const index::Locator& locator() {
    static const index::Locator loc(testing::default_map());
    return loc;
  }
  DailyReport build(const std::vector<monitor::Sighting>& obs) {
    return build_daily_report(testing::default_map(), locator(), obs, day_window("2025-04-12"));
  }
};

TEST_F(DailySections, EachCategoryHasItsSectionWithWhatWasReported) {
  std::vector<monitor::Sighting> obs;
  // Two patrols stopped at one checkpoint in the DMZ, the second for longer.
  json a = report("P-1", "2025-04-12T06:30:00Z", 48.330, 37.905, "restriction");
  a.update({{"restriction_type", "denied_passage"}, {"imposed_by", "ru"}, {"duration_min", 30}});
  json b = a;
  b.update({{"observer_id", "P-2"}, {"time", "2025-04-12T06:31:00Z"}, {"observer_lat", 48.3312}, {"duration_min", 50}});
  obs.push_back(sighting(a, "o-1")), obs.push_back(sighting(b, "o-2"));
  // A monitoring drone jammed elsewhere, by nobody named.
  json jam = report("UAV-3", "2025-04-12T09:00:00Z", 47.60, 35.90, "restriction");
  jam["restriction_type"] = "uav_jammed";
  obs.push_back(sighting(jam, "o-3"));
  // A holding area with howitzers missing.
  json site = report("P-4", "2025-04-12T10:00:00Z", 47.20, 33.00, "weapons_site");
  site.update({{"site_id", "HA-17"}, {"site_status", "weapons_missing"}, {"weapons", {{"artillery_ge_100", 8}, {"mlrs", 2}}}});
  obs.push_back(sighting(site, "o-4"));
  // Shelling that injured three civilians, and a house and a power line damaged in another town.
  json shell = report("P-5", "2025-04-12T12:00:00Z", 47.84, 35.14, "explosion");
  shell.update({{"lat", 47.84}, {"lon", 35.14}, {"explosion_type", "impact"},
                {"casualties", {{"killed", 1}, {"injured", 3}, {"corroborated", true}}}});
  obs.push_back(sighting(shell, "o-5"));
  json dmg = report("P-6", "2025-04-12T14:00:00Z", 48.58, 37.85, "damage");
  dmg["damage"] = {"residential", "power"};
  obs.push_back(sighting(dmg, "o-6"));

  const DailyReport r = build(obs);
  const json j = json::parse(daily_json(r));
  ASSERT_EQ(j["restrictions"].size(), 2u) << j["restrictions"];
  EXPECT_EQ(j["restrictions"][0]["restriction_type"], "denied_passage");
  EXPECT_EQ(j["restrictions"][0]["imposed_by"], "ru");
  EXPECT_EQ(j["restrictions"][0]["reports"], 2);       // two patrols, one restriction
  EXPECT_EQ(j["restrictions"][0]["duration_min"], 50);  // the longest
  EXPECT_EQ(j["restrictions"][1]["restriction_type"], "uav_jammed");
  EXPECT_TRUE(j["restrictions"][1]["imposed_by"].is_null());
  ASSERT_EQ(j["weapons_sites"].size(), 1u);
  EXPECT_EQ(j["weapons_sites"][0]["site_id"], "HA-17");
  EXPECT_EQ(j["weapons_sites"][0]["weapons"], (json{{"artillery_ge_100", 8}, {"mlrs", 2}}));
  EXPECT_EQ(j["casualties"]["killed"], 1);
  EXPECT_EQ(j["casualties"]["injured"], 3);
  EXPECT_EQ(j["casualties"]["civilian_injured"], 3);
  EXPECT_EQ(j["casualties"]["corroborated_incidents"], 1);
  std::map<std::string, int> damaged;
  for (const json& row : j["damage"]) damaged[row["key"].get<std::string>()] = row["today"].get<int>();
  EXPECT_EQ(damaged, (std::map<std::string, int>{{"power", 1}, {"residential", 1}}));
  // The rules of the plan: the named party's restriction and the missing weapons are violations.
  std::map<std::string, int> rules;
  for (const CountRow& row : r.by_rule) rules[row.key] = static_cast<int>(row.today);
  EXPECT_EQ(rules["restriction"], 1);
  EXPECT_EQ(rules["weapons-missing"], 1);
  // The same sections in the Markdown and HTML forms.
  const std::string md = daily_markdown(r, "", "");
  for (const char* title : {"## Restrictions of the monitors' freedom of movement", "## Holding areas and storage sites checked",
                            "## Casualties", "## Damage to civilian objects"})
    EXPECT_NE(md.find(title), std::string::npos) << title;
  EXPECT_NE(md.find("| 8 artillery_ge_100, 2 mlrs |"), std::string::npos) << md;
  const std::string html = daily_html(r, testing::default_map());
  EXPECT_NE(html.find("<section id=\"restrictions\">"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"damage\">"), std::string::npos);
}

TEST_F(DailySections, ADayWithoutThemSaysSo) {
  const DailyReport r = build({});
  const json j = json::parse(daily_json(r));
  EXPECT_TRUE(j["restrictions"].empty());
  EXPECT_TRUE(j["weapons_sites"].empty());
  EXPECT_EQ(j["casualties"]["killed"], 0);
  const std::string md = daily_markdown(r, "", "");
  EXPECT_NE(md.find("## Casualties\n\nNone reported."), std::string::npos) << md;
}

}  // namespace
}  // namespace truceline::report
