#include "report/timeline_outputs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/csv.h"
#include "io/geojson.h"
#include "report/daily_format.h"
#include "report/svg_map.h"

namespace truceline::report {
namespace {

// The report's fixed-decimal formatting (daily_format.h), under a short name for the SVG's many numbers.
std::string num(double v, int decimals) { return daily_format::fixed(v, decimals); }

long population(const plan::TimelineStep& s, bool taken) {
  long n = 0;
  for (const auto& c : s.settlements) n += c.taken == taken ? c.population : 0;
  return n;
}

long count(const plan::TimelineStep& s, bool taken) {
  return std::count_if(s.settlements.begin(), s.settlements.end(), [&](const auto& c) { return c.taken == taken; });
}

}  // namespace

std::string timeline_csv(const std::vector<plan::TimelineStep>& steps) {
  std::string out =
      "date,area_km2,taken_km2,returned_km2,net_km2,dropped_km2,taken_pieces,returned_pieces,dropped_pieces,"
      "settlements_taken,settlements_returned,population_taken,population_returned,line_km\n";
  for (const auto& s : steps) {
    out += s.date + "," + num(s.area_km2, 2) + "," + num(s.taken_km2, 2) + "," + num(s.returned_km2, 2) + "," +
           num(s.taken_km2 - s.returned_km2, 2) + "," + num(s.dropped_km2, 3) + "," + std::to_string(s.taken_pieces) +
           "," + std::to_string(s.returned_pieces) + "," + std::to_string(s.dropped_pieces) + "," +
           std::to_string(count(s, true)) + "," + std::to_string(count(s, false)) + "," +
           std::to_string(population(s, true)) + "," + std::to_string(population(s, false)) + "," +
           (s.line_km >= 0 ? num(s.line_km, 1) : "") + "\n";
  }
  return out;
}

std::string timeline_settlements_csv(const std::vector<plan::TimelineStep>& steps) {
  std::string out = "date,name,population,lat,lon,change\n";
  for (const auto& s : steps)
    for (const auto& c : s.settlements) {
      out += s.date + ",";
      io::append_csv_field(out, c.name);
      out += "," + std::to_string(c.population) + "," + num(c.pos.lat, 5) + "," + num(c.pos.lon, 5) + "," +
             (c.taken ? "taken" : "returned") + "\n";
    }
  return out;
}

nlohmann::json timeline_geojson(const std::vector<plan::TimelineStep>& steps) {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& s : steps) {
    for (const auto& [change, geom, km2] : {std::tuple{"taken", &s.taken, s.taken_km2}, std::tuple{"returned", &s.returned, s.returned_km2}}) {
      if (!*geom || geom->empty()) continue;
      features.push_back({{"type", "Feature"},
                          {"properties", {{"date", s.date}, {"change", change}, {"area_km2", std::round(km2 * 100) / 100}}},
                          {"geometry", io::geometry_to_json(*geom, 6)}});
    }
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

// Two panels over one time axis: the occupied area as a line (its own scale, from a round value
// under the minimum so that a 1 % change shows), and under it each date's ground taken (up, red)
// and given back (down, blue) as bars, since the date before.
std::string timeline_svg(const std::vector<plan::TimelineStep>& steps, int width_px, int height_px) {
  const double w = width_px, h = height_px, left = 70, right = 16, top = 34, gap = 30, bottom = 40;
  const double plot_w = w - left - right, upper_h = (h - top - gap - bottom) * 0.55, lower_h = (h - top - gap - bottom) * 0.45;
  const double lower_top = top + upper_h + gap;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(w, 0) + "\" height=\"" + num(h, 0) +
                    "\" viewBox=\"0 0 " + num(w, 0) + " " + num(h, 0) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  svg += "<text x=\"" + num(left, 0) + "\" y=\"18\" font-size=\"13\" font-weight=\"bold\">Occupied area (km²) and ground taken / given back since the date before (km²)</text>\n";
  if (steps.empty()) return svg + "</svg>\n";
  double lo = steps[0].area_km2, hi = lo, swing = 1;
  for (const auto& s : steps) lo = std::min(lo, s.area_km2), hi = std::max(hi, s.area_km2), swing = std::max({swing, s.taken_km2, s.returned_km2});
  lo = std::floor(lo / 1000) * 1000, hi = std::ceil(hi / 1000) * 1000 + (hi == lo ? 1000 : 0);
  const double slot = plot_w / static_cast<double>(steps.size());
  const auto x_of = [&](size_t i) { return left + slot * (static_cast<double>(i) + 0.5); };
  const auto y_area = [&](double a) { return top + upper_h * (1 - (a - lo) / (hi - lo)); };
  const double zero = lower_top + lower_h / 2;
  const auto bar = [&](double km2) { return lower_h / 2 * km2 / swing; };
  for (double v : {lo, (lo + hi) / 2, hi})
    svg += "<text x=\"" + num(left - 6, 0) + "\" y=\"" + num(y_area(v) + 4, 1) + "\" text-anchor=\"end\">" + num(v, 0) + "</text>\n"
           "<line x1=\"" + num(left, 0) + "\" x2=\"" + num(w - right, 0) + "\" y1=\"" + num(y_area(v), 1) + "\" y2=\"" + num(y_area(v), 1) + "\" stroke=\"#ddd\"/>\n";
  std::string path;
  for (size_t i = 0; i < steps.size(); ++i) path += (i ? " L" : "M") + num(x_of(i), 1) + "," + num(y_area(steps[i].area_km2), 1);
  svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#c8553d\" stroke-width=\"2\"/>\n";
  svg += "<line x1=\"" + num(left, 0) + "\" x2=\"" + num(w - right, 0) + "\" y1=\"" + num(zero, 1) + "\" y2=\"" + num(zero, 1) + "\" stroke=\"#999\"/>\n";
  svg += "<text x=\"" + num(left - 6, 0) + "\" y=\"" + num(lower_top + 4, 1) + "\" text-anchor=\"end\">+" + num(swing, 0) + "</text>\n"
         "<text x=\"" + num(left - 6, 0) + "\" y=\"" + num(lower_top + lower_h + 4, 1) + "\" text-anchor=\"end\">−" + num(swing, 0) + "</text>\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    const double bw = std::max(2.0, slot * 0.6), x = x_of(i) - bw / 2;
    const auto& s = steps[i];
    svg += "<rect x=\"" + num(x, 1) + "\" y=\"" + num(zero - bar(s.taken_km2), 1) + "\" width=\"" + num(bw, 1) + "\" height=\"" +
           num(bar(s.taken_km2), 1) + "\" fill=\"#c8553d\"><title>" + xml_escape(s.date) + ": " + num(s.taken_km2, 1) + " km² taken</title></rect>\n";
    svg += "<rect x=\"" + num(x, 1) + "\" y=\"" + num(zero, 1) + "\" width=\"" + num(bw, 1) + "\" height=\"" +
           num(bar(s.returned_km2), 1) + "\" fill=\"#3d6fc8\"><title>" + xml_escape(s.date) + ": " + num(s.returned_km2, 1) + " km² given back</title></rect>\n";
    if (i % 3 == 0 || i + 1 == steps.size())
      svg += "<text x=\"" + num(x_of(i), 1) + "\" y=\"" + num(h - bottom + 16, 0) + "\" text-anchor=\"middle\">" + xml_escape(s.date.substr(0, 7)) + "</text>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace truceline::report
