#include "formats/records.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace truceline::formats {

namespace {

// What the record stored was validated on the way in; parsing it again gives the typed form.
// The future-time rule does not apply to a record read back.
monitor::Observation observation_of(const store::Record& rec) {
  nlohmann::json o = rec.body.at("observation");
  o.erase("time_ms");
  try {
    return monitor::parse_observation(o, std::numeric_limits<int64_t>::max() / 2);
  } catch (const monitor::ValidationError& e) {
    throw store::StoreError("record " + rec.id + ": the stored observation does not parse: " + e.what());
  }
}

}  // namespace

std::vector<RecordedObservation> current_observations(store::Store& store, std::optional<int64_t> since_ms,
                                                      std::optional<int64_t> until_ms, int page) {
  std::vector<RecordedObservation> all;
  std::unordered_map<std::string, size_t> at;  // observation id → index in `all`
  std::vector<bool> retracted;
  store::Query q;
  q.kind = "";
  q.limit = page;
  for (;;) {
    const std::vector<store::Record> recs = store.query(q);
    for (const auto& rec : recs) {
      if (rec.kind == "observation") {
        at[rec.id] = all.size();
        all.push_back({rec.id, observation_of(rec)});
        retracted.push_back(false);
      } else if (const auto it = at.find(rec.target_id); it != at.end()) {
        if (rec.kind == "retraction") retracted[it->second] = true;
        else if (rec.kind == "correction") all[it->second].obs = observation_of(rec);
      }
    }
    if (static_cast<int>(recs.size()) < q.limit) break;
    q.after_seq = recs.back().seq;
  }
  std::vector<RecordedObservation> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const int64_t t = all[i].obs.time_ms;
    if (retracted[i] || (since_ms && t < *since_ms) || (until_ms && t >= *until_ms)) continue;
    out.push_back(std::move(all[i]));
  }
  return out;
}

monitor::Sighting sighting_of(const RecordedObservation& r, const SightingOptions& opt) {
  const monitor::Observation& o = r.obs;
  monitor::Sighting s;
  s.id = r.id;
  s.time_ms = o.time_ms;
  s.event = o.event, s.explosion_type = o.explosion_type, s.mode = o.mode;
  s.weapon = o.weapon, s.weapon_class = o.weapon_class, s.observer_id = o.observer_id;
  s.count = o.count;
  if (o.observer_lat) s.observer = geo::LonLat{*o.observer_lon, *o.observer_lat};
  s.bearing_deg = o.bearing_deg;
  s.bearing_sigma_deg = o.mode == "saw" || o.mode == "recorded" ? opt.sigma_saw_deg : opt.sigma_heard_deg;
  if (o.range_min_km) s.range_min_m = *o.range_min_km * 1000, s.range_max_m = *o.range_max_km * 1000;
  if (o.lat) s.position = geo::LonLat{*o.lon, *o.lat};
  s.position_sigma_m = opt.given_err_m;
  if (o.acled) {
    static constexpr double kSigmaByPrecision[] = {2'000, 10'000, 50'000};
    s.position_sigma_m = kSigmaByPrecision[std::clamp(o.acled->geo_precision, 1, 3) - 1];
  }
  return s;
}

}  // namespace truceline::formats
