#include "report/svg_map.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "support.h"

namespace truceline::report {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// The full opening tag of the element that contains `marker`.
std::string tag_with(const std::string& svg, const std::string& marker) {
  const size_t at = svg.find(marker);
  if (at == std::string::npos) return {};
  const size_t begin = svg.rfind('<', at);
  return svg.substr(begin, svg.find('>', at) - begin + 1);
}

// The contents of the group with this id (groups are not nested in the map).
std::string group(const std::string& svg, const std::string& id) {
  const size_t at = svg.find("<g id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  return svg.substr(at, svg.find("</g>", at) - at);
}

int svg_height(const std::string& svg) {
  std::smatch m;
  if (!std::regex_search(svg, m, std::regex(R"x(height="(\d+)")x"))) return -1;
  return std::stoi(m[1]);
}

const std::string& default_svg() {
  static const std::string svg = svg_map(testing::default_map());
  return svg;
}

TEST(SvgMap, IsOneSvgElement) {
  const std::string& svg = default_svg();
  ASSERT_GT(svg.size(), 1000u);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.substr(svg.find_last_not_of("\n") - 5, 6), "</svg>");
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"1200\""), std::string::npos);
  // Standalone: nothing fetched from elsewhere.
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("url("), std::string::npos);
}

TEST(SvgMap, OneFilledPathPerNonEmptyZone) {
  const auto& map = testing::default_map();
  const std::string& svg = default_svg();
  int non_empty = 0;
  for (const auto& z : map.zones) {
    const std::string marker = "data-zone=\"" + z.id + "\"";
    if (z.geom.empty()) {
      EXPECT_EQ(count(svg, marker), 0u) << z.id;
      continue;
    }
    ++non_empty;
    EXPECT_EQ(count(svg, marker), 1u) << z.id;
    const std::string tag = tag_with(svg, marker);
    EXPECT_NE(tag.find("fill=\"" + z.colour + "\""), std::string::npos) << tag.substr(0, 200);
    EXPECT_NE(tag.find(" d=\"M"), std::string::npos) << z.id;
  }
  EXPECT_GE(non_empty, 4);
  EXPECT_EQ(count(svg, "class=\"zone\""), static_cast<size_t>(non_empty));
}

TEST(SvgMap, LabelsLargeCitiesOnce) {
  const std::string& svg = default_svg();
  const std::string labels = group(svg, "labels");
  EXPECT_EQ(count(labels, ">Kyiv</text>"), 1u);
  EXPECT_EQ(count(labels, ">Kharkiv</text>"), 1u);
}

TEST(SvgMap, DrawsLineOfContactAndLegend) {
  const auto& map = testing::default_map();
  const std::string& svg = default_svg();
  EXPECT_NE(svg.find("class=\"line_of_contact\""), std::string::npos);
  EXPECT_NE(svg.find(" km</text>"), std::string::npos);  // scale bar
  for (const auto& z : map.zones) EXPECT_NE(svg.find(">" + z.name + "</tspan>"), std::string::npos) << z.name;
  EXPECT_NE(svg.find(map.plan.name), std::string::npos);
  EXPECT_NE(svg.find(map.plan.date), std::string::npos);
}

TEST(SvgMap, StaysUnder2MB) {
  EXPECT_LT(default_svg().size(), 2u * 1024 * 1024);
}

TEST(SvgMap, CoordinatesHaveOneDecimal) {
  const std::string zones = group(default_svg(), "zones");
  ASSERT_GT(zones.size(), 1000u);
  EXPECT_TRUE(std::regex_search(zones, std::regex(R"(M\d+\.\d \d+\.\d \d+\.\d)")));
  EXPECT_FALSE(std::regex_search(zones, std::regex(R"(\d\.\d\d)"))) << "a number with two decimals";
}

TEST(SvgMap, LabelThresholdIsHonoured) {
  SvgMapOptions opt;
  opt.label_min_population = 2'000'000;  // Kyiv (2.8 M) only
  const std::string svg = svg_map(testing::default_map(), opt);
  EXPECT_NE(svg.find(">Kyiv</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">Kharkiv</text>"), std::string::npos);
}

// A small hand-built plan: a box with one zone, for escaping, duplicates and the aspect ratio.
plan::ZoneMap box_map(double lon_span, double lat_span, const std::string& name) {
  plan::ZoneMap m;
  m.ctx = std::make_unique<geo::Context>();
  m.plan.name = name;
  m.plan.date = "2025-01-01";
  const double lon0 = 30, lat0 = 48;
  const std::vector<geo::LonLat> ring{
      {lon0, lat0}, {lon0 + lon_span, lat0}, {lon0 + lon_span, lat0 + lat_span}, {lon0, lat0 + lat_span}, {lon0, lat0}};
  m.area = geo::make_polygon(*m.ctx, {ring});
  plan::Zone z;
  z.id = "z1";
  z.name = name;
  z.kind = "test";
  z.colour = "#123456";
  z.geom = geo::make_polygon(*m.ctx, {ring});
  z.area_km2 = 1234.4;
  m.zones.push_back(std::move(z));
  const geo::LonLat mid{lon0 + lon_span / 2, lat0 + lat_span / 2};
  m.settlements.push_back({name, "", mid, 500'000, 0});
  m.settlements.push_back({name, "", {mid.lon + 1e-4, mid.lat}, 400'000, 0});  // listed twice
  return m;
}

TEST(SvgMap, EscapesXmlInNames) {
  const std::string svg = svg_map(box_map(2, 1, "A <&> \"B\""));
  EXPECT_EQ(svg.find("<&>"), std::string::npos);
  EXPECT_GE(count(svg, "A &lt;&amp;&gt; &quot;B&quot;"), 3u);  // title, legend, label
  EXPECT_NE(svg.find("1,234 km²"), std::string::npos);
}

TEST(SvgMap, SkipsDuplicateSettlements) {
  const std::string svg = svg_map(box_map(2, 1, "Twin"));
  EXPECT_EQ(count(group(svg, "labels"), ">Twin</text>"), 1u);
  EXPECT_EQ(count(svg, "<circle"), 1u);
}

TEST(SvgMap, HeightFollowsTheAreasShape) {
  const int wide = svg_height(svg_map(box_map(4, 1, "wide")));    // ~300 x 110 km
  const int square = svg_height(svg_map(box_map(1.5, 1, "sq")));  // ~110 x 110 km
  const int tall = svg_height(svg_map(box_map(1, 4, "tall")));    // ~75 x 445 km
  ASSERT_GT(wide, 0);
  // Same title and legend; the map's height is ~0.37, ~1 and (capped) 2 times its width.
  EXPECT_NEAR(square - wide, 1160 * (1.0 - 0.37), 40);
  EXPECT_NEAR(tall - wide, 1160 * (2.0 - 0.37), 40);
}

TEST(SvgMap, RejectsTinyWidth) {
  SvgMapOptions opt;
  opt.width_px = 10;
  EXPECT_THROW(svg_map(box_map(1, 1, "x"), opt), std::invalid_argument);
}

}  // namespace
}  // namespace truceline::report
