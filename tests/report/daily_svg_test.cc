// The daily report's drawings: the trend chart's bars and line against their counts, and the
// map framed on a box with markers (the plan's own map keeps neither frame nor clip).
#include <gtest/gtest.h>

#include <regex>

#include "report/svg_map.h"
#include "report/trend_chart.h"
#include "support.h"

namespace truceline::report {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

std::string group(const std::string& svg, const std::string& id) {
  const size_t at = svg.find("<g id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  return svg.substr(at, svg.find("</g>", at) - at);
}

std::vector<double> attr_values(const std::string& text, const std::string& attr) {
  std::vector<double> out;
  const std::regex re(" " + attr + "=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

TEST(DailyTrendChart, BarsAreProportionalToTheCounts) {
  std::vector<TrendDay> days;
  for (int i = 0; i < 30; ++i) days.push_back({"2025-04-" + std::to_string(10 + i % 20), (i * 7) % 23, (i * 3) % 5});
  days[4].incidents = 0;
  const std::string svg = trend_chart_svg(days);
  const std::string bars = group(svg, "trend-bars");
  ASSERT_EQ(count(bars, "<rect"), 30u);
  const auto heights = attr_values(bars, "height");
  ASSERT_EQ(heights.size(), 30u);
  EXPECT_EQ(heights[4], 0);
  // Same scale for every bar: height / count is one constant (to the 0.1 px written).
  const double scale = heights[1] / days[1].incidents;
  for (size_t i = 0; i < 30; ++i) EXPECT_NEAR(heights[i], scale * days[i].incidents, 0.1) << i;
  EXPECT_EQ(count(group(svg, "trend-violations"), "<circle"), 30u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(DailyTrendChart, EscapesTheTitleAndChecksItsSize) {
  TrendChartOptions opt;
  opt.title = "A & B <c>";
  const std::string svg = trend_chart_svg({}, opt);
  EXPECT_NE(svg.find("A &amp; B &lt;c&gt;"), std::string::npos);
  opt.width_px = 100;
  EXPECT_THROW(trend_chart_svg({}, opt), std::invalid_argument);
}

TEST(DailyMapSvg, FramesABoxAndDrawsMarkers) {
  const auto& map = truceline::testing::default_map();
  SvgMapOptions opt;
  opt.width_px = 800;
  opt.extent = geo::LonLatBox{35.0, 46.8, 38.5, 48.6};
  opt.markers = {{{36.2, 47.6}, "#c0142c", 4, "1", "first"}, {{37.0, 48.0}, "#2b5c8a", 3, "2", "second & last"}};
  opt.marker_legend = {{"#c0142c", "Incident breaking a high-severity rule"}};
  const std::string svg = svg_map(map, opt);
  EXPECT_NE(svg.find("<clipPath id=\"map-frame\">"), std::string::npos);
  EXPECT_EQ(count(svg, "clip-path=\"url(#map-frame)\""), 1u);
  EXPECT_EQ(count(group(svg, "markers"), "<circle"), 2u);
  EXPECT_NE(svg.find("second &amp; last"), std::string::npos);
  EXPECT_NE(group(svg, "legend").find("Incident breaking a high-severity rule"), std::string::npos);
  // Both markers lie inside the box, so inside the 760 px frame between the 20 px margins.
  const auto xs = attr_values(group(svg, "markers"), "cx");
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_GT(xs[0], 20);
  EXPECT_LT(xs[1], 780);

  const std::string plain = svg_map(map, SvgMapOptions{});
  EXPECT_EQ(plain.find("clipPath"), std::string::npos);
  EXPECT_EQ(plain.find("id=\"markers\""), std::string::npos);
  opt.extent = geo::LonLatBox{36, 48, 36, 49};
  EXPECT_THROW(svg_map(map, opt), std::invalid_argument);
}

}  // namespace
}  // namespace truceline::report
