#pragma once
// The daily report written out: a self-contained HTML page (inline CSS and SVG, no scripts, no
// network; printable), Markdown with tables that refers to the map and chart as SVG files
// written beside it, and JSON holding every figure.
#include <string>

#include "plan/zone_map.h"
#include "report/daily.h"

namespace truceline::report {

// The map of the day's incidents over the zones (framed on the incidents, or the plan's whole
// area on a day without located incidents), markers coloured by the gravest rule broken. The
// frame is shaped so the whole drawing is about width_px × height_px.
std::string daily_map_svg(const DailyReport& r, const plan::ZoneMap& map, int width_px = 920, int height_px = 640);
// The trend chart of incidents and those breaking a rule, one bar per day.
std::string daily_trend_svg(const DailyReport& r, int width_px = 920, int height_px = 260);

// Where the HTML page puts the map and the chart, in CSS pixels from the page's top left, for
// a viewport at least kHtmlPageWidth wide: fixed so that a screenshot can be checked.
struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};
inline constexpr int kHtmlPageWidth = 1000;
inline constexpr PixelBox kHtmlMapBox{40, 200, 920, 640};
inline constexpr PixelBox kHtmlTrendBox{40, 860, 920, 260};

std::string daily_html(const DailyReport& r, const plan::ZoneMap& map);
// Markdown; the map and chart are images at `map_svg` and `trend_svg` (paths relative to it).
std::string daily_markdown(const DailyReport& r, const std::string& map_svg, const std::string& trend_svg);
std::string daily_json(const DailyReport& r);

}  // namespace truceline::report
