// Weapons seen inside withdrawal bands in the daily report: the Minsk-style example plan (bands
// of 25, 35 and 70 km each side) with a weapon_in_band rule added to its text, and one heavy
// weapon placed about 20 km from the line.
#include <gtest/gtest.h>

#include "geo/geodesy.h"
#include "index/locator.h"
#include "io/output.h"
#include "monitor/observation.h"
#include "plan/compiler.h"
#include "report/daily.h"
#include "report/daily_render.h"
#include "support.h"

namespace truceline::report {
namespace {

const plan::ZoneMap& minsk() {
  static const plan::ZoneMap map = [] {
    const auto path = truceline::testing::root() / "plans/examples/minsk-style-2025.toml";
    std::string text = io::read_file(path);
    text += "\n[[rules]]\nid = \"band\"\nkind = \"weapon_in_band\"\nseverity = \"medium\"\n";
    return plan::compile(plan::parse_plan_text(text, path.string()), nullptr);
  }();
  return map;
}

// A point of the area 19–21 km from the line of contact.
std::optional<geo::LonLat> twenty_km_off(const plan::ZoneMap& map, const index::Locator& loc) {
  for (const auto& part : geo::line_parts(map.find_line("line_of_contact")->geom))
    for (size_t i = 0; i < part.size(); i += 25)
      for (double azi = 0; azi < 360; azi += 15) {
        const geo::LonLat q = geo::destination(part[i], azi, 20'000);
        const double d = loc.distance_to_line_m(q);
        if (loc.zone_of(q) >= 0 && d > 19'000 && d < 21'000) return q;
      }
  return std::nullopt;
}

TEST(DailyBands, ListsAWeaponInsideItsBand) {
  const auto& map = minsk();
  const index::Locator loc(map);
  const auto at = twenty_km_off(map, loc);
  ASSERT_TRUE(at);
  monitor::Sighting s;
  s.id = "o-1";
  s.time_ms = *monitor::parse_time_ms("2025-04-12T10:00:00Z");
  s.event = "heavy_weapon", s.weapon_class = "artillery_ge_100", s.mode = "saw", s.position = *at;
  const DailyReport r = build_daily_report(map, loc, {s}, day_window("2025-04-12"));
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.band_weapons.size(), 1u);
  const BandWeapon& w = r.band_weapons[0];
  EXPECT_EQ(w.incident_number, 1);
  EXPECT_EQ(w.weapon_class, "artillery_ge_100");
  EXPECT_EQ(w.rule, "band");
  EXPECT_EQ(w.severity, "medium");
  EXPECT_EQ(w.side, r.rows[0].incident.side);
  EXPECT_NEAR(w.dist_line_km, loc.distance_to_line_m(*at) / 1000, 1e-9);
  // The band is the plan's withdrawal line of that class on that side, beyond the weapon.
  const plan::Line* line = nullptr;
  for (const auto& l : map.lines)
    if (l.kind == "withdrawal_line" && l.weapon_class == "artillery_ge_100" && l.side == w.side) line = &l;
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(w.band, line->name);
  EXPECT_EQ(w.band_km, line->offset_km);
  EXPECT_GT(w.band_km, w.dist_line_km);

  const std::string html = daily_html(r, map);
  const size_t section = html.find("Weapons seen inside withdrawal bands");
  ASSERT_NE(section, std::string::npos);
  EXPECT_NE(html.find("artillery_ge_100", section), std::string::npos);
  EXPECT_EQ(html.find("None seen.", section), std::string::npos);
}

}  // namespace
}  // namespace truceline::report
