// The daily report as one self-contained HTML page: inline CSS and SVG, no scripts, no network,
// printable. The map and the chart sit at fixed places (kHtmlMapBox, kHtmlTrendBox) on screen,
// so that a screenshot can be checked; in print they scale to the page.
#include <string>

#include "report/daily_format.h"
#include "report/daily_render.h"

namespace truceline::report {
namespace {

namespace fmt = daily_format;
using fmt::html_escape;

std::string px(int v) { return std::to_string(v) + "px"; }

std::string css() {
  const PixelBox m = kHtmlMapBox, t = kHtmlTrendBox;
  return "*{box-sizing:border-box}\n"
         "html,body{margin:0;padding:0;background:#fff;color:#111;"
         "font:13px/1.4 'DejaVu Sans',Arial,Helvetica,sans-serif}\n"
         ".page{width:" + px(kHtmlPageWidth) + ";padding:0 " + px(m.x) + " 40px}\n"
         "header{height:" + px(m.y) + ";overflow:hidden;padding-top:16px}\n"
         "h1{font-size:22px;margin:0 0 6px}\nh2{font-size:16px;margin:0 0 6px}\n"
         "header p{margin:2px 0}\nfigure{margin:0}\n"
         "#map{width:" + px(m.width) + ";height:" + px(m.height) + ";overflow:hidden}\n"
         "#map svg{display:block;width:" + px(m.width) + ";height:" + px(m.height) + "}\n"
         "#trend{margin-top:" + px(t.y - m.y - m.height) + ";width:" + px(t.width) + ";height:" + px(t.height) +
         ";overflow:hidden}\n"
         "#trend svg{display:block;width:" + px(t.width) + ";height:" + px(t.height) + "}\n"
         "section{margin-top:24px}\ntable{border-collapse:collapse;width:100%}\n"
         "th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\n"
         "th{background:#f3f3f3}\ntd.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
         ".up{color:#a00}\n.down{color:#060}\ncode{font-size:11px;word-break:break-all}\n"
         ".note{color:#444}\ntd.t{white-space:nowrap}\ntable.counts td:first-child{width:55%}\n"
         "@page{size:A4;margin:12mm}\n"
         "@media print{.page{width:auto;padding:0}header{height:auto}"
         "#map,#trend,#map svg,#trend svg{width:100%;height:auto}"
         "figure,tr{break-inside:avoid}h2{break-after:avoid}}\n";
}

std::string delta_cell(long d) {
  const char* cls = d > 0 ? " up" : d < 0 ? " down" : "";
  return "<td class=\"n" + std::string(cls) + "\">" + fmt::signed_delta(d) + "</td>";
}

std::string count_row(const std::string& label, long today, long previous) {
  return "<tr><td>" + html_escape(label) + "</td><td class=\"n\">" + fmt::thousands(today) + "</td><td class=\"n\">" +
         fmt::thousands(previous) + "</td>" + delta_cell(today - previous) + "</tr>\n";
}

std::string count_table(const std::string& id, const std::string& heading, const std::string& first_column,
                        const std::vector<CountRow>& rows) {
  std::string out = "<section id=\"" + id + "\"><h2>" + html_escape(heading) + "</h2>\n<table class=\"counts\"><thead><tr><th>" +
                    html_escape(first_column) +
                    "</th><th class=\"n\">today</th><th class=\"n\">previous day</th><th class=\"n\">change</th></tr>"
                    "</thead><tbody>\n";
  for (const auto& c : rows) out += count_row(c.label, c.today, c.previous);
  return out + "</tbody></table></section>\n";
}

std::string header(const DailyReport& r) {
  std::string out = "<header>\n<h1>" + html_escape(fmt::title(r)) + " — " + html_escape(r.plan_name) + "</h1>\n";
  out += "<p>Period covered: " + html_escape(fmt::period(r)) + ". Cut-off: " + html_escape(fmt::cutoff(r)) + ".</p>\n";
  out += "<p>Record at the cut-off: " + fmt::thousands(r.head.count) + " records, head <code>" + r.head.hash +
         "</code></p>\n";
  if (r.late_observations > 0)
    out += "<p class=\"note\">" + fmt::thousands(r.late_observations) +
           " observations of the day were received after the cut-off and are not in this report.</p>\n";
  out += "<p><b>" + fmt::thousands(r.incidents) + "</b> incidents (" + fmt::signed_delta(r.incidents - r.incidents_previous) +
         " on the previous day), <b>" + fmt::thousands(r.violating) + "</b> breaking a rule (" +
         fmt::signed_delta(r.violating - r.violating_previous) + "), from " + fmt::thousands(r.observations) +
         " observations.</p>\n</header>\n";
  return out;
}

std::string summary(const DailyReport& r) {
  std::string out =
      "<section id=\"summary\"><h2>Summary</h2>\n<table class=\"counts\"><thead><tr><th></th><th class=\"n\">today</th>"
      "<th class=\"n\">previous day</th><th class=\"n\">change</th></tr></thead><tbody>\n";
  out += count_row("Observations", r.observations, r.observations_previous);
  out += count_row("Incidents", r.incidents, r.incidents_previous);
  out += count_row("Incidents breaking a rule", r.violating, r.violating_previous);
  return out + "</tbody></table></section>\n";
}

std::string band_weapons(const DailyReport& r) {
  std::string out = "<section id=\"bands\"><h2>Weapons seen inside withdrawal bands</h2>\n";
  if (r.band_weapons.empty()) return out + "<p>None seen.</p></section>\n";
  out += "<table><thead><tr><th class=\"n\">incident</th><th>weapon class</th><th>band</th><th>side</th>"
         "<th class=\"n\">band, km</th><th class=\"n\">seen at, km from the line</th><th>rule</th></tr></thead><tbody>\n";
  for (const auto& w : r.band_weapons)
    out += "<tr><td class=\"n\">" + std::to_string(w.incident_number) + "</td><td>" + html_escape(w.weapon_class) +
           "</td><td>" + html_escape(w.band) + "</td><td>" + html_escape(w.side) + "</td><td class=\"n\">" +
           fmt::fixed(w.band_km, 0) + "</td><td class=\"n\">" + fmt::fixed(w.dist_line_km, 1) + "</td><td>" +
           html_escape(w.rule + " (" + w.severity + ")") + "</td></tr>\n";
  return out + "</tbody></table></section>\n";
}

std::string section(const fmt::Section& sec) {
  std::string out = "<section id=\"" + sec.id + "\"><h2>" + html_escape(sec.title) + "</h2>\n";
  if (sec.rows.empty()) return out + "<p>" + html_escape(sec.empty) + "</p></section>\n";
  const auto cell = [&](const char* tag, size_t c, const std::string& text) {
    return std::string("<") + tag + (sec.numeric[c] ? " class=\"n\">" : ">") + html_escape(text) + "</" + tag + ">";
  };
  out += "<table><thead><tr>";
  for (size_t c = 0; c < sec.head.size(); ++c) out += cell("th", c, sec.head[c]);
  out += "</tr></thead><tbody>\n";
  for (const auto& row : sec.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) out += cell("td", c, row[c]);
    out += "</tr>\n";
  }
  return out + "</tbody></table></section>\n";
}

std::string incidents(const DailyReport& r) {
  std::string out = "<section id=\"incidents\"><h2>Incidents of the day</h2>\n";
  if (r.rows.empty()) return out + "<p>No incidents.</p></section>\n";
  out += "<table><thead><tr><th class=\"n\">#</th><th>time</th><th>event</th><th>place</th><th>zone</th>"
         "<th>responsible</th><th>violations</th><th class=\"n\">obs.</th><th class=\"n\">km to line</th></tr>"
         "</thead><tbody>\n";
  for (const auto& row : r.rows)
    out += "<tr><td class=\"n\">" + std::to_string(row.number) + "</td><td class=\"t\">" + fmt::time_span(r, row.incident) +
           "</td><td>" + html_escape(row.incident.event) + "</td><td>" + html_escape(fmt::place(row)) + "</td><td>" +
           html_escape(row.zone_name) + "</td><td>" + html_escape(row.responsible_name) + "</td><td>" +
           html_escape(fmt::violations(row.incident)) + "</td><td class=\"n\">" + std::to_string(row.observations) +
           "</td><td class=\"n\">" + fmt::distance_to_line(row) + "</td></tr>\n";
  return out + "</tbody></table></section>\n";
}

}  // namespace

