#include "report/daily_test_support.h"

#include <algorithm>

#include "monitor/observation.h"

namespace truceline::report::testing {

store::NewRecord observation_record(const monitor::Sighting& s, const plan::ZoneMap& map, const index::Locator& locator,
                                    const std::string& kind, const std::string& target_id) {
  monitor::Observation o;
  o.time_ms = s.time_ms;
  o.observer_id = s.observer_id.empty() ? "test-post" : s.observer_id;
  o.observer_kind = s.mode == "recorded" ? "camera" : "patrol";
  o.mode = s.mode.empty() ? "saw" : s.mode;
  o.event = s.event, o.explosion_type = s.explosion_type, o.count = s.count;
  if (s.observer) o.observer_lat = s.observer->lat, o.observer_lon = s.observer->lon;
  o.bearing_deg = s.bearing_deg;
  if (s.range_min_m) o.range_min_km = *s.range_min_m / 1000;
  if (s.range_max_m) o.range_max_km = *s.range_max_m / 1000;
  if (s.position) o.lat = s.position->lat, o.lon = s.position->lon;
  o.weapon = s.weapon, o.weapon_class = s.weapon_class;
  const monitor::Placement p = monitor::place(o, locator, map);
  store::NewRecord r;
  r.kind = kind;
  r.target_id = target_id;
  r.submitter = o.observer_id;
  r.body = nlohmann::json{{"observation", monitor::to_json(o)}, {"placement", monitor::to_json(p)}};
  r.index = {o.time_ms, o.event, p.zone_id, p.zone_kind, p.responsible, p.lat, p.lon};
  return r;
}

void store_sightings(store::Store& store, const std::vector<monitor::Sighting>& obs, const plan::ZoneMap& map,
                     const index::Locator& locator) {
  constexpr size_t kBatch = 1000;
  for (size_t i = 0; i < obs.size(); i += kBatch) {
    std::vector<store::NewRecord> batch;
    for (size_t k = i; k < std::min(obs.size(), i + kBatch); ++k) batch.push_back(observation_record(obs[k], map, locator));
    store.append(batch, "", "");
  }
}

}  // namespace truceline::report::testing
