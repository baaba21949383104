// Cursor on Target: ce from the 1σ ellipse against closed forms and sampling, XML escaping, the
// incident event's attributes, the delete, and the plan's shapes. node-cot parses the same events
// in web/e2e/cot.test.mjs.
#include "formats/cot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <regex>
#include <set>

#include "monitor/observation.h"
#include "support.h"

namespace truceline::formats {
namespace {

using nlohmann::json;

const int64_t kNow = 1744428700000;  // 2025-04-12T03:31:40Z

json incident() {
  return json{{"id", "i-17"}, {"revision", 3}, {"first_time", "2025-04-12T03:30:00.000Z"},
              {"last_time", "2025-04-12T03:31:10.000Z"}, {"event", "explosion"}, {"lat", 48.1}, {"lon", 37.2},
              {"err_major_m", 410.0}, {"err_minor_m", 160.0}, {"err_azimuth_deg", 71.5}, {"n_observations", 3},
              {"observation_ids", {"o-5", "o-9", "o-12"}}, {"zone", "dmz"}, {"zone_kind", "dmz"},
              {"responsible", "monitors"}, {"side", "occupied_side"}, {"origin_side", ""}, {"crossed_line", false},
              {"violations", json::array({{{"rule", "weapon-in-dmz"}, {"severity", "high"}}})},
              {"position_method", "estimated"}, {"position_given_by", nullptr}};
}

std::string attribute(const std::string& xml, const std::string& element, const std::string& name) {
  const std::regex re("<" + element + "\\b[^>]*\\s" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(xml, m, re) ? m[1].str() : "<missing>";
}

TEST(CotCircularError, ACircleGivesItsSigma) {
  for (double s : {1.0, 50.0, 410.0, 30'000.0}) EXPECT_NEAR(circular_error_m({s, s, 0}), s, std::max(1e-3, 1e-6 * s)) << s;
}

TEST(CotCircularError, ALineGivesTheOneDimensionalQuantile) {
  // b = 0: P(|x| < r) = 1 − e^(−1/2) for x ~ N(0, a²), r = a·Φ⁻¹((1 + 0.39347)/2) = 0.515032 a.
  EXPECT_NEAR(circular_error_m({1000, 0, 30}), 515.032, 0.002);
}

// 410 × 160 m (docs/api.md's example): 272.528 m by a polar integral over the angle (200,000
// trapezoids, then bisection), another route than the one circular_error_m takes.
TEST(CotCircularError, AnEllipseAgainstAnIndependentIntegral) {
  EXPECT_NEAR(circular_error_m({410, 160, 71.5}), 272.528, 0.002);
}

TEST(CotCircularError, TheProbabilityMatchesTheClosedFormOfACircle) {
  for (double r : {0.1, 0.5, 1.0, 2.0, 3.0}) EXPECT_NEAR(probability_within({1, 1, 0}, r), 1 - std::exp(-r * r / 2), 1e-12) << r;
}

// Sampled truths of a 3:1 ellipse fall inside ce with the stated 39.35 %: 200,000 samples give a
// standard error of 0.11 %, so 0.5 % is over four of them.
TEST(CotCircularError, SampledTruthsFallInsideAsOftenAsStated) {
  const monitor::Ellipse e{900, 300, 40};
  const double ce = circular_error_m(e);
  EXPECT_GT(ce, 300);
  EXPECT_LT(ce, 900);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n(0, 1);
  int inside = 0;
  const int kN = 200'000;
  for (int i = 0; i < kN; ++i) inside += std::hypot(900 * n(rng), 300 * n(rng)) < ce;
  EXPECT_NEAR(inside / double(kN), 1 - std::exp(-0.5), 0.005);
}

TEST(CotHow, EstimatedOrBySourceOfTheGivenPosition) {
  json inc = incident();
  EXPECT_EQ(cot_how(inc), "h-e");
  inc["position_method"] = "given";
  const std::pair<const char*, const char*> cases[] = {
      {"patrol", "h-t"}, {"uav", "m-i"}, {"camera", "m-i"}, {"satellite", "m-i"}, {"osint", "m-p"}, {"mixed", "m-f"}};
  for (const auto& [by, how] : cases) {
    inc["position_given_by"] = by;
    EXPECT_EQ(cot_how(inc), how) << by;
  }
  // A revision recorded before the position's method was: estimated.
  inc.erase("position_method");
  EXPECT_EQ(cot_how(inc), "h-e");
}

TEST(CotIncident, AttributesPointAndDetail) {
  CotOptions opt;
  opt.uid_prefix = "truceline.kellogg";
  opt.dashboard_url = "http://127.0.0.1:8080";
  const std::string e = incident_event(incident(), kNow, opt);
  EXPECT_EQ(e.rfind("<event version=\"2.0\"", 0), 0u) << e;
  EXPECT_EQ(attribute(e, "event", "uid"), "truceline.kellogg.incident.i-17");
  EXPECT_EQ(attribute(e, "event", "type"), "a-u-G");
  EXPECT_EQ(attribute(e, "event", "how"), "h-e");
  EXPECT_EQ(attribute(e, "event", "time"), "2025-04-12T03:31:40.000Z");
  EXPECT_EQ(attribute(e, "event", "start"), "2025-04-12T03:30:00.000Z");
  EXPECT_EQ(attribute(e, "event", "stale"), "2025-04-13T03:31:40.000Z");
  EXPECT_EQ(attribute(e, "point", "lat"), "48.1000000");
  EXPECT_EQ(attribute(e, "point", "lon"), "37.2000000");
  EXPECT_EQ(attribute(e, "point", "hae"), "9999999.0");
  EXPECT_EQ(attribute(e, "point", "le"), "9999999.0");
  char ce[32];
  std::snprintf(ce, sizeof ce, "%.1f", circular_error_m({410, 160, 71.5}));
  EXPECT_EQ(attribute(e, "point", "ce"), ce);
  EXPECT_EQ(attribute(e, "link", "url"), "http://127.0.0.1:8080/#incident=i-17");
  EXPECT_NE(e.find("<remarks>explosion, 3 observations; zone dmz (dmz); responsible monitors; breaks weapon-in-dmz (high);"),
            std::string::npos) << e;
  EXPECT_EQ(e.substr(e.size() - 8), "</event>");
}

TEST(CotIncident, RevisionsShareTheUid) {
  json r4 = incident();
  r4["revision"] = 4, r4["lat"] = 48.2, r4["n_observations"] = 4;
  EXPECT_EQ(attribute(incident_event(incident(), kNow, {}), "event", "uid"), attribute(incident_event(r4, kNow, {}), "event", "uid"));
  EXPECT_EQ(attribute(incident_event(r4, kNow, {}), "point", "lat"), "48.2000000");
}

TEST(CotIncident, TextFromTheRecordIsEscaped) {
  json inc = incident();
  inc["zone"] = "a<b\"&";
  const std::string e = incident_event(inc, kNow, {});
  EXPECT_NE(e.find("zone a&lt;b&quot;&amp;"), std::string::npos) << e;
  EXPECT_EQ(e.find("a<b"), std::string::npos);
}

TEST(CotIncident, AllRetractedIsATakDelete) {
  json inc = incident();
  inc["n_observations"] = 0;
  inc["lat"] = inc["lon"] = nullptr;
  const std::string e = incident_event(inc, kNow, {});
  EXPECT_EQ(attribute(e, "event", "type"), "t-x-d-d");
  EXPECT_EQ(attribute(e, "event", "uid"), "truceline.incident.i-17");
  EXPECT_EQ(attribute(e, "link", "uid"), "truceline.incident.i-17");
  EXPECT_NE(e.find("<__forcedelete/>"), std::string::npos);
}

TEST(CotIncident, NoPositionNoEvent) {
  json inc = incident();
  inc["lat"] = inc["lon"] = nullptr;
  EXPECT_EQ(incident_event(inc, kNow, {}), "");
}

TEST(CotShapes, EveryZoneAndLineOfThePlanAsDrawings) {
  const plan::ZoneMap& map = testing::default_map();
  CotOptions opt;
  opt.max_vertices = 200;
  const auto shapes = plan_shapes(map, kNow, opt);
  std::set<std::string> zones, lines;
  int loc = 0;
  for (const std::string& s : shapes) {
    EXPECT_EQ(attribute(s, "event", "type"), "u-d-f");
    const std::string uid = attribute(s, "event", "uid");
    const std::regex link("<link point=\"([-0-9.]+),([-0-9.]+)\"/>");
    std::vector<std::string> pts;
    for (auto it = std::sregex_iterator(s.begin(), s.end(), link); it != std::sregex_iterator(); ++it) pts.push_back((*it)[0]);
    EXPECT_LE(pts.size(), opt.max_vertices) << uid;
    if (uid.rfind("truceline.zone.", 0) == 0) {
      zones.insert(uid.substr(15, uid.rfind('.') - 15));
      EXPECT_EQ(pts.front(), pts.back()) << uid << ": a zone is a closed shape";
      EXPECT_NE(s.find("<fillColor"), std::string::npos);
    } else {
      lines.insert(uid);
      EXPECT_NE(pts.front(), pts.back()) << uid << ": a line is open";
      loc += s.find("line_of_contact") != std::string::npos;
    }
  }
  for (const auto& z : map.zones) EXPECT_TRUE(zones.count(z.id)) << z.id;
  EXPECT_GE(lines.size(), map.lines.size());
  EXPECT_GE(loc, 1);
}

TEST(CotShapes, ColoursAreTakArgbIntegers) {
  const auto shapes = plan_shapes(testing::default_map(), kNow, {});
  const plan::Zone& z = testing::default_map().zones[0];
  const std::string mine = *std::find_if(shapes.begin(), shapes.end(), [&](const std::string& s) {
    return attribute(s, "event", "uid") == "truceline.zone." + z.id + ".0";
  });
  const unsigned rgb = std::stoul(z.colour.substr(1), nullptr, 16);
  EXPECT_EQ(attribute(mine, "strokeColor", "value"), std::to_string(static_cast<int32_t>(0xFF000000u | rgb)));
  EXPECT_EQ(attribute(mine, "fillColor", "value"), std::to_string(static_cast<int32_t>(0x40000000u | rgb)));
}

TEST(CotSpotReport, BecomesAnObservationWithAGivenPosition) {
  const auto r = spot_report(
      "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
      "<event version='2.0' uid='S-1' type='b-m-p-s-m' how='h-g-i-g-o' time='2025-04-12T06:30:00.000Z' "
      "start='2025-04-12T06:30:00.000Z' stale='2025-04-13T06:30:00.000Z'>"
      "<point lat='47.62' lon='36.28' hae='9999999.0' ce='9999999.0' le='9999999.0'/>"
      "<detail><contact callsign='ALPHA 2'/><remarks>two Muzzle flashes, then heavy_weapon &amp; shot</remarks></detail></event>");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->observation["time"], "2025-04-12T06:30:00.000Z");
  EXPECT_EQ(r->observation["observer_id"], "ALPHA 2");
  EXPECT_EQ(r->observation["lat"], 47.62);
  EXPECT_EQ(r->observation["lon"], 36.28);
  EXPECT_EQ(r->observation["event"], "heavy_weapon") << "'muzzle flashes' is no word of the list; heavy_weapon comes first";
  EXPECT_EQ(r->observation["notes"], "two Muzzle flashes, then heavy_weapon & shot");
  EXPECT_EQ(r->key, "cot:S-1@2025-04-12T06:30:00.000Z");
  // Parses as the API parses an observation.
  EXPECT_NO_THROW(monitor::parse_observation(r->observation, kNow + 86'400'000));
}

TEST(CotSpotReport, OtherEventsAreNoneAndBrokenOnesRefused) {
  EXPECT_FALSE(spot_report("<event version='2.0' uid='A' type='a-f-G-U-C' time='2025-04-12T06:30:00Z'><point lat='1' lon='2'/></event>"));
  EXPECT_EQ(spot_report("<event uid='A' type='b-m-p-s-m' time='t'><point lat='1' lon='2'/><detail/></event>")->observation["event"], "other");
  EXPECT_THROW(spot_report("<event uid='A' type='b-m-p-s-m'><point lat='1'/></event>"), std::invalid_argument);
  EXPECT_THROW(spot_report("<event uid='A' type='b-m-p-s-m'><point"), std::invalid_argument);
  EXPECT_THROW(spot_report("<foo/>"), std::invalid_argument);
}

TEST(CotDocument, EventsUnderOneRoot) {
  const std::string d = events_document({"<event a=\"1\"/>", "<event a=\"2\"/>"});
  EXPECT_EQ(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<events>\n<event a=\"1\"/>\n<event a=\"2\"/>\n</events>\n");
}

}  // namespace
}  // namespace truceline::formats
