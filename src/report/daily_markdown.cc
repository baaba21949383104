// The daily report as Markdown: the same sections as the HTML page, tables in GitHub's pipe
// syntax, the map and the chart as images in SVG files the caller writes beside it.
#include <string>

#include "report/daily_format.h"
#include "report/daily_render.h"

namespace truceline::report {
namespace {

namespace fmt = daily_format;
using fmt::md_cell;

std::string count_line(const std::string& label, long today, long previous) {
  return "| " + md_cell(label) + " | " + fmt::thousands(today) + " | " + fmt::thousands(previous) + " | " +
         fmt::signed_delta(today - previous) + " |\n";
}

std::string count_table(const std::string& heading, const std::string& first_column, const std::vector<CountRow>& rows) {
  std::string out = "## " + heading + "\n\n| " + first_column + " | today | previous day | change |\n|---|---:|---:|---:|\n";
  for (const auto& c : rows) out += count_line(c.label, c.today, c.previous);
  return out + "\n";
}

}  // namespace

namespace {

std::string section(const fmt::Section& sec) {
  std::string out = "## " + sec.title + "\n\n";
  if (sec.rows.empty()) return out + sec.empty + "\n\n";
  std::string head = "|", rule = "|";
  for (size_t c = 0; c < sec.head.size(); ++c) head += " " + md_cell(sec.head[c]) + " |", rule += sec.numeric[c] ? "---:|" : "---|";
  out += head + "\n" + rule + "\n";
  for (const auto& row : sec.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + md_cell(cell) + " |";
    out += "\n";
  }
  return out + "\n";
}

}  // namespace

std::string daily_markdown(const DailyReport& r, const std::string& map_svg, const std::string& trend_svg) {
  std::string out = "# " + fmt::title(r) + " — " + md_cell(r.plan_name) + "\n\n";
  out += "Period covered: " + fmt::period(r) + ". Cut-off: " + fmt::cutoff(r) + ".\n\n";
  out += "Record at the cut-off: " + fmt::thousands(r.head.count) + " records, head `" + r.head.hash + "`.\n\n";
  if (r.late_observations > 0)
    out += fmt::thousands(r.late_observations) +
           " observations of the day were received after the cut-off and are not in this report.\n\n";
  out += "**" + fmt::thousands(r.incidents) + "** incidents (" + fmt::signed_delta(r.incidents - r.incidents_previous) +
         " on the previous day), **" + fmt::thousands(r.violating) + "** breaking a rule (" +
         fmt::signed_delta(r.violating - r.violating_previous) + "), from " + fmt::thousands(r.observations) +
         " observations.\n\n";
  out += "![Map of the day's incidents](" + map_svg + ")\n\n![Incidents per day](" + trend_svg + ")\n\n";
  out += "## Summary\n\n|  | today | previous day | change |\n|---|---:|---:|---:|\n";
  out += count_line("Observations", r.observations, r.observations_previous);
  out += count_line("Incidents", r.incidents, r.incidents_previous);
  out += count_line("Incidents breaking a rule", r.violating, r.violating_previous) + "\n";
  out += count_table("Incidents by zone", "zone", r.by_zone);
  out += count_table("Incidents by responsible contingent", "responsible", r.by_contingent);
  out += count_table("Incidents by event type", "event", r.by_event);
  out += count_table("Rules broken", "rule (severity)", r.by_rule);

  out += "## Weapons seen inside withdrawal bands\n\n";
  if (r.band_weapons.empty()) {
    out += "None seen.\n\n";
  } else {
    out += "| incident | weapon class | band | side | band, km | seen at, km from the line | rule |\n"
           "|---:|---|---|---|---:|---:|---|\n";
    for (const auto& w : r.band_weapons)
      out += "| " + std::to_string(w.incident_number) + " | " + md_cell(w.weapon_class) + " | " + md_cell(w.band) +
             " | " + md_cell(w.side) + " | " + fmt::fixed(w.band_km, 0) + " | " + fmt::fixed(w.dist_line_km, 1) +
             " | " + md_cell(w.rule + " (" + w.severity + ")") + " |\n";
    out += "\n";
  }

  for (const fmt::Section& sec : fmt::other_sections(r)) out += section(sec);

  out += "## Incidents of the day\n\n";
  if (r.rows.empty()) {
    out += "No incidents.\n\n";
  } else {
    out += "| # | time | event | place | zone | responsible | violations | obs. | km to line |\n"
           "|---:|---|---|---|---|---|---|---:|---:|\n";
    for (const auto& row : r.rows)
      out += "| " + std::to_string(row.number) + " | " + fmt::time_span(r, row.incident) + " | " +
             md_cell(row.incident.event) + " | " + md_cell(fmt::place(row)) + " | " + md_cell(row.zone_name) + " | " +
             md_cell(row.responsible_name) + " | " + md_cell(fmt::violations(row.incident)) + " | " +
             std::to_string(row.observations) + " | " + fmt::distance_to_line(row) + " |\n";
    out += "\n";
  }
  out += "## Method\n\n" + fmt::method_note(r) + "\n";
  return out;
}

}  // namespace truceline::report
