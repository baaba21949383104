#pragma once
// A small standalone SVG chart of daily counts: incidents as bars, those breaking a rule as a
// line over them, one slot per day. No scripts, no fonts beyond the viewer's, no network.
#include <string>
#include <vector>

namespace truceline::report {

struct TrendDay {
  std::string date;  // YYYY-MM-DD
  long incidents = 0;
  long violating = 0;  // incidents breaking at least one rule
};

struct TrendChartOptions {
  int width_px = 900;   // DEFAULT: 900; REQUIRES: >= 300
  int height_px = 260;  // DEFAULT: 260; REQUIRES: >= 150
  std::string title = "Incidents per day";
};

// The chart of `days` in the order given (oldest first). An empty list draws the empty frame.
// Throws std::invalid_argument when the size is below the minimum.
std::string trend_chart_svg(const std::vector<TrendDay>& days, const TrendChartOptions& opt = {});

}  // namespace truceline::report
