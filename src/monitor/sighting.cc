#include "monitor/sighting.h"

#include <limits>

#include "monitor/uncertainty.h"

namespace truceline::monitor {

Sighting sighting_of(const Observation& o, const std::string& id, const PlaceOptions& opt) {
  Sighting s;
  s.id = id;
  s.time_ms = o.time_ms;
  s.event = o.event, s.explosion_type = o.explosion_type, s.mode = o.mode;
  s.weapon = o.weapon, s.weapon_class = o.weapon_class, s.observer_id = o.observer_id;
  s.observer_kind = o.observer_kind;
  s.count = o.count;
  if (o.observer_lat && o.observer_lon) s.observer = geo::LonLat{*o.observer_lon, *o.observer_lat};
  s.bearing_deg = o.bearing_deg;
  s.bearing_sigma_deg = bearing_sigma_deg(o.mode, opt.bearing_sigma_saw_deg, opt.bearing_sigma_heard_deg);
  if (o.range_min_km && o.range_max_km) s.range_min_m = *o.range_min_km * 1000, s.range_max_m = *o.range_max_km * 1000;
  if (o.lat && o.lon) s.position = geo::LonLat{*o.lon, *o.lat};
  s.position_sigma_m = o.acled ? acled_position_sigma_m(o.acled->geo_precision) : opt.given_err_m;
  if (!s.position && !s.bearing_deg && s.observer && at_observer(o.event))
    s.position = s.observer, s.position_sigma_m = kAtObserverSigmaM;
  s.restriction_type = o.restriction_type, s.imposed_by = o.imposed_by, s.duration_min = o.duration_min;
  s.site_id = o.site_id, s.site_status = o.site_status, s.weapons = o.weapons;
  if (const auto& c = o.casualties)
    s.killed = c->killed, s.injured = c->injured, s.civilian = c->civilian, s.corroborated = c->corroborated;
  s.damage = o.damage;
  return s;
}

Observation stored_observation(const nlohmann::json& observation) {
  nlohmann::json o = observation;
  o.erase("time_ms");  // written beside "time" for readers; not a field a report may send
  return parse_observation(o, std::numeric_limits<int64_t>::max() / 2);
}

Sighting stored_sighting(const nlohmann::json& observation, const std::string& id, const PlaceOptions& opt) {
  return sighting_of(stored_observation(observation), id, opt);
}

}  // namespace truceline::monitor
