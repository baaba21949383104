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

}  // namespace truceline::monitor