std::string daily_html(const DailyReport& r, const plan::ZoneMap& map) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    html_escape(fmt::title(r) + " — " + r.window.day) + "</title>\n<style>\n" + css() +
                    "</style>\n</head>\n<body>\n<div class=\"page\">\n";
  out += header(r);
  out += "<figure id=\"map\">\n" + daily_map_svg(r, map, kHtmlMapBox.width, kHtmlMapBox.height) + "</figure>\n";
  out += "<figure id=\"trend\">\n" + daily_trend_svg(r, kHtmlTrendBox.width, kHtmlTrendBox.height) + "</figure>\n";
  out += summary(r);
  out += count_table("by-zone", "Incidents by zone", "zone", r.by_zone);
  out += count_table("by-contingent", "Incidents by responsible contingent", "responsible", r.by_contingent);
  out += count_table("by-event", "Incidents by event type", "event", r.by_event);
  out += count_table("by-rule", "Rules broken", "rule (severity)", r.by_rule);
  out += band_weapons(r);
  for (const fmt::Section& sec : fmt::other_sections(r)) out += section(sec);
  out += incidents(r);
  out += "<section id=\"method\"><h2>Method</h2>\n<p class=\"note\">" + html_escape(fmt::method_note(r)) +
         "</p></section>\n";
  return out + "</div>\n</body>\n</html>\n";
}

}  // namespace truceline::report
