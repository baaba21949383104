#include "report/trend_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

// Layout: title on top, the y axis on the left with round ticks, a label under every fifth day
// (and the last), a legend at the top right. Bars and the line share one y scale so they can be
// compared directly.

namespace truceline::report {
namespace {

constexpr double kLeft = 48, kRight = 16, kTop = 36, kBottom = 34;
constexpr const char* kBarColour = "#5d8cc7";
constexpr const char* kLineColour = "#b22222";

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A round tick step (1, 2 or 5 × 10ⁿ) giving about five ticks up to `max`.
long tick_step(long max) {
  const double target = std::max(1.0, static_cast<double>(max) / 5);
  const double p10 = std::pow(10.0, std::floor(std::log10(target)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p10 >= target) return std::max(1L, std::lround(m * p10));
  return std::lround(10 * p10);
}

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// "04-12": the month and day, enough under a 30-day axis.
std::string short_date(const std::string& d) { return d.size() == 10 ? d.substr(5) : d; }

}  // namespace

std::string trend_chart_svg(const std::vector<TrendDay>& days, const TrendChartOptions& opt) {
  if (opt.width_px < 300 || opt.height_px < 150)
    throw std::invalid_argument("trend_chart_svg: the chart must be at least 300 x 150 pixels");
  const double w = opt.width_px, h = opt.height_px;
  const double plot_w = w - kLeft - kRight, plot_h = h - kTop - kBottom;
  long max = 0;
  for (const auto& d : days) max = std::max({max, d.incidents, d.violating});
  const long step = tick_step(max);
  const long top = std::max(step, (max + step - 1) / step * step);
  const auto y_of = [&](double v) { return kTop + plot_h * (1 - v / static_cast<double>(top)); };
  const double slot = days.empty() ? plot_w : plot_w / static_cast<double>(days.size());

  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(opt.width_px) +
                    "\" height=\"" + std::to_string(opt.height_px) + "\" viewBox=\"0 0 " +
                    std::to_string(opt.width_px) + " " + std::to_string(opt.height_px) +
                    "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"11\">\n";
  out += "<title>" + esc(opt.title) + "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out += "<text x=\"" + num(kLeft) + "\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#111111\">" + esc(opt.title) +
         "</text>\n";

  out += "<g id=\"trend-y-axis\" fill=\"#444444\" stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (long v = 0; v <= top; v += step) {
    const double y = y_of(static_cast<double>(v));
    out += "<path d=\"M" + num(kLeft) + " " + num(y) + "H" + num(w - kRight) + "\"/>";
    out += "<text x=\"" + num(kLeft - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\" stroke=\"none\">" +
           std::to_string(v) + "</text>\n";
  }
  out += "</g>\n";

  out += "<g id=\"trend-bars\" fill=\"" + std::string(kBarColour) + "\">\n";
  for (size_t i = 0; i < days.size(); ++i) {
    const double x = kLeft + slot * static_cast<double>(i) + slot * 0.15;
    const double y = y_of(static_cast<double>(days[i].incidents));
    out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(slot * 0.7) + "\" height=\"" +
           num(kTop + plot_h - y) + "\"><title>" + days[i].date + ": " + std::to_string(days[i].incidents) +
           " incidents, " + std::to_string(days[i].violating) + " breaking a rule</title></rect>\n";
  }
  out += "</g>\n";

  std::string line, dots;
  for (size_t i = 0; i < days.size(); ++i) {
    const double x = kLeft + slot * (static_cast<double>(i) + 0.5);
    const double y = y_of(static_cast<double>(days[i].violating));
    line += (i == 0 ? "M" : " L") + num(x) + " " + num(y);
    dots += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"2.5\"/>";
  }
  if (!days.empty())
    out += "<g id=\"trend-violations\" fill=\"" + std::string(kLineColour) + "\"><path d=\"" + line +
           "\" fill=\"none\" stroke=\"" + kLineColour + "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>" + dots +
           "</g>\n";

  out += "<g id=\"trend-x-axis\" fill=\"#444444\" text-anchor=\"middle\">\n";
  out += "<path d=\"M" + num(kLeft) + " " + num(kTop + plot_h) + "H" + num(w - kRight) +
         "\" stroke=\"#444444\" stroke-width=\"1\"/>\n";
  for (size_t i = 0; i < days.size(); ++i) {
    if (i % 5 != 0 && i + 1 != days.size()) continue;
    if (i % 5 != 0 && i % 5 < 3) continue;  // the last day's label would run into the previous one
    out += "<text x=\"" + num(kLeft + slot * (static_cast<double>(i) + 0.5)) + "\" y=\"" + num(kTop + plot_h + 16) +
           "\">" + short_date(days[i].date) + "</text>\n";
  }
  out += "</g>\n";

  const double lx = w - kRight - 250;
  out += "<g id=\"trend-legend\" fill=\"#222222\">\n<rect x=\"" + num(lx) + "\" y=\"10\" width=\"12\" height=\"10\" fill=\"" +
         kBarColour + "\"/><text x=\"" + num(lx + 17) + "\" y=\"19\">incidents</text>\n<path d=\"M" + num(lx + 90) +
         " 15H" + num(lx + 108) + "\" stroke=\"" + kLineColour + "\" stroke-width=\"2\"/><text x=\"" + num(lx + 113) +
         "\" y=\"19\">breaking a rule</text>\n</g>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace truceline::report
