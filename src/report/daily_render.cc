#include "report/daily_render.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "monitor/observation.h"
#include "plan/severity.h"
#include "report/daily_format.h"
#include "report/svg_map.h"
#include "report/trend_chart.h"

namespace truceline::report {
namespace {

namespace fmt = daily_format;
using nlohmann::ordered_json;

// Numbers beside the markers only while they stay readable; beyond that the table is the key.
constexpr size_t kMaxLabelledMarkers = 60;
// The frame around the day's incidents: a fifth more on each side, and at least this many
// degrees across, so a single incident still shows its surroundings.
constexpr double kPadFraction = 0.2;
constexpr double kMinSpanDeg = 0.6;
// svg_map's layout: margins, title and legend gap around the frame, and a legend row.
constexpr double kSvgMapMarginPx = 20;
constexpr double kSvgMapChromePx = 2 * kSvgMapMarginPx + 56 + 16;
constexpr double kSvgMapLegendRowPx = 20;

// `aspect` is the height over the width the map's frame should have: the box grows in one
// direction to fill it, so the page's map area is used rather than left blank at the sides.
std::optional<geo::LonLatBox> incidents_box(const DailyReport& r, double aspect) {
  std::optional<geo::LonLatBox> b;
  for (const auto& row : r.rows) {
    if (!row.incident.fix.ok) continue;
    const geo::LonLat p = row.incident.fix.pos;
    if (!b) b = geo::LonLatBox{p.lon, p.lat, p.lon, p.lat};
    b->min_lon = std::min(b->min_lon, p.lon), b->max_lon = std::max(b->max_lon, p.lon);
    b->min_lat = std::min(b->min_lat, p.lat), b->max_lat = std::max(b->max_lat, p.lat);
  }
  if (!b) return b;
  const auto pad = [](double& lo, double& hi) {
    const double span = std::max(hi - lo, kMinSpanDeg), mid = (lo + hi) / 2;
    lo = mid - span * (0.5 + kPadFraction), hi = mid + span * (0.5 + kPadFraction);
  };
  pad(b->min_lon, b->max_lon);
  pad(b->min_lat, b->max_lat);
  // Degrees of longitude shrink with the cosine of the latitude; good to a few per cent over a
  // box of a few degrees, which is all the framing needs.
  const double cos_lat = std::cos((b->min_lat + b->max_lat) / 2 * 3.14159265358979323846 / 180);
  const double w = (b->max_lon - b->min_lon) * cos_lat, h = b->max_lat - b->min_lat;
  const auto grow = [](double& lo, double& hi, double span) {
    const double mid = (lo + hi) / 2;
    lo = mid - span / 2, hi = mid + span / 2;
  };
  if (h < aspect * w) grow(b->min_lat, b->max_lat, aspect * w);
  else grow(b->min_lon, b->max_lon, h / aspect / cos_lat);
  return b;
}

ordered_json count_json(const std::vector<CountRow>& rows) {
  ordered_json out = ordered_json::array();
  for (const auto& c : rows)
    out.push_back({{"key", c.key}, {"label", c.label}, {"today", c.today}, {"previous_day", c.previous}, {"delta", c.delta()}});
  return out;
}

ordered_json incident_json(const DailyReport& r, const IncidentRow& row) {
  const auto& inc = row.incident;
  ordered_json j{{"number", row.number},
                 {"id", inc.id},
                 {"first_time", monitor::format_time_ms(inc.first_ms)},
                 {"last_time", monitor::format_time_ms(inc.last_ms)},
                 {"local_time", fmt::time_span(r, inc)},
                 {"event", inc.event},
                 {"place", fmt::place(row)}};
  if (inc.fix.ok) {
    j["lat"] = inc.fix.pos.lat, j["lon"] = inc.fix.pos.lon;
    j["err_major_m"] = inc.fix.err.major_m, j["err_minor_m"] = inc.fix.err.minor_m;
    j["err_azimuth_deg"] = inc.fix.err.azimuth_deg;
  }
  if (!row.place.settlement.empty())
    j["nearest_settlement"] = {{"name", row.place.settlement},
                               {"distance_km", row.place.distance_km},
                               {"azimuth_deg", row.place.azimuth_deg},
                               {"direction", row.place.direction}};
  if (row.dist_line_km) j["dist_line_km"] = *row.dist_line_km;
  j["zone"] = inc.zone, j["zone_name"] = row.zone_name, j["zone_kind"] = inc.zone_kind;
  j["responsible"] = inc.responsible, j["responsible_name"] = row.responsible_name;
  j["side"] = inc.side, j["origin_side"] = inc.origin_side, j["crossed_line"] = inc.crossed_line;
  ordered_json v = ordered_json::array();
  for (const auto& x : inc.violations) v.push_back({{"rule", x.rule}, {"severity", x.severity}});
  j["violations"] = v;
  j["n_observations"] = row.observations;
  j["observation_ids"] = inc.observation_ids;
  return j;
}

}  // namespace

std::string daily_map_svg(const DailyReport& r, const plan::ZoneMap& map, int width_px, int height_px) {
  SvgMapOptions opt;
  opt.width_px = width_px;
  // The frame left for the map once the title, legend and margins of svg_map are taken.
  std::vector<std::string> kinds;
  for (const auto& l : map.lines)
    if (std::find(kinds.begin(), kinds.end(), l.kind) == kinds.end()) kinds.push_back(l.kind);
  const double legend_rows = static_cast<double>(std::max(map.zones.size(), kinds.size() + 5));
  const double frame_h = std::max(100.0, height_px - kSvgMapChromePx - kSvgMapLegendRowPx * legend_rows);
  opt.extent = incidents_box(r, frame_h / (width_px - 2 * kSvgMapMarginPx));
  opt.label_min_population = opt.extent ? 20'000 : 200'000;
  opt.subtitle = fmt::title(r) + " · incidents of " + r.window.day + " (UTC" + r.window.tz + ") · Lambert conformal conic";
  const bool labelled = r.rows.size() <= kMaxLabelledMarkers;
  // Gravest on top: drawn last.
  std::vector<const IncidentRow*> rows;
  for (const auto& row : r.rows)
    if (row.incident.fix.ok) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(), [](const IncidentRow* a, const IncidentRow* b) {
    return plan::severity_rank(a->max_severity) < plan::severity_rank(b->max_severity);
  });
  for (const auto* row : rows) {
    SvgMarker m;
    m.pos = row->incident.fix.pos;
    m.colour = fmt::severity_colour(row->max_severity);
    m.radius_px = row->max_severity.empty() ? 3.5 : 4.5;
    if (labelled) m.label = std::to_string(row->number);
    m.title = "#" + std::to_string(row->number) + " " + fmt::time_span(r, row->incident) + " " + row->incident.event +
              ", " + fmt::place(*row);
    opt.markers.push_back(std::move(m));
  }
  for (auto sev = plan::kSeverities.rbegin(); sev != plan::kSeverities.rend(); ++sev)
    if (std::any_of(r.rows.begin(), r.rows.end(), [&](const IncidentRow& x) { return x.max_severity == *sev; }))
      opt.marker_legend.push_back({fmt::severity_colour(std::string(*sev)), "Incident breaking a " + std::string(*sev) + "-severity rule"});
  opt.marker_legend.push_back({fmt::severity_colour(""), "Incident breaking no rule"});
  return svg_map(map, opt);
}

