#include "monitor/incident_json.h"

#include "monitor/observation.h"

namespace truceline::monitor {

using nlohmann::json;

json incident_json(const Incident& inc, const std::string& id, int revision) {
  json violations = json::array();
  for (const auto& v : inc.violations) violations.push_back(json{{"rule", v.rule}, {"severity", v.severity}});
  json j{{"id", id},
         {"revision", revision},
         {"first_time", format_time_ms(inc.first_ms)},
         {"last_time", format_time_ms(inc.last_ms)},
         {"event", inc.event},
         {"n_observations", inc.observation_ids.size()},
         {"observation_ids", inc.observation_ids},
         {"zone", inc.zone},
         {"zone_kind", inc.zone_kind},
         {"responsible", inc.responsible},
         {"side", inc.side},
         {"origin_side", inc.origin_side},
         {"crossed_line", inc.crossed_line},
         {"violations", violations}};
  if (inc.fix.ok) {
    j["lat"] = inc.fix.pos.lat, j["lon"] = inc.fix.pos.lon;
    j["err_major_m"] = inc.fix.err.major_m, j["err_minor_m"] = inc.fix.err.minor_m;
    j["err_azimuth_deg"] = inc.fix.err.azimuth_deg;
  } else {
    for (const char* k : {"lat", "lon", "err_major_m", "err_minor_m", "err_azimuth_deg"}) j[k] = nullptr;
  }
  return j;
}

Sighting sighting_from_json(const json& o, const std::string& id, const plan::MonitoringDefaults& monitoring) {
  const auto text = [&](const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  const auto number = [&](const char* k) -> std::optional<double> {
    if (o.contains(k) && o[k].is_number()) return o[k].get<double>();
    return std::nullopt;
  };
  Sighting s;
  s.id = id;
  s.time_ms = o.value("time_ms", int64_t{0});
  s.event = text("event"), s.explosion_type = text("explosion_type"), s.mode = text("mode");
  s.weapon = text("weapon"), s.weapon_class = text("weapon_class"), s.observer_id = text("observer_id");
  s.count = o.value("count", 1);
  if (const auto lat = number("observer_lat"), lon = number("observer_lon"); lat && lon) s.observer = geo::LonLat{*lon, *lat};
  s.bearing_deg = number("bearing_deg");
  // As the CSV reader does: a bearing of unknown mode gets the wider σ.
  s.bearing_sigma_deg = s.mode == "saw" || s.mode == "recorded" ? monitoring.bearing_sigma_saw_deg : monitoring.bearing_sigma_heard_deg;
  if (const auto lo = number("range_min_km"), hi = number("range_max_km"); lo && hi) s.range_min_m = *lo * 1000, s.range_max_m = *hi * 1000;
  if (const auto lat = number("lat"), lon = number("lon"); lat && lon) s.position = geo::LonLat{*lon, *lat};
  return s;
}

int severity_rank(const std::string& severity) {
  if (severity == "low") return 1;
  if (severity == "medium") return 2;
  if (severity == "high") return 3;
  if (severity == "critical") return 4;
  return 0;
}

}  // namespace truceline::monitor
