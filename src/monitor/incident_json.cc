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
    j["position_method"] = inc.fix.given_by.empty() ? "estimated" : "given";
    j["position_given_by"] = inc.fix.given_by.empty() ? json(nullptr) : json(inc.fix.given_by);
  } else {
    for (const char* k : {"lat", "lon", "err_major_m", "err_minor_m", "err_azimuth_deg", "position_method", "position_given_by"})
      j[k] = nullptr;
  }
  return j;
}

Incident incident_from_json(const json& j) {
  Incident inc;
  const auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  const auto number = [&](const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; };
  inc.id = text("id");
  inc.first_ms = parse_time_ms(text("first_time")).value_or(0);
  inc.last_ms = parse_time_ms(text("last_time")).value_or(0);
  inc.event = text("event"), inc.zone = text("zone"), inc.zone_kind = text("zone_kind");
  inc.responsible = text("responsible"), inc.side = text("side"), inc.origin_side = text("origin_side");
  inc.crossed_line = j.value("crossed_line", false);
  if (j.contains("observation_ids") && j["observation_ids"].is_array())
    for (const json& o : j["observation_ids"])
      if (o.is_string()) inc.observation_ids.push_back(o.get<std::string>());
  if (j.contains("violations") && j["violations"].is_array())
    for (const json& v : j["violations"]) inc.violations.push_back({v.value("rule", ""), v.value("severity", "")});
  inc.fix.ok = j.contains("lat") && j["lat"].is_number() && j.contains("lon") && j["lon"].is_number();
  if (inc.fix.ok) {
    inc.fix.pos = {number("lon"), number("lat")};
    inc.fix.err = {number("err_major_m"), number("err_minor_m"), number("err_azimuth_deg")};
  }
  return inc;
}

}  // namespace truceline::monitor