std::string daily_trend_svg(const DailyReport& r, int width_px, int height_px) {
  TrendChartOptions opt;
  opt.width_px = width_px, opt.height_px = height_px;
  opt.title = "Incidents per day, " + std::to_string(r.trend.size()) + " days to " + r.window.day;
  return trend_chart_svg(r.trend, opt);
}

std::string daily_json(const DailyReport& r) {
  ordered_json j;
  j["report"] = {{"title", fmt::title(r)}, {"number", r.number}, {"year", r.year}, {"day", r.window.day},
                 {"tz", r.window.tz}, {"start", monitor::format_time_ms(r.window.start_ms)},
                 {"end", monitor::format_time_ms(r.window.end_ms)}, {"cutoff", monitor::format_time_ms(r.cutoff_ms)}};
  j["plan"] = {{"name", r.plan_name}, {"date", r.plan_date}};
  j["chain_at_cutoff"] = {{"count", r.head.count},
                          {"hash", r.head.hash},
                          {"last_received", r.head.count ? monitor::format_time_ms(r.head.received_ms) : ""}};
  j["late_observations"] = r.late_observations;
  j["totals"] = {
      {"observations", {{"today", r.observations}, {"previous_day", r.observations_previous}, {"delta", r.observations - r.observations_previous}}},
      {"incidents", {{"today", r.incidents}, {"previous_day", r.incidents_previous}, {"delta", r.incidents - r.incidents_previous}}},
      {"violating_incidents", {{"today", r.violating}, {"previous_day", r.violating_previous}, {"delta", r.violating - r.violating_previous}}}};
  j["by_zone"] = count_json(r.by_zone);
  j["by_contingent"] = count_json(r.by_contingent);
  j["by_event"] = count_json(r.by_event);
  j["by_rule"] = count_json(r.by_rule);
  ordered_json incidents = ordered_json::array();
  for (const auto& row : r.rows) incidents.push_back(incident_json(r, row));
  j["incidents"] = incidents;
  ordered_json bands = ordered_json::array();
  for (const auto& w : r.band_weapons)
    bands.push_back({{"incident", w.incident_number}, {"weapon_class", w.weapon_class}, {"side", w.side},
                     {"band", w.band}, {"band_km", w.band_km}, {"dist_line_km", w.dist_line_km},
                     {"rule", w.rule}, {"severity", w.severity}});
  j["weapons_in_withdrawal_bands"] = bands;
  ordered_json fom = ordered_json::array();
  for (const RestrictionRow& x : r.restrictions)
    fom.push_back({{"incident", x.incident_number}, {"restriction_type", x.type},
                   {"imposed_by", x.imposed_by.empty() ? ordered_json(nullptr) : ordered_json(x.imposed_by)},
                   {"duration_min", x.duration_min ? ordered_json(*x.duration_min) : ordered_json(nullptr)}, {"reports", x.reports}});
  j["restrictions"] = fom;
  ordered_json sites = ordered_json::array();
  for (const SiteCheckRow& x : r.site_checks)
    sites.push_back({{"incident", x.incident_number}, {"site_id", x.site_id}, {"site_status", x.status}, {"weapons", x.weapons}});
  j["weapons_sites"] = sites;
  const CasualtyTotals& c = r.casualties;
  j["casualties"] = {{"killed", c.killed}, {"injured", c.injured}, {"civilian_killed", c.civilian_killed},
                     {"civilian_injured", c.civilian_injured}, {"incidents", c.incidents},
                     {"corroborated_incidents", c.corroborated_incidents}};
  j["damage"] = count_json(r.damage);
  ordered_json trend = ordered_json::array();
  for (const auto& d : r.trend) trend.push_back({{"day", d.date}, {"incidents", d.incidents}, {"violating", d.violating}});
  j["trend"] = trend;
  j["method"] = fmt::method_note(r);
  return j.dump(2) + "\n";
}

}  // namespace truceline::report
